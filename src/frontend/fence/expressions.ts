/** The subset check of expressions: one handler per kind, names, and the types operators need. */
import { Node, SyntaxKind, ts } from "ts-morph";
import { boundFunction, isFunctionTyped, isLocalTo, type FunctionLike } from "../functions.js";
import { Codes } from "../../diagnostics.js";
import { namedConstant } from "../../ir/primitives.js";
import { declarationOf, isAggregateNode, partKeyOf, shorthandDeclaration as shorthandDeclarationNode } from "../resolve.js";
import { ruleFor } from "../rules.js";
import { shapeAt, shapeOf } from "../shape.js";
import { isStringLiterals, scalarType, valueType } from "../source.js";
import { arithmetic, bitwise, comparisons, compoundAssignments, isArrayNode, isModuleConstant, isUndefinedKeyword, literalType, logical } from "../subset.js";
import { isOptionalName, mayBeUndefined } from "../optional.js";
import type { FenceContext, Handler } from "./context.js";
import { SUPPORTED_TYPES } from "./signature.js";
import { constructedClass } from "../classes.js";
import { checkMemberRead, checkNew, classTypeReason, onThis } from "./classes.js";
import { descendants } from "../descendants.js";

function onNumericLiteral(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  return false;
}

function onParenthesizedExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  return true;
}

function onConditionalExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  cx.expectType(node.asKindOrThrow(SyntaxKind.ConditionalExpression).getCondition(), "condition", "a '?:' condition");
  if (!shapeAt(node)) {
    cx.report(node, Codes.UnsupportedType, `a '?:' whose branches have type '${node.getType().getText(node)}'; both must have one type of the subset`);
    return false;
  }
  return true;
}

function onAsExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const inner = (node as Node & { getExpression(): Node }).getExpression();
  cx.visit(inner, fn, stack);
  return false;
}

function onIdentifier(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  cx.checkIdentifier(node, fn, stack);
  return false;
}

function onPrefixUnaryExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const e = node.asKindOrThrow(SyntaxKind.PrefixUnaryExpression);
  const op = e.getOperatorToken();
  if (op === SyntaxKind.PlusPlusToken || op === SyntaxKind.MinusMinusToken) {
    cx.checkAssignTarget(e.getOperand(), fn);
    cx.expectType(e.getOperand(), "f64", op === SyntaxKind.PlusPlusToken ? "'++'" : "'--'");
    return false;
  }
  if (op === SyntaxKind.ExclamationToken) cx.expectType(e.getOperand(), "condition", "'!'");
  else if (op === SyntaxKind.TildeToken) cx.expectType(e.getOperand(), "f64", "bitwise '~'");
  else if (op === SyntaxKind.PlusToken && scalarType(e.getOperand().getType()) === "bool") return true; // `+(a < b)`: 1 or 0
  else cx.expectType(e.getOperand(), "f64", `unary '${op === SyntaxKind.MinusToken ? "-" : "+"}'`);
  return true;
}

function onPostfixUnaryExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const e = node.asKindOrThrow(SyntaxKind.PostfixUnaryExpression);
  cx.checkAssignTarget(e.getOperand(), fn);
  cx.expectType(e.getOperand(), "f64", e.getOperatorToken() === SyntaxKind.PlusPlusToken ? "'++'" : "'--'");
  return false;
}

function onBinaryExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const e = node.asKindOrThrow(SyntaxKind.BinaryExpression);
  const op = e.getOperatorToken();
  const kind = op.getKind();
  if (kind === SyntaxKind.EqualsToken || compoundAssignments.has(kind)) {
    cx.checkAssignTarget(e.getLeft(), fn);
    if (compoundAssignments.has(kind)) cx.expectType(e.getLeft(), "f64", `'${op.getText()}'`);
    cx.visit(e.getRight(), fn, stack);
    return false;
  }
  if (kind === SyntaxKind.CommaToken) return true;
  if ((comparisons.has(kind) && (isUndefinedKeyword(e.getLeft()) || isUndefinedKeyword(e.getRight()))) || kind === SyntaxKind.QuestionQuestionToken) {
    checkUndefinedTest(cx, e, fn, stack);
    return false;
  }
  if (arithmetic.has(kind) || bitwise.has(kind)) {
    cx.expectType(e.getLeft(), "f64", `'${op.getText()}'`);
    cx.expectType(e.getRight(), "f64", `'${op.getText()}'`);
  } else if (logical.has(kind)) {
    // `a || b` of numbers is a number (`period || 0.3`); otherwise both sides are booleans.
    const operands = scalarType(e.getType()) === "f64" ? "f64" : "bool";
    cx.expectType(e.getLeft(), operands, `'${op.getText()}'`);
    cx.expectType(e.getRight(), operands, `'${op.getText()}'`);
  } else if (comparisons.has(kind)) {
    const l = scalarType(e.getLeft().getType());
    const r = scalarType(e.getRight().getType());
    const unreachable = e.getLeft().getType().isNever() || e.getRight().getType().isNever();
    const strings = isStringLiterals(e.getLeft().getType()) && isStringLiterals(e.getRight().getType());
    if (strings && !equalities.has(kind)) {
      cx.report(node, Codes.UnsupportedOperator, `'${op.getText()}' orders strings; strings of a string-literal type can be compared with '===' and '!==' only`);
    } else if (!unreachable && !strings && (!l || l !== r)) {
      cx.report(node, Codes.UnsupportedOperator, `'${op.getText()}' compares values of different or unsupported types`);
    }
  } else {
    cx.report(op, Codes.UnsupportedOperator, `operator '${op.getText()}' is not supported`);
    return false;
  }
  return true;
}

function onCallExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  cx.checkCall(node.asKindOrThrow(SyntaxKind.CallExpression), fn, stack);
  return false;
}

function onElementAccessExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const e = node.asKindOrThrow(SyntaxKind.ElementAccessExpression);
  if (e.hasQuestionDotToken()) {
    cx.report(node, Codes.UnsupportedExpression, "optional chaining ('?.') is not supported");
    return false;
  }
  if (isAggregateNode(e.getExpression())) {
    const shape = shapeOf(e.getExpression().getType(), e);
    const key = partKeyOf(e);
    if (shape?.kind !== "tuple" || key === undefined || !(Number(key) < shape.items.length)) {
      cx.report(e.getArgumentExpressionOrThrow(), Codes.UnsupportedExpression,
        `'${e.getText()}': a tuple is indexed by a number literal within its length (${shape?.kind === "tuple" ? shape.items.length : 0})`);
      return false;
    }
    cx.visit(e.getExpression(), fn, stack);
    return false;
  }
  if (!isArrayNode(e.getExpression())) {
    if (declaredUnsupported(e)) return false; // reported where it is declared
    cx.report(node, Codes.UnsupportedExpression, `'${e.getText()}': element access is supported on arrays of numbers and tuples only`);
    return false;
  }
  const index = e.getArgumentExpressionOrThrow();
  cx.expectType(index, "f64", "an array index");
  cx.visit(e.getExpression(), fn, stack);
  cx.visit(index, fn, stack);
  return false;
}

function onArrayLiteralExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const shape = shapeAt(node);
  if (shape?.kind === "tuple" || shape?.kind === "records") {
    for (const element of node.asKindOrThrow(SyntaxKind.ArrayLiteralExpression).getElements()) {
      if (Node.isSpreadElement(element) || Node.isOmittedExpression(element)) cx.report(element, Codes.UnsupportedExpression, `${shape.kind === "tuple" ? "a tuple literal" : "an array literal of tuples or objects"} needs every element written out`);
      else cx.visit(element, fn, stack);
    }
    return false;
  }
  const t = literalType(node);
  for (const element of node.asKindOrThrow(SyntaxKind.ArrayLiteralExpression).getElements()) {
    if (Node.isSpreadElement(element)) {
      cx.expectArray(element.getExpression(), "spread");
      cx.visit(element.getExpression(), fn, stack);
    }
  }
  if (t !== "f64[]" && t !== "f64[][]") {
    cx.report(node, Codes.UnsupportedExpression, `an array literal of type '${node.getType().getText(node)}'; give it a number[] or number[][] type`);
    return false;
  }
  return true;
}

function onNewExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const e = node.asKindOrThrow(SyntaxKind.NewExpression);
  const args = e.getArguments();
  const cls = constructedClass(e);
  if (cls) {
    checkNew(cx, e, cls, fn, stack);
    return false;
  }
  if (e.getExpression().getText() === "Float64Array" && args.length === 1 && scalarType(args[0]!.getType()) === "f64") {
    cx.visit(args[0]!, fn, stack);
    return false;
  }
  cx.report(node, Codes.UnsupportedExpression, "of 'new' only 'new Float64Array(n)' and 'new Array(n).fill(v)' are supported");
  return false;
}

function onObjectLiteralExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const shape = shapeAt(node);
  if (shape?.kind !== "object") {
    cx.report(node, Codes.UnsupportedType, `an object literal of type '${node.getType().getText(node)}'; give it a type whose fields are ${SUPPORTED_TYPES}`);
    return false;
  }
  for (const prop of node.asKindOrThrow(SyntaxKind.ObjectLiteralExpression).getProperties()) {
    if (Node.isPropertyAssignment(prop) && Node.isIdentifier(prop.getNameNode())) cx.visit(prop.getInitializerOrThrow(), fn, stack);
    else if (Node.isShorthandPropertyAssignment(prop)) cx.checkIdentifier(prop.getNameNode(), fn, stack, prop);
    else if (Node.isSpreadAssignment(prop) && shapeOf(prop.getExpression().getType(), prop)?.kind === "object") cx.visit(prop.getExpression(), fn, stack);
    else cx.report(prop, Codes.UnsupportedExpression, "an object literal takes 'name: value', 'name' and '...object' fields only (no methods, accessors or computed names)");
  }
  return false;
}

function onPropertyAccessExpression(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const e = node.asKindOrThrow(SyntaxKind.PropertyAccessExpression);
  if (namedConstant(e.getExpression().getText(), e.getName()) !== undefined && !e.hasQuestionDotToken()) return false;
  if (checkMemberRead(cx, e, fn, stack)) return false;
  if (isAggregateNode(e.getExpression()) && !e.hasQuestionDotToken()) {
    cx.visit(e.getExpression(), fn, stack);
    return false;
  }
  if (e.getName() === "length" && isArrayNode(e.getExpression()) && !e.hasQuestionDotToken()) {
    cx.visit(e.getExpression(), fn, stack);
    return false;
  }
  if (declaredUnsupported(e)) return false; // reported where it is declared
  const reason = classTypeReason(e.getExpression().getType(), e);
  if (reason) {
    cx.report(e.getExpression(), Codes.UnsupportedType, reason);
    return false;
  }
  cx.report(node, Codes.UnsupportedExpression, `'${e.getText()}' is not supported; of properties only fields of tuples and objects, '.length' and the Math and Number constants are`);
  return false;
}

/**
 * Whether an access (`pts[0].x`) starts from a parameter or variable of this
 * program whose type is outside the subset: that is reported once, where it
 * is declared, not at every use.
 */
function declaredUnsupported(e: Node): boolean {
  let root = e;
  while (Node.isPropertyAccessExpression(root) || Node.isElementAccessExpression(root)) root = root.getExpression();
  if (!Node.isIdentifier(root)) return false;
  const decl = root.getSymbol()?.getDeclarations()[0];
  if (!decl || decl.getSourceFile().isDeclarationFile() || !(Node.isParameterDeclaration(decl) || Node.isVariableDeclaration(decl))) return false;
  return !shapeOf(decl.getType(), decl) && !decl.getType().getCallSignatures().length;
}

/**
 * `k === undefined`, `k !== undefined`, `k ?? 1`: a test of an optional
 * parameter, whose argument a call passes or leaves out, so the answer is
 * known where the call is inlined.
 */
function checkUndefinedTest(cx: FenceContext, e: Node & { getLeft(): Node; getRight(): Node; getOperatorToken(): Node }, fn: FunctionLike, stack: FunctionLike[]): void {
  const coalesce = e.getOperatorToken().getKind() === SyntaxKind.QuestionQuestionToken;
  const tested = coalesce || !isUndefinedKeyword(e.getLeft()) ? e.getLeft() : e.getRight();
  if (!Node.isIdentifier(tested)) {
    const chained = Node.isElementAccessExpression(tested) && tested.hasQuestionDotToken() ? tested : undefined;
    const advice = chained ? ` (write '${chained.getExpression().getText()} ? ${chained.getExpression().getText()}[${chained.getArgumentExpressionOrThrow().getText()}] : ...' instead of '?.')` : "";
    cx.report(tested, Codes.UnsupportedExpression, `'${tested.getText()}' is tested for undefined; only an optional parameter or a variable can be${advice}`);
    return;
  }
  cx.checkIdentifier(tested, fn, stack);
  if (!coalesce) return;
  if (!shapeAt(e.getRight())) {
    cx.report(e.getRight(), Codes.UnsupportedType, `'??' gives a value of type '${e.getRight().getType().getText(e)}'; supported are ${SUPPORTED_TYPES}`);
    return;
  }
  cx.visit(e.getRight(), fn, stack);
}

