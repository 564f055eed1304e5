/**
 * Numbers in nested arguments and results (numbers, arrays, Float64Arrays,
 * tuples, objects): their leaves in order, and trees of the same shape, for
 * checking the derivative functions (directions, unit vectors, steps).
 */
export type Tree = unknown;

/** Every number of a tree, in order (object fields in their order, booleans left out). */
export function numbersOf(t: Tree): number[] {
  if (typeof t === "number") return [t];
  if (Array.isArray(t) || t instanceof Float64Array) return [...t].flatMap(numbersOf);
  if (typeof t === "object" && t !== null) return Object.values(t).flatMap(numbersOf);
  return [];
}

/** A tree of the same shape with each number replaced by `f(number, position)` (positions in `numbersOf` order). */
export function mapNumbers(t: Tree, f: (x: number, k: number) => number): Tree {
  let k = 0;
  const visit = (v: Tree): Tree => {
    if (typeof v === "number") return f(v, k++);
    if (v instanceof Float64Array) return Float64Array.from(v, (x) => f(x, k++));
    if (Array.isArray(v)) return v.map(visit);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, visit(x)]));
    return v;
  };
  return visit(t);
}

export function dot(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`dot of lengths ${a.length} and ${b.length}`);
  return a.reduce((s, x, i) => s + x * b[i]!, 0);
}

/** A small seeded generator (xorshift) of numbers in [-1, 1), so failures repeat. */
export function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  };
}

/** -0 read as 0: products that differ only in the sign of a zero compare equal. */
export const unsigned = (xs: number[]): number[] => xs.map((x) => (x === 0 ? 0 : x));
