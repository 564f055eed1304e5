/**
 * Shapes: the structured values of the subset. A value is a number, a
 * boolean or an array (one IR value), or an aggregate: a tuple such as
 * `[number, number]` or an object type whose fields are again shapes
 * (`interface Linear { w: number[]; b: number }`). Aggregates exist only in
 * the frontend: lowering replaces each by its leaves (scalar replacement),
 * so the IR and the reverse-mode transform never see them.
 */
import { Node, ts, type Type as TsType } from "ts-morph";
import type { Shape, Type } from "../ir/types.js";
import { typeText, valueType } from "./source.js";

export type { Shape };

export type AggregateShape = Exclude<Shape, { kind: "value" }>;

/** Nesting deeper than this is taken for a recursive type. */
const MAX_DEPTH = 8;

/** The shape of a TypeScript type, or undefined when it is outside the subset. `at` locates property types. */
export function shapeOf(t: TsType, at: Node, depth = 0): Shape | undefined {
  const type = valueType(t);
  if (type) return { kind: "value", type, text: typeText(t) };
  if (depth > MAX_DEPTH) return undefined;
  if (t.isTuple()) {
    const elements = t.getTupleElements();
    const target = (t.compilerType as ts.TypeReference).target as ts.TupleType | undefined;
    // Optional, rest and variadic elements have no fixed position.
    if (!target || target.elementFlags.some((f) => !(f & ts.ElementFlags.Required))) return undefined;
    const items = elements.map((e) => shapeOf(e, at, depth + 1));
    return items.every((s): s is Shape => s !== undefined) && items.length > 0 ? { kind: "tuple", items } : undefined;
  }
  if (!t.isObject() || t.isArray() || t.getCallSignatures().length || t.getConstructSignatures().length
    || t.getStringIndexType() || t.getNumberIndexType()) {
    return undefined;
  }
  const properties = t.getProperties();
  if (properties.length === 0) return undefined;
  const fields: { name: string; shape: Shape }[] = [];
  for (const p of properties) {
    const name = p.getName();
    if (p.hasFlags(ts.SymbolFlags.Optional) || !/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
    const shape = shapeOf(p.getTypeAtLocation(at), at, depth + 1);
    if (!shape) return undefined;
    fields.push({ name, shape });
  }
  return { kind: "object", fields };
}

/** The shape of `node`'s type: its own, or for a literal the type its context expects. */
export function shapeAt(node: Node): Shape | undefined {
  const own = shapeOf(node.getType(), node);
  if (own && !(own.kind === "value" && Node.isArrayLiteralExpression(node))) return own;
  const contextual = (node as Node & { getContextualType?(): TsType | undefined }).getContextualType?.();
  return (contextual && shapeOf(contextual, node)) ?? own;
}

/** A self-contained TypeScript spelling of a shape (no aliases), e.g. `{ w: number[]; b: number }`. */
export function shapeText(s: Shape): string {
  if (s.kind === "value") return s.text;
  if (s.kind === "tuple") return `[${s.items.map(shapeText).join(", ")}]`;
  return `{ ${s.fields.map((f) => `${f.name}: ${shapeText(f.shape)}`).join("; ")} }`;
}

/** The keys of an aggregate's parts in order: field names, or "0", "1", ... for a tuple. */
export function partKeys(s: AggregateShape): string[] {
  return s.kind === "tuple" ? s.items.map((_, i) => String(i)) : s.fields.map((f) => f.name);
}

/** The shape of one part of an aggregate. */
export function partShape(s: AggregateShape, key: string): Shape {
  const part = s.kind === "tuple" ? s.items[Number(key)] : s.fields.find((f) => f.name === key)?.shape;
  if (!part) throw new Error(`no part '${key}' in ${shapeText(s)}`);
  return part;
}

/** Every value inside a shape with its path of part keys, in order. */
export function leavesOf(s: Shape, path: string[] = []): { path: string[]; type: Type; text: string }[] {
  if (s.kind === "value") return [{ path, type: s.type, text: s.text }];
  return partKeys(s).flatMap((k) => leavesOf(partShape(s, k), [...path, k]));
}
