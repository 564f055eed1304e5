/**
 * Numerical differentiation, the oracle every gradient is checked against:
 * central differences with one Richardson extrapolation step, truncation
 * error O(h^4), and the tolerance a gradient is held to.
 */
import { type Coordinate, valueAt, withValueAt } from "./coordinates.js";

/**
 * Relative step. The step trades two errors. Too large, and the quotient
 * truncates the Taylor series: the extrapolated quotient is off by about
 * h^4 |f'''''| / 480. Too small, and it drowns in rounding: f(x +- h) carry
 * rounding errors of about eps |f| each, and dividing their difference by h
 * gives an error of about 3 eps |f| / h. The sum is smallest for h of the
 * order of eps^(1/5) ~ 7.4e-4, where it is about 1e-12 |f|. A plain central
 * difference, with truncation error h^2 |f'''| / 6, balances at
 * eps^(1/3) ~ 6e-6 and reaches only about eps^(2/3) ~ 4e-11 |f|; with the
 * extrapolated scheme that smaller step would make the rounding error about
 * 100 times larger while the truncation error it saves is already negligible.
 *
 * The step is scaled by max(1, |x|): relative for large coordinates, where a
 * fixed step would shrink to a few units in the last place of x, and absolute near
 * zero, where a relative one would vanish. So inputs must lie farther than
 * about 1e-3 * max(1, |x|) from any kink or singularity.
 */
const RELATIVE_STEP = Number.EPSILON ** (1 / 5);

/** The partial derivative of `f` at `args` with respect to the number at `at`. */
export function numericDerivative<A extends unknown[]>(f: (...args: A) => number, args: A, at: Coordinate): number {
  const x = valueAt(args, at);
  if (typeof x !== "number") throw new Error(`coordinate [${at.join(", ")}] is not a number`);
  const h = RELATIVE_STEP * Math.max(1, Math.abs(x));
  const central = (step: number): number => {
    // Divide by the step actually taken: x + step and x - step are rounded.
    const above = x + step;
    const below = x - step;
    // Each call gets a copy of the arguments: f may keep or change what it is given.
    return (f(...withValueAt(args, at, above)) - f(...withValueAt(args, at, below))) / (above - below);
  };
  // D(h) = f' + c h^2 + O(h^4), so (4 D(h/2) - D(h)) / 3 cancels the h^2 term.
  return (4 * central(h / 2) - central(h)) / 3;
}

/**
 * The largest |ad - fd| a gradient component `ad` may have when the oracle
 * gives `fd`: rtol * max(1, |fd|). The criterion is relative for magnitudes
 * above 1 and absolute below: the oracle's error is about eps |f| / h in
 * absolute terms whatever the size of the derivative, so it cannot resolve a
 * zero or tiny derivative to a relative precision.
 */
export function tolerance(fd: number, rtol: number): number {
  return rtol * Math.max(1, Math.abs(fd));
}

/** |ad - fd| / max(1, |fd|), the error `tolerance` bounds by rtol; Infinity when ad is not finite. */
export function relativeError(ad: number, fd: number): number {
  return absoluteError(ad, fd) / Math.max(1, Math.abs(fd));
}

/** |ad - fd|, or Infinity when that is NaN, so that a NaN never compares as small. */
export function absoluteError(ad: number, fd: number): number {
  const error = Math.abs(ad - fd);
  return Number.isNaN(error) ? Infinity : error;
}
