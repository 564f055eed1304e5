/**
 * Checks run before any timing, so a broken gradient cannot report a fast time: adgen's value is the
 * function's own, bit for bit; a few of its components match numerical differentiation; and the
 * hand-written, Rose and TensorFlow.js gradients agree with it everywhere.
 */
import { checkDerivative, numberSlots } from "./fd.js";
import { Random } from "./random.js";
import type { BenchCase, GradFn, GradResult } from "./types.js";

/** Spot checks against numerical differentiation per differentiated parameter: first, last and one between. */
const SPOT_CHECKS = 3;
/** Tolerances, relative to max(1, |reference|) for spot checks and to max(1, largest |component|) otherwise. */
const FD_RTOL = 1e-6;
const EXACT_RTOL = 1e-9;
/** TensorFlow.js computes in float32. */
const FLOAT32_RTOL = 1e-3;

/** Why the gradients of `c` cannot be timed, or undefined when every check passes. */
export function checkCase(c: BenchCase, adgen: GradFn): string | undefined {
  const expected = c.primal(...c.args);
  const result = adgen(...c.args);
  if (!Object.is(result.value, expected)) return `adgen value ${result.value} differs from the function's ${expected}`;
  const spot = checkNumerically(c, result);
  if (spot) return spot;
  if (c.hand) {
    const mismatch = compare(result, c.hand(...c.args), EXACT_RTOL);
    if (mismatch) return `hand-written gradient disagrees with adgen: ${mismatch}`;
  }
  if (c.rose) {
    const mismatch = compare(result, c.rose.grad(...c.rose.args), EXACT_RTOL);
    if (mismatch) return `Rose gradient disagrees with adgen: ${mismatch}`;
  }
  if (c.tfjs) {
    const mismatch = compare(result, c.tfjs.grad(...c.tfjs.args), FLOAT32_RTOL);
    if (mismatch) return `TensorFlow.js gradient disagrees with adgen: ${mismatch}`;
  }
  return undefined;
}

function checkNumerically(c: BenchCase, result: GradResult): string | undefined {
  const random = new Random(7);
  for (const [name, grad] of Object.entries(result.grad)) {
    const components = flatten(grad);
    const slots = numberSlots(c.args, [c.parameters.indexOf(name)]);
    if (slots.length !== components.length) return `grad.${name} has ${components.length} numbers, the argument ${slots.length}`;
    const picks = new Set([0, slots.length - 1]);
    while (picks.size < Math.min(SPOT_CHECKS, slots.length)) picks.add(random.int(slots.length));
    for (const pick of picks) {
      const fd = checkDerivative(c.primal, c.args, slots[pick]);
      const ad = components[pick];
      if (!(Math.abs(ad - fd) <= FD_RTOL * Math.max(1, Math.abs(fd)))) return `adgen grad.${name}, number ${pick}: ${ad}, numerically ${fd}`;
    }
  }
  return undefined;
}

/** Where `other` differs from `reference` by more than rtol relative to the larger of 1 and its largest magnitude. */
function compare(reference: GradResult, other: GradResult, rtol: number): string | undefined {
  if (!withinTolerance(other.value, reference.value, rtol * Math.max(1, Math.abs(reference.value)))) {
    return `value ${other.value}, expected ${reference.value}`;
  }
  for (const [name, grad] of Object.entries(reference.grad)) {
    const expected = flatten(grad);
    const actual = flatten(other.grad[name]);
    if (actual.length !== expected.length) return `grad.${name} has ${actual.length} numbers, expected ${expected.length}`;
    const tol = rtol * expected.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    const i = actual.findIndex((v, j) => !withinTolerance(v, expected[j], tol));
    if (i >= 0) return `grad.${name}, number ${i}: ${actual[i]}, expected ${expected[i]}`;
  }
  return undefined;
}

function withinTolerance(actual: number, expected: number, tol: number): boolean {
  return Math.abs(actual - expected) <= tol;
}

/** The numbers of a number or a (nested, plain or typed) array, in index order. */
function flatten(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (Array.isArray(value) || value instanceof Float64Array) return Array.from(value, flatten).flat();
  return [];
}
