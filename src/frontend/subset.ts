/** Facts about the subset that the check and lowering read alike: operator kinds, array methods, module constants, literal types. */
import { Node, SyntaxKind, VariableDeclarationKind } from "ts-morph";
import { scalarType, valueType } from "./source.js";

export const arithmetic = new Set([
  SyntaxKind.PlusToken, SyntaxKind.MinusToken, SyntaxKind.AsteriskToken, SyntaxKind.SlashToken,
  SyntaxKind.PercentToken, SyntaxKind.AsteriskAsteriskToken,
]);

export const comparisons = new Set([
  SyntaxKind.LessThanToken, SyntaxKind.LessThanEqualsToken, SyntaxKind.GreaterThanToken,
  SyntaxKind.GreaterThanEqualsToken, SyntaxKind.EqualsEqualsEqualsToken, SyntaxKind.ExclamationEqualsEqualsToken,
  SyntaxKind.EqualsEqualsToken, SyntaxKind.ExclamationEqualsToken,
]);

export const logical = new Set([SyntaxKind.AmpersandAmpersandToken, SyntaxKind.BarBarToken]);

export const compoundAssignments = new Map([
  [SyntaxKind.PlusEqualsToken, SyntaxKind.PlusToken],
  [SyntaxKind.MinusEqualsToken, SyntaxKind.MinusToken],
  [SyntaxKind.AsteriskEqualsToken, SyntaxKind.AsteriskToken],
  [SyntaxKind.SlashEqualsToken, SyntaxKind.SlashToken],
  [SyntaxKind.PercentEqualsToken, SyntaxKind.PercentToken],
  [SyntaxKind.AsteriskAsteriskEqualsToken, SyntaxKind.AsteriskAsteriskToken],
]);

/** The type of an array literal: its own, or for `[]` the type its context expects. */
export function literalType(node: Node): ReturnType<typeof valueType> {
  const own = valueType(node.getType());
  if (own) return own;
  const contextual = (node as Node & { getContextualType(): ReturnType<Node["getType"]> | undefined }).getContextualType();
  return contextual ? valueType(contextual) : undefined;
}

/** Whether an expression is an array of the subset. */
export function isArrayNode(node: Node): boolean {
  const t = valueType(node.getType());
  return t !== undefined && t !== "f64" && t !== "bool";
}

/** The array method a call invokes (`push`, `fill`, `slice`), if it is one. */
export function arrayMethod(call: Node & { getExpression(): Node }): string | undefined {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.hasQuestionDotToken()) return undefined;
  const name = callee.getName();
  if (!["push", "fill", "slice"].includes(name)) return undefined;
  const target = callee.getExpression();
  return isArrayNode(target) || Node.isNewExpression(target) ? name : undefined;
}

/** A module-level `const` with an initializer: its value is inlined where it is used. */
export function isModuleConstant(decl: Node): boolean {
  if (!Node.isVariableDeclaration(decl)) return false;
  const statement = decl.getVariableStatement();
  return !!statement && Node.isSourceFile(statement.getParent())
    && statement.getDeclarationKind() === VariableDeclarationKind.Const
    && decl.hasInitializer() && scalarType(decl.getType()) === "f64";
}
