import { add, compile, div, fn, mul, Real, struct, sub, sum, Vec, vec, vjp } from "rose";
import { exp, log, tanh } from "./math.js";
import type { GradResult } from "../types.js";

type MlpArgs = [W1: number[][], b1: readonly number[], W2: number[][], b2: readonly number[], X: number[][], labels: readonly number[]];

/**
 * Rose has no maximum over an array, so the log-sum-exp is not shifted by the largest logit as in
 * ../mlp.ts: the same value for logits this small, up to rounding.
 */
export async function mlpLossGradRose(inputs: number, hidden: number, classes: number, batch: number): Promise<(...args: MlpArgs) => GradResult> {
  const Rin = Vec(inputs, Real);
  const Rh = Vec(hidden, Real);
  const Rc = Vec(classes, Real);
  const Data = struct({ W1: Vec(hidden, Rin), b1: Rh, W2: Vec(classes, Rh), b2: Rc, X: Vec(batch, Rin), labels: Vec(batch, classes) });
  const f = fn([Data], Real, ({ W1, b1, W2, b2, X, labels }) => {
    const total = sum(batch, (n) => {
      const h = vec(hidden, Real, (i) => tanh(add(b1[i], sum(inputs, (j) => mul(W1[i][j], X[n][j])))));
      const z = vec(classes, Real, (c) => add(b2[c], sum(hidden, (j) => mul(W2[c][j], h[j]))));
      return sub(log(sum(classes, (c) => exp(z[c]))), z[labels[n]]);
    });
    return div(total, batch);
  });
  const Grads = struct({ value: Real, W1: Vec(hidden, Rin), b1: Rh, W2: Vec(classes, Rh), b2: Rc });
  const g = fn([Vec(hidden, Rin), Rh, Vec(classes, Rh), Rc, Vec(batch, Rin), Vec(batch, classes)], Grads, (W1, b1, W2, b2, X, labels) => {
    const { ret, grad } = vjp(f)({ W1, b1, W2, b2, X, labels });
    const d = grad(1);
    return { value: ret, W1: d.W1, b1: d.b1, W2: d.W2, b2: d.b2 };
  });
  const compiled = await compile(g);
  return (W1, b1, W2, b2, X, labels) => {
    const { value, ...grad } = compiled(W1, b1 as number[], W2, b2 as number[], X, labels as number[]);
    return { value, grad };
  };
}
