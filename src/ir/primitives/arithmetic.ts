/** Arithmetic: + - * / % unary minus and **. */
import type { Primitive } from "../primitives.js";
import { infix, scaled, tangentSum, type N } from "./helpers.js";

export const arithmetic: Primitive[] = [
  { name: "add", arity: 2, resultType: "f64", emit: infix("+"), folds: true, apply: (a, b) => (a as N) + (b as N),
    tangent: (b, _x, _y, [du, dv]) => tangentSum(b, [du, dv]),
    adjoint: (_b, _x, _y, dy) => [dy, dy] },
  { name: "sub", arity: 2, resultType: "f64", emit: infix("-"), folds: true, apply: (a, b) => (a as N) - (b as N),
    tangent: (b, _x, _y, [du, dv]) => (dv === undefined ? du : du === undefined ? b.neg(dv) : b.sub(du, dv)),
    adjoint: (b, _x, _y, dy, need) => [dy, need[1] ? b.neg(dy) : undefined] },
  { name: "mul", arity: 2, resultType: "f64", emit: infix("*"), folds: true, apply: (a, b) => (a as N) * (b as N),
    tangent: (b, [u, v], _y, [du, dv]) => tangentSum(b, [du && b.mul(du, v), dv && b.mul(u, dv)]),
    adjoint: (b, [u, v], _y, dy, need) => [need[0] ? b.mul(dy, v) : undefined, need[1] ? b.mul(dy, u) : undefined] },
  { name: "div", arity: 2, resultType: "f64", emit: infix("/"), folds: true, apply: (a, b) => (a as N) / (b as N),
    // d(u/v) = (du - y dv) / v
    tangent: (b, [, v], y, [du, dv]) => {
      const numerator = dv === undefined ? du : du === undefined ? b.neg(b.mul(y, dv)) : b.sub(du, b.mul(y, dv));
      return numerator && b.div(numerator, v);
    },
    // d(u/v) = du / v - dv * y / v: the numerator adjoint dy / v is shared.
    adjoint: (b, [, v], y, dy, need) => {
      const du = b.div(dy, v);
      return [need[0] ? du : undefined, need[1] ? b.neg(b.mul(du, y)) : undefined];
    } },
  { name: "rem", arity: 2, resultType: "f64", emit: infix("%"), folds: true, apply: (a, b) => (a as N) % (b as N),
    // u % v = u - v * trunc(u / v)
    tangent: (b, [u, v], _y, [du, dv]) => tangentSum(b, [du, dv && b.neg(b.mul(dv, b.prim("trunc", [b.div(u, v)])))]),
    adjoint: (b, [u, v], _y, dy, need) => [dy, need[1] ? b.neg(b.mul(dy, b.prim("trunc", [b.div(u, v)]))) : undefined] },
  { name: "neg", arity: 1, resultType: "f64", emit: (a) => `-${a[0]}`, folds: true, apply: (a) => -(a as N),
    tangent: (b, _x, _y, [dx]) => dx && b.neg(dx),
    adjoint: (b, _x, _y, dy) => [b.neg(dy)] },
  { name: "pow", arity: 2, resultType: "f64", emit: infix("**"), apply: (a, b) => (a as N) ** (b as N),
    // d(u^v) = v u^(v-1) du + [u > 0] y log(u) dv. The exponent's derivative is
    // taken as 0 where u <= 0 (u^v is not real-differentiable in v there), and
    // v u^(v-1) stays finite for u <= 0 and integer v, so x ** 2 at x <= 0 is exact.
    tangent: (b, [u, v], y, [du, dv]) => tangentSum(b, [
      scaled(b, () => b.mul(v, b.prim("pow", [u, b.sub(v, b.const(1))])), du),
      dv && b.select(b.prim("gt", [u, b.const(0)]), b.mul(dv, b.mul(y, b.prim("log", [u]))), b.const(0)),
    ]),
    adjoint: (b, [u, v], y, dy, need) => [
      need[0] ? b.mul(dy, b.mul(v, b.prim("pow", [u, b.sub(v, b.const(1))]))) : undefined,
      need[1] ? b.select(b.prim("gt", [u, b.const(0)]), b.mul(dy, b.mul(y, b.prim("log", [u]))), b.const(0)) : undefined,
    ] },
];
