/**
 * The seeds a vector-Jacobian product is checked with.
 *
 * A VJP returns seed^T J, so one seed compares only one combination of the
 * Jacobian's rows; a seed whose components repeat (1, -0.5, 0.25, 1, ...)
 * cannot tell rows with equal weights apart, and a swap of two of them
 * passes. So, for a result of at most BASIS_LIMIT numbers, the seeds are
 * the basis vectors, one per output: each call returns one row of J, every
 * entry of J is compared with its own numerical derivative and tolerance,
 * and no error in one row can hide behind another. One dense random seed
 * follows, with components of distinct magnitudes in [0.5, 1.5) and random
 * signs, which checks that the VJP is linear in a seed that is not 0 or 1.
 * A larger result would need a VJP call per output; it gets RANDOM_SEEDS
 * such dense seeds instead. For any fixed wrong Jacobian J' the error
 * (J' - J)^T s vanishes only for seeds s in a subspace of lower dimension,
 * which independent random draws miss; the draws come from the seeded
 * generator of random.ts, so a run is reproducible.
 */
import { filledLike, formatCoordinate, numberPaths } from "./coordinates.js";
import { randomStream } from "./random.js";

/** Results with at most this many numbers are checked row by row. */
export const BASIS_LIMIT = 16;
/** Dense random seeds for a larger result. */
export const RANDOM_SEEDS = 3;

export interface Seed {
  /** `value[3]` for a basis vector (the row of that output), `random seed 1` for a dense one. */
  label: string;
  /** The seed in the result's shape, for the VJP. */
  value: unknown;
  /** Its numbers in `numberPaths` order, for weighting the numerical Jacobian. */
  weights: number[];
}

/** The seeds for a result, drawing the dense ones from `next`. */
export function seedsFor(result: unknown, next: () => number): Seed[] {
  const paths = numberPaths(result);
  const seeds: Seed[] = [];
  if (paths.length <= BASIS_LIMIT) {
    paths.forEach((path, i) => {
      const weights = paths.map((_, j) => (i === j ? 1 : 0));
      seeds.push({ label: formatCoordinate("value", path), value: shaped(result, weights), weights });
    });
  }
  const dense = paths.length <= BASIS_LIMIT ? 1 : RANDOM_SEEDS;
  for (let k = 1; k <= dense; k++) {
    const weights = randomWeights(paths.length, next);
    seeds.push({ label: `random seed ${k}`, value: shaped(result, weights), weights });
  }
  return seeds;
}

/**
 * One dense seed for `result`: its shape, every number replaced by a random
 * weight of distinct magnitude (see `seedsFor`). The same result gives the
 * same seed unless `next` is given.
 */
export function seedLike(result: unknown, next: () => number = randomStream("seedLike", 1)): unknown {
  return shaped(result, randomWeights(numberPaths(result).length, next));
}

/** `count` numbers of distinct magnitudes in [0.5, 1.5), each positive or negative with equal odds. */
function randomWeights(count: number, next: () => number): number[] {
  const used = new Set<number>();
  const weights: number[] = [];
  while (weights.length < count) {
    const magnitude = 0.5 + next();
    if (used.has(magnitude)) continue;
    used.add(magnitude);
    weights.push(next() < 0.5 ? -magnitude : magnitude);
  }
  return weights;
}

function shaped(result: unknown, weights: readonly number[]): unknown {
  let i = 0;
  return filledLike(result, () => weights[i++]!);
}
