/**
 * Mean logistic loss of a linear classifier over a batch, plus an L2 penalty:
 * mean over rows of log(1 + exp(-y (w . x + b))) + lambda / 2 ||w||^2, labels y in {-1, 1}.
 * @wrt w, b
 */
export function logisticLoss(w: readonly number[], b: number, X: number[][], y: readonly number[], lambda: number): number {
  let loss = 0;
  for (let i = 0; i < X.length; i++) {
    const row = X[i];
    let z = b;
    for (let j = 0; j < w.length; j++) z += w[j] * row[j];
    const m = -y[i] * z;
    loss += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
  }
  let norm2 = 0;
  for (let j = 0; j < w.length; j++) norm2 += w[j] * w[j];
  return loss / X.length + 0.5 * lambda * norm2;
}
