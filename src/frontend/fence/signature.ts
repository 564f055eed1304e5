/** The subset check of a function's signature: its parameters, destructuring patterns and result. */
import { Node, SyntaxKind } from "ts-morph";
import { functionName, functionNameNode, isFunctionTyped, type FunctionLike } from "../functions.js";
import { Codes } from "../../diagnostics.js";
import { leavesOf, parameterType, shapeOf, type Shape } from "../shape.js";
import { constantValue } from "../subset.js";
import { recordsAdvice } from "../records.js";
import type { FenceContext } from "./context.js";
import { classTypeReason } from "./classes.js";
import { descendantsOfKind } from "../descendants.js";
import { isOptionalParameter, optionalParameterShape } from "../optional.js";

export const SUPPORTED_TYPES = "number, boolean, number[], readonly number[], number[][], Float64Array, tuples and objects of these, and arrays of tuples and objects of numbers";

/**
 * Checks a function's signature; false when the function itself is outside
 * the subset (async, a generator, generic), whose parameters and body then
 * go unchecked: one diagnostic for the one root cause.
 */
export function checkSignature(cx: FenceContext, fn: FunctionLike): boolean {
  const async = "isAsync" in fn && fn.isAsync();
  if (async || ("isGenerator" in fn && fn.isGenerator())) {
    cx.report(functionNameNode(fn), Codes.UnsupportedFunction, `'${functionName(fn)}' is ${async ? "async" : "a generator"}; only plain synchronous functions can be differentiated`);
    return false;
  }
  const generics = fn.getTypeParameters();
  if (generics.length > 0) {
    const instead = generics.map((t) => `'${t.getConstraint()?.getText() ?? "number"}' for '${t.getName()}'`).join(", ");
    cx.report(generics[0]!, Codes.UnsupportedFunction,
      `generic functions are not supported; write '${functionName(fn)}' with the types it is called with (e.g. ${instead})`);
    return false;
  }
  for (const p of fn.getParameters()) {
    if (!Node.isIdentifier(p.getNameNode()) && cx.entryFunctions.has(fn)) {
      cx.report(p, Codes.UnsupportedFunction,
        "an exported function's parameters need names, so that the gradient can name them; destructure in the body (e.g. 'const { w, b } = model;')");
    } else if (p.isRestParameter()) {
      cx.report(p, Codes.UnsupportedFunction, "rest parameters are not supported");
    } else if (cx.entryFunctions.has(fn) && isOptionalParameter(p) && shapeOf(parameterType(p), p) && !optionalParameterShape(shapeOf(parameterType(p), p))) {
      cx.report(p, Codes.UnsupportedFunction,
        `an exported function's optional parameter without a default is a number, a boolean or an array of numbers; give '${p.getName()}' a default value, or pass its parts as optional numbers`);
    } else if (cx.entryFunctions.has(fn) && p.hasInitializer() && constantValue(p.getInitializerOrThrow()) === undefined) {
      cx.report(p.getInitializerOrThrow(), Codes.UnsupportedFunction,
        "the default value of an exported function's parameter must be a constant (a number, a Math constant, a module-level constant or arithmetic of these), which its gradient's API repeats; compute other defaults in the body");
    } else if ((p.getType().isUnknown() || p.getType().isUndefined()) && !cx.entryFunctions.has(fn) && !isRead(p, fn)) {
      // A placeholder nothing reads: the `_` of `Array.from({ length: n }, (_, i) => ...)`.
    } else if (isFunctionTyped(p) && !cx.entryFunctions.has(fn)) {
      // A function parameter: the function passed is checked where it is passed.
    } else if (cx.entryFunctions.has(fn) && holdsStrings(shapeOf(parameterType(p), p))) {
      cx.report(p, Codes.UnsupportedType, `parameter '${p.getName()}' holds strings ('${p.getType().getText(p)}'); an exported function takes numbers and booleans (a string-literal type is supported inside it, for its locals and helpers)`);
    } else if (!shapeOf(parameterType(p), p)) {
      const records = recordsAdvice(parameterType(p));
      cx.report(p, Codes.UnsupportedType, p.getType().isAny()
        ? `parameter '${p.getName()}' has no type; annotate it: ${typeAdvice(p, p.getName())}`
        : `parameter '${p.getName()}' has type '${p.getType().getText(p)}'; ${classTypeReason(p.getType(), p) ?? records ?? `supported are ${SUPPORTED_TYPES}`}`);
    } else if (!Node.isIdentifier(p.getNameNode())) {
      cx.checkPattern(p.getNameNode());
    }
    const init = p.getInitializer();
    if (init && !cx.entryFunctions.has(fn)) cx.visit(init, fn, [fn]);
  }
  const rt = fn.getReturnType();
  if (cx.entryFunctions.has(fn) && holdsStrings(shapeOf(rt, fn))) {
    cx.report(fn.getReturnTypeNode() ?? functionNameNode(fn), Codes.UnsupportedType, `'${functionName(fn)}' returns strings ('${rt.getText(fn)}'); an exported function returns numbers and booleans`);
  } else if (!shapeOf(rt, fn) && !rt.isVoid() && !Node.isConstructorDeclaration(fn)) {
    cx.report(fn.getReturnTypeNode() ?? functionNameNode(fn), Codes.UnsupportedType,
      `'${functionName(fn)}' returns '${rt.getText(fn)}'; supported results are ${SUPPORTED_TYPES}, and void for helpers`);
  }
  return true;
}

/** Whether a shape has a leaf of a string-literal type (its text is the quoted union). */
function holdsStrings(shape: Shape | undefined): boolean {
  return !!shape && leavesOf(shape).some((leaf) => leaf.text.includes('"'));
}

/** Whether a parameter's name is read in its function. */
function isRead(p: Node, fn: FunctionLike): boolean {
  const name = (p as Node & { getNameNode(): Node }).getNameNode();
  const symbol = name.getSymbol();
  return descendantsOfKind(fn, SyntaxKind.Identifier).some((id) => id !== name && id.getSymbol() === symbol);
}

/** A destructuring pattern: names (possibly renamed or nested), no defaults, no rest. */
export function checkPattern(cx: FenceContext, pattern: Node): void {
  for (const element of pattern.getChildrenOfKind(SyntaxKind.BindingElement)) {
    if (element.getDotDotDotToken()) cx.report(element, Codes.UnsupportedExpression, "rest elements ('...') in destructuring are not supported");
    else if (element.getInitializer()) cx.report(element, Codes.UnsupportedExpression, "default values in destructuring are not supported");
    else if (!Node.isIdentifier(element.getNameNode())) cx.checkPattern(element.getNameNode());
  }
}

/** How to annotate a declaration in its language: `x: number`, or JSDoc in a JavaScript file. */
function typeAdvice(node: Node, name: string): string {
  return /\.[cm]?js$/.test(node.getSourceFile().getFilePath()) ? `'@param {number} ${name}' in the function's JSDoc` : `'${name}: number'`;
}
