/**
 * Scalars inside argument lists. An argument is a number, a boolean, an
 * array (plain or typed, possibly nested) or a tuple of them, or an object
 * whose fields are such; a coordinate is the path of indices and field names
 * that leads to one number.
 */

/**
 * One scalar inside an argument list, as a path of indices and field names:
 * `[1]` is the second argument, `[1, 2]` is element 2 of the second argument
 * (an array), `[0, "w", 3]` is element 3 of field `w` of the first.
 */
export type Coordinate = readonly (number | string)[];

type Indexable = { readonly length: number; readonly [index: number]: unknown };

function isIndexable(value: unknown): value is Indexable {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !isIndexable(value);
}

/** The value at `path` inside `root`, or undefined where the path leaves it. */
export function valueAt(root: unknown, path: Coordinate): unknown {
  let value = root;
  for (const key of path) {
    if (typeof key === "number" ? !isIndexable(value) : !isRecord(value)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/**
 * A deep copy of arguments: arrays (plain and typed), and objects with their
 * prototype, so that an instance of a class stays one (its methods work on
 * the copy), which `structuredClone` does not keep.
 */
export function copyOf<T>(root: T): T {
  if (ArrayBuffer.isView(root)) return (root as unknown as { slice(): T }).slice();
  if (Array.isArray(root)) return root.map((item: unknown) => copyOf(item)) as T;
  if (typeof root !== "object" || root === null) return root;
  const copy = Object.create(Object.getPrototypeOf(root) as object | null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(root)) copy[key] = copyOf(item);
  return copy as T;
}

/** A deep copy of `root` with the number at `path` replaced. */
export function withValueAt<T>(root: T, path: Coordinate, value: number): T {
  const copy = copyOf(root);
  const container = valueAt(copy, path.slice(0, -1)) as unknown as Record<string | number, unknown>;
  container[path[path.length - 1]!] = value;
  return copy;
}

/** The paths of every number in `value`, in index order: `[[]]` for a number, `[[0], [1]]` for `[a, b]`, `[["b"]]` for `{ b }`. */
export function numberPaths(value: unknown): Coordinate[] {
  if (typeof value === "number") return [[]];
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => numberPaths(item).map((inner) => [key, ...inner]));
  if (!isIndexable(value)) return [];
  const paths: Coordinate[] = [];
  for (let i = 0; i < value.length; i++) {
    for (const inner of numberPaths(value[i])) paths.push([i, ...inner]);
  }
  return paths;
}

/** Every number in `value`, in `numberPaths` order. */
export function leaves(value: unknown): number[] {
  return numberPaths(value).map((path) => valueAt(value, path) as number);
}

/** `w` and `[3]` -> `w[3]`; `X` and `[2, 1]` -> `X[2][1]`. */
export function formatCoordinate(name: string, path: Coordinate): string {
  return name + path.map((key) => (typeof key === "number" ? `[${key}]` : `.${key}`)).join("");
}

/**
 * Why `grad` cannot be the gradient of `value` (`label` names it), or
 * undefined when it has the same shape: a number for each number, an array of
 * the same length and kind (a Float64Array for a Float64Array) for each
 * array, the same fields for an object, less those that hold no number.
 */
export function shapeMismatch(value: unknown, grad: unknown, label: string): string | undefined {
  // A left-out optional argument: its entry is there all the same, 0 or [] (no derivative to give).
  if (value === undefined && (grad === 0 || (Array.isArray(grad) && grad.length === 0))) return undefined;
  if (typeof value === "number") {
    return typeof grad === "number" ? undefined : `${label} is ${describe(grad)}, expected a number`;
  }
  if (isRecord(value)) {
    if (!isRecord(grad)) return `${label} is ${describe(grad)}, expected an object`;
    for (const [key, item] of Object.entries(value)) {
      if (numberPaths(item).length === 0) continue;
      const mismatch = shapeMismatch(item, grad[key], `${label}.${key}`);
      if (mismatch) return mismatch;
    }
    const stray = Object.keys(grad).find((key) => !Object.hasOwn(value, key) || numberPaths(value[key]).length === 0);
    return stray === undefined ? undefined : `${label}.${stray} is present, but the argument has no numbers in field ${stray}`;
  }
  if (!isIndexable(value)) return `${label} is present, but the argument holds no numbers`;
  const kind = value instanceof Float64Array ? "a Float64Array" : "an array";
  if (!isIndexable(grad) || grad.length !== value.length || (value instanceof Float64Array) !== (grad instanceof Float64Array)) {
    return `${label} is ${describe(grad)}, expected ${kind} of length ${value.length}`;
  }
  for (let i = 0; i < value.length; i++) {
    if (numberPaths(value[i]).length === 0) continue;
    const mismatch = shapeMismatch(value[i], grad[i], `${label}[${i}]`);
    if (mismatch) return mismatch;
  }
  return undefined;
}

/** Deep equality in which numbers compare with Object.is, so NaN equals NaN and 0 differs from -0. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (isIndexable(a) && isIndexable(b)) {
    if (Array.isArray(a) !== Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return Object.is(a, b);
}

/**
 * A copy of `value` (a number, an array, a Float64Array, rows, a tuple or an
 * object) with every number replaced by `fill(path)`, called in
 * `numberPaths` order; fields and elements that hold no number (booleans)
 * are left out of objects, as adgen leaves them out of `grad` and seeds.
 */
export function filledLike(value: unknown, fill: (path: Coordinate) => number, path: Coordinate = []): unknown {
  if (typeof value === "number") return fill(path);
  if (value instanceof Float64Array) return Float64Array.from(value, (_, i) => fill([...path, i]));
  if (isIndexable(value)) return Array.from({ length: value.length }, (_, i) => filledLike(value[i], fill, [...path, i]));
  if (isRecord(value)) {
    const fields = Object.entries(value).filter(([, item]) => numberPaths(item).length > 0);
    return Object.fromEntries(fields.map(([key, item]) => [key, filledLike(item, fill, [...path, key])]));
  }
  return value;
}

/**
 * Where `actual` first differs from `expected` (`label` names it), or
 * undefined when they are equal: the same structure, array kinds and
 * fields, and every number the same by Object.is (so NaN equals NaN, and
 * 0 differs from -0).
 */
export function firstDifference(actual: unknown, expected: unknown, label: string): string | undefined {
  const differs = `${label} is ${show(actual)}, expected ${show(expected)}`;
  if (isIndexable(expected)) {
    if (!isIndexable(actual) || actual.length !== expected.length || kind(actual) !== kind(expected)) return differs;
    for (let i = 0; i < expected.length; i++) {
      const found = firstDifference(actual[i], expected[i], `${label}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (isRecord(expected)) {
    if (!isRecord(actual)) return differs;
    const keys = Object.keys(expected);
    const stray = Object.keys(actual).find((key) => !Object.hasOwn(expected, key));
    if (stray !== undefined) return `${label}.${stray} is ${show(actual[stray])}, expected no such field`;
    for (const key of keys) {
      const found = firstDifference(actual[key], expected[key], `${label}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(actual, expected) ? undefined : differs;
}

/**
 * The path inside `root` of the first array or object that is also found
 * inside `other` (the same object, not an equal one), or undefined: a
 * gradient that hands back an argument's own array instead of a fresh one.
 */
export function sharedObject(root: unknown, other: unknown): Coordinate | undefined {
  const seen = new Set<unknown>();
  const collect = (value: unknown): void => {
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    if (!ArrayBuffer.isView(value)) Object.values(value).forEach(collect);
  };
  collect(other);
  const find = (value: unknown, path: Coordinate): Coordinate | undefined => {
    if (typeof value !== "object" || value === null) return undefined;
    if (seen.has(value)) return path;
    if (ArrayBuffer.isView(value)) return undefined;
    for (const [key, item] of Object.entries(value)) {
      const found = find(item, [...path, Array.isArray(value) ? Number(key) : key]);
      if (found) return found;
    }
    return undefined;
  };
  return find(root, []);
}

function kind(value: Indexable): string {
  return Array.isArray(value) ? "array" : Object.prototype.toString.call(value);
}

function show(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  return describe(value);
}

function describe(value: unknown): string {
  if (value instanceof Float64Array) return `a Float64Array of length ${value.length}`;
  if (isIndexable(value)) return `an array of length ${value.length}`;
  if (typeof value === "number") return `the number ${value}`;
  return typeof value === "object" && value !== null ? "an object" : String(value);
}
