/** Walking shapes (see `Shape` in types.ts): the parts of a tuple or object, and its leaves in order. */
import type { Func, Shape, Type } from "./types.js";

export type AggregateShape = Exclude<Shape, { kind: "value" }>;

/** The keys of an aggregate's parts in order: field names, or "0", "1", ... for a tuple. */
export function partKeys(s: AggregateShape): string[] {
  if (s.kind === "records") return partKeys(s.element);
  return s.kind === "tuple" ? s.items.map((_, i) => String(i)) : s.fields.map((f) => f.name);
}

/** The shape of one part of an aggregate. */
export function partShape(s: AggregateShape, key: string): Shape {
  if (s.kind === "records") return columnShape(partShape(s.element, key));
  const part = s.kind === "tuple" ? s.items[Number(key)] : s.fields.find((f) => f.name === key)?.shape;
  if (!part) throw new Error(`no part '${key}' in ${shapeText(s)}`);
  return part;
}

/** `state` + `x` -> `stateX`; `y` + `0` -> `y0`; an unnamed tuple's `0` -> `item0`: names for the leaves of an aggregate. */
export function partName(base: string, key: string): string {
  if (/^\d/.test(key)) return `${base || "item"}${key}`; // a name may not start with a digit
  return base ? `${base}${key[0]!.toUpperCase()}${key.slice(1)}` : key;
}

/** Every value inside a shape with its path of part keys, in order. */
export function leavesOf(s: Shape, path: string[] = []): { path: string[]; type: Type; text: string }[] {
  if (s.kind === "value") return [{ path, type: s.type, text: s.text }];
  return partKeys(s).flatMap((k) => leavesOf(partShape(s, k), [...path, k]));
}

/** The column of an array of records for one part of its element: a number[], or the columns of a nested tuple or object. */
function columnShape(part: Shape): Shape {
  if (part.kind === "value") return { kind: "value", type: "f64[]", text: "number[]" };
  if (part.kind === "records") throw new Error("an array of records inside an array of records");
  return { kind: "records", element: part, readonly: false };
}

/** A self-contained TypeScript spelling of a shape (no aliases), e.g. `{ w: number[]; b: number }`. */
export function shapeText(s: Shape): string {
  if (s.kind === "value") return s.text;
  if (s.kind === "records") return `${s.readonly ? "readonly " : ""}${shapeText(s.element)}[]`;
  if (s.kind === "tuple") return `[${s.items.map(shapeText).join(", ")}]`;
  return `{ ${s.fields.map((f) => `${f.name}: ${shapeText(f.shape)}`).join("; ")} }`;
}

/** For a leaf path of `s` passing through an array of tuples or objects: how many of its keys lead to the array. */
export function recordsDepth(s: Shape, path: string[]): number | undefined {
  let at: Shape = s;
  for (let i = 0; i < path.length; i++) {
    if (at.kind === "records") return i;
    if (at.kind === "value") return undefined;
    at = partShape(at, path[i]!);
  }
  return undefined;
}

/** `["model", "w"]` -> `model.w`; `["p", "0"]` -> `p[0]`: a leaf of an aggregate as TypeScript reads it. */
export function accessText(path: string[]): string {
  return path.slice(1).reduce((text, key) => (/^\d+$/.test(key) ? `${text}[${key}]` : `${text}.${key}`), path[0]!);
}

/** Whether a function returns something other than one number: its derivative is a vector-Jacobian product. */
export function isVectorValued(f: Func): boolean {
  return !!f.resultShape && !(f.resultShape.kind === "value" && f.resultShape.type === "f64");
}
