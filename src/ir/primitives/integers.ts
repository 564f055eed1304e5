/**
 * Bitwise operators (on 32-bit integers: `x | 0`, `i >> 1`, `n & 1`), the
 * number tests `Number.isNaN`, `isNaN`, `Number.isFinite`, `Number.isInteger`,
 * a number as a condition (`!!x`), and a boolean used as a number (`+(a < b)`). All are piecewise constant: they
 * carry no derivative (no rules), and fold exactly.
 */
import type { Primitive } from "../primitives.js";
import { infix, type N } from "./helpers.js";

const bitwise: [string, string, (a: N, b: N) => N][] = [
  ["bor", "|", (a, b) => a | b],
  ["band", "&", (a, b) => a & b],
  ["bxor", "^", (a, b) => a ^ b],
  ["shl", "<<", (a, b) => a << b],
  ["shr", ">>", (a, b) => a >> b],
  ["ushr", ">>>", (a, b) => a >>> b],
];

const tests: [string, string, (a: N) => boolean][] = [
  ["isnan", "Number.isNaN", (a) => Number.isNaN(a)],
  // The global `isNaN`, which converts its argument: true of `undefined` (an element read past the end) too.
  ["isnanvalue", "isNaN", (a) => isNaN(a)],
  ["isfinite", "Number.isFinite", (a) => Number.isFinite(a)],
  ["isinteger", "Number.isInteger", (a) => Number.isInteger(a)],
];

export const integers: Primitive[] = [
  ...bitwise.map(([name, op, f]): Primitive =>
    ({ name, arity: 2, resultType: "f64", emit: infix(op), folds: true, apply: (a, b) => f(a as N, b as N) })),
  { name: "bnot", arity: 1, resultType: "f64", emit: (a) => `~${a[0]}`, folds: true, apply: (a) => ~(a as N) },
  ...tests.map(([name, fn, f]): Primitive =>
    ({ name, arity: 1, resultType: "bool", emit: (a) => `${fn}(${a[0]})`, folds: true, apply: (a) => f(a as N) })),
  // A number as a condition: false for 0, -0 and NaN, and for `undefined` (an element read past the end), as JavaScript has it.
  { name: "truthy", arity: 1, resultType: "bool", emit: (a) => `!!${a[0]}`, folds: true, apply: (a) => !!a },
  // `+flag`: 1 or 0.
  { name: "tonumber", arity: 1, resultType: "f64", emit: (a) => `Number(${a[0]})`, folds: true, apply: (a) => Number(a) },
];
