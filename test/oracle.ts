/**
 * The numerical oracle every gradient is checked against: central differences
 * with one Richardson extrapolation step, truncation error O(h^4).
 */

/**
 * One scalar inside an argument list, as a path of indices: `[1]` is the
 * second argument, `[1, 2]` is element 2 of the second argument (an array).
 */
export type Coordinate = readonly number[];

/**
 * Relative step. The extrapolated quotient has truncation error about
 * h^4 |f'''''| / 480 and rounding error about 3 eps |f| / h; their sum is
 * smallest for h of the order of eps^(1/5) ~ 7.4e-4, giving about 1e-12
 * relative accuracy. eps^(1/3) ~ 6e-6, the optimum for a plain central
 * difference, would make the rounding error about 100 times larger while the
 * truncation error it saves is already negligible.
 * Scaling by max(1, |x|) keeps the step relative for large coordinates and
 * absolute near zero, where a relative step would vanish; so inputs must lie
 * farther than about 1e-3 * max(1, |x|) from any kink or singularity.
 */
const RELATIVE_STEP = Number.EPSILON ** (1 / 5);

/** The partial derivative of `f` at `args` with respect to the scalar at `at`. */
export function numericDerivative<A extends unknown[]>(f: (...args: A) => number, args: A, at: Coordinate): number {
  const x = coordinateValue(args, at);
  const h = RELATIVE_STEP * Math.max(1, Math.abs(x));
  const central = (step: number): number => {
    // Divide by the step actually taken: x + step and x - step are rounded.
    const above = x + step;
    const below = x - step;
    return (f(...withCoordinate(args, at, above)) - f(...withCoordinate(args, at, below))) / (above - below);
  };
  // D(h) = f' + c h^2 + O(h^4), so (4 D(h/2) - D(h)) / 3 cancels the h^2 term.
  return (4 * central(h / 2) - central(h)) / 3;
}

function coordinateValue(args: readonly unknown[], at: Coordinate): number {
  let value: unknown = args;
  for (const index of at) value = (value as readonly unknown[])[index];
  if (typeof value !== "number") throw new Error(`coordinate [${at.join(", ")}] is not a number`);
  return value;
}

/** A deep copy of `args` with the scalar at `at` replaced: `f` may keep or change what it is given. */
function withCoordinate<A extends unknown[]>(args: A, at: Coordinate, value: number): A {
  const copy = structuredClone(args);
  let container: unknown[] = copy;
  for (const index of at.slice(0, -1)) container = container[index] as unknown[];
  container[at[at.length - 1]] = value;
  return copy;
}

/** A gradient component: a number, or (for array parameters) nested arrays of numbers. */
export type Grad = number | readonly Grad[];

/**
 * Throws unless `actual` has the shape of `expected` and every number in it
 * satisfies |a - e| <= rtol * max(1, |e|). The criterion is relative for
 * magnitudes above 1 and absolute below: the oracle's error is about
 * eps |f| / h in absolute terms whatever the size of the derivative, so it
 * cannot resolve a zero or tiny derivative to a relative precision.
 */
export function expectGradClose(
  actual: unknown,
  expected: Grad,
  options: { rtol?: number; label?: string } = {},
): void {
  const { rtol = 1e-6, label = "gradient" } = options;
  if (typeof expected === "number") {
    if (typeof actual !== "number") throw new Error(`${label}: expected a number, got ${String(actual)}`);
    const tolerance = rtol * Math.max(1, Math.abs(expected));
    const error = Math.abs(actual - expected);
    if (!(error <= tolerance)) {
      throw new Error(`${label}: got ${actual}, expected ${expected}; |difference| ${error} exceeds ${tolerance}`);
    }
    return;
  }
  if (!Array.isArray(actual) || actual.length !== expected.length) {
    throw new Error(`${label}: expected an array of length ${expected.length}, got ${String(actual)}`);
  }
  expected.forEach((e, i) => expectGradClose(actual[i], e, { rtol, label: `${label}[${i}]` }));
}
