/**
 * One entry at one input: the gradient function must return exactly the
 * source's value, leave its arguments alone, hold the right parameters in
 * grad with the right shapes, and, away from kinks, the oracle's partial
 * derivatives.
 */
import { expectGradClose, numericEstimate, type Coordinate } from "../oracle.js";
import { deepEqual, formatCoordinate, numberPaths, shapeMismatch, valueAt } from "../../src/verify/coordinates.js";
import type { Failure, Report } from "./check.js";
import { oracleSpread } from "./kinks.js";
import type { EntrySignature, Parameter } from "./render.js";

const RTOL = 1e-6;

export type SourceFunction = (...args: unknown[]) => number;
export type GradFunction = (...args: unknown[]) => { value: number; grad: Record<string, unknown> };

const isAggregateParameter = (p: Parameter): boolean => p.type !== "number" && p.type !== "boolean";

/** What a check is running: the source, the gradient, or the oracle (the source near the input). */
export type Stage = "source" | "gradient" | "oracle" | "modes";

export function checkInput(
  f: SourceFunction,
  g: GradFunction,
  entry: EntrySignature,
  args: unknown[],
  report: Pick<Report, "checked" | "skipped" | "failures">,
  onStage: (stage: Stage) => void = () => {},
): void {
  const fail = (message: string) => report.failures.push({ entry: entry.name, input: args, message } satisfies Failure);
  onStage("source");
  const expected = f(...args);
  const before = structuredClone(args);
  onStage("gradient");
  const { value, grad } = g(...args);
  onStage("oracle");
  if (!deepEqual(args, before)) fail("the gradient changed its arguments");
  if (!Object.is(value, expected) && !(Number.isNaN(value) && Number.isNaN(expected))) {
    fail(`value is ${value}, the source gives ${expected}`);
  }
  const problems = gradProblems(entry, args, grad);
  problems.forEach(fail);
  if (problems.length > 0) return;
  for (const { label, at, ad } of components(entry, args, grad)) {
    const oracle = Number.isFinite(expected) ? numericEstimate(f, args, at) : undefined;
    if (!oracle || !Number.isFinite(oracle.value)) {
      report.skipped += 1;
      continue;
    }
    try {
      expectGradClose(ad, oracle, { rtol: RTOL, label });
      report.checked += 1;
    } catch (e) {
      const error = typeof ad === "number" && Number.isFinite(ad) ? Math.abs(ad - oracle.value) : Infinity;
      const spread = oracleSpread(f, args, at, oracle.value);
      if (spread >= error) report.skipped += 1;
      else fail(`${(e as Error).message}; finite differences agree within ${spread}`);
    }
  }
}

/**
 * Every differentiated scalar: a number parameter, or a number inside an
 * array, tuple or object parameter; 0 where grad leaves it out.
 */
function components(entry: EntrySignature, args: unknown[], grad: Record<string, unknown>) {
  return entry.params.flatMap((p, index) => {
    if (p.type === "boolean" || (entry.wrt && !entry.wrt.includes(p.name))) return [];
    const g = grad[p.name];
    return numberPaths(args[index]).map((path) => ({
      label: `d/d${formatCoordinate(p.name, path)}`,
      at: [index, ...path] as Coordinate,
      ad: g === undefined ? 0 : valueAt(g, path),
    }));
  });
}

/**
 * With `@wrt`, grad holds exactly the named parameters; without, number,
 * array and aggregate parameters only, none of those left out. A parameter's
 * gradient has the argument's shape (coordinates.ts `shapeMismatch`): an
 * array of its length, a Float64Array for a Float64Array, an object or tuple
 * of the same fields.
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
    if (!isAggregateParameter(p) || g === undefined) return;
    const mismatch = shapeMismatch(args[index], g, `grad.${p.name}`);
    if (mismatch) problems.push(mismatch);
    else if (p.type === "Float64Array" && !(g instanceof Float64Array)) problems.push(`grad.${p.name} is not a Float64Array`);
    else if (p.type.endsWith("[]") && !Array.isArray(g)) problems.push(`grad.${p.name} is not an array`);
  });
  return problems;
}
