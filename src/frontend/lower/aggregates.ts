/** Tuples and objects while lowering: binding and destructuring, parts and cells, literals, merges. */
import { Node, ts } from "ts-morph";
import { Codes, InternalError } from "../../diagnostics.js";
import type { Value } from "../../ir/types.js";
import { build, isAggregate, isCell, isFunctionValue, isMissing, Unassigned, type Aggregate, type Binding, type Bound, type Cell, type Env } from "../aggregate.js";
import { partKeyOf, shorthandDeclaration } from "../resolve.js";
import { partKeys, partName, partShape, shapeAt, shapeText, type AggregateShape } from "../shape.js";
import { optionalLocal } from "../optional.js";
import * as optionals from "./optional.js";
import type { Lowerer } from "../lower.js";
import { named, markCopied, hintOf } from "./cells.js";
import { elementAt, isRecordsBound } from "./records.js";

/** A declaration's value; `const [a, b] = [x, y]` binds the elements directly, with no array in between. */
export function initializer(lw: Lowerer, name: Node, init: Node, env: Env) : Bound {
  while (Node.isParenthesizedExpression(init)) init = init.getExpression();
  if (!Node.isArrayBindingPattern(name) || !Node.isArrayLiteralExpression(init)) return lw.bound(init, env);
  const elements = init.getElements().map((x) => lw.bound(x, env));
  const shape: AggregateShape = { kind: "tuple", items: init.getElements().map((x) => shapeAt(x)!) };
  return lw.assemble(shape, (key) => elements[Number(key)]!, env, "");
}

/** Binds a parameter or variable name (or a destructuring pattern) to a value. */
export function bindName(lw: Lowerer, name: Node, decl: ts.Node, value: Binding, env: Env) : void {
  if (Node.isIdentifier(name)) {
    // A `var` may declare its name twice: every declaration binds the first, which every use reads.
    const key = name.getSymbol()?.getDeclarations()[0]?.compilerNode ?? decl;
    if (value === Unassigned && key !== decl && env.get(key) !== undefined) return; // `var x;` again keeps x's value
    const optionalDecl = optionalLocal(name);
    if (optionalDecl) value = optionals.declared(lw, optionalDecl, value, env, name.getText());
    env.set(key, isMissing(value) || isAggregate(value) || isFunctionValue(value) ? value : named(value, name.getText()));
    return;
  }
  if (isMissing(value) || isFunctionValue(value)) throw new InternalError("a destructuring pattern without a value passed the fence");
  if (Node.isObjectBindingPattern(name)) {
    for (const element of name.getElements()) {
      const key = element.getPropertyNameNode()?.getText() ?? element.getName();
      lw.bindName(element.getNameNode(), element.compilerNode, lw.part(value, key, env), env);
    }
    return;
  }
  if (Node.isArrayBindingPattern(name)) {
    name.getElements().forEach((element, i) => {
      if (!Node.isBindingElement(element)) return; // a hole: `const [, b] = t`
      const part = isRecordsBound(value) ? elementAt(lw, value, lw.b.const(i), env, "", sourceOf(name))
        : isAggregate(value) ? lw.part(value, String(i), env) : lw.b.prim("load", [value, lw.b.const(i)]);
      lw.bindName(element.getNameNode(), element.compilerNode, part, env);
    });
    return;
  }
  throw new InternalError(`binding ${name.getKindName()} passed the fence`);
}

/** The array a pattern takes apart (`pts` of `const [a, b] = pts`), for diagnostics. */
function sourceOf(pattern: Node): string {
  const parent = pattern.getParent();
  return (parent && Node.isVariableDeclaration(parent) ? parent.getInitializer()?.getText() : undefined) ?? "the array";
}

/** The part `key` of an aggregate: a cell's current value, or a nested aggregate. */
export function part(lw: Lowerer, base: Bound, key: string, env: Env) : Bound {
  if (!isAggregate(base)) throw new InternalError(`part '${key}' of a non-aggregate`);
  const part = base.parts.get(key);
  if (!part) throw new InternalError(`no part '${key}' in ${shapeText(base.shape)}`);
  return isCell(part) ? (env.get(part) as Value) : part;
}

