/** Facts about the subset that the check and lowering read alike: operator kinds, array methods, module constants, literal types. */
import { Node, SyntaxKind, VariableDeclarationKind, type VariableDeclaration } from "ts-morph";
import { namedConstant } from "../ir/primitives.js";
import { scalarType, valueType } from "./source.js";
import { shapeOf, shapeText } from "./shape.js";
import { descendantsOfKind } from "./descendants.js";

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

/** Bitwise operators: on 32-bit integers, with no derivative (`x | 0`, `n & 1`, `i >> 1`). */
export const bitwise = new Set([
  SyntaxKind.BarToken, SyntaxKind.AmpersandToken, SyntaxKind.CaretToken,
  SyntaxKind.LessThanLessThanToken, SyntaxKind.GreaterThanGreaterThanToken, SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
]);

export const compoundAssignments = new Map([
  [SyntaxKind.PlusEqualsToken, SyntaxKind.PlusToken],
  [SyntaxKind.MinusEqualsToken, SyntaxKind.MinusToken],
  [SyntaxKind.AsteriskEqualsToken, SyntaxKind.AsteriskToken],
  [SyntaxKind.SlashEqualsToken, SyntaxKind.SlashToken],
  [SyntaxKind.PercentEqualsToken, SyntaxKind.PercentToken],
  [SyntaxKind.AsteriskAsteriskEqualsToken, SyntaxKind.AsteriskAsteriskToken],
  [SyntaxKind.BarEqualsToken, SyntaxKind.BarToken],
  [SyntaxKind.AmpersandEqualsToken, SyntaxKind.AmpersandToken],
  [SyntaxKind.CaretEqualsToken, SyntaxKind.CaretToken],
  [SyntaxKind.LessThanLessThanEqualsToken, SyntaxKind.LessThanLessThanToken],
  [SyntaxKind.GreaterThanGreaterThanEqualsToken, SyntaxKind.GreaterThanGreaterThanToken],
  [SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken, SyntaxKind.GreaterThanGreaterThanGreaterThanToken],
]);

/** Whether an operator token assigns (`=`, `+=`, `|=`, ...). */
export function isAssignmentOperator(kind: SyntaxKind): boolean {
  return kind === SyntaxKind.EqualsToken || compoundAssignments.has(kind);
}

/** The number tests and conversions of the subset, by how the source calls them, and the primitive each is. */
const numberFunctions = new Map([
  ["isNaN", "isnanvalue"], ["isFinite", "isfinite"], ["Number.isNaN", "isnan"], ["Number.isFinite", "isfinite"],
  ["Number.isInteger", "isinteger"], ["Number", "tonumber"],
]);

/**
 * The primitive of a call of a global number function (`isNaN(x)`,
 * `Number.isFinite(x)`, `Number(flag)`), if the callee is one: declared by
 * TypeScript's own library, not a function of the project of that name.
 */
export function numberFunction(call: Node & { getExpression(): Node }): string | undefined {
  return numberFunctionNamed(call.getExpression());
}

/** The primitive of a global number function a node names (`Number.isFinite` passed to `every`), if it names one. */
export function numberFunctionNamed(callee: Node): string | undefined {
  const primitive = numberFunctions.get(callee.getText());
  if (!primitive) return undefined;
  const root = Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
  const decl = root.getSymbol()?.getDeclarations()[0];
  return decl?.getSourceFile().isDeclarationFile() && /(^|[\\/])lib\.[^\\/]*\.d\.ts$/.test(decl.getSourceFile().getFilePath()) ? primitive : undefined;
}

/**
 * The value of a constant expression, known at compile time: numbers,
 * `Math.PI`-style constants, module-level constants, and arithmetic of
 * these (`-1`, `1e-3`, `2 * Math.PI`, `EARTH_RADIUS_KM`). The default value
 * of an exported function's parameter must be one: the gradient's API
 * repeats it.
 */
export function constantValue(node: Node, seen: Set<Node> = new Set()): number | undefined {
  if (Node.isNumericLiteral(node)) return Number(node.compilerNode.text);
  if (Node.isParenthesizedExpression(node)) return constantValue(node.getExpression(), seen);
  if (Node.isPrefixUnaryExpression(node)) {
    const v = constantValue(node.getOperand(), seen);
    const op = node.getOperatorToken();
    return v === undefined ? undefined : op === SyntaxKind.MinusToken ? -v : op === SyntaxKind.PlusToken ? v : undefined;
  }
  if (Node.isPropertyAccessExpression(node)) return namedConstant(node.getExpression().getText(), node.getName());
  if (Node.isIdentifier(node)) {
    if (node.getText() === "Infinity") return Infinity;
    const decl = node.getSymbol()?.getDeclarations()[0];
    if (!decl || !isModuleConstant(decl) || seen.has(decl)) return undefined;
    return constantValue((decl as Node & { getInitializerOrThrow(): Node }).getInitializerOrThrow(), new Set([...seen, decl]));
  }
  if (Node.isBinaryExpression(node)) {
    const [a, b] = [constantValue(node.getLeft(), seen), constantValue(node.getRight(), seen)];
    if (a === undefined || b === undefined) return undefined;
    const fold: Partial<Record<SyntaxKind, (x: number, y: number) => number>> = {
      [SyntaxKind.PlusToken]: (x, y) => x + y, [SyntaxKind.MinusToken]: (x, y) => x - y,
      [SyntaxKind.AsteriskToken]: (x, y) => x * y, [SyntaxKind.SlashToken]: (x, y) => x / y,
      [SyntaxKind.PercentToken]: (x, y) => x % y, [SyntaxKind.AsteriskAsteriskToken]: (x, y) => x ** y,
    };
    return fold[node.getOperatorToken().getKind()]?.(a, b);
  }
  return undefined;
}

