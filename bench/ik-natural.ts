/**
 * The energy of a planar arm's trajectory: at each of T poses the joint angles theta[t] put the end
 * effector at a distance from the pose's target, and neighbouring poses should be close. Written with
 * vector helpers: a link's offset is `[x, y]`, the end effector is summed into a 2-array, the error
 * is returned as `[ex, ey]`. ./ik.ts is the same energy with the numbers spelled out.
 */

function polar(length: number, angle: number): number[] {
  return [length * Math.cos(angle), length * Math.sin(angle)];
}

/** The end effector of the arm with link lengths L and joint angles theta. */
function endEffector(theta: readonly number[], L: readonly number[]): number[] {
  const p = [0, 0];
  let angle = 0;
  for (let j = 0; j < theta.length; j++) {
    angle += theta[j];
    const link = polar(L[j], angle);
    p[0] += link[0];
    p[1] += link[1];
  }
  return p;
}

function minus(a: readonly number[], b: readonly number[]): number[] {
  return [a[0] - b[0], a[1] - b[1]];
}

/** @wrt theta */
export function ikNatural(theta: number[][], L: readonly number[], targets: number[][], smooth: number): number {
  let energy = 0;
  for (let t = 0; t < theta.length; t++) {
    const e = minus(endEffector(theta[t], L), targets[t]);
    energy += e[0] * e[0] + e[1] * e[1];
    if (t > 0) {
      for (let j = 0; j < L.length; j++) {
        const d = theta[t][j] - theta[t - 1][j];
        energy += smooth * d * d;
      }
    }
  }
  return energy;
}
