import { zeroRows, zeros } from "./zeros.js";

/**
 * Hand-written value and gradient of `mlpLoss` (../mlp.ts): per example, the forward pass into scratch
 * buffers, then backpropagation with the softmax-cross-entropy shortcut dz = (softmax(z) - onehot) / N.
 */
export function mlpLossGradHand(
  W1: number[][],
  b1: readonly number[],
  W2: number[][],
  b2: readonly number[],
  X: number[][],
  labels: readonly number[],
): { value: number; grad: { W1: number[][]; b1: number[]; W2: number[][]; b2: number[] } } {
  const hidden = W1.length;
  const classes = W2.length;
  const batch = X.length;
  const dW1 = zeroRows(W1);
  const dB1 = zeros(b1.length);
  const dW2 = zeroRows(W2);
  const dB2 = zeros(b2.length);
  const h = new Float64Array(hidden);
  const dh = new Float64Array(hidden);
  const p = new Float64Array(classes);
  let loss = 0;
  for (let n = 0; n < batch; n++) {
    const x = X[n];
    const label = labels[n];
    for (let i = 0; i < hidden; i++) {
      const row = W1[i];
      let s = b1[i];
      for (let j = 0; j < x.length; j++) s += row[j] * x[j];
      h[i] = Math.tanh(s);
    }
    let m = -Infinity;
    for (let c = 0; c < classes; c++) {
      const row = W2[c];
      let s = b2[c];
      for (let j = 0; j < hidden; j++) s += row[j] * h[j];
      p[c] = s;
      m = Math.max(m, s);
    }
    const zLabel = p[label];
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      p[c] = Math.exp(p[c] - m);
      sum += p[c];
    }
    loss += Math.log(sum) + m - zLabel;

    dh.fill(0);
    for (let c = 0; c < classes; c++) {
      const dz = (p[c] / sum - (c === label ? 1 : 0)) / batch;
      dB2[c] += dz;
      const row = W2[c];
      const dRow = dW2[c];
      for (let j = 0; j < hidden; j++) {
        dRow[j] += dz * h[j];
        dh[j] += dz * row[j];
      }
    }
    for (let i = 0; i < hidden; i++) {
      const ds = dh[i] * (1 - h[i] * h[i]);
      dB1[i] += ds;
      const dRow = dW1[i];
      for (let j = 0; j < x.length; j++) dRow[j] += ds * x[j];
    }
  }
  return { value: loss / batch, grad: { W1: dW1, b1: dB1, W2: dW2, b2: dB2 } };
}