/** A name read in `fn`; `shorthand` is the `{ name }` property it appears in, if any. */
export function checkIdentifier(cx: FenceContext, id: Node, fn: FunctionLike, stack: FunctionLike[], shorthand?: Node): void {
  const text = id.getText();
  if (text === "NaN" || text === "Infinity") return;
  const local = shorthand
    ? descendants(fn).find((d) => d.compilerNode === shorthandDeclarationNode(shorthand))
    : id.getSymbol()?.getDeclarations()[0];
  if (local && (Node.isParameterDeclaration(local) || Node.isVariableDeclaration(local) || Node.isBindingElement(local))
    && isLocalTo(local, fn) && !boundFunction(local) && !isFunctionTyped(local)) return;
  const decl = shorthand ? undefined : declarationOf(id);
  if (decl && Node.isVariableDeclaration(decl) && isModuleConstant(decl)) {
    // Its initialiser is lowered where the constant is read: it must be in the subset too.
    if (!cx.checkedConstants.has(decl)) {
      cx.checkedConstants.add(decl);
      cx.visit(decl.getInitializerOrThrow(), fn, stack);
    }
    return;
  }
  if (decl && (Node.isFunctionDeclaration(decl) || boundFunction(decl) || (Node.isParameterDeclaration(decl) && isFunctionTyped(decl)))) {
    cx.report(id, Codes.UnsupportedExpression, `function '${text}' used as a value; a function can be called, or passed to a function that calls it`);
    return;
  }
  if (decl && Node.isVariableDeclaration(decl) && Node.isSourceFile(decl.getVariableStatement()?.getParent()) && valueType(decl.getType()) === "f64[]") {
    cx.report(id, Codes.UnknownName, `'${text}' is a module-level array that the file writes or passes to a function; a table of numbers is supported where the file only reads it (elements, '.length', 'forEach', 'map', 'reduce', 'for...of'): to change it, copy it in the function ('const t = [...${text}]')`);
    return;
  }
  cx.report(id, Codes.UnknownName, decl || local
    ? `'${text}' is not a parameter, local variable or module-level numeric constant`
    : `cannot find name '${text}'`);
}

const equalities = new Set([SyntaxKind.EqualsEqualsEqualsToken, SyntaxKind.ExclamationEqualsEqualsToken, SyntaxKind.EqualsEqualsToken, SyntaxKind.ExclamationEqualsToken]);

/** What an operand must be: a number, a boolean, or a condition (either: a number tests as JavaScript's truthiness). */
export type Wanted = "f64" | "bool" | "condition";

export function expectType(cx: FenceContext, node: Node, want: Wanted, what: string): void {
  if (want !== "bool" && arithmeticResult(node)) return;
  // An untyped parameter or variable is reported where it is declared, once, not at every use.
  if (Node.isIdentifier(node) && node.getType().isAny() && declaredHere(node)) return;
  // TypeScript narrows an operand that cannot run (`flag || flag` inside `if (flag)`) to never.
  if (node.getType().isNever()) return;
  // An optional local tested as a condition (`if (best)`): defined, and truthy.
  if (want === "condition" && isOptionalName(unparenthesized(node)) && mayBeUndefined(node)) return;
  // An optional number before `||` (`period || 0.3`): undefined falls to the right side, as 0 and NaN do.
  if (want === "f64" && what === "'||'" && isOptionalName(unparenthesized(node)) && mayBeUndefined(node) && scalarType(node.getType().getNonNullableType()) === "f64") return;
  const got = cx.hasRule(node) ? "f64" : scalarType(node.getType());
  // `x > 0 && x` (a number or false) is reported at its operands, once.
  if (got === undefined && isLogical(node)) return;
  if (got !== want && !(want === "condition" && (got === "bool" || got === "f64"))) {
    const needed = { f64: "a number", bool: "a boolean", condition: "a boolean or number" }[want];
    cx.report(node, Codes.UnsupportedOperator, `${what} needs ${needed} operand, not '${node.getType().getText(node)}'`);
  }
}

function unparenthesized(node: Node): Node {
  while (Node.isParenthesizedExpression(node)) node = node.getExpression();
  return node;
}

function isLogical(node: Node): boolean {
  while (Node.isParenthesizedExpression(node)) node = node.getExpression();
  return Node.isBinaryExpression(node) && logical.has(node.getOperatorToken().getKind());
}

