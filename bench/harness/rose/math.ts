/**
 * Rose gradients (rose 0.4, a JAX-like library that traces functions and compiles them to
 * WebAssembly), one file per benchmark in this folder; bench/README.md says how each is written.
 * Rose fixes every array size when a function is traced, so each gradient is built for its
 * benchmark's sizes. The compiled functions take and return plain JavaScript values, so every call
 * includes copying the arguments into WebAssembly memory and the results out.
 *
 * This file: what Rose lacks, exp, log, log1p, tanh, sin and cos, as opaque calls back into
 * JavaScript with their derivatives declared, as in Rose's README.
 */
import { add, div, Dual, fn, mul, neg, opaque, Real, sub } from "rose";

export const exp = opaque([Real], Real, Math.exp);
exp.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => {
  const y = exp(x);
  return { re: y, du: mul(dx, y) };
});

export const log = opaque([Real], Real, Math.log);
log.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => ({ re: log(x), du: div(dx, x) }));

export const tanh = opaque([Real], Real, Math.tanh);
tanh.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => {
  const y = tanh(x);
  return { re: y, du: mul(dx, sub(1, mul(y, y))) };
});

export const sin = opaque([Real], Real, Math.sin);
export const cos = opaque([Real], Real, Math.cos);
sin.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => ({ re: sin(x), du: mul(dx, cos(x)) }));
cos.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => ({ re: cos(x), du: neg(mul(dx, sin(x))) }));

export const log1p = opaque([Real], Real, Math.log1p);
log1p.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => ({ re: log1p(x), du: div(dx, add(1, x)) }));
