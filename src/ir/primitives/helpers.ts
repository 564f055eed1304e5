/** Small pieces the rows of the primitive table are written with. */
import type { Builder } from "../builder.js";
import type { AdjointRule, Primitive, TangentRule } from "../primitives.js";
import type { Value } from "../types.js";

/** `Math.<fn>(a, b, ...)`. */
export const call = (fn: string) => (a: string[]): string => `Math.${fn}(${a.join(", ")})`;

/** `a <op> b`. */
export const infix = (op: string) => (a: string[]): string => `${a[0]} ${op} ${a[1]}`;

export type N = number;

/** The sum of tangent terms, undefined (zero) when every term is. */
export function tangentSum(b: Builder, terms: (Value | undefined)[]): Value | undefined {
  return terms.reduce<Value | undefined>((sum, t) => (t === undefined ? sum : sum === undefined ? t : b.add(sum, t)), undefined);
}

/** `factor() * dx`, or undefined (zero) when dx is: the factor is built only when needed. */
export function scaled(b: Builder, factor: () => Value, dx: Value | undefined): Value | undefined {
  return dx === undefined ? undefined : b.mul(dx, factor());
}

/** A Math function of one number: how it reads, what it computes, its adjoint and tangent rules. */
export function unary(name: string, fn: (x: number) => number, adjoint: AdjointRule, tangent: TangentRule): Primitive {
  return { name, arity: 1, resultType: "f64", emit: call(name), apply: (a) => fn(a as number), adjoint, tangent };
}