/** Whether an expression is a call of a function with a user-defined adjoint (which returns a number). */
export function hasRule(cx: FenceContext, node: Node): boolean {
  while (Node.isParenthesizedExpression(node)) node = node.getExpression();
  return Node.isCallExpression(node) && ruleFor(cx.rules, node.getExpression()) !== undefined;
}

/**
 * Whether an expression is arithmetic on numbers by its form alone: a
 * numeric literal, or `- * / % **` (which TypeScript, whose check the input
 * has passed, allows on numbers only once bigints are ruled out, as the
 * fence does), or a `+` of such. Asking the checker for the type of every
 * operand of a long sum would check the sum again at every level (the
 * checker does not keep the types of binary expressions): quadratic in its
 * length.
 */
const arithmeticCache = new WeakMap<ts.Node, boolean>();
function arithmeticResult(node: Node): boolean {
  // Down the left spine (parentheses and binary operators) to its first answered or leaf node, then back up.
  const spine: Node[] = [];
  for (let n: Node | undefined = node; n && arithmeticCache.get(n.compilerNode) === undefined;) {
    if (Node.isParenthesizedExpression(n)) {
      spine.push(n);
      n = n.getExpression();
    } else if (Node.isBinaryExpression(n)) {
      spine.push(n);
      n = n.getLeft();
    } else {
      arithmeticCache.set(n.compilerNode, Node.isNumericLiteral(n));
      n = undefined;
    }
  }
  const numeric = (n: Node) => arithmeticResult(n) || scalarType(n.getType()) === "f64";
  for (const n of spine.reverse()) {
    let result = false;
    if (Node.isParenthesizedExpression(n)) result = arithmeticCache.get(n.getExpression().compilerNode)!;
    else if (Node.isBinaryExpression(n) && (n.getOperatorToken().getKind() === SyntaxKind.PlusToken || arithmetic.has(n.getOperatorToken().getKind()))) {
      result = numeric(n.getLeft()) && numeric(n.getRight());
    }
    arithmeticCache.set(n.compilerNode, result);
  }
  return arithmeticCache.get(node.compilerNode)!;
}

/** Whether a name is a parameter or variable of the program (whose own declaration a diagnostic names). */
function declaredHere(id: Node): boolean {
  const decl = id.getSymbol()?.getDeclarations()[0];
  return !!decl && (Node.isParameterDeclaration(decl) || Node.isVariableDeclaration(decl) || Node.isBindingElement(decl));
}

/** The expression handlers, by syntax kind. */
export const expressionHandlers: Partial<Record<SyntaxKind, Handler>> = {
  [SyntaxKind.NumericLiteral]: onNumericLiteral,
  // A string is a value of a string-literal type: only comparisons and switch read it (isStringLiterals).
  [SyntaxKind.StringLiteral]: onNumericLiteral,
  [SyntaxKind.TrueKeyword]: onNumericLiteral,
  [SyntaxKind.FalseKeyword]: onNumericLiteral,
  [SyntaxKind.ParenthesizedExpression]: onParenthesizedExpression,
  [SyntaxKind.NonNullExpression]: onParenthesizedExpression,
  [SyntaxKind.ConditionalExpression]: onConditionalExpression,
  [SyntaxKind.AsExpression]: onAsExpression,
  [SyntaxKind.SatisfiesExpression]: onAsExpression,
  [SyntaxKind.TypeAssertionExpression]: onAsExpression,
  [SyntaxKind.Identifier]: onIdentifier,
  [SyntaxKind.PrefixUnaryExpression]: onPrefixUnaryExpression,
  [SyntaxKind.PostfixUnaryExpression]: onPostfixUnaryExpression,
  [SyntaxKind.BinaryExpression]: onBinaryExpression,
  [SyntaxKind.CallExpression]: onCallExpression,
  [SyntaxKind.ElementAccessExpression]: onElementAccessExpression,
  [SyntaxKind.ArrayLiteralExpression]: onArrayLiteralExpression,
  [SyntaxKind.NewExpression]: onNewExpression,
  [SyntaxKind.ObjectLiteralExpression]: onObjectLiteralExpression,
  [SyntaxKind.PropertyAccessExpression]: onPropertyAccessExpression,
  [SyntaxKind.ThisKeyword]: onThis,
  // Checked by the array literal or call it is in.
  [SyntaxKind.SpreadElement]: onNumericLiteral,
};
