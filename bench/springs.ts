/**
 * A chain of unit masses joined by stiffening springs (force k d + c d^3 for a stretch d), with walls at
 * both ends and velocity damping, stepped by semi-implicit Euler with in-place updates. Returns the
 * squared distance of the final positions from a target.
 * @wrt x0, v0, k, c
 */
export function springChain(
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
