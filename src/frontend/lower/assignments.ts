/** Assignments to variables, cells and array elements, and the array statements and copies. */
import { Node, SyntaxKind, type Expression, ts } from "ts-morph";
import { InternalError } from "../../diagnostics.js";
import type { Value } from "../../ir/types.js";
import { isAggregate, type Bound, type Cell, type Env } from "../aggregate.js";
import { arrayMethod, compoundAssignments, literalType } from "../subset.js";
import { isAggregateNode } from "../resolve.js";
import type { Lowerer } from "../lower.js";
import { declarationOf, callsHelper, binaryPrimitive } from "./syntax.js";
import { named } from "./cells.js";

export function assignment(lw: Lowerer, e: Expression, env: Env) : void {
  if (Node.isCallExpression(e) && arrayMethod(e)) {
    lw.arrayStatement(e, env);
    return;
  }
  if (Node.isCallExpression(e)) {
    lw.callExpression(e, env); // a void helper, called for what it writes
    return;
  }
  const target = Node.isBinaryExpression(e) ? e.getLeft() : Node.isPrefixUnaryExpression(e) || Node.isPostfixUnaryExpression(e) ? e.getOperand() : undefined;
  if (!target) throw new InternalError(`expression statement ${e.getKindName()} passed the fence`);
  const partTarget = (Node.isPropertyAccessExpression(target) || Node.isElementAccessExpression(target)) && isAggregateNode(target.getExpression());
  if (Node.isElementAccessExpression(target) && !partTarget) {
    lw.elementAssignment(e, target, env);
    return;
  }
  // A variable, or a field or tuple element (a cell).
  const key: ts.Node | Cell = partTarget ? lw.cellOf(target as Node & { getExpression(): Node }, env) : declarationOf(target).compilerNode;
  const current = (): Value => (partTarget ? (env.get(key) as Value) : lw.read(target, env));
  let value: Bound;
  if (Node.isBinaryExpression(e)) {
    const op = compoundAssignments.get(e.getOperatorToken().getKind());
    const old = op !== undefined ? current() : undefined; // read before the right side runs, as JavaScript does
    value = lw.bound(e.getRight(), env);
    if (op !== undefined) value = lw.b.prim(binaryPrimitive.get(op)!, [old!, value as Value]);
  } else {
    const step = (e as unknown as { getOperatorToken(): SyntaxKind }).getOperatorToken() === SyntaxKind.PlusPlusToken ? "add" : "sub";
    value = lw.b.prim(step, [current(), lw.b.const(1)]);
  }
  env.set(key, isAggregate(value) ? value : named(value, partTarget ? (key as Cell).name : target.getText()));
}

/** `a[i] = v`, `a[i] += v`, `a[i]++`: a store, after a load for the compound forms. */
export function elementAssignment(lw: Lowerer, e: Expression, target: Node & { getExpression(): Node; getArgumentExpressionOrThrow(): Node }, env: Env) : void {
  const b = lw.b;
  const array = lw.expr(target.getExpression(), env);
  const index = lw.expr(target.getArgumentExpressionOrThrow(), env);
  let value: Value;
  if (Node.isBinaryExpression(e)) {
    const op = compoundAssignments.get(e.getOperatorToken().getKind());
    // JavaScript reads the element before the right side runs, which may write it (a helper call).
    const old = op !== undefined && callsHelper(e.getRight()) ? b.prim("load", [array, index]) : undefined;
    value = lw.expr(e.getRight(), env);
    if (op !== undefined) value = b.prim(binaryPrimitive.get(op)!, [old ?? b.prim("load", [array, index]), value]);
  } else {
    const step = (e as unknown as { getOperatorToken(): SyntaxKind }).getOperatorToken() === SyntaxKind.PlusPlusToken ? "add" : "sub";
    value = b.prim(step, [b.prim("load", [array, index]), b.const(1)]);
  }
  b.prim("store", [array, index, value]);
}

/** `a.push(v);` and `a.fill(v);`. */
export function arrayStatement(lw: Lowerer, call: Node & { getExpression(): Node; getArguments(): Node[] }, env: Env) : void {
  const b = lw.b;
  const array = lw.expr((call.getExpression() as Node & { getExpression(): Node }).getExpression(), env);
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
