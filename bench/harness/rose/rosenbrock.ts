import { add, compile, fn, iadd, ieq, imod, mul, Real, select, struct, sub, sum, Vec, vjp } from "rose";
import type { GradResult } from "../types.js";

export async function rosenbrockGradRose(n: number): Promise<(x: readonly number[]) => GradResult> {
  const Rn = Vec(n, Real);
  // Rose sums over a whole index type: the last term, whose x[i + 1] wraps around, is selected away.
  // (iadd alone does not wrap: it reads past the end of the array, unchecked in compiled code.)
  const f = fn([Rn], Real, (x) =>
    sum(n, (i) => {
      const a = sub(x[imod(n, iadd(n, i, 1))], mul(x[i], x[i]));
      const b = sub(1, x[i]);
      return select(ieq(n, i, n - 1), Real, 0, add(mul(100, mul(a, a)), mul(b, b)));
    }),
  );
  const g = fn([Rn], struct({ value: Real, x: Rn }), (x) => {
    const { ret, grad } = vjp(f)(x);
    return { value: ret, x: grad(1) };
  });
  const compiled = await compile(g);
  return (x) => {
    const { value, x: dx } = compiled(x as number[]);
    return { value, grad: { x: dx } };
  };
}
