/** Assignments to variables, cells and array elements, and the array statements and copies. */
import { Node, SyntaxKind, type ArrayLiteralExpression, type BinaryExpression, type Expression, type PropertyAccessExpression, ts } from "ts-morph";
import type { Value } from "../../ir/types.js";
import { isAggregate, Unassigned, type Aggregate, type Bound, type Cell, type Env } from "../aggregate.js";
import { constructorFieldTarget } from "../classes.js";
import * as classes from "./classes.js";
import { arrayMethod, compoundAssignments, isAssignmentOperator, isRecordsNode, isUndefinedKeyword, literalType } from "../subset.js";
import { isAggregateNode } from "../resolve.js";
import { optionalLocal } from "../optional.js";
import * as optionals from "./optional.js";
import type { Lowerer } from "../lower.js";
import { declarationOf, hasEffects, binaryPrimitive } from "./syntax.js";
import { named } from "./cells.js";
import { appendAll } from "./methods.js";
import { spreadItems } from "./arguments.js";
import * as records from "./records.js";

/**
 * An expression run for its effects (an expression statement, a `for`
 * initializer or incrementor, the left side of a comma): an assignment,
 * `++`/`--`, a call, or a comma of these. Returns the expression's value.
 */
export function assignment(lw: Lowerer, e: Expression, env: Env) : Bound {
  if (Node.isParenthesizedExpression(e)) return lw.assignment(e.getExpression(), env);
  if (Node.isBinaryExpression(e) && e.getOperatorToken().getKind() === SyntaxKind.CommaToken) {
    lw.assignment(e.getLeft(), env);
    return lw.assignment(e.getRight(), env);
  }
  if (Node.isBinaryExpression(e) && e.getOperatorToken().getKind() === SyntaxKind.EqualsToken && Node.isArrayLiteralExpression(e.getLeft())) {
    return destructuringAssignment(lw, e.getLeft() as ArrayLiteralExpression, e.getRight(), env);
  }
  if (Node.isCallExpression(e) && arrayMethod(e) && ["push", "fill"].includes(arrayMethod(e)!)) {
    lw.arrayStatement(e, env);
    return lw.b.const(0);
  }
  const target = Node.isBinaryExpression(e) && isAssignmentOperator(e.getOperatorToken().getKind()) ? e.getLeft()
    : (Node.isPrefixUnaryExpression(e) || Node.isPostfixUnaryExpression(e)) && steps(e) ? e.getOperand() : undefined;
  // Anything else is a value whose effects are its calls (a void helper, called for what it writes).
  if (!target) return lw.bound(e, env);
  if (records.isFieldTarget(target)) return fieldAssignment(lw, e, target, env);
  const partTarget = (Node.isPropertyAccessExpression(target) || Node.isElementAccessExpression(target)) && isAggregateNode(target.getExpression());
  if (Node.isElementAccessExpression(target) && !partTarget) return lw.elementAssignment(e, target, env);
  if (partTarget && Node.isBinaryExpression(e) && constructorFieldTarget(target) && isAggregateNode(target)) return fieldObject(lw, e, target as PropertyAccessExpression, env);
  // A variable, or a field or tuple element (a cell).
  const key: ts.Node | Cell = partTarget ? lw.cellOf(target as Node & { getExpression(): Node }, env) : declarationOf(target).compilerNode;
  const current = (): Value => (partTarget ? (env.get(key) as Value) : lw.read(target, env));
  let value: Bound;
  let result: Bound | undefined;
  if (Node.isBinaryExpression(e)) {
    const op = compoundAssignments.get(e.getOperatorToken().getKind());
    const old = op !== undefined ? current() : undefined; // read before the right side runs, as JavaScript does
    const decl = op === undefined && !partTarget && isUndefinedKeyword(e.getRight()) ? optionalLocal(target) : undefined;
    value = decl ? optionals.declared(lw, decl, Unassigned, env, target.getText()) as Bound : lw.bound(e.getRight(), env);
    if (op !== undefined) value = lw.b.prim(binaryPrimitive.get(op)!, [old!, value as Value]);
  } else {
    const old = current();
    value = lw.b.prim(steps(e)!, [old, lw.b.const(1)]);
    if (Node.isPostfixUnaryExpression(e)) result = old; // `i++` is the value before the step
  }
  const assigned = isAggregate(value) ? value : named(value, partTarget ? (key as Cell).name : target.getText());
  env.set(key, partTarget ? assigned : toVariable(lw, target, assigned, env));
  return result ?? assigned;
}

