/** Trigonometric and hyperbolic functions. */
import type { Primitive } from "../primitives.js";
import { call, scaled, unary } from "./helpers.js";

export const trigonometric: Primitive[] = [
  unary("sin", Math.sin, (b, [x], _y, dy) => [b.mul(dy, b.prim("cos", [x]))], (b, [x], _y, [dx]) => scaled(b, () => b.prim("cos", [x]), dx)),
  unary("cos", Math.cos, (b, [x], _y, dy) => [b.neg(b.mul(dy, b.prim("sin", [x])))],
    (b, [x], _y, [dx]) => dx && b.neg(b.mul(dx, b.prim("sin", [x])))),
  unary("tan", Math.tan, (b, _x, y, dy) => [b.mul(dy, b.add(b.const(1), b.mul(y, y)))],
    (b, _x, y, [dx]) => scaled(b, () => b.add(b.const(1), b.mul(y, y)), dx)),
  unary("asin", Math.asin, (b, [x], _y, dy) => [b.div(dy, b.prim("sqrt", [b.sub(b.const(1), b.mul(x, x))]))],
    (b, [x], _y, [dx]) => dx && b.div(dx, b.prim("sqrt", [b.sub(b.const(1), b.mul(x, x))]))),
  unary("acos", Math.acos, (b, [x], _y, dy) => [b.neg(b.div(dy, b.prim("sqrt", [b.sub(b.const(1), b.mul(x, x))])))],
    (b, [x], _y, [dx]) => dx && b.neg(b.div(dx, b.prim("sqrt", [b.sub(b.const(1), b.mul(x, x))])))),
  unary("atan", Math.atan, (b, [x], _y, dy) => [b.div(dy, b.add(b.const(1), b.mul(x, x)))],
    (b, [x], _y, [dx]) => dx && b.div(dx, b.add(b.const(1), b.mul(x, x)))),
  { name: "atan2", arity: 2, resultType: "f64", emit: call("atan2"), apply: (a, c) => Math.atan2(a as number, c as number),
    // atan2(u, v): d/du = v / (u^2 + v^2), d/dv = -u / (u^2 + v^2)
    adjoint: (b, [u, v], _y, dy, need) => {
      const g = b.div(dy, b.add(b.mul(u, u), b.mul(v, v)));
      return [need[0] ? b.mul(g, v) : undefined, need[1] ? b.neg(b.mul(g, u)) : undefined];
    },
    tangent: (b, [u, v], _y, [du, dv]) => {
      const numerator = dv === undefined ? du && b.mul(du, v) : du === undefined ? b.neg(b.mul(dv, u)) : b.sub(b.mul(du, v), b.mul(dv, u));
      return numerator && b.div(numerator, b.add(b.mul(u, u), b.mul(v, v)));
    } },
  unary("sinh", Math.sinh, (b, [x], _y, dy) => [b.mul(dy, b.prim("cosh", [x]))], (b, [x], _y, [dx]) => scaled(b, () => b.prim("cosh", [x]), dx)),
  unary("cosh", Math.cosh, (b, [x], _y, dy) => [b.mul(dy, b.prim("sinh", [x]))], (b, [x], _y, [dx]) => scaled(b, () => b.prim("sinh", [x]), dx)),
  unary("tanh", Math.tanh, (b, _x, y, dy) => [b.mul(dy, b.sub(b.const(1), b.mul(y, y)))],
    (b, _x, y, [dx]) => scaled(b, () => b.sub(b.const(1), b.mul(y, y)), dx)),
  unary("asinh", Math.asinh, (b, [x], _y, dy) => [b.div(dy, b.prim("sqrt", [b.add(b.mul(x, x), b.const(1))]))],
    (b, [x], _y, [dx]) => dx && b.div(dx, b.prim("sqrt", [b.add(b.mul(x, x), b.const(1))]))),
  unary("acosh", Math.acosh, (b, [x], _y, dy) => [b.div(dy, b.prim("sqrt", [b.sub(b.mul(x, x), b.const(1))]))],
    (b, [x], _y, [dx]) => dx && b.div(dx, b.prim("sqrt", [b.sub(b.mul(x, x), b.const(1))]))),
  unary("atanh", Math.atanh, (b, [x], _y, dy) => [b.div(dy, b.sub(b.const(1), b.mul(x, x)))],
    (b, [x], _y, [dx]) => dx && b.div(dx, b.sub(b.const(1), b.mul(x, x)))),
];
