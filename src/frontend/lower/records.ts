/**
 * Arrays of tuples and objects while lowering (frontend/records.ts): such an
 * array is an aggregate whose cells hold one array per leaf of the element
 * (structure of arrays), so merges, loop state and helpers carry it like
 * any tuple or object. An element read is a fresh tuple or object of the
 * leaves' reads; a write or `push` writes every leaf's array; `.length` is
 * the first leaf's length (they all have one length).
 */
import { Node, type ts } from "ts-morph";
import { Codes, InternalError } from "../../diagnostics.js";
import type { Value } from "../../ir/types.js";
import { build, cellsOf, flatten, isAggregate, type Aggregate, type Bound, type Env } from "../aggregate.js";
import { isRecords, type RecordsShape } from "../records.js";
import { leavesOf, shapeAt } from "../shape.js";
import { isRecordsNode } from "../subset.js";
import type { Lowerer } from "../lower.js";
import { hintOf, isCellKey } from "./cells.js";

export type Records = Aggregate & { shape: RecordsShape };

/**
 * Sharing. In JavaScript an element is an object that other arrays and
 * variables may hold too (after `slice`, `filter`, `out.push(p)` of an
 * element, `const p = pts[i]`); here each array has its own leaves, so a
 * write of an element's field (`pts[i].x = v`) is seen only through that
 * array. Such a write is therefore rejected wherever an element may be
 * shared: when this lowering has made an array that shares elements, or a
 * variable in scope holds an element. Writing a whole element
 * (`pts[i] = { ... }`) replaces it in that array only, as in JavaScript.
 */
interface Sharing {
  /** Where an array sharing elements with another was made (`slice`, `filter`, a push of an element). */
  shared?: Node;
  /** Where an element's field was first written. */
  written?: Node;
}
const sharing = new WeakMap<Lowerer, Sharing>();

function sharingOf(lw: Lowerer): Sharing {
  let s = sharing.get(lw);
  if (!s) sharing.set(lw, (s = {}));
  return s;
}

/** Notes an operation that makes elements shared between arrays; rejected after a field write. */
export function noteShared(lw: Lowerer, at: Node): void {
  const s = sharingOf(lw);
  s.shared ??= at;
  if (s.written) {
    lw.fail(at, Codes.UnsupportedExpression,
      `'${at.getText()}' shares elements between arrays (JavaScript copies references to the objects), while '${s.written.getText()}' writes a field of an element, which adgen keeps in each array apart; build the new array from new objects ('out.push({ x: p.x, y: p.y })')`);
  }
}

/** Checks a write of an element's field: no array shares elements, and no variable in scope holds one. */
function noteFieldWrite(lw: Lowerer, target: Node, env: Env): void {
  const s = sharingOf(lw);
  s.written ??= target;
  if (s.shared) {
    lw.fail(target, Codes.UnsupportedExpression,
      `'${target.getText()}' writes a field of an element, while '${s.shared.getText()}' shares elements between arrays (JavaScript copies references to the objects, adgen the fields); assign a whole new element instead ('a[i] = { ... }'), or build the other array from new objects`);
  }
  for (const [key, bound] of env) {
    const held = !isCellKey(key) && isAggregate(bound) && !isRecords(bound.shape) && cellsOf(bound).some((c) => c.element !== undefined);
    if (held) {
      const name = (key as ts.NamedDeclaration).name?.getText() ?? "a variable";
      lw.fail(target, Codes.UnsupportedExpression,
        `'${target.getText()}' writes a field of an element while '${name}' holds an element (a copy of its fields here, the object itself in JavaScript); read the fields into numbers ('const px = pts[i].x') or assign a whole new element ('a[i] = { ... }')`);
    }
  }
}

export function isRecordsBound(b: Bound | undefined): b is Records {
  return isAggregate(b) && isRecords(b.shape);
}

/** The array of tuples or objects an expression gives. */
export function recordsOf(lw: Lowerer, e: Node, env: Env): Records {
  const bound = lw.bound(e, env);
  if (!isRecordsBound(bound)) throw new InternalError(`'${e.getText()}' is not an array of tuples or objects`);
  return bound;
}

/** The number of elements: the length of the first leaf's array. */
export function lengthOf(lw: Lowerer, records: Records, env: Env): Value {
  return lw.b.prim("len", [flatten(records, env)[0]!]);
}

/**
 * Element `index`: a fresh tuple or object of the leaves' reads. JavaScript
 * would hand out the element object itself; a write through this copy would
 * not reach the array, so its cells are marked and such a write is rejected.
 */
