/** The subset check of statements: one handler per kind, and the checks of assignments. */
import { Node, SyntaxKind, type VariableDeclaration, type VariableDeclarationList } from "ts-morph";
import { boundFunction, functionExpression, functionName, isLocalTo, type FunctionLike } from "../functions.js";
import { Codes } from "../../diagnostics.js";
import { isAggregateNode } from "../resolve.js";
import { shapeAt, shapeOf, type Shape } from "../shape.js";
import { isStringLiterals, scalarType } from "../source.js";
import { arrayMethod, compoundAssignments, forOfEntries, isArrayNode, isDirective, isRecordsNode, isUndefinedKeyword } from "../subset.js";
import { recordsAdvice } from "../records.js";
import type { FenceContext, Handler } from "./context.js";
import { SUPPORTED_TYPES } from "./signature.js";
import { constructorFieldTarget, hasReceiver, methodOf } from "../classes.js";
import { classTypeReason } from "./classes.js";
import { checkVar, isVar } from "./var.js";
import { ERROR_CLASSES } from "../../ir/primitives/throw.js";
import { hasEffects, isLoop, targetLoop } from "../lower/syntax.js";
import { optionalInner, optionalLocal } from "../optional.js";
import { checkCheckpoint } from "../checkpoint.js";
import { descendantsOfKind } from "../descendants.js";

function onBlock(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  return true;
}

function onIfStatement(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  cx.expectType(node.asKindOrThrow(SyntaxKind.IfStatement).getExpression(), "condition", "an 'if' condition");
  return true;
}

function onWhileStatement(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const loop = node as Node & { getExpression(): Node; getStatement(): Node };
  checkCheckpoint(cx, node, fn, stack);
  cx.expectType(loop.getExpression(), "condition", "a loop condition");
  cx.visit(loop.getExpression(), fn, stack);
  cx.visit(loop.getStatement(), fn, stack);
  return false;
}

function onForStatement(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const loop = node.asKindOrThrow(SyntaxKind.ForStatement);
  checkCheckpoint(cx, loop, fn, stack);
  const init = loop.getInitializer();
  if (init && Node.isVariableDeclarationList(init)) {
    if (isVar(init)) checkVar(cx, init, fn);
    init.getDeclarations().forEach((d) => cx.visit(d, fn, stack));
  } else if (init) {
    cx.checkExpressionStatement(init, fn, stack);
  }
  const cond = loop.getCondition();
  if (cond) {
    cx.expectType(cond, "condition", "a loop condition");
    cx.visit(cond, fn, stack);
  }
  const inc = loop.getIncrementor();
  if (inc) cx.checkExpressionStatement(inc, fn, stack);
  cx.visit(loop.getStatement(), fn, stack);
  return false;
}

/** `break` and `continue`, labelled or not: a label names a loop (the labelled statement's check says so). */
function onBreakStatement(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  return false;
}

/** A label on a loop, which its `break` and `continue` name; a label on anything else is not supported. */
function onLabeledStatement(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const labelled = node.asKindOrThrow(SyntaxKind.LabeledStatement);
  if (!isLoop(labelled.getStatement())) {
    cx.report(node, Codes.UnsupportedStatement, `a label on a statement other than a loop ('${labelled.getLabel().getText()}:'); label the loop that 'break ${labelled.getLabel().getText()}' leaves, or write the block as an 'if'`);
    return false;
  }
  cx.visit(labelled.getStatement(), fn, stack);
  return false;
}

function onReturnStatement(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  if (!node.asKindOrThrow(SyntaxKind.ReturnStatement).getExpression() && !fn.getReturnType().isVoid()) {
    cx.report(node, Codes.UnsupportedStatement, "'return' without a value; return a number");
    return false;
  }
  return true;
}

function onVariableStatement(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const list = node.asKindOrThrow(SyntaxKind.VariableStatement).getDeclarationList();
  if (isVar(list)) checkVar(cx, list, fn);
  return true;
}

function onVariableDeclarationList(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  return true;
}

/**
 * `let x, v;` in JavaScript: no type and no value, so TypeScript types it by
 * what is assigned to it. When every assignment gives a value of one type
 * (a number, a boolean), that is its type.
 */
