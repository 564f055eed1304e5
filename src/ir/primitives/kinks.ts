/** Functions with kinks and jumps: abs, min, max, hypot, fround and the piecewise constant ones (conventions in README.md). */
import type { Primitive } from "../primitives.js";
import { call, scaled, tangentSum, type N } from "./helpers.js";

export const kinks: Primitive[] = [
  { name: "abs", arity: 1, resultType: "f64", emit: call("abs"), apply: (a) => Math.abs(a as N),
    // abs'(0) = sign(0) = 0.
    adjoint: (b, [x], _y, dy) => [b.mul(dy, b.prim("sign", [x]))],
    tangent: (b, [x], _y, [dx]) => scaled(b, () => b.prim("sign", [x]), dx) },
  { name: "max", arity: 2, resultType: "f64", emit: call("max"), folds: true, apply: (a, b) => Math.max(a as N, b as N),
    // At a tie the first operand takes the whole derivative.
    adjoint: (b, [u, v], _y, dy) => {
      const first = b.prim("ge", [u, v]);
      return [b.select(first, dy, b.const(0)), b.select(first, b.const(0), dy)];
    },
    tangent: (b, [u, v], _y, [du, dv]) => (du || dv) && b.select(b.prim("ge", [u, v]), du ?? b.const(0), dv ?? b.const(0)) },
  { name: "min", arity: 2, resultType: "f64", emit: call("min"), folds: true, apply: (a, b) => Math.min(a as N, b as N),
    adjoint: (b, [u, v], _y, dy) => {
      const first = b.prim("le", [u, v]);
      return [b.select(first, dy, b.const(0)), b.select(first, b.const(0), dy)];
    },
    tangent: (b, [u, v], _y, [du, dv]) => (du || dv) && b.select(b.prim("le", [u, v]), du ?? b.const(0), dv ?? b.const(0)) },
  { name: "hypot", arity: "variadic", resultType: "f64", emit: call("hypot"), apply: (...a) => Math.hypot(...(a as N[])),
    // d/dx_i = x_i / y; at y = 0 (all arguments zero) the gradient is taken as 0.
    adjoint: (b, x, y, dy, need) => {
      const g = b.select(b.prim("eq", [y, b.const(0)]), b.const(0), b.div(dy, y));
      return x.map((xi, i) => (need[i] ? b.mul(g, xi) : undefined));
    },
    tangent: (b, x, y, dx) => {
      const dot = tangentSum(b, x.map((xi, i) => dx[i] && b.mul(xi, dx[i])));
      return dot && b.select(b.prim("eq", [y, b.const(0)]), b.const(0), b.div(dot, y));
    } },
  // fround rounds to the nearest single-precision number: a change of precision, whose derivative
  // is taken as 1 (as for a cast), exactly as IEEE 754 defines it, so it folds.
  { name: "fround", arity: 1, resultType: "f64", emit: call("fround"), folds: true, apply: (a) => Math.fround(a as N),
    adjoint: (_b, _x, _y, dy) => [dy],
    tangent: (_b, _x, _y, [dx]) => dx },
  // Piecewise constant: derivative zero (no rules).
  ...(["sign", "floor", "ceil", "round", "trunc"] as const).map((name): Primitive =>
    ({ name, arity: 1, resultType: "f64", emit: call(name), apply: (a) => Math[name](a as N) })),
];
