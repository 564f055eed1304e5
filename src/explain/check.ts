/**
 * The check of an explanation against the generated gradient module: the
 * adjoints the backward pass reaches at the inputs must be what
 * `<f>Grad(...args).grad` (or `<f>Vjp(...args, ones)`) computes, to rounding.
 */
import { copyOf } from "../verify/coordinates.js";
import type { Runtime } from "./evaluate.js";
import { gradientEntry, parameterLabel } from "./inputs.js";
import type { Module } from "./load.js";
import type { CompiledFunction } from "./pipeline.js";

/** Relative agreement required: the two sums differ only in the order their terms are added. */
export const CHECK_RTOL = 1e-12;

export interface ParameterCheck {
  /** `x`, `model.w`. */
  label: string;
  explained: Runtime;
  /** The generated gradient's entry; undefined when adgen does not differentiate this parameter. */
  generated: Runtime | undefined;
  /** The largest relative difference over its numbers. */
  difference: number;
  pass: boolean;
}

export interface GradientCheck {
  /** `fGrad(2)` or `fVjp(..., seed)`: what was called. */
  call: string;
  parameters: ParameterCheck[];
  pass: boolean;
}

/** The seed of ones shaped like a vector-valued result. */
export function onesLike(value: unknown): unknown {
  if (typeof value === "number") return 1;
  if (value instanceof Float64Array) return new Float64Array(value.length).fill(1);
  if (Array.isArray(value)) return value.map(onesLike);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, onesLike(v)]));
  return 0;
}

/**
 * `explained` holds each IR parameter's adjoint as the explanation shows it;
 * `value` is the source function's result at `args` (a vector-valued
 * function's seed of ones has its shape).
 */
export function checkGradient(fn: CompiledFunction, args: unknown[], value: unknown, explained: (Runtime | undefined)[], generated: Module): GradientCheck {
  const name = `${fn.name}${fn.vectorValued ? "Vjp" : "Grad"}`;
  const gradFn = generated[name];
  if (typeof gradFn !== "function") throw new Error(`the generated module has no ${name}`);
  const extra = fn.vectorValued ? [onesLike(value)] : [];
  const { grad } = (gradFn as (...a: unknown[]) => { grad: Record<string, unknown> })(...copyOf(args), ...extra);
  const parameters = fn.primal.params.flatMap((p, i): ParameterCheck[] => {
    const mine = explained[i];
    if (mine === undefined) return [];
    const entry = gradientEntry(grad, p) as Runtime | undefined;
    const difference = entry === undefined ? 0 : relativeDifference(mine, entry);
    return [{ label: parameterLabel(p), explained: mine, generated: entry, difference, pass: difference <= CHECK_RTOL }];
  });
  const point = args.map((a) => JSON.stringify(a)).join(", ");
  return { call: `${name}(${point}${fn.vectorValued ? ", ones" : ""})`, parameters, pass: parameters.every((p) => p.pass) };
}

/** The largest |a - b| / max(|a|, |b|) over two numbers or arrays of the same shape (0 for equal numbers, NaN included). */
export function relativeDifference(a: Runtime, b: Runtime): number {
  if (typeof a === "number" || typeof b === "number") {
    const x = a as number;
    const y = b as number;
    if (Object.is(x, y) || x === y) return 0;
    const d = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));
    return Number.isNaN(d) ? Infinity : d;
  }
  const xs = a as ArrayLike<Runtime>;
  const ys = b as ArrayLike<Runtime>;
  if (xs.length !== ys.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < xs.length; i++) worst = Math.max(worst, relativeDifference(xs[i]!, ys[i]!));
  return worst;
}
