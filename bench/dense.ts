/**
 * The network of ./dense-natural.ts with every activation a named number: the style adgen compiled best
 * before small arrays became scalars.
 */

function dot3(w: readonly number[], x0: number, x1: number, x2: number): number {
  return w[0] * x0 + w[1] * x1 + w[2] * x2;
}

/** @wrt W, b, V, c */
export function dense(W: number[][], b: readonly number[], V: number[][], c: readonly number[], X: number[][], Y: number[][]): number {
  let loss = 0;
  for (let i = 0; i < X.length; i++) {
    const x = X[i];
    const h0 = Math.tanh(dot3(W[0], x[0], x[1], x[2]) + b[0]);
    const h1 = Math.tanh(dot3(W[1], x[0], x[1], x[2]) + b[1]);
    const h2 = Math.tanh(dot3(W[2], x[0], x[1], x[2]) + b[2]);
    const e0 = dot3(V[0], h0, h1, h2) + c[0] - Y[i][0];
    const e1 = dot3(V[1], h0, h1, h2) + c[1] - Y[i][1];
    loss += e0 * e0 + e1 * e1;
  }
  return loss / X.length;
}
