/** Loading a corpus file as its users would: TypeScript through the test runner, JavaScript as it is. */
import { pathToFileURL } from "node:url";
import type { CorpusFile, CorpusFunction } from "./corpus.js";
import type { AnyFunction } from "./numeric.js";

export type Exports = Record<string, unknown>;

/** The file's exports; a CommonJS file's `module.exports`. */
export async function loadExports(file: CorpusFile): Promise<Exports> {
  const module = (await import(pathToFileURL(file.absolute).href)) as Exports;
  return file.path.endsWith(".cjs") ? ((module.default as Exports | undefined) ?? module) : module;
}

export interface Loaded {
  f: AnyFunction;
  samples: unknown[][];
}

/** The function and its `<name>Samples`; throws when either is missing. */
export function loaded(exports: Exports, fn: CorpusFunction): Loaded {
  const f = exports[fn.name];
  const samples = exports[`${fn.name}Samples`];
  if (typeof f !== "function") throw new Error(`${fn.name} is not exported as a function`);
  if (!Array.isArray(samples) || samples.length === 0) throw new Error(`${fn.name}Samples is missing or empty`);
  return { f: f as AnyFunction, samples: samples as unknown[][] };
}

/** Every number in a result (a number, or arrays and objects of numbers). */
export function resultNumbers(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (Array.isArray(value)) return value.flatMap(resultNumbers);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(resultNumbers);
  return [NaN];
}
