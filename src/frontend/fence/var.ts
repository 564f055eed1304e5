/**
 * `var` declarations. adgen lowers a `var` as it lowers a `let`, which is
 * what it means wherever every use of the name lies after a declaration of
 * it and inside that declaration's block. Where hoisting makes a difference
 * (a use before the declaration, or outside its block, or a `var` without a
 * value inside a loop, which keeps its value from one trip to the next), the
 * check says so and asks for a `let` where the variable's life begins.
 */
import { Node, SyntaxKind, VariableDeclarationKind, type VariableDeclarationList } from "ts-morph";
import type { FunctionLike } from "../functions.js";
import { Codes } from "../../diagnostics.js";
import { isLoop } from "../lower/syntax.js";
import type { FenceContext } from "./context.js";
import { descendantsOfKind } from "../descendants.js";

/** Whether a declaration list is a `var`. */
export function isVar(list: Node | undefined): boolean {
  return !!list && Node.isVariableDeclarationList(list) && list.getDeclarationKind() === VariableDeclarationKind.Var;
}

/** The statement a declaration's name lives in, were it a `let`: its block, or its `for` loop. */
function scopeOf(decl: Node): Node {
  const list = decl.getParentOrThrow();
  const holder = list.getParentOrThrow();
  if (Node.isForStatement(holder) || Node.isForOfStatement(holder)) return holder;
  return holder.getParentOrThrow();
}

/** Checks the names a `var` list declares in `fn`: each once, at its first declaration. */
export function checkVar(cx: FenceContext, list: VariableDeclarationList, fn: FunctionLike): void {
  for (const decl of list.getDeclarations()) {
    const name = decl.getNameNode();
    const names = Node.isIdentifier(name) ? [name] : descendantsOfKind(name, SyntaxKind.Identifier);
    for (const id of names) {
      const symbol = id.getSymbol();
      const declarations = symbol?.getDeclarations() ?? [];
      if (!symbol || declarations[0] !== (Node.isIdentifier(name) ? decl : id.getParent())) continue;
      const problem = varProblem(declarations, symbol, fn);
      if (problem) cx.report(problem.at, Codes.UnsupportedStatement, problem.message);
    }
  }
}

function varProblem(declarations: Node[], symbol: NonNullable<ReturnType<Node["getSymbol"]>>, fn: FunctionLike): { at: Node; message: string } | undefined {
  const name = symbol.getName();
  for (const d of declarations) {
    const loop = d.getAncestors().find((a) => a === fn || isLoop(a));
    const initialised = Node.isVariableDeclaration(d) ? d.hasInitializer() : true;
    if (loop && loop !== fn && !initialised && !(Node.isForStatement(loop) && scopeOf(d) === loop)) {
      return { at: d, message: `'var ${name}' without a value inside a loop keeps its value from one trip to the next; declare it with 'let ${name}' before the loop` };
    }
  }
  const uses = descendantsOfKind(fn, SyntaxKind.Identifier).filter((id) => id.getSymbol() === symbol && !declarations.includes(id.getParentOrThrow()));
  for (const use of uses) {
    const seen = declarations.filter((d) => d.getStart() < use.getStart());
    if (seen.length === 0) {
      return { at: use, message: `'${name}' is used before its 'var' declaration; declare it with 'let ${name}' before this use` };
    }
    if (!seen.some((d) => use.getAncestors().includes(scopeOf(d)))) {
      const line = declarations[0]!.getStartLineNumber();
      const where = isLoop(scopeOf(declarations[0]!)) ? "before the loop" : "in the block that holds both";
      return { at: use, message: `'${name}' is used outside the ${isLoop(scopeOf(declarations[0]!)) ? "loop" : "block"} of its 'var' declaration (line ${line}); declare it with 'let ${name}' ${where}` };
    }
  }
  return undefined;
}
