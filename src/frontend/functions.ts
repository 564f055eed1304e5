/**
 * Functions as the source writes them: declarations, and arrow functions
 * and function expressions bound to a name (`const toRad = (d: number) =>
 * d * Math.PI / 180`) or passed as an argument (`integrate((t) => t * t, 0, 1)`).
 * Every call is inlined, so a function value is fine wherever the function
 * it holds is known where the code is compiled.
 */
import { ArrowFunction, ConstructorDeclaration, FunctionDeclaration, FunctionExpression, GetAccessorDeclaration, MethodDeclaration, Node, SyntaxKind, VariableDeclarationKind, type JSDoc } from "ts-morph";
import { calleeFunction, declarationOf } from "./resolve.js";
import { descendantsOfKind } from "./descendants.js";

/** A function with code: declarations, arrow functions and function expressions, and a class's methods, getters and constructor (`src/frontend/classes.ts`). */
export type FunctionLike = FunctionDeclaration | ArrowFunction | FunctionExpression | ClassMember;
export type ClassMember = MethodDeclaration | GetAccessorDeclaration | ConstructorDeclaration;

export function isFunctionLike(node: Node | undefined): node is FunctionLike {
  return !!node && (Node.isFunctionDeclaration(node) || Node.isArrowFunction(node) || Node.isFunctionExpression(node) || isClassMember(node));
}

export function isClassMember(node: Node | undefined): node is ClassMember {
  return !!node && (Node.isMethodDeclaration(node) || Node.isGetAccessorDeclaration(node) || Node.isConstructorDeclaration(node));
}

/** The function an expression is, through parentheses, `as` and `satisfies`. */
export function functionExpression(node: Node | undefined): ArrowFunction | FunctionExpression | undefined {
  while (node && (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node))) node = node.getExpression();
  return node && (Node.isArrowFunction(node) || Node.isFunctionExpression(node)) ? node : undefined;
}

/**
 * The function a variable holds for good: a `const` (or a `let` never
 * assigned again) initialised with an arrow function or function expression.
 */
export function boundFunction(decl: Node | undefined): ArrowFunction | FunctionExpression | undefined {
  if (!decl || !Node.isVariableDeclaration(decl) || !Node.isIdentifier(decl.getNameNode())) return undefined;
  const fn = functionExpression(decl.getInitializer());
  if (!fn) return undefined;
  const kind = decl.getVariableStatement()?.getDeclarationKind() ?? VariableDeclarationKind.Let;
  if (kind === VariableDeclarationKind.Const) return fn;
  const symbol = decl.getNameNode().getSymbol();
  const scope = decl.getFirstAncestor((a) => isFunctionLike(a) || Node.isSourceFile(a))!;
  const reassigned = descendantsOfKind(scope, SyntaxKind.Identifier).some((id) => id.getSymbol() === symbol && id !== decl.getNameNode());
  return reassigned ? undefined : fn;
}

/** The name a function is known by: its own, or the variable's it is bound to, or the parameter's it is passed as. */
export function functionName(fn: FunctionLike): string {
  if (isClassMember(fn)) {
    const owner = fn.getParentIfKind(SyntaxKind.ClassDeclaration)?.getName() ?? "(anonymous class)";
    return Node.isConstructorDeclaration(fn) ? `new ${owner}` : `${owner}.${fn.getName()}`;
  }
  if (Node.isFunctionDeclaration(fn) || Node.isFunctionExpression(fn)) {
    const own = fn.getName();
    if (own) return own;
  }
  let holder: Node | undefined = fn.getParent();
  while (holder && (Node.isParenthesizedExpression(holder) || Node.isAsExpression(holder) || Node.isSatisfiesExpression(holder))) holder = holder.getParent();
  if (holder && Node.isVariableDeclaration(holder)) return holder.getName();
  return "(anonymous function)";
}

/** The function a node is written in, if any. */
export function enclosingFunction(node: Node): FunctionLike | undefined {
  return node.getFirstAncestor((a) => isFunctionLike(a)) as FunctionLike | undefined;
}

/** Whether a declaration is local to `fn`: in it, or in a function around it (a closure reads its outer variables). */
export function isLocalTo(decl: Node, fn: FunctionLike): boolean {
  const owner = enclosingFunction(decl);
  return !!owner && (owner === fn || fn.getAncestors().includes(owner));
}

/** Where a diagnostic about a function points: its name, or the variable's it is bound to, or the function itself. */
export function functionNameNode(fn: FunctionLike): Node {
  if (isClassMember(fn)) return Node.isConstructorDeclaration(fn) ? fn.getFirstChildByKind(SyntaxKind.ConstructorKeyword) ?? fn : fn.getNameNode();
  if (Node.isFunctionDeclaration(fn) || Node.isFunctionExpression(fn)) {
    const own = fn.getNameNode();
    if (own) return own;
  }
  const holder = fn.getParent();
  return holder && Node.isVariableDeclaration(holder) ? holder.getNameNode() : fn;
}

/** Whether a function has code to inline (a declaration may have none: `declare function f(x: number): number`). */
export function hasBody(fn: FunctionLike): boolean {
  return !Node.isFunctionDeclaration(fn) || fn.hasBody();
}

/**
 * The function a callee names where the code is compiled: a function
 * declaration (of this file, imported, or `ns.f`), or a variable holding one
 * for good. A parameter holding a function is resolved where the call is
 * inlined instead (see `Lowerer.callee`).
 */
export function staticCallee(callee: Node): FunctionLike | undefined {
  const decl = calleeFunction(callee);
  if (decl) return decl;
  return Node.isIdentifier(callee) ? boundFunction(declarationOf(callee)) : undefined;
}

/** Whether a node's type is a function type (a parameter `f: (x: number) => number`). */
export function isFunctionTyped(node: Node): boolean {
  const type = node.getType();
  return type.getCallSignatures().length > 0 && !type.isNumber();
}

/** A parameter holding a function: `f` in `function integrate(f: (x: number) => number, ...)`. */
export function functionParameter(callee: Node): boolean {
  if (!Node.isIdentifier(callee)) return false;
  const decl = callee.getSymbol()?.getDeclarations()[0];
  return !!decl && Node.isParameterDeclaration(decl) && isFunctionTyped(decl);
}

/** A function's JSDoc: a declaration's own, or the comment on the statement that binds it (`/** @adgen *\/ export const f = ...`). */
export function jsDocsOf(fn: FunctionLike): JSDoc[] {
  if (Node.isFunctionDeclaration(fn) || isClassMember(fn)) return fn.getJsDocs();
  const statement = fn.getFirstAncestorByKind(SyntaxKind.VariableStatement);
  return statement ? statement.getJsDocs() : [];
}
