import { rosenbrockGrad, rosenbrockHvp } from "./rosenbrock.grad.js";

const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i]!, 0);

/** Newton's method: each step solves H p = -g by conjugate gradients, one Hvp per CG iteration. */
export function newtonCG(x: number[], steps = 100): number[] {
  for (let step = 0; step < steps; step++) {
    const { value, grad } = rosenbrockGrad(x);
    const g = grad.x;
    if (Math.sqrt(dot(g, g)) < 1e-10) break;
    // CG on H p = -g, stopped early at negative curvature.
    const p = x.map(() => 0);
    let r = g.map((gi) => -gi);
    let d = [...r];
    for (let k = 0; k < x.length; k++) {
      const Hd = rosenbrockHvp(x, { x: d }).hvp.x;
      const curvature = dot(d, Hd);
      if (curvature <= 0) break;
      const alpha = dot(r, r) / curvature;
      p.forEach((_, i) => (p[i]! += alpha * d[i]!));
      const next = r.map((ri, i) => ri - alpha * Hd[i]!);
      if (Math.sqrt(dot(next, next)) < 1e-12) break;
      const beta = dot(next, next) / dot(r, r);
      d = next.map((ni, i) => ni + beta * d[i]!);
      r = next;
    }
    if (dot(p, p) === 0) p.forEach((_, i) => (p[i] = -g[i]!));
    // Backtracking line search (Armijo).
    let t = 1;
    while (rosenbrockGrad(x.map((xi, i) => xi + t * p[i]!)).value > value + 1e-4 * t * dot(g, p)) t /= 2;
    x = x.map((xi, i) => xi + t * p[i]!);
  }
  return x;
}
