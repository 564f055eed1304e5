/**
 * How explain prints values: numbers with JavaScript's shortest round-trip
 * formatting (`String(x)`: 0.1 reads 0.1, 1/3 reads 0.3333333333333333), so
 * that a printed number is exactly the number computed; long arrays shortened.
 */
import type { Runtime } from "./evaluate.js";

/** Arrays longer than this show their first elements and their length. */
const SHOWN = 6;

export function formatValue(v: Runtime | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const items = Array.from(v as ArrayLike<Runtime>);
  const shown = items.slice(0, SHOWN).map(formatValue);
  return items.length > SHOWN ? `[${shown.join(", ")}, … ${items.length} elements]` : `[${shown.join(", ")}]`;
}

/** `length 3`, `3 x 2` for rows: what an array's node shows besides its values. */
export function shapeOf(v: Runtime): string | undefined {
  if (typeof v !== "object") return undefined;
  const rows = Array.from(v as ArrayLike<Runtime>);
  if (rows.length > 0 && typeof rows[0] === "object") return `${rows.length} rows of ${(rows[0] as ArrayLike<number>).length}`;
  return `length ${rows.length}`;
}

/** Element-wise sum of two adjoints of the same shape (numbers or arrays). */
export function addRuntime(a: Runtime, b: Runtime): Runtime {
  if (typeof a === "number") return a + (b as number);
  const xs = Array.from(a as ArrayLike<Runtime>);
  const ys = b as ArrayLike<Runtime>;
  return xs.map((x, i) => addRuntime(x, ys[i]!)) as Runtime;
}

/** Zeros in the shape of an array parameter, to add the deltas of one use into. */
export function zerosShaped(v: Runtime): Runtime {
  if (typeof v === "number" || typeof v === "boolean") return 0;
  return Array.from(v as ArrayLike<Runtime>).map(zerosShaped) as Runtime;
}

/** Adds `amount` at an index path inside a nested array. */
export function addAt(target: Runtime, path: number[], amount: number): void {
  let a = target as unknown as (number | unknown[])[];
  for (let k = 0; k < path.length - 1; k++) a = a[path[k]!] as (number | unknown[])[];
  const last = path[path.length - 1]!;
  a[last] = ((a[last] as number) ?? 0) + amount;
}