export function elementAt(lw: Lowerer, records: Records, index: Value, env: Env, hint: string, source: string): Aggregate {
  const leaves = flatten(records, env).map((column) => lw.b.prim("load", [column, index]));
  return build(records.shape.element, leaves, env, hint, { element: source }) as Aggregate;
}

/** `pts[i]` read. */
export function elementRead(lw: Lowerer, e: Node & { getExpression(): Node; getArgumentExpressionOrThrow(): Node }, env: Env): Aggregate {
  const records = recordsOf(lw, e.getExpression(), env);
  const index = lw.expr(e.getArgumentExpressionOrThrow(), env);
  return elementAt(lw, records, index, env, hintOf(e), e.getExpression().getText());
}

/**
 * Stores a tuple or object into element `index`: every leaf's array. In
 * JavaScript the array then holds the object itself, so a later write of
 * one of its fields through another name would change the element: those
 * writes are rejected (the object's cells are marked).
 */
export function storeElement(lw: Lowerer, records: Records, index: Value, value: Bound, env: Env, source = "the array", at?: Node): void {
  const leaves = flatten(value, env);
  if (at && isAggregate(value) && cellsOf(value).some((c) => c.element !== undefined)) noteShared(lw, at);
  if (isAggregate(value)) for (const c of cellsOf(value)) c.element ??= source;
  flatten(records, env).forEach((column, i) => lw.b.prim("store", [column, index, leaves[i]!]));
}

/** `pts.push(p)`: every leaf's array grows by the element's leaf. */
export function push(lw: Lowerer, records: Records, value: Bound, env: Env, source: string, at?: Node): void {
  const leaves = flatten(value, env);
  if (at && isAggregate(value) && cellsOf(value).some((c) => c.element !== undefined)) noteShared(lw, at);
  if (isAggregate(value)) for (const c of cellsOf(value)) c.element ??= source;
  flatten(records, env).forEach((column, i) => lw.b.prim("append", [column, lw.b.prim("len", [column]), leaves[i]!]));
}

/** A fresh array of tuples or objects of `shape` with `count` elements (0 for one built by `push`). */
export function allocate(lw: Lowerer, shape: RecordsShape, count: Value, env: Env, hint: string): Records {
  const columns = leavesOf(shape).map(() => lw.b.prim("alloc", [count]));
  return build(shape, columns, env, hint) as Records;
}

/** `[a, b, c]` or `[]` of tuples or objects: one array per leaf, filled element by element. */
export function literal(lw: Lowerer, e: Node & { getElements(): Node[] }, env: Env): Records {
  const shape = shapeAt(e);
  if (!isRecords(shape)) throw new InternalError(`'${e.getText()}' is not an array of tuples or objects`);
  const elements = e.getElements().map((x) => lw.bound(x, env));
  const records = allocate(lw, shape, lw.b.const(elements.length), env, hintOf(e));
  elements.forEach((x, i) => storeElement(lw, records, lw.b.const(i), x, env, hintOf(e) || "the array", e.getElements()[i]));
  return records;
}

/**
 * The leaf array a field of an element names, for `pts[i].x = v` and
 * `pts[i].at.y += v`: the target's element access and the path below it.
 */
export function fieldTarget(lw: Lowerer, target: Node, env: Env): { column: Value; index: Value } | undefined {
  const path: string[] = [];
  let node = target;
  while ((Node.isPropertyAccessExpression(node) || Node.isElementAccessExpression(node)) && !isRecordsNode(node.getExpression())) {
    const key = Node.isPropertyAccessExpression(node) ? node.getName() : node.getArgumentExpression()?.getText();
    if (key === undefined) return undefined;
    path.unshift(Node.isElementAccessExpression(node) ? String(Number(key)) : key);
    node = node.getExpression();
  }
  if (!Node.isElementAccessExpression(node) || path.length === 0) return undefined;
  const records = recordsOf(lw, node.getExpression(), env);
  let part: Bound = records;
  for (const key of path) part = lw.part(part, key, env);
  if (isAggregate(part)) {
    return lw.fail(target, Codes.UnsupportedExpression, `'${target.getText()}' is a tuple or object; assign its fields one by one, or the whole element`);
  }
  noteFieldWrite(lw, target, env);
  return { column: part, index: lw.expr(node.getArgumentExpressionOrThrow(), env) };
}

/** Whether a target is a field of an element of an array of tuples or objects (`pts[i].x`, `pairs[i][0]`). */
export function isFieldTarget(target: Node): boolean {
  let node = target;
  while (Node.isPropertyAccessExpression(node) || Node.isElementAccessExpression(node)) {
    const inner = node.getExpression();
    if (isRecordsNode(inner)) return node !== target && Node.isElementAccessExpression(node);
    node = inner;
  }
  return false;
}
