/** The subset check of calls: Math functions, functions of the project (checked where they are), user rules, array methods, recursion. */
import { Node, SyntaxKind } from "ts-morph";
import { functionExpression, functionName, functionParameter, hasBody, isFunctionTyped, staticCallee, type FunctionLike } from "../functions.js";
import { Codes } from "../../diagnostics.js";
import { mathFunctions } from "../../ir/primitives.js";
import { isRelativeImport, isStopGradient } from "../resolve.js";
import { recursionProblem } from "../recursion.js";
import { ruleFor, type UserRule } from "../rules.js";
import { arityProblem, shapeAt, shapeOf, shapeText } from "../shape.js";
import { isOptionalName, mayBeUndefined } from "../optional.js";
import { scalarType, valueType } from "../source.js";
import { arrayFrom, arrayMethod, isArrayNode, isRecordsNode, loopMethod, numberFunction, numberFunctionNamed, isGlobalMath } from "../subset.js";
import { recordsMethodProblem } from "../records.js";
import type { FenceContext } from "./context.js";
import { methodOf } from "../classes.js";
import { checkMethodCall } from "./classes.js";
import { descendantsOfKind } from "../descendants.js";

export function checkCall(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionLike, stack: FunctionLike[]): void {
  const callee = call.getExpression();
  const args = call.getArguments();
  if (descendantsOfKind(call, SyntaxKind.QuestionDotToken).some((t) => t.getParent() === call || t.getParent() === callee)) {
    cx.report(call, Codes.UnsupportedExpression, "optional chaining ('?.') is not supported");
    return;
  }
  if (methodOf(callee)) {
    checkMethodCall(cx, call, fn, stack);
    return;
  }
  // A call adgen cannot make at all is the one root cause: its arguments are not looked at.
  if (!cx.rejectedCallee(call, fn, stack)) checkArguments(cx, args, fn, stack);
  if (arrayFrom(call)) {
    checkArrayFrom(cx, call, fn, stack);
  } else if (loopMethod(call)) {
    checkLoopMethod(cx, call, loopMethod(call)!);
    // The array it is called on is an expression of its own (`xs.sort().includes(v)`).
    cx.visit((callee as Node & { getExpression(): Node }).getExpression(), fn, stack);
  } else if (arrayMethod(call)) {
    cx.checkArrayMethod(call, fn, stack);
  } else if (numberFunction(call)) {
    checkNumberCall(cx, call);
  } else if (Node.isPropertyAccessExpression(callee) && isGlobalMath(callee.getExpression())) {
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

export function checkArguments(cx: FenceContext, args: Node[], fn: FunctionLike, stack: FunctionLike[]): void {
  for (const a of args) {
    if (Node.isSpreadElement(a) && spreadsTuple(cx, a)) {
      cx.visit(a.getExpression(), fn, stack);
    } else if (Node.isSpreadElement(a) && spreadsInto(a)) {
      cx.expectArray(a.getExpression(), "spread");
      cx.visit(a.getExpression(), fn, stack);
    } else if (Node.isSpreadElement(a)) cx.report(a, Codes.UnsupportedExpression, "spread arguments are supported in Math.max and Math.min ('Math.max(...xs)'), array literals ('[...xs, v]'), and, of a tuple, in calls of Math functions and of functions of the project ('f(...p)' with 'p: [number, number]')");
    else if (isFunctionTyped(a) && numberFunctionNamed(a)) continue; // `xs.every(Number.isFinite)`: checked with its method
    else if (isFunctionTyped(a)) checkFunctionArgument(cx, a, fn, stack);
    else {
      const before = cx.diagnostics.length;
      cx.visit(a, fn, stack);
      // An argument reported already (a `new` of a class outside the subset) is not reported again.
      // An optional local or parameter passed on as it is, to a parameter that may be left out.
      const optional = isOptionalName(a) && mayBeUndefined(a) && shapeOf(a.getType().getNonNullableType(), a);
      if (!shapeAt(a) && !optional && cx.diagnostics.length === before) cx.report(a, Codes.UnsupportedType, `argument of type '${a.getType().getText(a)}' is not supported`);
    }
  }
}

/** `Array.from({ length: n }, (_, i) => v)`: a number length, and a function giving numbers (checked by the arguments' check). */
function checkArrayFrom(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionLike, stack: FunctionLike[]): void {
  if (arrayFrom(call) !== "generate") return;
  const length = (call.getArguments()[0] as Node & { getProperties(): (Node & { getInitializerOrThrow(): Node })[] }).getProperties()[0]!.getInitializerOrThrow();
  cx.expectType(length, "f64", "an array length");
  cx.visit(length, fn, stack);
  if (valueType(call.getType()) !== "f64[]") cx.report(call, Codes.UnsupportedExpression, `'Array.from' is supported where it gives numbers, not '${call.getType().getText(call)}'`);
}

/** Whether a spread argument is a tuple's elements passed to a Math function or a function of the project (`hypot(...p)`, `f(...p)`). */
function spreadsTuple(cx: FenceContext, a: Node & { getExpression(): Node }): boolean {
  if (shapeAt(a.getExpression())?.kind !== "tuple") return false;
  const call = a.getParentOrThrow();
  if (!Node.isCallExpression(call)) return false;
  const callee = call.getExpression();
  if (Node.isPropertyAccessExpression(callee) && isGlobalMath(callee.getExpression())) return true;
  return staticCallee(callee) !== undefined && methodOf(callee) === undefined && ruleFor(cx.rules, callee) === undefined;
}

/** Whether a spread argument is one adgen lowers: into Math.max or Math.min. */
function spreadsInto(a: Node): boolean {
  const call = a.getParentOrThrow();
  const callee = (call as Node & { getExpression(): Node }).getExpression();
  return Node.isPropertyAccessExpression(callee) && isGlobalMath(callee.getExpression()) && ["max", "min"].includes(callee.getName());
}

/** What the array methods that become loops need: a known callback, reduce's initial value, results of the subset. */
function checkLoopMethod(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, method: string): void {
  const args = call.getArguments();
  const target = (call.getExpression() as Node & { getExpression(): Node }).getExpression();
  const say = (at: Node, message: string) => cx.report(at, Codes.UnsupportedExpression, message);
  if (method === "flat") {
    // Of rows, or of an array of tuples of numbers: the numbers, one level down.
    if (args.length || valueType(call.getType()) !== "f64[]" || !(isRecordsNode(target) || valueType(target.getType()) === "f64[][]")) {
      say(call, "'flat' is supported without arguments on rows (number[][]) and on arrays of tuples of numbers, where it gives numbers; otherwise write the nested loop");
    }
    return;
  }
  const problem = isRecordsNode(target) ? recordsMethodProblem(method) : undefined;
  if (problem) {
    say(call.getExpression(), problem);
    return;
  }
  if (method === "reverse") {
    if (args.length) say(call, "'reverse' takes no arguments");
    return;
  }
  if (method === "concat") {
    for (const a of args) if (!shapeAt(a) || (valueType(a.getType()) !== valueType(target.getType()) && scalarType(a.getType()) !== "f64")) say(a, "'concat' takes arrays of the same type and numbers");
    return;
  }
  if (method === "indexOf" || method === "includes") {
    if (args.length !== 1) say(call, `'${method}' is supported with one argument, the value to find`);
    else if (scalarType(target.getType()) !== undefined || valueType(target.getType()) === "f64[][]") say(target, `'${method}' is supported on arrays of numbers`);
    return;
  }
  const cb = args[0];
  if (cb && numberFunctionNamed(cb) && numberFunctionNamed(cb) !== "tonumber" && ["filter", "some", "every", "findIndex", "find"].includes(method)) return;
  if (!cb || !(functionExpression(cb) || staticCallee(cb) || functionParameter(cb))) {
    say(cb ?? call, `'${method}' needs a function here: an arrow function ('(x, i) => ...') or the name of one`);
    return;
  }
  if ((method === "reduce" || method === "reduceRight") && args.length > 2) {
    say(args[2]!, `'${method}' takes a function and an initial value`);
    return;
  }
  if ((method === "reduce" || method === "reduceRight") && args.length === 1 && valueType(target.getType()) !== "f64[]") {
    say(call, `without an initial value, '${method}' is supported on arrays of numbers; give one ('rows.${method}((acc, row) => acc + row[0], 0)')`);
    return;
  }
  if ((method === "reduce" || method === "reduceRight") && !valueType(call.getType())) {
    say(call, `'${method}' is supported where the accumulator is a number, a boolean or an array, not '${call.getType().getText(call)}'; for a tuple or an object, write the loop ('let acc = ...; for (const v of xs) acc = ...')`);
    return;
  }
  if (method !== "reduce" && method !== "reduceRight" && args.length !== 1) say(args[1]!, `'${method}' is supported without a 'this' argument`);
  const fnType = cb.getType().getCallSignatures()[0]?.getReturnType();
  const wantsBool = ["filter", "some", "every", "findIndex", "find"].includes(method);
  if (method === "find" && valueType(target.getType()) !== "f64[]") say(call, "'find' is supported on arrays of numbers (its result a number or undefined); on other arrays use findIndex and read the element");
  if (fnType && wantsBool && scalarType(fnType) !== "bool") say(cb, `the function given to '${method}' must return a boolean (write the test out: 'x !== 0')`);
  if (method === "map" && !["f64[]", "f64[][]"].includes(valueType(call.getType()) ?? "") && !isRecordsNode(call)) {
    say(call, `'map' is supported where it gives numbers or arrays of numbers, not '${call.getType().getText(call)}'`);
  }
}

/**
 * A function passed to a function (`integrate((t) => t * t, 0, 1)`,
 * `integrate(sq, 0, 1)`, or a parameter passed on): it is inlined where the
 * callee calls it, so it must be known here; it is checked as a function
 * called from `fn`.
 */
function checkFunctionArgument(cx: FenceContext, a: Node, fn: FunctionLike, stack: FunctionLike[]): void {
  const target = functionExpression(a) ?? staticCallee(a);
  if (target) {
    if (!cx.checked.has(target)) cx.visitFunction(target, [...stack, fn]);
    return;
  }
  if (functionParameter(a)) return; // passed on: checked where it is passed in
  if (methodOf(a)) {
    cx.report(a, Codes.UnsupportedExpression, `method '${a.getText()}' passed as a value loses its object; pass a function that calls it ('(v) => ${a.getText()}(v)')`);
    return;
  }
  cx.report(a, Codes.UnsupportedExpression,
    `'${a.getText()}' is a function that is only known when the code runs; pass a function by its name or write it here ('(x) => ...'), since calls are inlined where the code is compiled`);
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
function checkFunctionCall(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionLike, stack: FunctionLike[]): void {
  const callee = call.getExpression();
  const args = call.getArguments();
  if (functionParameter(callee)) return; // the function passed in is checked where it is passed
  const decl = staticCallee(callee);
  if (!decl && (Node.isCallExpression(callee) || Node.isParenthesizedExpression(callee) || Node.isConditionalExpression(callee))) {
    cx.report(call, Codes.UnsupportedExpression,
      `'${callee.getText()}' gives a function that is only known when the code runs; call a function by its name, since calls are inlined where the code is compiled`);
    return;
  }
  if ((!decl || !hasBody(decl) || decl.getSourceFile().isDeclarationFile()) && [...stack, fn].some((f) => cx.adjoints.has(f))) {
    // An adjoint's code is run, not differentiated: it may call functions adgen cannot see into.
    if (scalarType(call.getType()) !== "f64") {
      cx.report(call, Codes.UnknownCall, `'${callee.getText()}' must return a number to be called from an adjoint`);
    }
    return;
  }
  const visible = decl && (decl.getSourceFile() === fn.getSourceFile() || isRelativeImport(callee)) && !decl.getSourceFile().isDeclarationFile();
  if (!decl && Node.isPropertyAccessExpression(callee) && isArrayNode(callee.getExpression())) {
    // An array method adgen does not lower: an adjoint would not help, a loop or a supported method does.
    const instead = ARRAY_ADVICE[callee.getName()] ?? "write the loop";
    cx.report(callee, Codes.UnknownCall, `the array method '${callee.getName()}' is not supported; ${instead} (supported are map, forEach, reduce, reduceRight, filter, some, every, find, findIndex, indexOf, includes, slice, concat, reverse, flat, push, fill)`);
    return;
  }
  if (!decl || !visible) {
    const where = Node.isIdentifier(callee) && callee.getSymbol()?.getDeclarations()[0]?.isKind(SyntaxKind.ImportSpecifier)
      ? " (it is imported from a package, not from a file of this project)" : "";
    cx.report(callee, Codes.UnknownCall,
      `cannot differentiate a call to '${callee.getText()}'${where}: only Math functions, functions of this file and functions imported by relative path ('./helpers.js') can be called, or give it an adjoint: ${ruleHint(callee.getText(), args.length)}`);
    return;
  }
  if (!hasBody(decl)) {
    cx.report(callee, Codes.UnknownCall, `'${functionName(decl)}' is declared without a body, so it cannot be differentiated; give it an adjoint: ${ruleHint(callee.getText(), args.length)}`);
    return;
  }
  const at = stack.indexOf(decl);
  if (at >= 0) {
    // A cycle: its functions are compiled on their own (frontend/recursion.ts), if they can be.
    const cycle = [...stack.slice(at), decl];
    const problem = cycle.map(recursionProblem).find((p) => p);
    if (problem) cx.report(problem.at, Codes.Recursion, `${problem.message} (${cycle.map((f) => functionName(f)).join(" -> ")})`);
    return;
  }
  if (args.some(Node.isSpreadElement)) return; // reported where the spread is
  const params = decl.getParameters();
  const arity = arityProblem(params, args.length);
  if (arity) {
    cx.report(call, Codes.UnsupportedExpression, `'${functionName(decl)}' ${arity}`);
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
export function rejectedCallee(cx: FenceContext, call: Node & { getExpression(): Node }, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const callee = call.getExpression();
  if (arrayMethod(call) || arrayFrom(call as Node & { getExpression(): Node; getArguments(): Node[] }) || loopMethod(call) || numberFunction(call) || isStopGradient(call) || ruleFor(cx.rules, callee)) return false;
  if (Node.isPropertyAccessExpression(callee) && isGlobalMath(callee.getExpression())) return !mathFunctions.has(callee.getName());
  if (functionParameter(callee)) return false;
  const decl = staticCallee(callee);
  const opaque = !decl || !hasBody(decl) || decl.getSourceFile().isDeclarationFile();
  if (opaque && [...stack, fn].some((f) => cx.adjoints.has(f))) return false;
  const visible = decl && (decl.getSourceFile() === fn.getSourceFile() || isRelativeImport(callee));
  return opaque || !visible;
}

/** A call of a function with a user-defined adjoint: the adjoint's body is checked, and the function's own if adgen inlines it. */
export function checkRuleCall(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, rule: UserRule, fn: FunctionLike, stack: FunctionLike[]): void {
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
  const primal = staticCallee(call.getExpression());
  const at = primal ? stack.indexOf(primal) : -1;
  if (at >= 0) {
    // The function's value is still computed by inlining it.
    const cycle = [...stack.slice(at), primal!].map((f) => functionName(f)).join(" -> ");
    cx.report(call, Codes.Recursion, `'${functionName(primal!)}' is recursive and has an adjoint ('${rule.adjoint.getName()}'), whose value would be computed by inlining it; leave out the '@adjoint' rule, since a recursive function of numbers is differentiated on its own (${cycle})`);
    return;
  }
  if (primal && hasBody(primal) && !primal.getSourceFile().isDeclarationFile() && !stack.includes(primal) && !cx.checked.has(primal)) cx.visitFunction(primal, stack);
}

export function findCycle(cx: FenceContext, fnDecl: FunctionLike, stack: FunctionLike[]): void {
  for (const call of descendantsOfKind(fnDecl, SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const decl = staticCallee(callee) ?? methodOf(callee);
    if (decl && stack.includes(decl)) {
      cx.checkCall(call, fnDecl, [...stack, fnDecl]);
    }
  }
}

/** `a.push(v)` and `a.fill(v)` as statements, `a.slice()`, and `new Array(n).fill(v)`. */
export function checkArrayMethod(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionLike, stack: FunctionLike[]): void {
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
  if (method === "fill" && isRecordsNode(target)) {
    cx.report(call, Codes.UnsupportedExpression, recordsMethodProblem(method)!);
    return;
  }
  // `push` gives the new length, as a value too (`xs.forEach((x) => out.push(2 * x))`), when it pushes onto a variable.
  const ok = method === "slice" ? args.length <= 2 && !statement
    : method === "push" ? args.length === 1 && (statement || Node.isIdentifier(target)) : statement && args.length === 1;
  if (!ok) {
    cx.report(call, Codes.UnsupportedExpression, method === "slice"
      ? "'slice' takes a start and an end ('a.slice(1, -1)') and its result must be used"
      : method === "push" ? "'push' is supported with one argument ('a.push(v)'), and as a value only onto a variable"
        : `'${method}' is supported as a statement with one argument ('a.${method}(v);')`);
    return;
  }
  if (method === "slice") for (const a of args) cx.expectType(a, "f64", "a 'slice' position");
  cx.visit(target, fn, stack);
  for (const a of args) cx.visit(a, fn, stack);
}

/** What to write instead of an array method adgen does not lower. */
const ARRAY_ADVICE: Record<string, string> = {
  findLast: "write the loop backwards",
  findLastIndex: "write the loop backwards",
  sort: "sort a copy with a loop, or pass the array sorted",
  join: "strings carry no derivative; compute the numbers only",
  flatMap: "write the nested loop",
  lastIndexOf: "write the loop backwards",
  at: "index with xs[xs.length - 1] or xs[i]",
  splice: "build the new array with slice and concat",
  pop: "read xs[xs.length - 1] and work on xs.slice(0, -1)",
  shift: "read xs[0] and work on xs.slice(1)",
  unshift: "build [v, ...xs]",
};

/** How to write an adjoint for `name`, for diagnostics. */
function ruleHint(callee: string, arity: number): string {
  const name = callee.split(".").pop()!; // `m.twice` -> `twice`, for a namespace import
  const params = Array.from({ length: arity }, (_, i) => `x${i + 1}: number`).join(", ");
  return `'/** @adjoint ${name} */ function ${name}Adjoint(${params}${arity ? ", " : ""}value: number, dvalue: number): { x1: number } { ... }' (see the README, "User-defined adjoints")`;
}
