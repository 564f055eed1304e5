/**
 * One entry at one input: the gradient function must return exactly the
 * source's value, leave its arguments alone, hold the right parameters in
 * grad with the right shapes, and, away from kinks, the oracle's partial
 * derivatives.
 */
import { expectGradClose, numericDerivative, type Coordinate } from "../oracle.js";
import type { Failure, Report } from "./check.js";
import { oracleSpread } from "./kinks.js";
import type { EntrySignature, Parameter } from "./render.js";

const RTOL = 1e-6;

export type SourceFunction = (...args: unknown[]) => number;
export type GradFunction = (...args: unknown[]) => { value: number; grad: Record<string, unknown> };

type Indexable = ArrayLike<unknown>;
const isArrayParameter = (p: Parameter): boolean => p.type !== "number" && p.type !== "boolean";

export function checkInput(
  f: SourceFunction,
  g: GradFunction,
  entry: EntrySignature,
  args: unknown[],
  report: Report,
): void {
  const fail = (message: string) => report.failures.push({ entry: entry.name, input: args, message } satisfies Failure);
  const expected = f(...args);
  const before = structuredClone(args);
  const { value, grad } = g(...args);
  if (!sameValue(args, before)) fail("the gradient changed its arguments");
  if (!Object.is(value, expected) && !(Number.isNaN(value) && Number.isNaN(expected))) {
    fail(`value is ${value}, the source gives ${expected}`);
  }
  const problems = gradProblems(entry, args, grad);
  problems.forEach(fail);
  if (problems.length > 0) return;
  for (const { label, at, ad } of components(entry, args, grad)) {
    const oracle = Number.isFinite(expected) ? numericDerivative(f, args, at) : NaN;
    if (!Number.isFinite(oracle)) {
      report.skipped += 1;
      continue;
    }
    try {
      expectGradClose(ad, oracle, { rtol: RTOL, label });
      report.checked += 1;
    } catch (e) {
      const error = typeof ad === "number" && Number.isFinite(ad) ? Math.abs(ad - oracle) : Infinity;
      const spread = oracleSpread(f, args, at, oracle);
      if (spread >= error) report.skipped += 1;
      else fail(`${(e as Error).message}; finite differences agree within ${spread}`);
    }
  }
}

/** Every differentiated scalar: a number parameter, or an element of an array parameter; 0 where grad leaves it out. */
function components(entry: EntrySignature, args: unknown[], grad: Record<string, unknown>) {
  return entry.params.flatMap((p, index) => {
    if (p.type === "boolean" || (entry.wrt && !entry.wrt.includes(p.name))) return [];
    const g = grad[p.name];
    if (!isArrayParameter(p)) return [{ label: `d/d${p.name}`, at: [index] as Coordinate, ad: g ?? 0 }];
    return Array.from({ length: (args[index] as Indexable).length }, (_, j) => ({
      label: `d/d${p.name}[${j}]`,
      at: [index, j] as Coordinate,
      ad: g === undefined ? 0 : (g as Indexable)[j],
    }));
  });
}

/**
 * With `@wrt`, grad holds exactly the named parameters; without, number and
 * array parameters only, none of those left out. An array parameter's
 * gradient is an array of its length, a Float64Array for a Float64Array.
 */
function gradProblems(entry: EntrySignature, args: unknown[], grad: Record<string, unknown>): string[] {
  const keys = Object.keys(grad);
  if (entry.wrt) {
    const same = keys.length === entry.wrt.length && entry.wrt.every((name) => keys.includes(name));
    if (!same) return [`grad has keys [${keys.join(", ")}], @wrt names [${entry.wrt.join(", ")}]`];
  }
  const differentiable = entry.params.filter((p) => p.type !== "boolean").map((p) => p.name);
  const stray = keys.filter((key) => !differentiable.includes(key) || (!entry.wrt && entry.leftOut.includes(key)));
  const problems = stray.map((key) => `grad has ${key}, which the result does not depend on differentiably`);
  entry.params.forEach((p, index) => {
    const g = grad[p.name];
    if (!isArrayParameter(p) || g === undefined) return;
    const length = (args[index] as Indexable).length;
    const shape = p.type === "Float64Array" ? g instanceof Float64Array : Array.isArray(g);
    if (!shape || (g as Indexable).length !== length) {
      problems.push(
        `grad.${p.name} is not ${p.type === "Float64Array" ? "a Float64Array" : "an array"} of length ${length}`,
      );
    }
  });
  return problems;
}

/** Equality in which numbers compare with Object.is and arrays (plain or typed) element by element. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b);
  const [x, y] = [a as Indexable, b as Indexable];
  return x.length === y.length && Array.from({ length: x.length }, (_, i) => sameValue(x[i], y[i])).every(Boolean);
}
