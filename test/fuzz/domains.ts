/**
 * Safe forms of rendered expressions. Every number expression carries a bound
 * on its magnitude; an operand that could leave a function's domain or grow
 * too large is rewritten first:
 *
 * - `fit` squashes (`Math.tanh(e)`, `Math.atan(e)`, ...) and scales an
 *   operand whose bound is too large, so nothing overflows;
 * - `positive` builds an argument for log, sqrt, a divisor or a real power,
 *   bounded away from 0 (`1 + e ** 2`, `Math.exp(e)`, `Math.abs(e) + 0.5`);
 * - `unit` builds an argument for asin, acos, atanh, tan inside (-1, 1).
 *
 * So programs are well defined on every input and derivatives stay finite,
 * except at kinks (abs, min, floor, %, branches), which the checker detects.
 */
import type { FunctionScope } from "./scope.js";

/** Rendered code of a condition. */
export interface Code {
  text: string;
  /** Needs no parentheses as an operand: a name, a call, a non-negative literal, a negation. */
  atomic: boolean;
}

/** Rendered code of a number expression. */
export interface Rendered extends Code {
  /** |value| <= bound. */
  bound: number;
  /** TypeScript gives it a literal type (`2`, `-1.5`, `c ? 1 : 2`, a `const` holding one). */
  literal?: boolean;
}

/** A positive expression: low <= value <= bound. */
export interface Positive extends Rendered {
  low: number;
}

/** The largest magnitude an expression may have. */
export const LIMIT = 100;
export const operand = (r: Code): string => (r.atomic ? r.text : `(${r.text})`);
export const compound = (text: string, bound: number): Rendered => ({ text, atomic: false, bound });
export const call = (fn: string, args: Rendered[], bound: number): Rendered => ({
  text: `Math.${fn}(${args.map((a) => a.text).join(", ")})`,
  atomic: true,
  bound,
});

/** `r`, or a squashed and scaled version of it, with bound at most `max`. */
export function fit(r: Rendered, max: number, scope: FunctionScope): Rendered {
  if (r.bound <= max) return r;
  const squashed = squash(r, scope.nextSquash());
  if (squashed.bound <= max) return squashed;
  const scale = 2 ** -Math.ceil(Math.log2(squashed.bound / max));
  return compound(`${scale} * ${squashed.text}`, scale * squashed.bound);
}

function squash(r: Rendered, form: number): Rendered {
  const fn = (["tanh", "atan", "sin", "cos"] as const)[form % 4]!;
  return call(fn, [r], fn === "atan" ? Math.PI / 2 : 1);
}

/** A positive expression built from `r`. */
export function positive(r: Rendered, form: number, scope: FunctionScope): Positive {
  const variant = form % 8;
  const a = fit(r, [10, 10, LIMIT, 2, 4, LIMIT, LIMIT, LIMIT][variant]!, scope);
  switch (variant) {
    case 0:
      return { ...compound(`1 + ${operand(a)} ** 2`, 1 + a.bound ** 2), low: 1 };
    case 1:
      return { ...compound(`${operand(a)} ** 2 + 0.5`, a.bound ** 2 + 0.5), low: 0.5 };
    case 2:
      return { ...compound(`Math.abs(${a.text}) + 0.5`, a.bound + 0.5), low: 0.5 };
    case 3:
      return { ...call("exp", [a], Math.exp(a.bound)), low: Math.exp(-a.bound) };
    case 4:
      return { ...call("cosh", [a], Math.cosh(a.bound)), low: 1 };
    case 5:
      return { ...call("hypot", [a, { text: "1", atomic: true, bound: 1 }], Math.hypot(a.bound, 1)), low: 1 };
    case 6:
      return { ...compound(`2 + Math.sin(${a.text})`, 3), low: 1 };
    default:
      return { ...compound(`1.5 + Math.cos(${a.text})`, 2.5), low: 0.5 };
  }
}

/** An expression built from `r` with |value| <= 0.9 < 1. */
export function unit(r: Rendered, form: number, scope: FunctionScope): Rendered {
  const any = fit(r, LIMIT, scope);
  switch (form % 3) {
    case 0:
      return compound(`0.9 * Math.tanh(${any.text})`, 0.9);
    case 1:
      return compound(`0.9 * Math.sin(${any.text})`, 0.9);
    default:
      return compound(`${operand(any)} / (1 + Math.abs(${any.text})) * 0.9`, 0.9);
  }
}