/** The cell `p.x` or `t[0]` names, for a write. */
export function cellOf(lw: Lowerer, target: Node & { getExpression(): Node }, env: Env) : Cell {
  const base = lw.bound(target.getExpression(), env);
  const key = partKeyOf(target);
  const part = isAggregate(base) && key !== undefined ? base.parts.get(key) : undefined;
  if (!part || !isCell(part)) throw new InternalError(`assignment to ${target.getText()} passed the fence`);
  if (part.parameter !== undefined) {
    lw.fail(target, Codes.ParameterWrite,
      `'${target.getText()}' writes into the parameter '${part.parameter}'; the gradient must leave arguments unchanged, so copy what you change into a local variable or a new object`);
  }
  if (part.stopped) {
    lw.fail(target, Codes.UnsupportedExpression,
      `'${target.getExpression().getText()}' is stopGradient's argument or result, which JavaScript shares and adgen copies; build a new object from its fields instead of writing one`);
  }
  if (part.element !== undefined) {
    lw.fail(target, Codes.UnsupportedExpression,
      `'${target.getExpression().getText()}' holds an element of '${part.element}', whose fields adgen keeps in arrays of their own, so a write through it would not reach the array; write the element itself ('${part.element}[i]${/^\d/.test(key!) ? `[${key}]` : `.${key}`} = ...') or assign a new object`);
  }
  if (part.copied) {
    lw.fail(target, Codes.UnsupportedExpression,
      `'${target.getExpression().getText()}' may share its fields with another variable after a branch, loop or helper with several returns; assign a new object or tuple instead of writing one field`);
  }
  return part;
}

/** An object literal: a fresh aggregate; a nested object given by name is shared, not copied (as in JavaScript). */
export function objectLiteral(lw: Lowerer, e: Node & { getProperties(): Node[] }, env: Env) : Aggregate {
  const given = new Map<string, Bound>();
  for (const prop of e.getProperties()) {
    if (Node.isPropertyAssignment(prop)) {
      given.set(prop.getName(), lw.bound(prop.getInitializerOrThrow(), env));
    } else if (Node.isShorthandPropertyAssignment(prop)) {
      const decl = shorthandDeclaration(prop);
      if (!decl) throw new InternalError(`shorthand property ${prop.getName()} passed the fence unresolved`);
      given.set(prop.getName(), lw.readBound(decl, env, prop));
    } else if (Node.isSpreadAssignment(prop)) {
      // `{ ...p, x: 1 }`: p's fields (a nested object shared, as JavaScript's shallow copy), later ones replacing them.
      const base = lw.bound(prop.getExpression(), env);
      if (!isAggregate(base)) throw new InternalError(`spread of ${prop.getExpression().getText()} passed the fence`);
      for (const key of partKeys(base.shape)) given.set(key, lw.part(base, key, env));
    } else {
      throw new InternalError(`object literal member ${prop.getKindName()} passed the fence`);
    }
  }
  return lw.assemble(shapeAt(e) as AggregateShape, (key) => given.get(key)!, env, hintOf(e));
}

/** A fresh aggregate of `shape` whose parts are `partOf(key)`: numbers and arrays get new cells. */
export function assemble(lw: Lowerer, shape: AggregateShape, partOf: (key: string) => Bound, env: Env, hint: string, mark: Partial<Cell> = {}) : Aggregate {
  const parts = new Map<string, Cell | Aggregate>();
  for (const key of partKeys(shape)) {
    const value = partOf(key);
    if (value === undefined) throw new InternalError(`part '${key}' of ${shapeText(shape)} missing`);
    if (isAggregate(value)) {
      parts.set(key, value);
    } else {
      const cell: Cell = { name: partName(hint, key), ...mark };
      env.set(cell, value);
      parts.set(key, cell);
    }
  }
  if (partKeys(shape).some((k) => partShape(shape, k).kind !== "value" && !isAggregate(partOf(k)))) {
    throw new InternalError(`a nested aggregate of ${shapeText(shape)} is a value`);
  }
  return { shape, parts };
}

/**
 * When a merge (an `if`, a loop, a `?:`) joins different aggregates, the
 * result is a fresh aggregate holding the merged leaves; the joined ones no
 * longer share cells with it, so writing a field of any of them is rejected.
 */
export function mergedAggregate(lw: Lowerer, joined: Bound[], leaves: Value[], env: Env, name: string) : Aggregate | undefined {
  const first = joined.find(isAggregate);
  if (!first) return undefined;
  for (const a of joined) if (isAggregate(a)) markCopied(a);
  return build(first.shape, leaves, env, name, { copied: true }) as Aggregate;
}
