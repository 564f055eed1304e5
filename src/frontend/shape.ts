/**
 * Shapes: the structured values of the subset. A value is a number, a
 * boolean or an array (one IR value), or an aggregate: a tuple such as
 * `[number, number]` or an object type whose fields are again shapes
 * (`interface Linear { w: number[]; b: number }`). Aggregates exist only in
 * the frontend: lowering replaces each by its leaves (scalar replacement),
 * so the IR and the reverse-mode transform never see them.
 */
import { Node, ts, type ParameterDeclaration, type Type as TsType } from "ts-morph";
import { type AggregateShape, leavesOf, partKeys, partName, partShape, shapeText } from "../ir/shape.js";
import type { Shape } from "../ir/types.js";
import { classOf, instanceProperties, instanceType } from "./classes.js";
import { typeText, valueType } from "./source.js";
import { recordsShape } from "./records.js";

export type { AggregateShape, Shape };
export { leavesOf, partKeys, partName, partShape, shapeText };

/** Nesting deeper than this is taken for a recursive type. */
const MAX_DEPTH = 8;

/** The shape of a TypeScript type, or undefined when it is outside the subset. `at` locates property types. */
export function shapeOf(t: TsType, at: Node, depth = 0): Shape | undefined {
  t = instanceType(t);
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
  const records = recordsShape(t, (element) => shapeOf(element, at, depth + 1));
  if (records) return records;
  if (!t.isObject() || t.isArray() || t.getCallSignatures().length || t.getConstructSignatures().length
    || t.getStringIndexType() || t.getNumberIndexType()) {
    return undefined;
  }
  // A class instance: its fields (not its methods and getters), or nothing when the class is outside the subset.
  const cls = classOf(t);
  const properties = cls ? instanceProperties(t, cls) : t.getProperties();
  if (!properties?.length) return undefined;
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

/** A parameter's type inside its function: an optional one's without `undefined` (a left-out argument is known where the call is). */
export function parameterType(p: ParameterDeclaration): TsType {
  return declaredOptional(p) || p.hasInitializer() ? p.getType().getNonNullableType() : p.getType();
}

/** What is wrong with passing `count` arguments to these parameters ("takes 1 to 2 arguments"), or undefined when nothing is. */
export function arityProblem(params: ParameterDeclaration[], count: number): string | undefined {
  const required = params.filter((p) => !p.hasInitializer() && !declaredOptional(p)).length;
  if (count >= required && count <= params.length) return undefined;
  return `takes ${required === params.length ? `${required}` : `${required} to ${params.length}`} arguments, got ${count}`;
}

/** A parameter declared optional: `k?: number`, or in JavaScript `@param {number} [k]` (or `{number=}`). */
export function declaredOptional(p: ParameterDeclaration): boolean {
  if (p.hasQuestionToken()) return true;
  return ts.getJSDocParameterTags(p.compilerNode).some((tag) => tag.isBracketed || (!!tag.typeExpression && ts.isJSDocOptionalType(tag.typeExpression.type)));
}
