import { stat } from "node:fs/promises";
import path from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { UsageError } from "./exit.js";

/**
 * The absolute paths of the source files named by `patterns` (paths or globs,
 * relative to `cwd`), in command-line order without duplicates. Generated
 * `*.grad.ts` files and `.d.ts` files (and their `.mts`/`.cts` forms) are
 * skipped, so `adgen src/*.ts` can be rerun after the shell has expanded it to
 * include the outputs; globs also skip files that are not TypeScript.
 */
export async function resolveInputs(patterns: string[], cwd: string): Promise<string[]> {
  const files = new Set<string>();
  for (const pattern of patterns) {
    for (const file of await expand(pattern, cwd)) {
      if (isSource(file)) files.add(file);
    }
  }
  if (files.size === 0) throw new UsageError("no input files (*.grad.ts and *.d.ts files are skipped)");
  return [...files];
}

async function expand(pattern: string, cwd: string): Promise<string[]> {
  const literal = path.resolve(cwd, pattern);
  const stats = await stat(literal).catch(() => undefined);
  if (stats?.isFile()) {
    if (!SOURCE.test(literal)) throw new UsageError(`not a .ts, .mts or .cts file: ${pattern}`);
    return [literal];
  }
  if (stats?.isDirectory()) throw new UsageError(`${pattern} is a directory; pass files or a glob such as '${pattern}/*.ts'`);
  if (!isDynamicPattern(pattern)) throw new UsageError(`file not found: ${pattern}`);

  const matches = await glob(pattern, { cwd, absolute: true, onlyFiles: true, expandDirectories: false, ignore: ["**/node_modules/**"] });
  if (matches.length === 0) throw new UsageError(`no files match ${pattern}`);
  return matches.map((match) => path.resolve(match)).sort();
}

const SOURCE = /\.[mc]?ts$/;

/** A TypeScript source adgen may compile: not a generated `.grad.*ts` or a declaration `.d.*ts` file. */
export function isSource(file: string): boolean {
  return SOURCE.test(file) && !/\.(grad|d)\.[mc]?ts$/.test(file);
}
