/**
 * Finite differences over the numbers of the differentiated arguments, perturbed in place and restored.
 *
 * The functions must only ever see the benchmark's own arrays with their own element kinds: a copy
 * of another kind, or harness code that reads a matrix and its rows at one polymorphic site (which
 * makes V8 turn the rows from double into generic elements), would slow down every later call. So
 * scalars and array elements are reached through two separate accessors, and arrays are never walked
 * element by element.
 */
import type { PrimalFn } from "./types.js";

/** One number of the arguments. */
export interface Slot {
  get(): number;
  set(value: number): void;
}

/** The numbers of the arguments at `wrt` (indices into `args`), in index order. */
export function numberSlots(args: unknown[], wrt: readonly number[]): Slot[] {
  const slots: Slot[] = [];
  for (const argIndex of wrt) {
    const arg = args[argIndex];
    if (typeof arg === "number") slots.push(scalarSlot(args, argIndex));
    else for (const row of rowsOf(arg)) for (let i = 0; i < row.length; i++) slots.push(elementSlot(row, i));
  }
  return slots;
}

/** The number arrays of a vector (itself) or of a matrix given as rows. */
function rowsOf(arg: unknown): (number[] | Float64Array)[] {
  if (arg instanceof Float64Array) return [arg];
  if (!Array.isArray(arg)) throw new Error(`not a number, an array or a matrix: ${String(arg)}`);
  return arg.length > 0 && Array.isArray(arg[0]) ? (arg as number[][]) : [arg as number[]];
}

function scalarSlot(args: unknown[], index: number): Slot {
  return { get: () => args[index] as number, set: (value) => (args[index] = value) };
}

function elementSlot(array: number[] | Float64Array, index: number): Slot {
  return { get: () => array[index], set: (value) => (array[index] = value) };
}

/** The usual relative step of a central difference, eps^(1/3). */
const STEP = Number.EPSILON ** (1 / 3);
/** The relative step with one Richardson extrapolation, eps^(1/5), as in `adgen verify`. */
const RICHARDSON_STEP = Number.EPSILON ** (1 / 5);

/** (f(x + h) - f(x - h)) / 2h for every slot: two evaluations of `f` per parameter. */
export function centralDifferences(f: PrimalFn, args: unknown[], slots: readonly Slot[]): Float64Array {
  const grad = new Float64Array(slots.length);
  for (let s = 0; s < slots.length; s++) {
    grad[s] = centralDifference(f, args, slots[s], STEP * Math.max(1, Math.abs(slots[s].get())));
  }
  return grad;
}

/** An accurate derivative for checking: central differences at h and h/2 combined so the h^2 error cancels. */
export function checkDerivative(f: PrimalFn, args: unknown[], slot: Slot): number {
  const h = RICHARDSON_STEP * Math.max(1, Math.abs(slot.get()));
  return (4 * centralDifference(f, args, slot, h / 2) - centralDifference(f, args, slot, h)) / 3;
}

function centralDifference(f: PrimalFn, args: unknown[], slot: Slot, h: number): number {
  const x = slot.get();
  slot.set(x + h);
  const above = f(...args);
  slot.set(x - h);
  const below = f(...args);
  slot.set(x);
  return (above - below) / (2 * h);
}
