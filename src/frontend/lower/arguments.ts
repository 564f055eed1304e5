/** What a call passes: values, aggregates, functions (inlined where they are called), and spread arrays. */
import { Node } from "ts-morph";
import type { Value } from "../../ir/types.js";
import { InternalError } from "../../diagnostics.js";
import { isAggregate, isFunctionValue, Undefined, type Binding, type Env } from "../aggregate.js";
import { shapeAt } from "../shape.js";
import { functionExpression, staticCallee } from "../functions.js";
import type { Lowerer } from "../lower.js";

/**
 * A call's argument: a function (an arrow function, or the name of one,
 * or a parameter holding one) is passed as itself, to be inlined where the
 * callee calls it; anything else is a value or an aggregate.
 */
export function argument(lw: Lowerer, a: Node, env: Env): Binding {
  const literal = functionExpression(a);
  if (literal) return { function: literal };
  if (Node.isIdentifier(a)) {
    const decl = a.getSymbol()?.getDeclarations()[0];
    const held = decl && env.get(decl.compilerNode);
    if (isFunctionValue(held)) return held;
    // A helper's left-out optional parameter, passed on: left out again.
    if (held === Undefined) return Undefined;
    const named = staticCallee(a);
    if (named) return { function: named };
  }
  return lw.bound(a, env);
}

/** A call's arguments, a spread tuple's elements each one (`f(...p)`). */
export function callArguments(lw: Lowerer, items: Node[], env: Env): Binding[] {
  return items.flatMap((a) => {
    if (!Node.isSpreadElement(a)) return [argument(lw, a, env)];
    const tuple = lw.bound(a.getExpression(), env);
    if (!isAggregate(tuple) || tuple.shape.kind !== "tuple") throw new InternalError(`spread '${a.getText()}' passed the fence`);
    return tuple.shape.items.map((_, i) => lw.part(tuple, String(i), env));
  });
}

/** Whether a list spreads tuples only (no arrays). */
export function spreadsTuple(items: Node[]): boolean {
  const spreads = items.filter(Node.isSpreadElement);
  return spreads.length > 0 && spreads.every((a) => shapeAt(a.getExpression())?.kind === "tuple");
}

/** The values of a list with spread elements (`a, ...xs`): which are arrays to spread. */
export function spreadItems(lw: Lowerer, items: Node[], env: Env): { value: Value; spread: boolean }[] {
  return items.flatMap((item): { value: Value; spread: boolean }[] => {
    if (!Node.isSpreadElement(item)) return [{ value: lw.expr(item, env), spread: false }];
    const bound = lw.bound(item.getExpression(), env);
    // A tuple's elements are items of their own.
    if (isAggregate(bound)) return callArguments(lw, [item], env).map((value) => ({ value: value as Value, spread: false }));
    return [{ value: bound, spread: true }];
  });
}

