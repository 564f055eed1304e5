/**
 * The subset check of classes (see frontend/classes.ts): `new C(...)`,
 * method calls, getter reads and `this`. A class is in the subset when its
 * fields are shapes and it uses none of inheritance, `#` members, setters,
 * index signatures or type parameters; each of those gets one diagnostic
 * saying what to write instead.
 */
import { Node, SyntaxKind, type ClassDeclaration, type NewExpression, type PropertyAccessExpression, type Type as TsType } from "ts-morph";
import { Codes } from "../../diagnostics.js";
import { classOf, classProblem, constructorOf, getterOf, instanceFields, methodOf, thisOwner } from "../classes.js";
import { functionName, type ClassMember, type FunctionLike } from "../functions.js";
import { isAssignmentOperator } from "../subset.js";
import { arityProblem, shapeOf } from "../shape.js";
import type { FenceContext } from "./context.js";
import { descendants } from "../descendants.js";

/**
 * Why a class instance type is outside the subset, for the message of
 * whatever has that type: the class's own problem, or its first field whose
 * type is not a shape. Undefined for a type that is not a class of the project.
 */
export function classTypeReason(t: TsType, at: Node): string | undefined {
  const cls = classOf(t);
  if (!cls) return undefined;
  const problem = classProblem(cls);
  if (problem) return problem.message;
  for (const field of instanceFields(cls)) {
    if (!shapeOf(field.getType(), at)) {
      return `field '${field.getName()}' of class '${cls.getName()}' has type '${field.getType().getText(field)}', and a class's fields must be numbers, booleans, arrays of numbers, or tuples, objects and classes of these`;
    }
  }
  return undefined;
}

/** `this`: inside a class's methods, getters, constructor and field initialisers. */
export function onThis(cx: FenceContext, node: Node): boolean {
  if (!thisOwner(node)) {
    cx.report(node, Codes.UnsupportedExpression,
      "'this' is supported in a class's methods, getters, constructor and field initialisers (not in static methods or functions); pass the object as a parameter instead");
  }
  return false;
}

/** `new C(...)` of a class of the project: the class, its arguments, its field initialisers and its constructor. */
export function checkNew(cx: FenceContext, e: NewExpression, cls: ClassDeclaration, fn: FunctionLike, stack: FunctionLike[]): void {
  if (!shapeOf(e.getType(), e)) {
    // A variable holding the instance reports the type itself.
    if (!Node.isVariableDeclaration(e.getParent())) {
      cx.report(e, Codes.UnsupportedType, classTypeReason(e.getType(), e) ?? `'new ${cls.getName()}' makes a value outside the subset`);
    }
    return;
  }
  const ctor = constructorOf(cls);
  if (!checkArity(cx, e, ctor, e.getArguments().length, stack)) return;
  cx.checkArguments(e.getArguments(), fn, stack);
  if (!cx.checkedClasses.has(cls)) {
    cx.checkedClasses.add(cls);
    for (const field of instanceFields(cls)) {
      const init = Node.isPropertyDeclaration(field) ? field.getInitializer() : undefined;
      if (init) cx.visit(init, ctor ?? fn, [...stack, fn]);
    }
  }
  if (ctor) cx.visitFunction(ctor, [...stack, fn]);
}

/** A call of a method (`v.add(w)`, `Vec3.from(t)`): its receiver, its arguments and its code. */
export function checkMethodCall(cx: FenceContext, call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionLike, stack: FunctionLike[]): void {
  const callee = call.getExpression() as PropertyAccessExpression;
  const method = methodOf(callee)!;
  if (!method.hasBody()) {
    cx.report(callee.getNameNode(), Codes.UnknownCall, `'${functionName(method)}' has no body to differentiate`);
    return;
  }
  if (!method.isStatic() && !checkReceiver(cx, callee, fn, stack)) return;
  if (!checkArity(cx, call, method, call.getArguments().length, stack)) return;
  cx.checkArguments(call.getArguments(), fn, stack);
  cx.visitFunction(method, stack);
}

/** A property read that is a class member: a getter (inlined), or a method used as a value (rejected). Returns whether it was one. */
export function checkMemberRead(cx: FenceContext, e: PropertyAccessExpression, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const method = methodOf(e);
  if (method) {
    cx.report(e, Codes.UnsupportedExpression,
      `method '${functionName(method)}' used as a value; call it where it is needed ('(s) => ${e.getText()}(s)' passes a function that does)`);
    return true;
  }
  const getter = getterOf(e);
  if (!getter) return false;
  if (getter.isStatic()) {
    cx.report(e, Codes.UnsupportedExpression, `static getter '${functionName(getter)}' is not supported; make it a static method`);
    return true;
  }
  if (!checkReceiver(cx, e, fn, stack) || !checkArity(cx, e, getter, 0, stack)) return true;
  if (!cx.checked.has(getter)) {
    for (const write of writesOfThis(getter)) {
      cx.report(write, Codes.UnsupportedExpression, `getter '${functionName(getter)}' writes its object's fields; make it a method, which may`);
    }
  }
  cx.visitFunction(getter, stack);
  return true;
}

/** The receiver of a method or getter: an instance of the subset, checked like any expression. */
function checkReceiver(cx: FenceContext, access: PropertyAccessExpression, fn: FunctionLike, stack: FunctionLike[]): boolean {
  const receiver = access.getExpression();
  if (access.hasQuestionDotToken()) {
    cx.report(access, Codes.UnsupportedExpression, "optional chaining ('?.') is not supported");
    return false;
  }
  if (!shapeOf(receiver.getType(), receiver)) {
    const reason = classTypeReason(receiver.getType(), receiver);
    cx.report(receiver, Codes.UnsupportedType, reason ?? `'${receiver.getText()}' has type '${receiver.getType().getText(receiver)}', which is not a class of the subset`);
    return false;
  }
  cx.visit(receiver, fn, stack);
  return true;
}

/** The arguments a member takes, and no recursion through it (calls are inlined). */
function checkArity(cx: FenceContext, at: Node, member: ClassMember | undefined, count: number, stack: FunctionLike[]): boolean {
  if (member && stack.includes(member)) {
    const cycle = [...stack.slice(stack.indexOf(member)), member].map((f) => functionName(f)).join(" -> ");
    cx.report(at, Codes.Recursion, `recursion is not supported: ${cycle}`);
    return false;
  }
  const params = member?.getParameters() ?? [];
  const arity = arityProblem(params, count);
  if (arity) {
    cx.report(at, Codes.UnsupportedExpression, `'${member ? functionName(member) : "this constructor"}' ${arity}`);
    return false;
  }
  return true;
}

/** Assignments to `this.field` in a member's own code. */
function writesOfThis(member: ClassMember): Node[] {
  return descendants(member).filter((d) => {
    const target = Node.isBinaryExpression(d) && isAssignmentOperator(d.getOperatorToken().getKind()) ? d.getLeft()
      : (Node.isPrefixUnaryExpression(d) || Node.isPostfixUnaryExpression(d))
        && [SyntaxKind.PlusPlusToken, SyntaxKind.MinusMinusToken].includes(d.getOperatorToken()) ? d.getOperand() : undefined;
    let root = target;
    while (root && (Node.isPropertyAccessExpression(root) || Node.isElementAccessExpression(root))) root = root.getExpression();
    return !!root && root !== target && Node.isThisExpression(root);
  });
}
