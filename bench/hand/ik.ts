import { zeroRows } from "./zeros.js";

/**
 * Hand-written value and gradient of `ik` and `ikNatural` (../ik.ts, ../ik-natural.ts). The end
 * effector is p = sum_j L_j (cos a_j, sin a_j) with a_j = theta_0 + ... + theta_j, so
 * d p / d theta_j = sum_{m >= j} L_m (-sin a_m, cos a_m): a suffix sum, taken backwards over the joints.
 */
export function ikGradHand(theta: number[][], L: readonly number[], targets: number[][], smooth: number): { value: number; grad: { theta: number[][] } } {
  const dTheta = zeroRows(theta);
  const J = L.length;
  const cosA = new Array<number>(J).fill(0);
  const sinA = new Array<number>(J).fill(0);
  let energy = 0;
  for (let t = 0; t < theta.length; t++) {
    const angles = theta[t];
    const dAngles = dTheta[t];
    let px = 0;
    let py = 0;
    let angle = 0;
    for (let j = 0; j < angles.length; j++) {
      angle += angles[j];
      cosA[j] = Math.cos(angle);
      sinA[j] = Math.sin(angle);
      px += L[j] * cosA[j];
      py += L[j] * sinA[j];
    }
    const ex = px - targets[t][0];
    const ey = py - targets[t][1];
    energy += ex * ex + ey * ey;
    const dpx = 2 * ex;
    const dpy = 2 * ey;
    let dAngle = 0;
    for (let j = angles.length - 1; j >= 0; j--) {
      dAngle += L[j] * (dpy * cosA[j] - dpx * sinA[j]);
      dAngles[j] += dAngle;
    }
    if (t > 0) {
      const previous = theta[t - 1];
      const dPrevious = dTheta[t - 1];
      for (let j = 0; j < J; j++) {
        const d = angles[j] - previous[j];
        energy += smooth * d * d;
        const dd = 2 * smooth * d;
        dAngles[j] += dd;
        dPrevious[j] -= dd;
      }
    }
  }
  return { value: energy, grad: { theta: dTheta } };
}
