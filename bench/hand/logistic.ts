import { zeros } from "./zeros.js";

/** Hand-written value and gradient of `logisticLoss` (../logistic.ts) with respect to w and b. */
export function logisticLossGradHand(
  w: readonly number[],
  b: number,
  X: number[][],
  y: readonly number[],
  lambda: number,
): { value: number; grad: { w: number[]; b: number } } {
  const n = X.length;
  const dw = zeros(w.length);
  let loss = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    const row = X[i];
    let z = b;
    for (let j = 0; j < w.length; j++) z += w[j] * row[j];
    const m = -y[i] * z;
    // loss_i = softplus(m); d loss_i / dz = -y sigmoid(m), with one exp shared by both.
    let sigmoid: number;
    if (m > 0) {
      const e = Math.exp(-m);
      loss += m + Math.log1p(e);
      sigmoid = 1 / (1 + e);
    } else {
      const e = Math.exp(m);
      loss += Math.log1p(e);
      sigmoid = e / (1 + e);
    }
    const dz = (-y[i] * sigmoid) / n;
    db += dz;
    for (let j = 0; j < w.length; j++) dw[j] += dz * row[j];
  }
  let norm2 = 0;
  for (let j = 0; j < w.length; j++) {
    norm2 += w[j] * w[j];
    dw[j] += lambda * w[j];
  }
  return { value: loss / n + 0.5 * lambda * norm2, grad: { w: dw, b: db } };
}
