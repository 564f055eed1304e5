import { add, compile, div, fn, mul, type Nat, neg, Real, struct, sub, sum, Vec, vec, vjp } from "rose";
import { exp, log, tanh } from "./math.js";
import type { GradResult } from "../types.js";

type LstmArgs = [mainParams: number[][], extraParams: number[][], state: number[][], sequence: number[][]];

/**
 * Rose has no loop that carries a value from one iteration to the next, so the layers and the
 * characters are unrolled while tracing: one block per layer and character. The gates of a weight or
 * bias row are read through a table of index values (gate g of cell i is at gateIndex[g][i]).
 */
export async function lstmObjectiveGradRose(layers: number, b: number, c: number): Promise<(...args: LstmArgs) => GradResult> {
  const Main = Vec(2 * layers, Vec(4 * b, Real));
  const Extra = Vec(3, Vec(b, Real));
  const State = Vec(2 * layers, Vec(b, Real));
  const Sequence = Vec(c, Vec(b, Real));
  const GateIndex = Vec(4, Vec(b, 4 * b));
  const Data = struct({ main: Main, extra: Extra, state: State, sequence: Sequence, gateIndex: GateIndex });
  const sigmoid = (x: Real): Real => div(1, add(1, exp(neg(x))));
  const f = fn([Data], Real, ({ main, extra, state, sequence, gateIndex }) => {
    const hidden = Array.from({ length: layers }, (_, j) => state[2 * j]);
    const cell = Array.from({ length: layers }, (_, j) => state[2 * j + 1]);
    let total: Real = 0;
    for (let t = 0; t + 1 < c; t++) {
      let xp = vec(b, Real, (i) => mul(sequence[t][i], extra[0][i]));
      for (let j = 0; j < layers; j++) {
        const [weight, bias, h, old, input] = [main[2 * j], main[2 * j + 1], hidden[j], cell[j], xp];
        const gate = (g: number, x: Real, i: Nat): Real => {
          const k = gateIndex[g][i];
          return add(mul(x, weight[k]), bias[k]);
        };
        const newCell = vec(b, Real, (i) => add(mul(old[i], sigmoid(gate(0, input[i], i))), mul(sigmoid(gate(1, h[i], i)), tanh(gate(3, h[i], i)))));
        const newHidden = vec(b, Real, (i) => mul(sigmoid(gate(2, input[i], i)), tanh(newCell[i])));
        cell[j] = newCell;
        hidden[j] = newHidden;
        xp = newHidden;
      }
      const out = xp;
      const ypred = vec(b, Real, (i) => add(mul(out[i], extra[1][i]), extra[2][i]));
      const lse = log(sum(b, (i) => exp(ypred[i])));
      total = add(total, sum(b, (i) => mul(sequence[t + 1][i], sub(ypred[i], lse))));
    }
    return div(neg(total), (c - 1) * b);
  });
  const Grads = struct({ value: Real, mainParams: Main, extraParams: Extra });
  const g = fn([Main, Extra, State, Sequence, GateIndex], Grads, (main, extra, state, sequence, gateIndex) => {
    const { ret, grad } = vjp(f)({ main, extra, state, sequence, gateIndex });
    const d = grad(1);
    return { value: ret, mainParams: d.main, extraParams: d.extra };
  });
  const compiled = await compile(g);
  const gateIndex = Array.from({ length: 4 }, (_, g) => Array.from({ length: b }, (_, i) => g * b + i));
  return (mainParams, extraParams, state, sequence) => {
    const { value, ...grad } = compiled(mainParams, extraParams, state, sequence, gateIndex);
    return { value, grad };
  };
}