/**
 * `[a, b] = [b, a]`, `[m[i], m[j]] = [m[j], m[i]]`: the right side first,
 * whole, then each target in order, as JavaScript does.
 */
function destructuringAssignment(lw: Lowerer, targets: ArrayLiteralExpression, right: Node, env: Env): Bound {
  const value = lw.bound(right, env);
  targets.getElements().forEach((target, i) => {
    if (Node.isOmittedExpression(target)) return;
    const part = records.isRecordsBound(value) ? records.elementAt(lw, value, lw.b.const(i), env, "", right.getText())
      : isAggregate(value) ? lw.part(value, String(i), env) : lw.b.prim("load", [value, lw.b.const(i)]);
    assignTo(lw, target, part, env);
  });
  return value;
}

/** Stores `value` in a target: a variable, an array element, or a field or tuple element. */
function assignTo(lw: Lowerer, target: Node, value: Bound, env: Env): void {
  if (records.isFieldTarget(target)) {
    const { column, index } = records.fieldTarget(lw, target, env)!;
    lw.b.prim("store", [column, index, value as Value]);
    return;
  }
  if (Node.isElementAccessExpression(target) && isRecordsNode(target.getExpression())) {
    const array = records.recordsOf(lw, target.getExpression(), env);
    records.storeElement(lw, array, lw.expr(target.getArgumentExpressionOrThrow(), env), value, env, target.getExpression().getText(), target);
    return;
  }
  const partTarget = (Node.isPropertyAccessExpression(target) || Node.isElementAccessExpression(target)) && isAggregateNode(target.getExpression());
  if (Node.isElementAccessExpression(target) && !partTarget) {
    const array = lw.expr(target.getExpression(), env);
    lw.b.prim("store", [array, lw.expr(target.getArgumentExpressionOrThrow(), env), value as Value]);
    return;
  }
  const key: ts.Node | Cell = partTarget ? lw.cellOf(target as Node & { getExpression(): Node }, env) : declarationOf(target).compilerNode;
  const assigned = isAggregate(value) ? value : named(value, partTarget ? (key as Cell).name : target.getText());
  env.set(key, partTarget ? assigned : toVariable(lw, target, assigned, env));
}

/** What a variable holds once `value` is assigned to it: an optional local holds it as a value that is there. */
function toVariable(lw: Lowerer, target: Node, value: Bound, env: Env): Bound {
  const decl = optionalLocal(target);
  return decl ? optionals.declared(lw, decl, value, env, target.getText()) as Bound : value;
}

/** For `++x`, `x--` and the like: the primitive of the step. */
function steps(e: Node): "add" | "sub" | undefined {
  const op = (e as unknown as { getOperatorToken(): SyntaxKind }).getOperatorToken();
  return op === SyntaxKind.PlusPlusToken ? "add" : op === SyntaxKind.MinusMinusToken ? "sub" : undefined;
}

/** `a[i] = v`, `a[i] += v`, `a[i]++`: a store, after a load for the compound forms; the expression's value. */
export function elementAssignment(lw: Lowerer, e: Expression, target: Node & { getExpression(): Node; getArgumentExpressionOrThrow(): Node }, env: Env) : Value {
  const b = lw.b;
  if (isRecordsNode(target.getExpression())) {
    // `pts[i] = { x, y }` (TypeScript allows only `=` on an element that is an object).
    const array = records.recordsOf(lw, target.getExpression(), env);
    const index = lw.expr(target.getArgumentExpressionOrThrow(), env);
    const value = lw.bound((e as BinaryExpression).getRight(), env);
    records.storeElement(lw, array, index, value, env, target.getExpression().getText(), e);
    return b.const(0);
  }
  const array = lw.expr(target.getExpression(), env);
  const index = lw.expr(target.getArgumentExpressionOrThrow(), env);
  return elementUpdate(lw, e, array, index, env);
}

