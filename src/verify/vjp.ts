/**
 * Checking a vector-Jacobian product with the scalar machinery: for a fixed
 * seed s, seed^T J is the gradient of the scalar function g(x) = s . f(x). The
 * seed is fixed by position (1, -0.5, 0.25, 1, ... over the result's numbers
 * in order), so g is the same function at every argument list.
 */
import type { GradientFunction } from "./gradcheck.js";

/** What adgen generates for a vector-valued `f`: `fVjp(...args, seed)` returning `{ value, grad }`. */
export type VjpFunction<A extends unknown[]> = (...args: [...A, unknown]) => { value: unknown; grad: object };

const weights = [1, -0.5, 0.25];

/** The seed for a result: its shape, with the numbers replaced by the fixed weights in order. */
export function seedLike(result: unknown): unknown {
  let i = 0;
  const replace = (v: unknown): unknown => {
    if (typeof v === "number") return weights[i++ % weights.length];
    if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<unknown>, replace);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  return replace(result);
}

/** s . result for the fixed seed, summing in order. */
function weighted(result: unknown): number {
  let i = 0;
  let sum = 0;
  const visit = (v: unknown): void => {
    if (typeof v === "number") sum += weights[i++ % weights.length]! * v;
    else if (Array.isArray(v) || ArrayBuffer.isView(v)) Array.from(v as ArrayLike<unknown>).forEach(visit);
    else if (typeof v === "object" && v !== null) for (const x of Object.values(v)) visit(x);
  };
  visit(result);
  return sum;
}

/** The scalar function s . f and its gradient from `fVjp`, for `gradcheck`. */
export function vjpAsGradient<A extends unknown[]>(f: (...args: A) => unknown, fVjp: VjpFunction<A>): {
  g: (...args: A) => number;
  gGrad: GradientFunction<A>;
} {
  const g = (...args: A): number => weighted(f(...args));
  const gGrad = (...args: A) => {
    const { value, grad } = fVjp(...args, seedLike(f(...structuredClone(args))));
    return { value: weighted(value), grad };
  };
  return { g, gGrad };
}
