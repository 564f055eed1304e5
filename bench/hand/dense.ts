import { zeroRows, zeros } from "./zeros.js";

/**
 * Hand-written value and gradient of `dense` and `denseNatural` (../dense.ts, ../dense-natural.ts):
 * each sample forwards, then its adjoints backwards at once (no tape).
 */
export function denseGradHand(
  W: number[][],
  b: readonly number[],
  V: number[][],
  c: readonly number[],
  X: number[][],
  Y: number[][],
): { value: number; grad: { W: number[][]; b: number[]; V: number[][]; c: number[] } } {
  const dW = zeroRows(W);
  const db = zeros(b.length);
  const dV = zeroRows(V);
  const dc = zeros(c.length);
  const n = X.length;
  const W0 = W[0], W1 = W[1], W2 = W[2], V0 = V[0], V1 = V[1];
  const dW0 = dW[0], dW1 = dW[1], dW2 = dW[2], dV0 = dV[0], dV1 = dV[1];
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const x = X[i];
    const x0 = x[0], x1 = x[1], x2 = x[2];
    const h0 = Math.tanh(W0[0] * x0 + W0[1] * x1 + W0[2] * x2 + b[0]);
    const h1 = Math.tanh(W1[0] * x0 + W1[1] * x1 + W1[2] * x2 + b[1]);
    const h2 = Math.tanh(W2[0] * x0 + W2[1] * x1 + W2[2] * x2 + b[2]);
    const e0 = V0[0] * h0 + V0[1] * h1 + V0[2] * h2 + c[0] - Y[i][0];
    const e1 = V1[0] * h0 + V1[1] * h1 + V1[2] * h2 + c[1] - Y[i][1];
    loss += e0 * e0 + e1 * e1;
    // loss / n: each error's adjoint is 2 e / n.
    const de0 = (2 * e0) / n;
    const de1 = (2 * e1) / n;
    dc[0] += de0;
    dc[1] += de1;
    dV0[0] += de0 * h0;
    dV0[1] += de0 * h1;
    dV0[2] += de0 * h2;
    dV1[0] += de1 * h0;
    dV1[1] += de1 * h1;
    dV1[2] += de1 * h2;
    const dz0 = (de0 * V0[0] + de1 * V1[0]) * (1 - h0 * h0);
    const dz1 = (de0 * V0[1] + de1 * V1[1]) * (1 - h1 * h1);
    const dz2 = (de0 * V0[2] + de1 * V1[2]) * (1 - h2 * h2);
    db[0] += dz0;
    db[1] += dz1;
    db[2] += dz2;
    dW0[0] += dz0 * x0;
    dW0[1] += dz0 * x1;
    dW0[2] += dz0 * x2;
    dW1[0] += dz1 * x0;
    dW1[1] += dz1 * x1;
    dW1[2] += dz1 * x2;
    dW2[0] += dz2 * x0;
    dW2[1] += dz2 * x1;
    dW2[2] += dz2 * x2;
  }
  return { value: loss / n, grad: { W: dW, b: db, V: dV, c: dc } };
}
