import { add, compile, fn, iadd, ieq, imod, mul, Real, select, struct, sub, sum, Vec, vec, vjp } from "rose";
import type { GradResult } from "../types.js";

type SpringsArgs = [x0: readonly number[], v0: readonly number[], k: number, c: number, damping: number, dt: number, steps: number, target: readonly number[]];

/**
 * The time steps are unrolled while tracing, as for the LSTM, each a call of a traced step function:
 * unrolled inline, the 1000 steps need more WebAssembly locals than a function may have.
 */
export async function springChainGradRose(n: number, steps: number): Promise<(...args: SpringsArgs) => GradResult> {
  const Rn = Vec(n, Real);
  const Data = struct({ x0: Rn, v0: Rn, k: Real, c: Real, damping: Real, dt: Real, target: Rn });
  const Motion = struct({ x: Rn, v: Rn });
  const cube = (d: Real): Real => mul(mul(d, d), d);
  const step = fn([Motion, Real, Real, Real, Real], Motion, ({ x, v }, k, c, damping, dt) => {
    const force = vec(n, Real, (i) => {
      const xi = x[i];
      // The neighbours' indices wrap around; the walls are selected instead at the ends.
      const dl = sub(select(ieq(n, i, 0), Real, 0, x[imod(n, iadd(n, i, n - 1))]), xi);
      const dr = sub(select(ieq(n, i, n - 1), Real, 0, x[imod(n, iadd(n, i, 1))]), xi);
      return sub(add(mul(k, add(dl, dr)), mul(c, add(cube(dl), cube(dr)))), mul(damping, v[i]));
    });
    const vNew = vec(n, Real, (i) => add(v[i], mul(dt, force[i])));
    return { x: vec(n, Real, (i) => add(x[i], mul(dt, vNew[i]))), v: vNew };
  });
  const f = fn([Data], Real, ({ x0, v0, k, c, damping, dt, target }) => {
    let motion = step({ x: x0, v: v0 }, k, c, damping, dt);
    for (let s = 1; s < steps; s++) motion = step(motion, k, c, damping, dt);
    const x = motion.x;
    return sum(n, (i) => {
      const e = sub(x[i], target[i]);
      return mul(e, e);
    });
  });
  const Grads = struct({ value: Real, x0: Rn, v0: Rn, k: Real, c: Real });
  const g = fn([Rn, Rn, Real, Real, Real, Real, Rn], Grads, (x0, v0, k, c, damping, dt, target) => {
    const { ret, grad } = vjp(f)({ x0, v0, k, c, damping, dt, target });
    const d = grad(1);
    return { value: ret, x0: d.x0, v0: d.v0, k: d.k, c: d.c };
  });
  const compiled = await compile(g);
  return (x0, v0, k, c, damping, dt, stepCount, target) => {
    if (stepCount !== steps) throw new Error(`Rose's springs gradient was traced for ${steps} steps, not ${stepCount}`);
    const { value, ...grad } = compiled(x0 as number[], v0 as number[], k, c, damping, dt, target as number[]);
    return { value, grad };
  };
}
