/**
 * For a function adgen accepts: its generated module is loaded and its
 * gradient (`<name>Grad`, or `<name>Vjp` for a vector-valued function) is
 * held to the oracle at every sample, with the tolerance of
 * test/fixtures.test.ts: |ad - fd| <= 1e-6 * max(1, |fd|).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { valueAt } from "../../src/verify/coordinates.js";
import { seedLike } from "../../src/verify/vjp.js";
import { expectGradClose, numericDerivative } from "../oracle.js";
import type { CorpusFunction } from "./corpus.js";
import type { Exports } from "./load.js";
import { differentiatedCoordinates, scalarised, type AnyFunction } from "./numeric.js";

const RTOL = 1e-6;
let scratch: string | undefined;

/** Writes a generated module (`extension` as its output path has it) to a scratch directory and imports it. */
export async function importGenerated(name: string, text: string, extension = ".ts"): Promise<Exports> {
  scratch ??= mkdtempSync(join(tmpdir(), "adgen-real-"));
  // The scratch directory has no package.json to say what a `.js` holds: it is named for its format.
  if (extension === ".js") extension = /^exports\./m.test(text) ? ".cjs" : ".mjs";
  const file = join(scratch, `${name}.grad${extension}`);
  writeFileSync(file, text);
  const module = (await import(pathToFileURL(file).href)) as Exports;
  return extension === ".cjs" ? ((module.default as Exports | undefined) ?? module) : module;
}

type Derivative = (...args: unknown[]) => { value: unknown; grad: Record<string, unknown> };

/**
 * Throws unless the generated derivative of `fn` gives f's value exactly,
 * leaves the arguments unchanged, and matches the oracle in every
 * differentiated coordinate of every sample (a parameter `grad` leaves out
 * must have a zero derivative there).
 */
export function checkGradient(fn: CorpusFunction, f: AnyFunction, samples: unknown[][], generated: Exports): void {
  for (const [i, sample] of samples.entries()) {
    const expected = f(...structuredClone(sample));
    const vector = typeof expected !== "number";
    const derivative = generated[`${fn.name}${vector ? "Vjp" : "Grad"}`] as Derivative | undefined;
    if (typeof derivative !== "function") throw new Error(`the generated module has no ${fn.name}${vector ? "Vjp" : "Grad"}`);
    const before = structuredClone(sample);
    const { value, grad } = vector ? derivative(...sample, seedLike(expected)) : derivative(...sample);
    if (JSON.stringify(sample) !== JSON.stringify(before)) throw new Error(`sample ${i}: the gradient changed its arguments`);
    if (vector ? JSON.stringify(value) !== JSON.stringify(expected) : !Object.is(value, expected)) {
      throw new Error(`sample ${i}: value ${JSON.stringify(value)}, f gives ${JSON.stringify(expected)}`);
    }
    const g = scalarised(f, sample);
    for (const at of differentiatedCoordinates(fn, sample)) {
      const [index, ...path] = at as [number, ...(number | string)[]];
      const name = fn.parameters[index]!;
      const oracle = numericDerivative(g, sample, at);
      const label = `sample ${i}: grad.${name}${path.map((k) => `[${JSON.stringify(k)}]`).join("")}`;
      // The tolerance the header states: relative to max(1, |fd|), so that a derivative that is 0 where fd's rounding is 1e-12 passes.
      const estimate = { value: oracle, error: 0, scale: Math.max(1, Math.abs(oracle)) };
      expectGradClose(name in grad ? valueAt(grad[name], path) : 0, estimate, { rtol: RTOL, label });
    }
  }
}
