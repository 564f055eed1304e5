/**
 * Locals of an optional type: `let best: [number, number] | undefined`,
 * `const rival = scores.find((s) => s > t)`. Such a variable is a number, a
 * boolean, or a tuple or object of the subset, or undefined; the subset check
 * and lowering both ask here which variables those are.
 */
import { Node, type Type as TsType } from "ts-morph";
import { shapeOf, type Shape } from "./shape.js";

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
