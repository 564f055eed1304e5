/**
 * The numerical oracle every gradient is checked against. The numerics live
 * in src/verify/numeric.ts, which `adgen verify` and `gradcheck` use too;
 * this module adds the assertion the tests use.
 */
import { allowedError, type Estimate } from "../src/verify/numeric.js";

export type { Coordinate } from "../src/verify/coordinates.js";
export type { Estimate } from "../src/verify/numeric.js";
export { numericDerivative, numericEstimate, numericJacobianColumn, weightedSum } from "../src/verify/numeric.js";

/**
 * What a gradient component is compared with: a numerical derivative with its
 * estimated error (`numericEstimate`), an exact number, or (for array
 * parameters) nested arrays of these.
 */
export type Expected = number | Estimate | readonly Expected[];

const isEstimate = (e: Expected): e is Estimate => typeof e === "object" && !Array.isArray(e);

/**
 * Throws unless `actual` has the shape of `expected` and every number in it
 * is within `allowedError` of the expected one: rtol * |e| + 16 * (the
 * estimate's error), so rtol relative to an exact number. There is no
 * absolute floor: a wrong derivative of a small function fails as surely as
 * one of a large function.
 */
export function expectGradClose(actual: unknown, expected: Expected, options: { rtol?: number; label?: string } = {}): void {
  const { rtol = 1e-6, label = "gradient" } = options;
  if (typeof expected === "number" || isEstimate(expected)) {
    const estimate = typeof expected === "number" ? { value: expected, error: 0, scale: Math.abs(expected) } : expected;
    if (typeof actual !== "number") throw new Error(`${label}: expected a number, got ${String(actual)}`);
    const allowed = allowedError(estimate, rtol);
    const error = Math.abs(actual - estimate.value);
    if (!(error <= allowed)) {
      throw new Error(`${label}: got ${actual}, expected ${estimate.value}; |difference| ${error} exceeds ${allowed}`);
    }
    return;
  }
  const list = expected as readonly Expected[];
  if (!Array.isArray(actual) || actual.length !== list.length) {
    throw new Error(`${label}: expected an array of length ${list.length}, got ${String(actual)}`);
  }
  list.forEach((e, i) => expectGradClose(actual[i], e, { rtol, label: `${label}[${i}]` }));
}
