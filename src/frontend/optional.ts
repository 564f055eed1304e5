/**
 * Locals of an optional type: `let best: [number, number] | undefined`,
 * `const rival = scores.find((s) => s > t)`. Such a variable is a number, a
 * boolean, or a tuple or object of the subset, or undefined; the subset check
 * and lowering both ask here which variables those are. Also optional
 * parameters without a default (`k?: number`): an exported function's is a
 * number, a boolean or an array of numbers, or undefined, known at run time.
 */
import { Node, type ParameterDeclaration, type Type as TsType } from "ts-morph";
import { declaredOptional, shapeOf, type Shape } from "./shape.js";

/** `T`'s shape when `t` is `T | undefined` with `T` a number, a boolean, or a tuple or object of the subset. */
export function optionalInner(t: TsType, at: Node): Shape | undefined {
  if (!t.isUnion() || !t.getUnionTypes().some((u) => u.isUndefined())) return undefined;
  const inner = shapeOf(t.getNonNullableType(), at);
  if (!inner) return undefined;
  if (inner.kind === "value" ? inner.type !== "f64" && inner.type !== "bool" : inner.kind === "records") return undefined;
  return inner;
}

/** Whether a node's type (as TypeScript narrows it where the node is) may be undefined. */
export function mayBeUndefined(node: Node): boolean {
  const t = node.getType();
  return t.isUndefined() || (t.isUnion() && t.getUnionTypes().some((u) => u.isUndefined()));
}

/** The local variable an identifier names, when its declared type is optional (`let best: T | undefined`). */
export function optionalLocal(id: Node): Node | undefined {
  if (!Node.isIdentifier(id)) return undefined;
  const decl = id.getSymbol()?.getDeclarations()[0];
  if (!decl || !Node.isVariableDeclaration(decl) || !Node.isIdentifier(decl.getNameNode())) return undefined;
  if (Node.isSourceFile(decl.getVariableStatement()?.getParent())) return undefined;
  return optionalInner(decl.getType(), decl) ? decl : undefined;
}

/** A parameter the caller may leave out and that has no default (`k?: number`). */
export function isOptionalParameter(p: ParameterDeclaration): boolean {
  return declaredOptional(p) && !p.hasInitializer();
}

/** The optional parameter without a default an identifier names. */
export function optionalParameter(id: Node): ParameterDeclaration | undefined {
  if (!Node.isIdentifier(id)) return undefined;
  const decl = id.getSymbol()?.getDeclarations()[0];
  return decl && Node.isParameterDeclaration(decl) && isOptionalParameter(decl) ? decl : undefined;
}

/** Value shapes an exported function's optional parameter may have: a number, a boolean, an array of numbers, rows. */
export function optionalParameterShape(shape: Shape | undefined): boolean {
  return shape?.kind === "value" && ["f64", "bool", "f64[]", "Float64Array", "f64[][]"].includes(shape.type);
}

/** An optional local or an optional parameter without a default. */
export function isOptionalName(node: Node): boolean {
  return !!(optionalLocal(node) ?? optionalParameter(node));
}
