/**
 * A tiny dense network, 3 inputs, 3 tanh units, 2 linear outputs, squared error averaged over a batch,
 * written with helpers that return arrays: a layer returns its activations as `[h0, h1, h2]`, the output
 * layer `[y0, y1]`, the error `[e0, e1]`. ./dense.ts is the same network with the numbers spelled out.
 */

function dot3(w: readonly number[], x: readonly number[]): number {
  return w[0] * x[0] + w[1] * x[1] + w[2] * x[2];
}

function hiddenLayer(W: number[][], b: readonly number[], x: readonly number[]): number[] {
  return [Math.tanh(dot3(W[0], x) + b[0]), Math.tanh(dot3(W[1], x) + b[1]), Math.tanh(dot3(W[2], x) + b[2])];
}

function outputLayer(V: number[][], c: readonly number[], h: readonly number[]): number[] {
  return [dot3(V[0], h) + c[0], dot3(V[1], h) + c[1]];
}

function error(y: readonly number[], target: readonly number[]): number[] {
  return [y[0] - target[0], y[1] - target[1]];
}

/** @wrt W, b, V, c */
export function denseNatural(W: number[][], b: readonly number[], V: number[][], c: readonly number[], X: number[][], Y: number[][]): number {
  let loss = 0;
  for (let i = 0; i < X.length; i++) {
    const h = hiddenLayer(W, b, X[i]);
    const e = error(outputLayer(V, c, h), Y[i]);
    loss += e[0] * e[0] + e[1] * e[1];
  }
  return loss / X.length;
}