function assignedShape(decl: VariableDeclaration): Shape | undefined {
  if (decl.getTypeNode() || decl.hasInitializer() || !decl.getType().isAny()) return undefined;
  const symbol = decl.getSymbol();
  const scope = decl.getFirstAncestor((a) => Node.isBlock(a) || Node.isSourceFile(a));
  const assigned = (scope ? descendantsOfKind(scope, SyntaxKind.BinaryExpression) : []).filter((e) =>
    e.getOperatorToken().getKind() === SyntaxKind.EqualsToken && Node.isIdentifier(e.getLeft()) && e.getLeft().getSymbol() === symbol);
  const shapes = assigned.map((e) => shapeAt(e.getRight()));
  const first = shapes[0];
  if (!first || first.kind !== "value" || !shapes.every((s) => s?.kind === "value" && s.type === first.type)) return undefined;
  return first;
}

function onVariableDeclaration(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const decl = node.asKindOrThrow(SyntaxKind.VariableDeclaration);
  if (!Node.isIdentifier(decl.getNameNode())) {
    if (!decl.getInitializer()) return false; // TypeScript reports the missing initializer
    cx.checkPattern(decl.getNameNode());
  }
  const init0 = functionExpression(decl.getInitializer());
  if (init0) {
    // A local function: checked where it is called, like a function of the module.
    if (!boundFunction(decl)) {
      cx.report(decl.getNameNode(), Codes.UnsupportedExpression,
        `'${decl.getName()}' holds a function and is assigned again, so which function a call runs is only known when the code runs; declare each function with its own 'const'`);
    }
    return false;
  }
  const declared = Node.isIdentifier(decl.getNameNode())
    ? shapeOf(decl.getType(), decl) ?? assignedShape(decl) ?? (optionalLocal(decl.getNameNode()) && optionalInner(decl.getType(), decl))
    : shapeAt(decl.getInitializerOrThrow());
  if (!declared) {
    const hint = decl.getType().getText(decl) === "any[]" ? " (annotate it, e.g. 'const a: number[] = new Array(n).fill(0)')" : "";
    const records = recordsAdvice(decl.getType());
    cx.report(decl.getNameNode(), Codes.UnsupportedType,
      `'${decl.getName()}' has type '${decl.getType().getText(decl)}'; ${classTypeReason(decl.getType(), decl) ?? records ?? `supported are ${SUPPORTED_TYPES}${hint}`}`);
    return false;
  }
  const init = decl.getInitializer();
  if (init && !(isUndefinedKeyword(init) && optionalLocal(decl.getNameNode()))) cx.visit(init, fn, stack);
  return false;
}

function onExpressionStatement(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  if (isDirective(node)) return false;
  return cx.checkExpressionStatement(node.asKindOrThrow(SyntaxKind.ExpressionStatement).getExpression(), fn, stack);
  
}

function onForOfStatement(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const loop = node.asKindOrThrow(SyntaxKind.ForOfStatement);
  checkCheckpoint(cx, loop, fn, stack);
  const init = loop.getInitializer();
  const entries = forOfEntries(loop);
  if (entries && !loop.isAwaited()) {
    if (!Node.isIdentifier(entries.element)) cx.checkPattern(entries.element);
    if (isVar(init)) checkVar(cx, init as VariableDeclarationList, fn);
    cx.visit(entries.array, fn, stack);
    cx.visit(loop.getStatement(), fn, stack);
    return false;
  }
  const decls = Node.isVariableDeclarationList(init) ? init.getDeclarations() : [];
  const pattern = decls.length === 1 && !Node.isIdentifier(decls[0]!.getNameNode()) && isRecordsNode(loop.getExpression());
  if (loop.isAwaited() || decls.length !== 1 || (!Node.isIdentifier(decls[0]!.getNameNode()) && !pattern)) {
    cx.report(init, Codes.UnsupportedStatement, "a 'for...of' loop needs one 'const', 'let' or 'var' variable (or a destructuring pattern over an array of tuples or objects, or '[i, x]' over 'xs.entries()')");
    return false;
  }
  if (pattern) cx.checkPattern(decls[0]!.getNameNode());
  if (isVar(init)) checkVar(cx, init as VariableDeclarationList, fn);
  if (!isArrayNode(loop.getExpression())) {
    cx.report(loop.getExpression(), Codes.UnsupportedType, "'for...of' is supported over arrays only");
    return false;
  }
  cx.visit(loop.getExpression(), fn, stack);
  cx.visit(loop.getStatement(), fn, stack);
  return false;
}

/** The test of the `if` each logical assignment stands for, on its target's text. */
const logicalAssignmentTests: Partial<Record<SyntaxKind, (target: string) => string>> = {
  [SyntaxKind.BarBarEqualsToken]: (t) => `!${t}`,
  [SyntaxKind.AmpersandAmpersandEqualsToken]: (t) => t,
  [SyntaxKind.QuestionQuestionEqualsToken]: (t) => `${t} === undefined`,
};

