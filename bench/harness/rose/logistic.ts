import { add, compile, div, fn, gt, mul, neg, Real, select, struct, sum, Vec, vjp } from "rose";
import { exp, log1p } from "./math.js";
import type { GradResult } from "../types.js";

type LogisticArgs = [w: readonly number[], b: number, X: number[][], y: readonly number[], lambda: number];

export async function logisticLossGradRose(rows: number, features: number): Promise<(...args: LogisticArgs) => GradResult> {
  const Rw = Vec(features, Real);
  const Data = struct({ w: Rw, b: Real, X: Vec(rows, Rw), y: Vec(rows, Real), lambda: Real });
  // vjp takes one argument, so the data travel with the parameters and get a (discarded) gradient too.
  const f = fn([Data], Real, ({ w, b, X, y, lambda }) => {
    const loss = sum(rows, (i) => {
      const z = add(b, sum(features, (j) => mul(w[j], X[i][j])));
      const m = neg(mul(y[i], z));
      return select(gt(m, 0), Real, add(m, log1p(exp(neg(m)))), log1p(exp(m)));
    });
    const norm2 = sum(features, (j) => mul(w[j], w[j]));
    return add(div(loss, rows), mul(mul(0.5, lambda), norm2));
  });
  const g = fn([Rw, Real, Vec(rows, Rw), Vec(rows, Real), Real], struct({ value: Real, w: Rw, b: Real }), (w, b, X, y, lambda) => {
    const { ret, grad } = vjp(f)({ w, b, X, y, lambda });
    const d = grad(1);
    return { value: ret, w: d.w, b: d.b };
  });
  const compiled = await compile(g);
  return (w, b, X, y, lambda) => {
    const { value, w: dw, b: db } = compiled(w as number[], b, X, y as number[], lambda);
    return { value, grad: { w: dw, b: db } };
  };
}