/** Whether a name is a global declared by declaration files only, not a parameter or variable of the source. */
function declaredGlobal(node: Node): boolean {
  return (node.getSymbol()?.getDeclarations() ?? []).every((d) => d.getSourceFile().isDeclarationFile());
}

/** `Math`, the global (not a parameter or variable of that name). */
export function isGlobalMath(node: Node): boolean {
  return node.getText() === "Math" && declaredGlobal(node);
}

/** `undefined`, the global. */
export function isUndefinedKeyword(node: Node): boolean {
  return Node.isIdentifier(node) && node.getText() === "undefined" && declaredGlobal(node);
}

const reassignments = new WeakMap<Node, boolean>();

/** Whether a variable is assigned anywhere in its file after its declaration (`x = ...`, `x += ...`, `x++`). */
/**
 * A module-level table of numbers (`const LANCZOS = [676.52, -1259.13, ...]`,
 * a `number[]` array literal) that the file only reads: every use is an
 * element read, `.length`, a method that does not write (`forEach`, `map`,
 * `reduce`, `slice`, ...), a `for...of` or a spread. Lowering makes it once
 * per function (lower/expressions.ts moduleArray).
 */
export function isModuleArray(decl: VariableDeclaration): boolean {
  const init = decl.getInitializer();
  if (!init || !Node.isArrayLiteralExpression(init) || valueType(decl.getType()) !== "f64[]") return false;
  const known = readOnlyArrays.get(decl);
  if (known !== undefined) return known;
  const symbol = decl.getNameNode().getSymbol();
  const uses = descendantsOfKind(decl.getSourceFile(), SyntaxKind.Identifier).filter((id) => id !== decl.getNameNode() && id.getSymbol() === symbol);
  const answer = init.getElements().every((e) => constantValue(e) !== undefined) && uses.every(readsOnly);
  readOnlyArrays.set(decl, answer);
  return answer;
}

const readOnlyArrays = new WeakMap<Node, boolean>();
const readingMethods = new Set(["length", "forEach", "map", "reduce", "reduceRight", "filter", "some", "every", "find", "findIndex", "indexOf", "includes", "slice", "concat", "flat"]);

/** Whether a use of an array only reads it. */
function readsOnly(id: Node): boolean {
  const parent = id.getParentOrThrow();
  if (Node.isElementAccessExpression(parent) && parent.getExpression() === id) {
    const outer = parent.getParentOrThrow();
    const written = (Node.isBinaryExpression(outer) && outer.getLeft() === parent && isAssignmentOperator(outer.getOperatorToken().getKind()))
      || ((Node.isPrefixUnaryExpression(outer) || Node.isPostfixUnaryExpression(outer)) && (outer.getOperatorToken() === SyntaxKind.PlusPlusToken || outer.getOperatorToken() === SyntaxKind.MinusMinusToken));
    return !written;
  }
  if (Node.isPropertyAccessExpression(parent) && parent.getExpression() === id) return readingMethods.has(parent.getName());
  if (Node.isForOfStatement(parent) && parent.getExpression() === id) return true;
  return Node.isSpreadElement(parent);
}

function assignedAgain(decl: Node & { getNameNode(): Node }): boolean {
  const known = reassignments.get(decl);
  if (known !== undefined) return known;
  const symbol = decl.getNameNode().getSymbol();
  const answer = descendantsOfKind(decl.getSourceFile(), SyntaxKind.Identifier).some((id) => {
    if (id === decl.getNameNode() || id.getSymbol() !== symbol) return false;
    const parent = id.getParentOrThrow();
    if (Node.isBinaryExpression(parent)) return parent.getLeft() === id && isAssignmentOperator(parent.getOperatorToken().getKind());
    return (Node.isPrefixUnaryExpression(parent) || Node.isPostfixUnaryExpression(parent))
      && (parent.getOperatorToken() === SyntaxKind.PlusPlusToken || parent.getOperatorToken() === SyntaxKind.MinusMinusToken);
  });
  reassignments.set(decl, answer);
  return answer;
}

/** A directive such as `"use strict";`: a string statement, which does nothing. */
export function isDirective(statement: Node): boolean {
  return Node.isExpressionStatement(statement) && Node.isStringLiteral(statement.getExpression());
}

