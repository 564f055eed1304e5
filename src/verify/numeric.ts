/**
 * Numerical differentiation, the oracle every gradient is checked against:
 * central differences with one Richardson extrapolation step, truncation
 * error O(h^4), together with an estimate of their own error, and the
 * tolerance a gradient is held to.
 */
import { type Coordinate, leaves, valueAt, withValueAt } from "./coordinates.js";

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

/**
 * A numerical derivative with what it cannot resolve. `value` is the
 * extrapolated central difference; `error` estimates how far it may be from
 * the true derivative (see `differences`); `scale` is the magnitude a
 * relative tolerance applies to: |value| for one derivative, sum |w_i| |d_i|
 * for a weighted sum of derivatives (a vector-Jacobian product), where the
 * terms' own tolerances add up even when the sum cancels.
 */
export interface Estimate {
  value: number;
  error: number;
  scale: number;
}

/**
 * How many times its estimated error a numerical derivative may be off. The
 * estimate is the size of the error, not a bound: the difference of two
 * extrapolations is one sample of the rounding noise and can come out small
 * by chance, and a function that cancels internally rounds worse than
 * eps |f|. On the fixtures' 975 gradient components that differ from their
 * numerical derivative at all, the difference is at most 2.3 times the
 * estimate, and no parameter uses more than a twentieth of what is allowed
 * (test/verify-gradcheck.test.ts requires less than a quarter).
 */
export const ERROR_FACTOR = 16;

/**
 * The derivatives of every number `evaluate` returns (in `leaves` order)
 * with respect to the number at `at`, with their estimated errors.
 *
 * With D(h) = (f(x + h) - f(x - h)) / 2h = f' + c h^2 + O(h^4), the value is
 * R(h) = (4 D(h/2) - D(h)) / 3, which cancels the h^2 term. Its error is
 * estimated as the sum of
 * - |R(h) - R(h/2)|: R's truncation error is c' h^4, so R(h/2) is 16 times
 *   closer and their difference is about R(h)'s own truncation error; it
 *   also samples the rounding noise actually present;
 * - 3 (eps F + u) / h, the rounding bound of R(h) when each evaluation is
 *   within eps F + u of exact, F the largest |f| among the evaluations (two
 *   at each of h, h/2 and h/4: six evaluations in all) and u the smallest
 *   subnormal number, the absolute error of a result that underflows.
 * Every term scales with f, so the estimate is the same relative to f at
 * every magnitude of f: a derivative of 1e-7 x^2 is resolved exactly as well
 * as one of x^2.
 */
export function differences<A extends unknown[]>(evaluate: (...args: A) => number[], args: A, at: Coordinate): Estimate[] {
  const x = valueAt(args, at);
  if (typeof x !== "number") throw new Error(`coordinate [${at.join(", ")}] is not a number`);
  const h = RELATIVE_STEP * Math.max(1, Math.abs(x));
  let largest: number[] = [];
  const central = (step: number): number[] => {
    // Divide by the step actually taken: x + step and x - step are rounded.
    const above = x + step;
    const below = x - step;
    // Each call gets a copy of the arguments: f may keep or change what it is given.
    const up = evaluate(...withValueAt(args, at, above));
    const down = evaluate(...withValueAt(args, at, below));
    if (up.length !== down.length) throw new Error(`the result has ${up.length} numbers above ${x} and ${down.length} below`);
    largest = up.map((u, i) => Math.max(largest[i] ?? 0, Math.abs(u), Math.abs(down[i]!)));
    return up.map((u, i) => (u - down[i]!) / (above - below));
  };
  const [d1, d2, d4] = [central(h), central(h / 2), central(h / 4)];
  return d1.map((_, i) => {
    const coarse = (4 * d2[i]! - d1[i]!) / 3;
    const fine = (4 * d4[i]! - d2[i]!) / 3;
    const error = Math.abs(coarse - fine) + (3 * (Number.EPSILON * largest[i]! + Number.MIN_VALUE)) / h;
    return { value: coarse, error, scale: Math.abs(coarse) };
  });
}

/** The partial derivative of a scalar `f` at `args` with respect to the number at `at`, with its estimated error. */
export function numericEstimate<A extends unknown[]>(f: (...args: A) => number, args: A, at: Coordinate): Estimate {
  return differences((...a: A) => [f(...a)], args, at)[0]!;
}

/** The partial derivative of `f` at `args` with respect to the number at `at`. */
export function numericDerivative<A extends unknown[]>(f: (...args: A) => number, args: A, at: Coordinate): number {
  return numericEstimate(f, args, at).value;
}

/**
 * A column of the Jacobian of a vector-valued `f` (its result an array,
 * tuple or object of numbers): the derivatives of the result's numbers, in
 * `leaves` order, with respect to the number at `at`.
 */
export function numericJacobianColumn<A extends unknown[]>(f: (...args: A) => unknown, args: A, at: Coordinate): Estimate[] {
  return differences((...a: A) => leaves(f(...a)), args, at);
}

/** sum w_i d_i for derivatives d_i, with the errors and scales of the terms added: w^T J for a column of J. */
export function weightedSum(estimates: readonly Estimate[], weights: readonly number[]): Estimate {
  if (estimates.length !== weights.length) throw new Error(`${weights.length} weights for ${estimates.length} derivatives`);
  let value = 0;
  let error = 0;
  let scale = 0;
  estimates.forEach((d, i) => {
    const w = weights[i]!;
    value += w * d.value;
    error += Math.abs(w) * d.error;
    scale += Math.abs(w) * d.scale;
  });
  return { value, error, scale };
}

/**
 * The largest |ad - fd| a gradient component `ad` may have when the oracle
 * gives the estimate `fd`: rtol * scale + ERROR_FACTOR * error, that is
 * rtol times the derivative's size plus what the numerical derivative
 * cannot resolve. Unlike a floor such as rtol * max(1, |fd|), both terms
 * shrink with f, so a wrong derivative of a small function fails as surely
 * as one of a large function; a derivative that is truly 0 passes because
 * its numerical value is then within its own estimated error.
 */
export function allowedError(fd: Estimate, rtol: number): number {
  return rtol * fd.scale + ERROR_FACTOR * fd.error;
}

/** |ad - fd| / allowed: at most 1 passes. 0 when both are equal, Infinity when nothing is allowed but they differ or ad is not finite. */
export function errorRatio(ad: number, fd: Estimate, rtol: number): number {
  const error = absoluteError(ad, fd.value);
  if (error === 0) return 0;
  return error / allowedError(fd, rtol);
}

/** |ad - fd|, or Infinity when that is NaN, so that a NaN never compares as small. */
export function absoluteError(ad: number, fd: number): number {
  const error = Math.abs(ad - fd);
  return Number.isNaN(error) ? Infinity : error;
}
