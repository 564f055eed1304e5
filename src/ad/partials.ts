/**
 * A value with its partial derivatives known: the call of a recursive
 * function (frontend/recursion.ts) returns its value and its partial
 * derivatives with respect to its m number arguments, and the `partials`
 * op joins them to the arguments. Its operands are the value, the m
 * partials, then the m arguments; it prints and computes as the value.
 * The tangent is the sum of each partial times its argument's tangent;
 * the adjoint of argument i is the result's adjoint times partial i. The
 * partials themselves carry no derivative (they are constants to the
 * rules: a second derivative through them is not made, see derivatives.ts).
 */
import type { Primitive } from "../ir/primitives.js";

const byCount = new Map<number, Primitive>();

/** The `partials` primitive over m arguments. */
export function partialsPrimitive(m: number): Primitive {
  let p = byCount.get(m);
  if (!p) {
    p = {
      name: "partials", arity: 2 * m + 1, resultType: "f64", emit: (a) => a[0]!, apply: (v) => v,
      // y = f(a_1..a_m) with df/da_i = p_i: da_i += dy * p_i.
      adjoint: (b, x, _y, dy, need) => x.map((_, k) => (k > m && need[k] ? b.mul(dy, x[k - m]!) : undefined)),
      // dy = sum_i p_i * da_i.
      tangent: (b, x, _y, dx) => {
        const terms = dx.flatMap((t, k) => (k > m && t ? [b.mul(x[k - m]!, t)] : []));
        return terms.length ? terms.reduce((s, v) => b.add(s, v)) : undefined;
      },
    };
    byCount.set(m, p);
  }
  return p;
}
