/**
 * The mass-spring chain of springs.ts, run long (100,000 steps in bench/harness/checkpoint.ts): as it is,
 * its gradient tapes every step; with its time loop tagged `@checkpoint`, it keeps snapshots instead and
 * tapes one stretch of steps at a time; tagged `@checkpoint 10`, it keeps 10 snapshots placed by the
 * binomial schedule and tapes one step at a time. The gradients are the same bit for bit.
 */

/**
 * The chain, with every step taped.
 * @wrt x0, v0, k, c
 */
export function springChainLong(
  x0: readonly number[],
  v0: readonly number[],
  k: number,
  c: number,
  damping: number,
  dt: number,
  steps: number,
  target: readonly number[],
): number {
  const n = x0.length;
  const x = x0.slice();
  const v = v0.slice();
  const force = new Array<number>(n).fill(0);
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < n; i++) {
      const dl = (i > 0 ? x[i - 1] : 0) - x[i];
      const dr = (i + 1 < n ? x[i + 1] : 0) - x[i];
      force[i] = k * (dl + dr) + c * (dl * dl * dl + dr * dr * dr) - damping * v[i];
    }
    for (let i = 0; i < n; i++) {
      v[i] += dt * force[i];
      x[i] += dt * v[i];
    }
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const e = x[i] - target[i];
    loss += e * e;
  }
  return loss;
}

/**
 * The chain, its time loop checkpointed.
 * @wrt x0, v0, k, c
 */
export function springChainCheckpointed(
  x0: readonly number[],
  v0: readonly number[],
  k: number,
  c: number,
  damping: number,
  dt: number,
  steps: number,
  target: readonly number[],
): number {
  const n = x0.length;
  const x = x0.slice();
  const v = v0.slice();
  const force = new Array<number>(n).fill(0);
  /** @checkpoint */
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < n; i++) {
      const dl = (i > 0 ? x[i - 1] : 0) - x[i];
      const dr = (i + 1 < n ? x[i + 1] : 0) - x[i];
      force[i] = k * (dl + dr) + c * (dl * dl * dl + dr * dr * dr) - damping * v[i];
    }
    for (let i = 0; i < n; i++) {
      v[i] += dt * force[i];
      x[i] += dt * v[i];
    }
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const e = x[i] - target[i];
    loss += e * e;
  }
  return loss;
}

/**
 * The chain, its time loop checkpointed with 10 snapshots (the binomial schedule).
 * @wrt x0, v0, k, c
 */
export function springChainFewSnapshots(
  x0: readonly number[],
  v0: readonly number[],
  k: number,
  c: number,
  damping: number,
  dt: number,
  steps: number,
  target: readonly number[],
): number {
  const n = x0.length;
  const x = x0.slice();
  const v = v0.slice();
  const force = new Array<number>(n).fill(0);
  /** @checkpoint 10 */
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < n; i++) {
      const dl = (i > 0 ? x[i - 1] : 0) - x[i];
      const dr = (i + 1 < n ? x[i + 1] : 0) - x[i];
      force[i] = k * (dl + dr) + c * (dl * dl * dl + dr * dr * dr) - damping * v[i];
    }
    for (let i = 0; i < n; i++) {
      v[i] += dt * force[i];
      x[i] += dt * v[i];
    }
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const e = x[i] - target[i];
    loss += e * e;
  }
  return loss;
}
