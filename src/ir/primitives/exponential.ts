/** Exponentials, logarithms and roots. Rules may reuse the result (d exp = y). */
import type { Primitive } from "../primitives.js";
import { scaled, unary } from "./helpers.js";

export const exponential: Primitive[] = [
  unary("exp", Math.exp, (b, _x, y, dy) => [b.mul(dy, y)], (b, _x, y, [dx]) => scaled(b, () => y, dx)),
  unary("expm1", Math.expm1, (b, _x, y, dy) => [b.mul(dy, b.add(y, b.const(1)))], (b, _x, y, [dx]) => scaled(b, () => b.add(y, b.const(1)), dx)),
  unary("log", Math.log, (b, [x], _y, dy) => [b.div(dy, x)], (b, [x], _y, [dx]) => dx && b.div(dx, x)),
  unary("log1p", Math.log1p, (b, [x], _y, dy) => [b.div(dy, b.add(b.const(1), x))], (b, [x], _y, [dx]) => dx && b.div(dx, b.add(b.const(1), x))),
  unary("log2", Math.log2, (b, [x], _y, dy) => [b.div(dy, b.mul(x, b.const(Math.LN2)))],
    (b, [x], _y, [dx]) => dx && b.div(dx, b.mul(x, b.const(Math.LN2)))),
  unary("log10", Math.log10, (b, [x], _y, dy) => [b.div(dy, b.mul(x, b.const(Math.LN10)))],
    (b, [x], _y, [dx]) => dx && b.div(dx, b.mul(x, b.const(Math.LN10)))),
  unary("sqrt", Math.sqrt, (b, _x, y, dy) => [b.div(dy, b.mul(b.const(2), y))], (b, _x, y, [dx]) => dx && b.div(dx, b.mul(b.const(2), y))),
  unary("cbrt", Math.cbrt, (b, _x, y, dy) => [b.div(dy, b.mul(b.const(3), b.mul(y, y)))],
    (b, _x, y, [dx]) => dx && b.div(dx, b.mul(b.const(3), b.mul(y, y)))),
];
