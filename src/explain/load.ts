/**
 * Loading what explain runs: the source module (for its samples and, in the
 * step-size study, the function itself), the functions adgen cannot see into
 * that the IR calls, and the generated gradient module, all with tsx, so
 * that TypeScript files and relative imports work without a build step.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import type { Externals } from "./evaluate.js";

export type Module = Record<string, unknown>;

export async function importSource(sourcePath: string): Promise<Module> {
  return (await tsImport(pathToFileURL(path.resolve(sourcePath)).href, import.meta.url)) as Module;
}

export class LoadError extends Error {}

/**
 * The external functions by their key, from the imports the generated module
 * would have (`import { a, b as c } from "m";`, relative to the source).
 * A function the source only declares has no code to run.
 */
export async function loadExternals(sourcePath: string, headers: Map<string, { name: string; header: string }>): Promise<Externals> {
  const parent = pathToFileURL(path.resolve(sourcePath)).href;
  const found = new Map<string, (...args: unknown[]) => unknown>();
  for (const [key, { name, header }] of headers) {
    const m = /^import \{ (.*) \} from "(.*)";$/.exec(header);
    if (!m) throw new LoadError(`'${name}' is only declared in the source; explain needs its code to evaluate the function`);
    const module = (await tsImport(m[2]!, parent)) as Module;
    for (const spec of m[1]!.split(",").map((s) => s.trim())) {
      const [imported, local] = spec.split(/\s+as\s+/) as [string, string | undefined];
      if ((local ?? imported) !== name) continue;
      const fn = module[imported];
      if (typeof fn !== "function") throw new LoadError(`'${imported}' from "${m[2]}" is not a function`);
      found.set(key, fn as (...args: unknown[]) => unknown);
    }
  }
  return found;
}

/**
 * Imports a generated gradient module's text: written to a temporary
 * directory with its relative imports made absolute (they are relative to
 * the source), then removed again.
 */
export async function importGenerated(sourcePath: string, text: string): Promise<Module> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "adgen-explain-"));
  const sourceDir = path.dirname(path.resolve(sourcePath));
  const rewritten = text.replace(/from "(\.\.?\/[^"]*)"/g, (_, spec: string) => `from ${JSON.stringify(pathToFileURL(path.resolve(sourceDir, spec)).href)}`);
  const file = path.join(dir, `${path.basename(sourcePath, path.extname(sourcePath))}.grad.ts`);
  try {
    writeFileSync(file, rewritten);
    return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Module;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
