import { residualsJacobian } from "./decay.grad.js";

/** Solves the small dense system A x = b by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    const pivot = M.reduce((best, row, i) => (i >= c && Math.abs(row[c]!) > Math.abs(M[best]![c]!) ? i : best), c);
    [M[c], M[pivot]] = [M[pivot]!, M[c]!];
    for (let i = c + 1; i < n; i++) {
      const f = M[i]![c]! / M[c]![c]!;
      for (let j = c; j <= n; j++) M[i]![j]! -= f * M[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) x[i] = (M[i]![n]! - M[i]!.slice(i + 1, n).reduce((s, m, j) => s + m * x[i + 1 + j]!, 0)) / M[i]![i]!;
  return x;
}

/** Gauss-Newton: each step solves (JᵀJ) δ = -Jᵀr with the Jacobian of the residuals. */
export function gaussNewton(p: [number, number, number], t: number[], y: number[], steps = 20): [number, number, number] {
  for (let step = 0; step < steps; step++) {
    const { value: r, jacobian: J } = residualsJacobian(p, t, y);
    const JtJ = p.map((_, a) => p.map((_, b) => J.reduce((s, row) => s + row[a]! * row[b]!, 0)));
    const Jtr = p.map((_, a) => J.reduce((s, row, i) => s + row[a]! * r[i]!, 0));
    const delta = solve(JtJ, Jtr.map((v) => -v));
    p = p.map((pi, i) => pi + delta[i]!) as [number, number, number];
    if (Math.hypot(...delta) < 1e-12) break;
  }
  return p;
}