export function checkExpressionStatement(cx: FenceContext, e: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  while (Node.isParenthesizedExpression(e)) e = e.getExpression();
  if (Node.isBinaryExpression(e) && e.getOperatorToken().getKind() === SyntaxKind.CommaToken) {
    cx.checkExpressionStatement(e.getLeft(), fn, stack);
    return cx.checkExpressionStatement(e.getRight(), fn, stack);
  }
  if (Node.isBinaryExpression(e)) {
    const kind = e.getOperatorToken().getKind();
    if (kind === SyntaxKind.EqualsToken || compoundAssignments.has(kind)) {
      cx.checkAssignTarget(e.getLeft(), fn);
      if (compoundAssignments.has(kind)) cx.expectType(e.getLeft(), "f64", `'${e.getOperatorToken().getText()}'`);
      // `best = undefined` clears an optional local.
      if (kind === SyntaxKind.EqualsToken && isUndefinedKeyword(e.getRight()) && optionalLocal(e.getLeft())) return false;
      cx.visit(e.getRight(), fn, stack);
      return false;
    }
    const test = logicalAssignmentTests[kind];
    if (test) {
      const target = e.getLeft().getText();
      cx.report(e, Codes.UnsupportedStatement,
        `the logical assignment '${e.getOperatorToken().getText()}' is not supported; write 'if (${test(target)}) ${target} = ${e.getRight().getText()};'`);
      return false;
    }
  }
  if (Node.isPrefixUnaryExpression(e) || Node.isPostfixUnaryExpression(e)) {
    const op = e.getOperatorToken();
    if (op === SyntaxKind.PlusPlusToken || op === SyntaxKind.MinusMinusToken) {
      cx.checkAssignTarget(e.getOperand(), fn);
      cx.expectType(e.getOperand(), "f64", op === SyntaxKind.PlusPlusToken ? "'++'" : "'--'");
      return false;
    }
  }
  if (Node.isCallExpression(e) && arrayMethod(e) && ["push", "fill"].includes(arrayMethod(e)!)) {
    cx.checkArrayMethod(e, fn, stack);
    return false;
  }
  if (Node.isCallExpression(e)) {
    const before = cx.diagnostics.length;
    cx.checkCall(e, fn, stack);
    // A method may be called for what it does to its object (`v.translate(1, 0);` returning `this`).
    const method = methodOf(e.getExpression());
    if (cx.diagnostics.length > before || e.getReturnType().isVoid() || (method && hasReceiver(method))) return false;
    cx.report(e, Codes.UnsupportedStatement, "a call whose result is unused has no effect in differentiable code; remove it or use its value");
    return false;
  }
  cx.report(e, Codes.UnsupportedStatement, "this expression statement is not supported; only assignments, '++' and '--' are");
  return false;
}

export function checkAssignTarget(cx: FenceContext, target: Node, fn: FunctionLike): void {
  if (Node.isArrayLiteralExpression(target)) {
    // `[a, b] = [b, a]`: each element is a target of its own.
    for (const element of target.getElements()) {
      if (Node.isSpreadElement(element)) cx.report(element, Codes.UnsupportedExpression, "rest elements ('...') in destructuring are not supported");
      else if (!Node.isOmittedExpression(element)) cx.checkAssignTarget(element, fn);
    }
    return;
  }
  if ((Node.isPropertyAccessExpression(target) || Node.isElementAccessExpression(target)) && isAggregateNode(target.getExpression())) {
    cx.visit(target, fn, [fn]);
    // A constructor gives a field holding an object its object (`this.position = position`).
    if (isAggregateNode(target) && !(constructorFieldTarget(target) && target.getParent() && Node.isBinaryExpression(target.getParent()!)
      && target.getParentOrThrow().asKindOrThrow(SyntaxKind.BinaryExpression).getOperatorToken().getKind() === SyntaxKind.EqualsToken)) {
      cx.report(target, Codes.UnsupportedExpression,
        `'${target.getText()}' is a tuple or object; assign its fields one by one, or assign a new object to the variable that holds '${target.getExpression().getText()}'`);
    }
    return;
  }
  if (Node.isElementAccessExpression(target)) {
    cx.visit(target, fn, [fn]);
    return;
  }
  if (!Node.isIdentifier(target)) {
    cx.report(target, Codes.UnsupportedExpression, "only local variables, parameters, array elements and fields of tuples and objects can be assigned");
    return;
  }
  const decl = target.getSymbol()?.getDeclarations()[0];
  if (!decl || !isLocalTo(decl, fn)
    || !(Node.isVariableDeclaration(decl) || Node.isParameterDeclaration(decl) || Node.isBindingElement(decl))) {
    cx.report(target, Codes.UnknownName, `'${target.getText()}' is not a local variable or parameter of '${functionName(fn)}'; only those can be assigned`);
  }
}