/** `pts[i].x = v`, `pts[i].x += v`, `pts[i][0]++`: the same on the leaf's array. */
function fieldAssignment(lw: Lowerer, e: Expression, target: Node, env: Env): Value {
  const { column, index } = records.fieldTarget(lw, target, env)!;
  return elementUpdate(lw, e, column, index, env);
}

/** A store into `array[index]`, after a load for the compound forms; the expression's value. */
function elementUpdate(lw: Lowerer, e: Expression, array: Value, index: Value, env: Env): Value {
  const b = lw.b;
  let value: Value;
  let result: Value | undefined;
  if (Node.isBinaryExpression(e)) {
    const op = compoundAssignments.get(e.getOperatorToken().getKind());
    // JavaScript reads the element before the right side runs, which may write it (a helper call).
    const old = op !== undefined && hasEffects(e.getRight()) ? b.prim("load", [array, index]) : undefined;
    value = lw.expr(e.getRight(), env);
    if (op !== undefined) value = b.prim(binaryPrimitive.get(op)!, [old ?? b.prim("load", [array, index]), value]);
  } else {
    const old = b.prim("load", [array, index]);
    value = b.prim(steps(e)!, [old, b.const(1)]);
    if (Node.isPostfixUnaryExpression(e)) result = old;
  }
  b.prim("store", [array, index, value]);
  return result ?? value;
}

/** `a.push(v);` and `a.fill(v);`. */
export function arrayStatement(lw: Lowerer, call: Node & { getExpression(): Node; getArguments(): Node[] }, env: Env) : void {
  const b = lw.b;
  const target = (call.getExpression() as Node & { getExpression(): Node }).getExpression();
  if (isRecordsNode(target)) {
    records.push(lw, records.recordsOf(lw, target, env), lw.bound(call.getArguments()[0]!, env), env, target.getText(), call);
    return;
  }
  const array = lw.expr(target, env);
  const value = lw.expr(call.getArguments()[0]!, env);
  if (arrayMethod(call) === "push") {
    b.prim("append", [array, b.prim("len", [array]), value]);
  } else {
    b.countedLoop(b.prim("len", [array]), (k) => b.prim("store", [array, k, value]));
  }
}

/** A copy of an array (`a.slice()`): numbers are copied one by one, rows by reference. */
export function copy(lw: Lowerer, array: Value) : Value {
  const b = lw.b;
  const n = b.prim("len", [array]);
  if (array.type === "f64[][]") {
    const rows = b.prim("nalloc", []);
    b.countedLoop(n, (k) => b.prim("append", [rows, k, b.prim("load", [array, k])]));
    return rows;
  }
  const copy = b.prim(array.type === "Float64Array" ? "falloc" : "alloc", [n]);
  b.countedLoop(n, (k) => b.prim("store", [copy, k, b.prim("load", [array, k])]));
  return copy;
}

/** An array literal: fresh memory filled element by element. */
export function arrayLiteral(lw: Lowerer, e: Node & { getElements(): Node[] }, env: Env) : Value {
  const b = lw.b;
  if (e.getElements().some(Node.isSpreadElement)) {
    // `[...a, x]`: fresh memory, appended to in order.
    const out = literalType(e) === "f64[][]" ? b.prim("nalloc", []) : b.prim("alloc", [b.const(0)]);
    return appendAll(lw, out, spreadItems(lw, e.getElements(), env));
  }
  const elements = e.getElements().map((x) => lw.expr(x, env));
  if (literalType(e) === "f64[][]") {
    const rows = b.prim("nalloc", []);
    elements.forEach((row, i) => b.prim("append", [rows, b.const(i), row]));
    return rows;
  }
  const array = b.prim("alloc", [b.const(elements.length)]);
  elements.forEach((x, i) => b.prim("store", [array, b.const(i), x]));
  return array;
}

/** `this.position = position` in a constructor: the field takes the object's numbers (classes.ts). */
function fieldObject(lw: Lowerer, e: BinaryExpression, target: PropertyAccessExpression, env: Env): Bound {
  const value = lw.bound(e.getRight(), env);
  const receiver = lw.bound(target.getExpression(), env) as Aggregate;
  classes.setField(lw, receiver, target.getName(), value, env, !Node.isNewExpression(e.getRight()));
  return value;
}
