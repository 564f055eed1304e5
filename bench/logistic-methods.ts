/**
 * The logistic loss of bench/logistic.ts written with array methods and a
 * closure, the way much numeric TypeScript is written: `reduce` for the
 * dot products, a local arrow for the margin loss. Compared with the loop
 * version in `npm run bench`.
 * @wrt w, b
 */
export function logisticLossMethods(w: readonly number[], b: number, X: number[][], y: readonly number[], lambda: number): number {
  const softplus = (m: number) => (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
  const loss = X.reduce((acc, row, i) => acc + softplus(-y[i] * row.reduce((z, v, j) => z + w[j] * v, b)), 0);
  const norm2 = w.reduce((s, v) => s + v * v, 0);
  return loss / X.length + 0.5 * lambda * norm2;
}
