/**
 * Recursion. Calls are inlined, which a function on a cycle of the call
 * graph (`cnd` calling `cnd`, `even` calling `odd` calling `even`) cannot
 * be: such a function is compiled once on its own, as a function of the
 * generated file that returns its value and its partial derivatives, and
 * every call of it calls that function (lower/recursive.ts). This module
 * says which functions are on a cycle, and which of them can be compiled
 * that way: declared at module level, numbers and booleans in (every one
 * passed), a number out.
 */
import { Node, SyntaxKind } from "ts-morph";
import { enclosingFunction, functionName, hasBody, staticCallee, type FunctionLike } from "./functions.js";
import { scalarType } from "./source.js";
import { descendantsOfKind } from "./descendants.js";

/** The functions of the project `fn` calls by name (the ones adgen would inline). */
function calleesOf(fn: FunctionLike): FunctionLike[] {
  const out = new Set<FunctionLike>();
  for (const call of descendantsOfKind(fn, SyntaxKind.CallExpression)) {
    const decl = staticCallee(call.getExpression());
    if (decl && hasBody(decl) && !decl.getSourceFile().isDeclarationFile()) out.add(decl);
  }
  return [...out];
}

const cycles = new WeakMap<FunctionLike, boolean>();

/** Whether `fn` can reach itself through calls by name: it is recursive, directly or through others. */
export function onCycle(fn: FunctionLike): boolean {
  let known = cycles.get(fn);
  if (known === undefined) {
    const seen = new Set<FunctionLike>();
    const todo = calleesOf(fn);
    while (todo.length && !seen.has(fn)) {
      const next = todo.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      todo.push(...calleesOf(next));
    }
    known = seen.has(fn);
    cycles.set(fn, known);
  }
  return known;
}

/** What keeps a recursive function from being compiled on its own (undefined when nothing does), with what to write instead. */
export function recursionProblem(fn: FunctionLike): { at: Node; message: string } | undefined {
  const name = functionName(fn);
  if (enclosingFunction(fn)) {
    return { at: fn, message: `'${name}' is recursive and declared inside another function; declare it at module level, where it is compiled on its own (it cannot read the other function's variables: pass them as arguments)` };
  }
  for (const p of fn.getParameters()) {
    if (p.hasInitializer() || p.hasQuestionToken() || p.isRestParameter()) {
      return { at: p, message: `'${name}' is recursive, and its parameter '${p.getName()}' is optional; a recursive function is compiled on its own, and its calls pass every argument` };
    }
    if (!Node.isIdentifier(p.getNameNode()) || !scalarType(p.getType())) {
      return { at: p, message: `'${name}' is recursive, and its parameter '${p.getName()}' has type '${p.getType().getText(p)}'; a recursive function is compiled on its own and takes numbers and booleans: pass the elements it needs as numbers, or write the recursion as a loop` };
    }
  }
  if (scalarType(fn.getReturnType()) !== "f64") {
    return { at: fn, message: `'${name}' is recursive and returns '${fn.getReturnType().getText(fn)}'; a recursive function is compiled on its own and returns a number: write the recursion as a loop` };
  }
  return undefined;
}

/** A stable identity for the function compiled on its own for `fn`. */
export function recursiveKey(fn: FunctionLike): string {
  return `recursive:${fn.getSourceFile().getFilePath()}#${fn.getStart()}`;
}
