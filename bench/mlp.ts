/** A two-layer perceptron: tanh hidden layer, softmax cross-entropy over the classes, mean over a batch. */

/** tanh(W x + b) for a weight matrix given as rows. */
function hiddenLayer(W: number[][], b: readonly number[], x: readonly number[]): number[] {
  const h = new Array<number>(W.length).fill(0);
  for (let i = 0; i < W.length; i++) {
    const row = W[i];
    let s = b[i];
    for (let j = 0; j < x.length; j++) s += row[j] * x[j];
    h[i] = Math.tanh(s);
  }
  return h;
}

/** -log softmax(W h + b)[label], computed stably. */
function crossEntropy(W: number[][], b: readonly number[], h: readonly number[], label: number): number {
  const z = new Array<number>(W.length).fill(0);
  let m = -Infinity;
  for (let c = 0; c < W.length; c++) {
    const row = W[c];
    let s = b[c];
    for (let j = 0; j < h.length; j++) s += row[j] * h[j];
    z[c] = s;
    m = Math.max(m, s);
  }
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += Math.exp(z[c] - m);
  return Math.log(sum) + m - z[label];
}

/** @wrt W1, b1, W2, b2 */
export function mlpLoss(W1: number[][], b1: readonly number[], W2: number[][], b2: readonly number[], X: number[][], labels: readonly number[]): number {
  let loss = 0;
  for (let n = 0; n < X.length; n++) {
    loss += crossEntropy(W2, b2, hiddenLayer(W1, b1, X[n]), labels[n]);
  }
  return loss / X.length;
}
