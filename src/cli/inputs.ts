import { stat } from "node:fs/promises";
import path from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { UsageError } from "./exit.js";

/** A source file to compile; `matched` when a glob found it (see `GenerateInput`), not when it was named. */
export interface Input {
  path: string;
  matched: boolean;
}

/**
 * The source files named by `patterns` (paths or globs, relative to `cwd`),
 * as absolute paths in command-line order without duplicates; a file both
 * named and matched by a glob counts as named. Generated
 * `*.grad.ts` files and `.d.ts` files (and their `.mts`/`.cts` forms) are
 * skipped, so `adgen src/*.ts` can be rerun after the shell has expanded it to
 * include the outputs; globs also skip files that are not TypeScript.
 */
export async function resolveInputs(patterns: string[], cwd: string): Promise<Input[]> {
  const files = new Map<string, boolean>();
  for (const pattern of patterns) {
    const { paths, matched } = await expand(pattern, cwd);
    for (const file of paths) {
      if (isSource(file)) files.set(file, (files.get(file) ?? true) && matched);
    }
  }
  if (files.size === 0) throw new UsageError("no input files (*.grad.ts, *.grad.js and *.d.ts files are skipped)");
  return [...files].map(([path, matched]) => ({ path, matched }));
}

/** The files a pattern names: the file itself, or what the glob matches. */
async function expand(pattern: string, cwd: string): Promise<{ paths: string[]; matched: boolean }> {
  const literal = path.resolve(cwd, pattern);
  const stats = await stat(literal).catch(() => undefined);
  if (stats?.isFile()) {
    if (!SOURCE.test(literal)) throw new UsageError(`not a .ts, .mts, .cts, .js, .mjs or .cjs file: ${pattern}`);
    return { paths: [literal], matched: false };
  }
  if (stats?.isDirectory()) throw new UsageError(`${pattern} is a directory; pass files or a glob such as '${pattern}/*.ts'`);
  if (!isDynamicPattern(pattern)) throw new UsageError(`file not found: ${pattern}`);

  const matches = await glob(pattern, { cwd, absolute: true, onlyFiles: true, expandDirectories: false, ignore: ["**/node_modules/**"] });
  if (matches.length === 0) throw new UsageError(`no files match ${pattern}`);
  return { paths: matches.map((match) => path.resolve(match)).sort(), matched: true };
}

const SOURCE = /\.[mc]?[tj]s$/;

/** A TypeScript or JavaScript source adgen may compile: not a generated `.grad.*` or a declaration `.d.*ts` file. */
export function isSource(file: string): boolean {
  return SOURCE.test(file) && !/\.grad\.[mc]?[tj]s$/.test(file) && !/\.d\.[mc]?ts$/.test(file);
}
