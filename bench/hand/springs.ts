import { zeros } from "./zeros.js";

/**
 * Hand-written value and gradient of `springChain` (../springs.ts). The forward pass stores the
 * positions at the start of every step (the force is linear in the velocities, so they are not
 * needed); the reverse pass runs the steps backwards.
 */
export function springChainGradHand(
  x0: readonly number[],
  v0: readonly number[],
  k: number,
  c: number,
  damping: number,
  dt: number,
  steps: number,
  target: readonly number[],
): { value: number; grad: { x0: number[]; v0: number[]; k: number; c: number } } {
  const n = x0.length;
  const x = x0.slice();
  const v = v0.slice();
  const force = zeros(n);
  const positions = new Float64Array(steps * n);
  for (let step = 0; step < steps; step++) {
    const base = step * n;
    for (let i = 0; i < n; i++) {
      positions[base + i] = x[i];
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
  const dx = zeros(n);
  for (let i = 0; i < n; i++) {
    const e = x[i] - target[i];
    loss += e * e;
    dx[i] = 2 * e;
  }

  const dv = zeros(n);
  const dForce = zeros(n);
  let dk = 0;
  let dc = 0;
  for (let step = steps - 1; step >= 0; step--) {
    // x += dt v and v += dt force, reversed.
    for (let i = 0; i < n; i++) {
      dv[i] += dt * dx[i];
      dForce[i] = dt * dv[i];
    }
    // force = k (dl + dr) + c (dl^3 + dr^3) - damping v, reversed, at the positions the step started from.
    const base = step * n;
    for (let i = 0; i < n; i++) {
      const g = dForce[i];
      const xi = positions[base + i];
      const dl = (i > 0 ? positions[base + i - 1] : 0) - xi;
      const dr = (i + 1 < n ? positions[base + i + 1] : 0) - xi;
      dk += g * (dl + dr);
      dc += g * (dl * dl * dl + dr * dr * dr);
      dv[i] -= damping * g;
      const gl = g * (k + 3 * c * dl * dl);
      const gr = g * (k + 3 * c * dr * dr);
      dx[i] -= gl + gr;
      if (i > 0) dx[i - 1] += gl;
      if (i + 1 < n) dx[i + 1] += gr;
    }
  }
  return { value: loss, grad: { x0: dx, v0: dv, k: dk, c: dc } };
}
