/**
 * Numerical derivatives of corpus functions: which numbers of a sample are
 * differentiated, the scalar a vector-valued function is reduced to (the
 * fixed seed of `adgen verify`), and the conditioning check, which compares
 * two levels of the Richardson-extrapolated central difference of
 * test/oracle.ts.
 */
import { leaves, numberPaths, valueAt, withValueAt, type Coordinate } from "../../src/verify/coordinates.js";
import { seedLike } from "../../src/verify/vjp.js";
import { numericDerivative } from "../oracle.js";
import type { CorpusFunction } from "./corpus.js";

export type AnyFunction = (...args: unknown[]) => unknown;

/** The oracle's relative step, eps^(1/5) (src/verify/numeric.ts). */
const RELATIVE_STEP = Number.EPSILON ** (1 / 5);

/** f itself when it returns a number, else seed . f for a fixed seed shaped like its result. */
export function scalarised(f: AnyFunction, sample: unknown[]): (...args: unknown[]) => number {
  const result = f(...structuredClone(sample));
  if (typeof result === "number") return f as (...args: unknown[]) => number;
  const seed = leaves(seedLike(result));
  return (...args) => leaves(f(...args)).reduce((s, v, i) => s + v * seed[i]!, 0);
}

/**
 * The coordinates of a sample to differentiate: every finite number inside
 * the parameters `@wrt` names (all parameters without the tag). Counts,
 * indices and sizes are left out by the tag; a NaN marks a missing
 * observation and is not a point to differentiate at.
 */
export function differentiatedCoordinates(fn: CorpusFunction, sample: unknown[]): Coordinate[] {
  return sample.flatMap((arg, index) => {
    const name = fn.parameters[index];
    if (fn.wrt && (name === undefined || !fn.wrt.includes(name))) return [];
    return numberPaths(arg)
      .filter((path) => Number.isFinite(valueAt(arg, path)))
      .map((path) => [index, ...path]);
  });
}

/** The extrapolated central difference (4 D(h/2) - D(h)) / 3 for a step h given as a multiple of the oracle's. */
function extrapolated(f: (...args: unknown[]) => number, sample: unknown[], at: Coordinate, scale: number): number {
  const x = valueAt(sample, at) as number;
  const h = scale * RELATIVE_STEP * Math.max(1, Math.abs(x));
  const central = (step: number) => {
    const above = x + step;
    const below = x - step;
    return (f(...withValueAt(sample, at, above)) - f(...withValueAt(sample, at, below))) / (above - below);
  };
  return (4 * central(h / 2) - central(h)) / 3;
}

export interface Conditioning {
  /** The oracle's derivative (test/oracle.ts), the one gradients are compared with. */
  oracle: number;
  /** The same extrapolation from half the step. */
  finer: number;
  /** |oracle - finer| / max(1, |oracle|). */
  disagreement: number;
}

/**
 * Both Richardson levels at a coordinate. Where f is smooth around the
 * sample both carry an O(h^4) error and agree closely; a kink, a branch
 * boundary or a jump within the step, or rounding that swamps the
 * difference, makes them disagree.
 */
export function conditioning(f: (...args: unknown[]) => number, sample: unknown[], at: Coordinate): Conditioning {
  const oracle = numericDerivative(f, sample, at);
  const finer = extrapolated(f, sample, at, 0.5);
  return { oracle, finer, disagreement: Math.abs(oracle - finer) / Math.max(1, Math.abs(oracle)) };
}
