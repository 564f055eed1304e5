/**
 * The LSTM objective of the ADBench/GradBench LSTM benchmark: l layers of b cells with diagonal
 * (elementwise) weights predict each next character of a one-hot sequence (c x b) through a
 * log-softmax; the loss is minus the mean log-likelihood.
 * mainParams has 2 l rows of 4 b: for layer j, row 2j holds the weights and row 2j + 1 the biases of
 * the forget, input and output gates and the change, in that order. extraParams has 3 rows of b:
 * input weights, output weights, output biases. state has 2 l rows of b: layer j's hidden state
 * (row 2j) and cell state (row 2j + 1).
 */

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function logsumexp(v: readonly number[]): number {
  let mx = v[0];
  for (let i = 1; i < v.length; i++) mx = Math.max(mx, v[i]);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i] - mx);
  return Math.log(s) + mx;
}

/**
 * One layer's step, updating hidden and cell in place. The forget and output gates look at the
 * input, the input gate and the change at the hidden state.
 */
function lstmModel(weight: readonly number[], bias: readonly number[], hidden: number[], cell: number[], input: readonly number[]): void {
  const b = hidden.length;
  for (let i = 0; i < b; i++) {
    const forget = sigmoid(input[i] * weight[i] + bias[i]);
    const ingate = sigmoid(hidden[i] * weight[b + i] + bias[b + i]);
    const outgate = sigmoid(input[i] * weight[2 * b + i] + bias[2 * b + i]);
    const change = Math.tanh(hidden[i] * weight[3 * b + i] + bias[3 * b + i]);
    cell[i] = cell[i] * forget + ingate * change;
    hidden[i] = outgate * Math.tanh(cell[i]);
  }
}

/** Steps every layer on the input and writes the prediction (before the softmax) into out. */
function lstmPredict(mainParams: number[][], extraParams: number[][], state: number[][], input: readonly number[], out: number[]): void {
  const b = input.length;
  for (let i = 0; i < b; i++) out[i] = input[i] * extraParams[0][i];
  let xp = out;
  for (let j = 0; j < state.length; j += 2) {
    lstmModel(mainParams[j], mainParams[j + 1], state[j], state[j + 1], xp);
    xp = state[j];
  }
  for (let i = 0; i < b; i++) out[i] = xp[i] * extraParams[1][i] + extraParams[2][i];
}

/** @wrt mainParams, extraParams */
export function lstmObjective(mainParams: number[][], extraParams: number[][], state: number[][], sequence: number[][]): number {
  const s: number[][] = [];
  for (let j = 0; j < state.length; j++) s.push(state[j].slice());
  const b = sequence[0].length;
  const ypred = new Array<number>(b).fill(0);
  let total = 0;
  let count = 0;
  for (let t = 0; t + 1 < sequence.length; t++) {
    lstmPredict(mainParams, extraParams, s, sequence[t], ypred);
    const lse = logsumexp(ypred);
    const goal = sequence[t + 1];
    for (let i = 0; i < b; i++) total += goal[i] * (ypred[i] - lse);
    count += b;
  }
  return -total / count;
}
