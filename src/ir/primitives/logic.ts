/** Comparisons, boolean logic, choice, and stopGradient's nograd. */
import type { Primitive } from "../primitives.js";
import { infix, type N } from "./helpers.js";

const compare: [string, string, (a: N, b: N) => boolean][] = [
  ["lt", "<", (a, b) => a < b],
  ["le", "<=", (a, b) => a <= b],
  ["gt", ">", (a, b) => a > b],
  ["ge", ">=", (a, b) => a >= b],
  ["eq", "===", (a, b) => a === b],
  ["ne", "!==", (a, b) => a !== b],
];

export const logic: Primitive[] = [
  ...compare.map(([name, op, f]): Primitive =>
    ({ name, arity: 2, resultType: "bool", emit: infix(op), folds: true, apply: (a, b) => f(a as N, b as N) })),
  { name: "and", arity: 2, resultType: "bool", emit: infix("&&"), folds: true, apply: (a, b) => (a as boolean) && (b as boolean) },
  { name: "or", arity: 2, resultType: "bool", emit: infix("||"), folds: true, apply: (a, b) => (a as boolean) || (b as boolean) },
  { name: "not", arity: 1, resultType: "bool", emit: (a) => `!${a[0]}`, folds: true, apply: (a) => !a },
  // stopGradient(x): x itself, as a constant to differentiation (no rules).
  { name: "nograd", arity: 1, resultType: "f64", emit: (a) => a[0]!, folds: true, apply: (a) => a },
  { name: "select", arity: 3, resultType: "f64", emit: (a) => `${a[0]} ? ${a[1]} : ${a[2]}`, apply: (c, a, b) => (c ? a : b),
    adjoint: (b, [c], _y, dy, need) => [
      undefined,
      need[1] ? b.select(c, dy, b.const(0)) : undefined,
      need[2] ? b.select(c, b.const(0), dy) : undefined,
    ],
    tangent: (b, [c], _y, [, da, db]) => (da || db) && b.select(c, da ?? b.const(0), db ?? b.const(0)) },
];
