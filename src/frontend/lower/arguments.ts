/** What a call passes: values, aggregates, functions (inlined where they are called), and spread arrays. */
import { Node } from "ts-morph";
import type { Value } from "../../ir/types.js";
import { isFunctionValue, type Binding, type Env } from "../aggregate.js";
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
    const named = staticCallee(a);
    if (named) return { function: named };
  }
  return lw.bound(a, env);
}

/** The values of a list with spread elements (`a, ...xs`): which are arrays to spread. */
export function spreadItems(lw: Lowerer, items: Node[], env: Env): { value: Value; spread: boolean }[] {
  return items.map((item) => Node.isSpreadElement(item)
    ? { value: lw.expr(item.getExpression(), env), spread: true }
    : { value: lw.expr(item, env), spread: false });
}

