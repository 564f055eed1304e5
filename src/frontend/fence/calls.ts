/** The subset check of calls: Math functions, functions of the project (checked where they are), user rules, array methods, recursion. */
import { FunctionDeclaration, Node, SyntaxKind } from "ts-morph";
import { Codes } from "../../diagnostics.js";
import { mathFunctions } from "../../ir/primitives.js";
import { calleeFunction, isRelativeImport, isStopGradient } from "../resolve.js";
import { ruleFor, type UserRule } from "../rules.js";
import { shapeAt, shapeText } from "../shape.js";
import { scalarType } from "../source.js";
import { arrayMethod, numberFunction } from "../subset.js";
import type { FenceContext } from "./context.js";

export function checkCall(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void {
  const callee = call.getExpression();
  const args = call.getArguments();
  if (call.getDescendantsOfKind(SyntaxKind.QuestionDotToken).some((t) => t.getParent() === call || t.getParent() === callee)) {
    cx.report(call, Codes.UnsupportedExpression, "optional chaining ('?.') is not supported");
    return;
  }
  // A call adgen cannot make at all is the one root cause: its arguments are not looked at.
  if (!cx.rejectedCallee(call, fn, stack)) checkArguments(cx, args, fn, stack);
  if (arrayMethod(call)) {
    cx.checkArrayMethod(call, fn, stack);
  } else if (numberFunction(call)) {
    checkNumberCall(cx, call);
  } else if (Node.isPropertyAccessExpression(callee) && callee.getExpression().getText() === "Math") {
    checkMathCall(cx, call, callee.getName());
  } else if (isStopGradient(call)) {
    const shape = args.length === 1 ? shapeAt(args[0]!) : undefined;
    const numbers = shape && (shape.kind === "value" ? shape.type === "f64" : !/\[\]|Float64Array|boolean/.test(shapeText(shape)));
    if (!numbers) cx.report(call, Codes.UnsupportedExpression, "'stopGradient' takes one number, or one tuple or object of numbers");
  } else if (ruleFor(cx.rules, callee)) {
    cx.checkRuleCall(call, ruleFor(cx.rules, callee)!, fn, stack);
  } else {
    checkFunctionCall(cx, call, fn, stack);
  }
}

function checkArguments(cx: FenceContext, args: Node[], fn: FunctionDeclaration, stack: FunctionDeclaration[]): void {
  for (const a of args) {
    if (Node.isSpreadElement(a)) cx.report(a, Codes.UnsupportedExpression, "spread arguments are not supported");
    else {
      cx.visit(a, fn, stack);
      if (!shapeAt(a)) cx.report(a, Codes.UnsupportedType, `argument of type '${a.getType().getText(a)}' is not supported`);
    }
  }
}

function checkMathCall(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, name: string): void {
  if (!mathFunctions.has(name)) {
    cx.report(call.getExpression(), Codes.UnknownCall, `'Math.${name}' is not supported${name === "random" ? " (it is not a function of its inputs)" : ""}`);
  } else if (call.getArguments().length === 0 && name !== "min" && name !== "max" && name !== "hypot") {
    cx.report(call, Codes.UnsupportedExpression, `'Math.${name}' needs an argument`);
  }
}

/** `isNaN(x)`, `Number.isFinite(x)`, `Number(flag)`: one number (or for `Number`, a boolean). */
function checkNumberCall(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }): void {
  const args = call.getArguments();
  const name = call.getExpression().getText();
  if (args.length !== 1) {
    cx.report(call, Codes.UnsupportedExpression, `'${name}' takes one argument here`);
  } else if (!(name === "Number" && scalarType(args[0]!.getType()) === "bool")) {
    cx.expectType(args[0]!, "f64", `'${name}'`);
  }
}

