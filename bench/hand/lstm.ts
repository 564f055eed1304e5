import { zeroRows } from "./zeros.js";

/** What the backward pass needs of one layer's step: input, old hidden and cell, the gates, the new cell. */
const SAVED = 8;
/** Kept between calls and grown when too small, as adgen's tapes are. */
let saved = new Float64Array(0);
let probs = new Float64Array(0);
let lastHidden = new Float64Array(0);

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Hand-written value and gradient of `lstmObjective` (../lstm.ts): a forward pass through time that
 * saves every layer's input, old state, gates and new cell, then backpropagation through time with
 * the adjoints of the hidden and cell states carried from each step to the one before.
 */
export function lstmObjectiveGradHand(
  mainParams: number[][],
  extraParams: number[][],
  state: number[][],
  sequence: number[][],
): { value: number; grad: { mainParams: number[][]; extraParams: number[][] } } {
  const layers = state.length / 2;
  const b = sequence[0].length;
  const steps = sequence.length - 1;
  const hidden = state.map((row) => Float64Array.from(row));
  if (saved.length < steps * layers * SAVED * b) saved = new Float64Array(steps * layers * SAVED * b);
  if (probs.length < steps * b) {
    probs = new Float64Array(steps * b);
    lastHidden = new Float64Array(steps * b);
  }
  const ypred = new Float64Array(b);
  const input0 = new Float64Array(b);
  let total = 0;
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < b; i++) input0[i] = sequence[t][i] * extraParams[0][i];
    let xp: Float64Array = input0;
    for (let j = 0; j < layers; j++) {
      const weight = mainParams[2 * j];
      const bias = mainParams[2 * j + 1];
      const h = hidden[2 * j];
      const cell = hidden[2 * j + 1];
      const base = (t * layers + j) * SAVED * b;
      for (let i = 0; i < b; i++) {
        const forget = sigmoid(xp[i] * weight[i] + bias[i]);
        const ingate = sigmoid(h[i] * weight[b + i] + bias[b + i]);
        const outgate = sigmoid(xp[i] * weight[2 * b + i] + bias[2 * b + i]);
        const change = Math.tanh(h[i] * weight[3 * b + i] + bias[3 * b + i]);
        const newCell = cell[i] * forget + ingate * change;
        saved[base + i] = xp[i];
        saved[base + b + i] = h[i];
        saved[base + 2 * b + i] = cell[i];
        saved[base + 3 * b + i] = forget;
        saved[base + 4 * b + i] = ingate;
        saved[base + 5 * b + i] = outgate;
        saved[base + 6 * b + i] = change;
        saved[base + 7 * b + i] = newCell;
        cell[i] = newCell;
        h[i] = outgate * Math.tanh(newCell);
      }
      xp = h;
    }
    let mx = -Infinity;
    for (let i = 0; i < b; i++) {
      lastHidden[t * b + i] = xp[i];
      ypred[i] = xp[i] * extraParams[1][i] + extraParams[2][i];
      mx = Math.max(mx, ypred[i]);
    }
    let s = 0;
    for (let i = 0; i < b; i++) s += Math.exp(ypred[i] - mx);
    const lse = Math.log(s) + mx;
    const goal = sequence[t + 1];
    for (let i = 0; i < b; i++) {
      total += goal[i] * (ypred[i] - lse);
      probs[t * b + i] = Math.exp(ypred[i] - lse);
    }
  }
  const count = steps * b;

  const dMain = zeroRows(mainParams);
  const dExtra = zeroRows(extraParams);
  const dHidden = Array.from({ length: layers }, () => new Float64Array(b));
  const dCell = Array.from({ length: layers }, () => new Float64Array(b));
  const dInput = new Float64Array(b);
  const dTotal = -1 / count;
  for (let t = steps - 1; t >= 0; t--) {
    // log-softmax: d ypred_i = dTotal (goal_i - p_i sum(goal))
    const goal = sequence[t + 1];
    let goalSum = 0;
    for (let i = 0; i < b; i++) goalSum += goal[i];
    for (let i = 0; i < b; i++) {
      const dy = dTotal * (goal[i] - probs[t * b + i] * goalSum);
      dExtra[1][i] += dy * lastHidden[t * b + i];
      dExtra[2][i] += dy;
      dInput[i] = dy * extraParams[1][i];
    }
    for (let j = layers - 1; j >= 0; j--) {
      const weight = mainParams[2 * j];
      const dWeight = dMain[2 * j];
      const dBias = dMain[2 * j + 1];
      const dh = dHidden[j];
      const dc = dCell[j];
      const base = (t * layers + j) * SAVED * b;
      for (let i = 0; i < b; i++) {
        const x = saved[base + i];
        const h = saved[base + b + i];
        const cell = saved[base + 2 * b + i];
        const forget = saved[base + 3 * b + i];
        const ingate = saved[base + 4 * b + i];
        const outgate = saved[base + 5 * b + i];
        const change = saved[base + 6 * b + i];
        const tc = Math.tanh(saved[base + 7 * b + i]);
        const dNewHidden = dh[i] + dInput[i];
        const dNewCell = dc[i] + dNewHidden * outgate * (1 - tc * tc);
        const dzf = dNewCell * cell * forget * (1 - forget);
        const dzi = dNewCell * change * ingate * (1 - ingate);
        const dzo = dNewHidden * tc * outgate * (1 - outgate);
        const dzc = dNewCell * ingate * (1 - change * change);
        dWeight[i] += dzf * x;
        dWeight[b + i] += dzi * h;
        dWeight[2 * b + i] += dzo * x;
        dWeight[3 * b + i] += dzc * h;
        dBias[i] += dzf;
        dBias[b + i] += dzi;
        dBias[2 * b + i] += dzo;
        dBias[3 * b + i] += dzc;
        dc[i] = dNewCell * forget;
        dh[i] = dzi * weight[b + i] + dzc * weight[3 * b + i];
        dInput[i] = dzf * weight[i] + dzo * weight[2 * b + i];
      }
    }
    for (let i = 0; i < b; i++) dExtra[0][i] += dInput[i] * sequence[t][i];
  }
  return { value: -total / count, grad: { mainParams: dMain, extraParams: dExtra } };
}