/**
 * `throw new RangeError("...")`: the gradient throws where the function does.
 * The error is one of the standard ones with a constant message (or none),
 * so that the generated code can make the same one.
 */
function onThrowStatement(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const e = node.asKindOrThrow(SyntaxKind.ThrowStatement).getExpression();
  const args = Node.isNewExpression(e) ? e.getArguments() : [];
  const constant = (a: Node) => Node.isStringLiteral(a) || Node.isNoSubstitutionTemplateLiteral(a);
  const numbers = (a: Node) => Node.isTemplateExpression(a) && a.getTemplateSpans().every((s) => scalarType(s.getExpression().getType()) === "f64");
  if (!Node.isNewExpression(e) || !ERROR_CLASSES.has(e.getExpression().getText()) || args.length > 1 || (args[0] && !constant(args[0]) && !numbers(args[0]))) {
    cx.report(e, Codes.UnsupportedStatement,
      "'throw' is supported with a standard error and a message that is a string or a template of numbers ('throw new RangeError(`bad label ${label}`)'), which the gradient throws at the same point");
    return false;
  }
  if (args[0] && Node.isTemplateExpression(args[0])) for (const s of args[0].getTemplateSpans()) cx.visit(s.getExpression(), fn, stack);
  return false;
}

/**
 * `switch` on a number: its cases' tests are numbers without effects, and a
 * `break` of the switch only closes a case (one nested in an `if` inside a
 * case would leave it early, which is not supported).
 */
function onSwitchStatement(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const s = node.asKindOrThrow(SyntaxKind.SwitchStatement);
  const strings = isStringLiterals(s.getExpression().getType());
  if (!strings) cx.expectType(s.getExpression(), "f64", "a 'switch' value");
  cx.visit(s.getExpression(), fn, stack);
  for (const clause of s.getCaseBlock().getClauses()) {
    if (Node.isCaseClause(clause)) {
      const test = clause.getExpression();
      if (!strings || !isStringLiterals(test.getType())) cx.expectType(test, "f64", "a 'case' test");
      if (hasEffects(test)) cx.report(test, Codes.UnsupportedExpression, "a 'case' test must not assign or call a function of the project");
      cx.visit(test, fn, stack);
    }
    const statements = clause.getStatements();
    for (const jump of descendantsOfKind(clause, SyntaxKind.BreakStatement)) {
      if (targetLoop(jump) === s && jump !== statements[statements.length - 1]) {
        cx.report(jump, Codes.UnsupportedStatement, "a 'break' that leaves a case early is not supported; end the case with it, or use an 'if' around the rest of the case");
      }
    }
    statements.forEach((st) => cx.visit(st, fn, stack));
  }
  return false;
}

/** A function declared inside a function: checked where it is called, like a closure. */
function onNestedFunction(cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
  return false;
}

/** The statement handlers, by syntax kind. */
export const statementHandlers: Partial<Record<SyntaxKind, Handler>> = {
  [SyntaxKind.Block]: onBlock,
  [SyntaxKind.EmptyStatement]: onBlock,
  [SyntaxKind.IfStatement]: onIfStatement,
  [SyntaxKind.WhileStatement]: onWhileStatement,
  [SyntaxKind.DoStatement]: onWhileStatement,
  [SyntaxKind.ForStatement]: onForStatement,
  [SyntaxKind.BreakStatement]: onBreakStatement,
  [SyntaxKind.ContinueStatement]: onBreakStatement,
  [SyntaxKind.LabeledStatement]: onLabeledStatement,
  [SyntaxKind.ReturnStatement]: onReturnStatement,
  [SyntaxKind.VariableStatement]: onVariableStatement,
  [SyntaxKind.VariableDeclarationList]: onVariableDeclarationList,
  [SyntaxKind.VariableDeclaration]: onVariableDeclaration,
  [SyntaxKind.ExpressionStatement]: onExpressionStatement,
  [SyntaxKind.ForOfStatement]: onForOfStatement,
  [SyntaxKind.FunctionDeclaration]: onNestedFunction,
  [SyntaxKind.ThrowStatement]: onThrowStatement,
  [SyntaxKind.SwitchStatement]: onSwitchStatement,
};
