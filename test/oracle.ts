/**
 * The numerical oracle every gradient is checked against. The numerics live
 * in src/verify/numeric.ts, which `adgen verify` and `gradcheck` use too;
 * this module adds the assertion the tests use.
 */

export type { Coordinate } from "../src/verify/coordinates.js";
export { numericDerivative } from "../src/verify/numeric.js";

/** rtol * max(1, |e|): relative above magnitude 1, absolute below. */
function tolerance(expected: number, rtol: number): number {
  return rtol * Math.max(1, Math.abs(expected));
}

/** A gradient component: a number, or (for array parameters) nested arrays of numbers. */
export type Grad = number | readonly Grad[];

/**
 * Throws unless `actual` has the shape of `expected` and every number in it
 * satisfies |a - e| <= rtol * max(1, |e|) (see `tolerance`).
 */
export function expectGradClose(
  actual: unknown,
  expected: Grad,
  options: { rtol?: number; label?: string } = {},
): void {
  const { rtol = 1e-6, label = "gradient" } = options;
  if (typeof expected === "number") {
    if (typeof actual !== "number") throw new Error(`${label}: expected a number, got ${String(actual)}`);
    const allowed = tolerance(expected, rtol);
    const error = Math.abs(actual - expected);
    if (!(error <= allowed)) {
      throw new Error(`${label}: got ${actual}, expected ${expected}; |difference| ${error} exceeds ${allowed}`);
    }
    return;
  }
  if (!Array.isArray(actual) || actual.length !== expected.length) {
    throw new Error(`${label}: expected an array of length ${expected.length}, got ${String(actual)}`);
  }
  expected.forEach((e, i) => expectGradClose(actual[i], e, { rtol, label: `${label}[${i}]` }));
}
