/**
 * Telling compiler bugs from oracle trouble. Random programs are full of
 * kinks and jumps (abs, min, floor, %, every branch), and the oracle's central
 * difference is wrong within a step of one: at a symmetric kink it even gives
 * the average of the two one-sided slopes. When a gradient disagrees with the
 * oracle, `oracleSpread` measures how far finite differences disagree among
 * themselves at that input: the one-sided estimates from above and from below,
 * and the central estimate at four times the step. Where f is smooth these
 * agree far closer than any real bug; at a kink or a jump within reach they
 * differ by at least the slope difference, which bounds how much the oracle
 * can be off there.
 */
import { valueAt, withValueAt, type Coordinate } from "../../src/verify/coordinates.js";

/** The oracle's relative step (test/oracle.ts): eps^(1/5), scaled by max(1, |x|). */
const RELATIVE_STEP = Number.EPSILON ** (1 / 5);

/** How much finite differences of `f` at `args` along `at` disagree with `central`, the oracle's estimate; Infinity if any is not finite. */
export function oracleSpread<A extends unknown[]>(
  f: (...args: A) => number,
  args: A,
  at: Coordinate,
  central: number,
): number {
  const x = valueAt(args, at) as number;
  const h = RELATIVE_STEP * Math.max(1, Math.abs(x));
  const g = (t: number) => f(...withValueAt(args, at, t));
  const fx = g(x);
  // Divide by the step actually taken: x + step is rounded.
  const quotient = (step: number) => (g(x + step) - fx) / (x + step - x);
  // A one-sided quotient is f' + c step + O(step^2); 2 q(step / 2) - q(step) cancels c.
  const oneSided = (step: number) => 2 * quotient(step / 2) - quotient(step);
  const centralAt = (step: number) => (g(x + step) - g(x - step)) / (x + step - (x - step));
  const coarse = (4 * centralAt(2 * h) - centralAt(4 * h)) / 3;
  const spread = Math.max(Math.abs(oneSided(h) - oneSided(-h)), Math.abs(coarse - central));
  return Number.isFinite(spread) ? spread : Infinity;
}

