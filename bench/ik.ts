/** The energy of ./ik-natural.ts with the end effector and the error as named numbers. */

/** @wrt theta */
export function ik(theta: number[][], L: readonly number[], targets: number[][], smooth: number): number {
  let energy = 0;
  for (let t = 0; t < theta.length; t++) {
    const angles = theta[t];
    let px = 0;
    let py = 0;
    let angle = 0;
    for (let j = 0; j < angles.length; j++) {
      angle += angles[j];
      px += L[j] * Math.cos(angle);
      py += L[j] * Math.sin(angle);
    }
    const ex = px - targets[t][0];
    const ey = py - targets[t][1];
    energy += ex * ex + ey * ey;
    if (t > 0) {
      for (let j = 0; j < L.length; j++) {
        const d = theta[t][j] - theta[t - 1][j];
        energy += smooth * d * d;
      }
    }
  }
  return energy;
}
