/**
 * Which imports the bundler plugin serves: a specifier naming a gradient
 * module beside its source, `./loss.grad` or `./loss.grad.js` (or `.ts`,
 * and `.mjs`/`.mts`, `.cjs`/`.cts` beside a `.mts`/`.cts` source), resolves to
 * the path `outputPathFor` gives (`/abs/loss.grad.ts`) when the source
 * `/abs/loss.ts` exists, whether or not the generated file is on disk. A
 * JavaScript source (`loss.js`, `loss.mjs`, `loss.cjs`) is looked for after
 * the TypeScript ones, so a `loss.js` that tsc wrote beside `loss.ts` is
 * not taken for the source; its gradient module is JavaScript
 * (`/abs/loss.grad.js`).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { outputPathFor } from "../generate.js";

/** `.grad`, `.grad.js`, `.grad.ts`, `.grad.mjs`, ... at the end of a specifier or id. */
export const GRADIENT_ID = /\.grad(\.[mc]?[jt]s)?$/;

const SOURCE_EXTENSIONS = {
  ".ts": [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"],
  ".mts": [".mts", ".mjs"],
  ".cts": [".cts", ".cjs"],
} as const;

/** The source a gradient specifier names, looked for relative to the importer, as a file path, and under `root`. */
export function sourceOfGradient(specifier: string, importer: string | undefined, root: string): string | undefined {
  const clean = specifier.replace(/[?#].*$/, "");
  const match = GRADIENT_ID.exec(clean);
  if (!match) return undefined;
  const stem = clean.slice(0, match.index);
  const written = match[1] ?? "";
  const kind = written.includes("m") ? ".mts" : written.includes("c") ? ".cts" : ".ts";
  const bases = stem.startsWith(".") ? (importer ? [path.resolve(path.dirname(importer), stem)] : []) : [stem, path.join(root, stem)];
  for (const base of bases) {
    const found = SOURCE_EXTENSIONS[kind].map((ext) => `${base}${ext}`).find((file) => path.isAbsolute(file) && existsSync(file));
    if (found) return found;
  }
  return undefined;
}

/** The id the plugin gives the gradient module of `source`: where the CLI would write it. */
export function gradientId(source: string): string {
  return outputPathFor(source);
}