/** A call of a function: of the project (checked where it is, once), or one adgen cannot see into. */
function checkFunctionCall(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void {
  const callee = call.getExpression();
  const args = call.getArguments();
  const decl = calleeFunction(callee);
  if ((!decl || !decl.hasBody() || decl.getSourceFile().isDeclarationFile()) && [...stack, fn].some((f) => cx.adjoints.has(f))) {
    // An adjoint's code is run, not differentiated: it may call functions adgen cannot see into.
    if (scalarType(call.getType()) !== "f64") {
      cx.report(call, Codes.UnknownCall, `'${callee.getText()}' must return a number to be called from an adjoint`);
    }
    return;
  }
  const visible = decl && (decl.getSourceFile() === fn.getSourceFile() || isRelativeImport(callee)) && !decl.getSourceFile().isDeclarationFile();
  if (!decl || !visible) {
    const where = Node.isIdentifier(callee) && callee.getSymbol()?.getDeclarations()[0]?.isKind(SyntaxKind.ImportSpecifier)
      ? " (it is imported from a package, not from a file of this project)" : "";
    cx.report(callee, Codes.UnknownCall,
      `cannot differentiate a call to '${callee.getText()}'${where}: only Math functions, functions of this file and functions imported by relative path ('./helpers.js') can be called, or give it an adjoint: ${ruleHint(callee.getText(), args.length)}`);
    return;
  }
  if (!decl.hasBody()) {
    cx.report(callee, Codes.UnknownCall, `'${decl.getName()}' is declared without a body, so it cannot be differentiated; give it an adjoint: ${ruleHint(callee.getText(), args.length)}`);
    return;
  }
  const at = stack.indexOf(decl);
  if (at >= 0) {
    const cycle = [...stack.slice(at), decl].map((f) => f.getName()).join(" -> ");
    cx.report(call, Codes.Recursion, `recursion is not supported: ${cycle}`);
    return;
  }
  const params = decl.getParameters();
  const required = params.filter((p) => !p.hasInitializer() && !p.hasQuestionToken()).length;
  if (args.length < required || args.length > params.length) {
    const takes = required === params.length ? `${required}` : `${required} to ${params.length}`;
    cx.report(call, Codes.UnsupportedExpression, `'${decl.getName()}' takes ${takes} arguments, got ${args.length}`);
    return;
  }
  if (!cx.checked.has(decl)) {
    cx.visitFunction(decl, stack);
  } else {
    // Already checked from another path: still look for a cycle through this call.
    cx.findCycle(decl, stack);
  }
}

/** Whether checkCall rejects the callee itself: a Math function outside the subset, or a function adgen cannot see into and has no adjoint for. */
export function rejectedCallee(cx: FenceContext, call: Node & { getExpression(): Node }, fn: FunctionDeclaration, stack: FunctionDeclaration[]): boolean {
  const callee = call.getExpression();
  if (arrayMethod(call) || numberFunction(call) || isStopGradient(call) || ruleFor(cx.rules, callee)) return false;
  if (Node.isPropertyAccessExpression(callee) && callee.getExpression().getText() === "Math") return !mathFunctions.has(callee.getName());
  const decl = calleeFunction(callee);
  const opaque = !decl || !decl.hasBody() || decl.getSourceFile().isDeclarationFile();
  if (opaque && [...stack, fn].some((f) => cx.adjoints.has(f))) return false;
  const visible = decl && (decl.getSourceFile() === fn.getSourceFile() || isRelativeImport(callee));
  return opaque || !visible;
}

/** A call of a function with a user-defined adjoint: the adjoint's body is checked, and the function's own if adgen inlines it. */
export function checkRuleCall(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, rule: UserRule, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void {
  const args = call.getArguments();
  if (args.length !== rule.arity) {
    cx.report(call, Codes.BadRule, `this call passes ${args.length} arguments; its adjoint '${rule.adjoint.getName()}' takes ${rule.arity} (then the value and its adjoint)`);
    return;
  }
  // An untyped import (a JavaScript package without types) is `any`: the adjoint says it returns a number.
  if (scalarType(call.getType()) !== "f64" && !call.getType().isAny()) {
    cx.report(call, Codes.BadRule, `an adjoint ('${rule.adjoint.getName()}') is supported for a function returning a number, not '${call.getType().getText(call)}'`);
    return;
  }
  for (const [i, a] of args.entries()) {
    const t = shapeAt(a);
    const want = rule.adjoint.getParameters()[i]!;
    if (t?.kind !== "value" || (t.type === "f64") !== (scalarType(want.getType()) === "f64")) {
      cx.report(a, Codes.BadRule, `argument ${i + 1} has type '${a.getType().getText(a)}', but '${rule.adjoint.getName()}' takes '${want.getType().getText(want)}'`);
    }
  }
  if (!cx.checked.has(rule.adjoint)) cx.visitFunction(rule.adjoint, stack);
  const primal = calleeFunction(call.getExpression());
  const at = primal ? stack.indexOf(primal) : -1;
  if (at >= 0) {
    // The function's value is still computed by inlining it.
    const cycle = [...stack.slice(at), primal!].map((f) => f.getName()).join(" -> ");
    cx.report(call, Codes.Recursion, `recursion is not supported: ${cycle}`);
    return;
  }
  if (primal?.hasBody() && !primal.getSourceFile().isDeclarationFile() && !stack.includes(primal) && !cx.checked.has(primal)) cx.visitFunction(primal, stack);
}

export function findCycle(cx: FenceContext, fnDecl: FunctionDeclaration, stack: FunctionDeclaration[]): void {
  for (const call of fnDecl.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const decl = calleeFunction(callee);
    if (decl && stack.includes(decl)) {
      cx.checkCall(call, fnDecl, [...stack, fnDecl]);
    }
  }
}

/** `a.push(v)` and `a.fill(v)` as statements, `a.slice()`, and `new Array(n).fill(v)`. */
export function checkArrayMethod(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void {
  const method = arrayMethod(call)!;
  const target = (call.getExpression() as Node & { getExpression(): Node }).getExpression();
  const args = call.getArguments();
  const statement = Node.isExpressionStatement(call.getParent());
  if (Node.isNewExpression(target)) {
    const n = target.getArguments();
    if (method !== "fill" || target.getExpression().getText() !== "Array" || n.length !== 1 || args.length !== 1) {
      cx.report(call, Codes.UnsupportedExpression, "of 'new Array' only 'new Array(n).fill(v)' is supported");
      return;
    }
    cx.expectType(n[0]!, "f64", "an array length");
    cx.expectType(args[0]!, "f64", "the fill value");
    cx.visit(n[0]!, fn, stack);
    cx.visit(args[0]!, fn, stack);
    return;
  }
  const ok = method === "slice" ? args.length === 0 && !statement : statement && args.length === 1;
  if (!ok) {
    cx.report(call, Codes.UnsupportedExpression, method === "slice"
      ? "only 'a.slice()' (a whole copy) is supported"
      : `'${method}' is supported as a statement with one argument ('a.${method}(v);')`);
    return;
  }
  cx.visit(target, fn, stack);
  for (const a of args) cx.visit(a, fn, stack);
}

/** How to write an adjoint for `name`, for diagnostics. */
function ruleHint(callee: string, arity: number): string {
  const name = callee.split(".").pop()!; // `m.twice` -> `twice`, for a namespace import
  const params = Array.from({ length: arity }, (_, i) => `x${i + 1}: number`).join(", ");
  return `'/** @adjoint ${name} */ function ${name}Adjoint(${params}${arity ? ", " : ""}value: number, dvalue: number): { x1: number } { ... }' (see the README, "User-defined adjoints")`;
}