/** The type of an array literal: its own, or for `[]` the type its context expects. */
export function literalType(node: Node): ReturnType<typeof valueType> {
  const own = valueType(node.getType());
  if (own) return own;
  const contextual = (node as Node & { getContextualType(): ReturnType<Node["getType"]> | undefined }).getContextualType();
  return contextual ? valueType(contextual) : undefined;
}

/** Whether an expression is an array of the subset (of numbers, rows, or tuples and objects: frontend/records.ts). */
export function isArrayNode(node: Node): boolean {
  const t = valueType(node.getType());
  return (t !== undefined && t !== "f64" && t !== "bool") || isRecordsNode(node);
}

/** Whether an expression is an array of tuples or objects (frontend/records.ts). */
export function isRecordsNode(node: Node): boolean {
  return shapeOf(node.getType(), node)?.kind === "records";
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

/**
 * `Array.from(xs)` (a copy) or `Array.from({ length: n }, (_, i) => ...)`
 * (an array made by a function of the index): which of the two, or undefined.
 */
export function arrayFrom(call: Node & { getExpression(): Node; getArguments(): Node[] }): "copy" | "generate" | undefined {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== "from" || callee.getExpression().getText() !== "Array") return undefined;
  const [source, fn] = call.getArguments();
  if (!source) return undefined;
  if (!fn && isArrayNode(source)) return "copy";
  const lengthOnly = Node.isObjectLiteralExpression(source) && source.getProperties().length === 1
    && Node.isPropertyAssignment(source.getProperties()[0]!) && (source.getProperties()[0] as Node & { getName(): string }).getName() === "length";
  return lengthOnly && fn ? "generate" : undefined;
}

/** Array methods that become loops (src/frontend/lower/methods.ts); those in `callbackMethods` take a function. */
export const callbackMethods = new Set(["map", "forEach", "reduce", "reduceRight", "filter", "some", "every", "findIndex", "find"]);
const loopMethods = new Set([...callbackMethods, "indexOf", "includes", "concat", "reverse", "flat"]);

/** The loop-lowered array method a call invokes (`xs.map(f)`, `xs.indexOf(v)`), if it is one. */
export function loopMethod(call: Node & { getExpression(): Node }): string | undefined {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.hasQuestionDotToken()) return undefined;
  return loopMethods.has(callee.getName()) && isArrayNode(callee.getExpression()) ? callee.getName() : undefined;
}

/**
 * A module-level `const` with an initializer, a number or a tuple or object
 * of numbers (`const WHITE = { x: 95.047, y: 100, z: 108.883 }`): its value
 * is inlined where it is used (a tuple or object as a fresh one each time:
 * nothing may write its fields, since they belong to no function).
 */
export function isModuleConstant(decl: Node): boolean {
  if (!Node.isVariableDeclaration(decl)) return false;
  const statement = decl.getVariableStatement();
  if (!statement || !Node.isSourceFile(statement.getParent()) || !decl.hasInitializer()) return false;
  // A module-level `var` or `let` that nothing assigns again (as JavaScript often declares its constants) is one too.
  if (statement.getDeclarationKind() !== VariableDeclarationKind.Const && assignedAgain(decl)) return false;
  if (scalarType(decl.getType()) === "f64") return true;
  if (isModuleArray(decl)) return true;
  const shape = shapeOf(decl.getType(), decl);
  return !!shape && shape.kind !== "value" && !/\[\]|Float64Array|boolean/.test(shapeText(shape));
}

/**
 * `for (const [i, x] of xs.entries())`: the array iterated, and the
 * pattern's two names, the index and the element (itself a pattern over
 * an array of tuples or objects).
 */
export function forOfEntries(loop: Node): { array: Node; index: Node; element: Node } | undefined {
  if (!Node.isForOfStatement(loop)) return undefined;
  const call = loop.getExpression();
  const callee = Node.isCallExpression(call) ? call.getExpression() : undefined;
  if (!Node.isCallExpression(call) || call.getArguments().length > 0 || !Node.isPropertyAccessExpression(callee) || callee.hasQuestionDotToken() || callee.getName() !== "entries") return undefined;
  const init = loop.getInitializer();
  const decls = Node.isVariableDeclarationList(init) ? init.getDeclarations() : [];
  const pattern = decls.length === 1 ? decls[0]!.getNameNode() : undefined;
  if (!pattern || !Node.isArrayBindingPattern(pattern)) return undefined;
  const [index, element, ...rest] = pattern.getElements();
  if (!index || !element || rest.length > 0 || !Node.isBindingElement(index) || !Node.isBindingElement(element)) return undefined;
  if (index.getDotDotDotToken() || element.getDotDotDotToken() || index.getInitializer() || element.getInitializer() || !Node.isIdentifier(index.getNameNode())) return undefined;
  const array = callee.getExpression();
  if (!isArrayNode(array) || (!Node.isIdentifier(element.getNameNode()) && !isRecordsNode(array))) return undefined;
  return { array, index: index.getNameNode(), element: element.getNameNode() };
}
