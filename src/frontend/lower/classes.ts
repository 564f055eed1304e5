/**
 * Classes while lowering (see frontend/classes.ts): `new C(...)` builds a
 * fresh aggregate of C's fields and inlines the field initialisers and the
 * constructor with `this` bound to it; a method call or getter read inlines
 * the member with `this` bound to the receiver's aggregate, whose cells the
 * call shares with its caller, so `this.x = v` in a method updates the
 * receiver as JavaScript does. `this` is bound in the environment under the
 * member it belongs to (the class, for field initialisers).
 */
import { Node, type ClassDeclaration, type NewExpression, type PropertyAccessExpression } from "ts-morph";
import { InternalError } from "../../diagnostics.js";
import { build, cellsOf, flatten, isAggregate, isCell, type Aggregate, type Bound, type Env } from "../aggregate.js";
import { constructedClass, constructorOf, getterOf, hasReceiver, instanceFields, thisOwner, type FieldDeclaration } from "../classes.js";
import type { ClassMember, FunctionLike } from "../functions.js";
import { leavesOf, shapeAt } from "../shape.js";
import type { Lowerer } from "../lower.js";
import { argument } from "./arguments.js";
import { markCopied } from "./cells.js";

/** `this`: the aggregate of the member (or class) it belongs to. */
export function thisValue(lw: Lowerer, node: Node, env: Env): Aggregate {
  const owner = thisOwner(node);
  const bound = owner && env.get(owner.compilerNode);
  if (!isAggregate(bound)) throw new InternalError(`'this' at ${node.getStartLineNumber()} passed the fence unbound`);
  return bound;
}

/** `new C(args)`: a fresh aggregate of C's fields, its initialisers, then its constructor. */
export function construct(lw: Lowerer, e: NewExpression, env: Env): Aggregate {
  const cls = constructedClass(e);
  const shape = shapeAt(e);
  if (!cls || !shape || shape.kind === "value") throw new InternalError(`'new' of ${e.getExpression().getText()} passed the fence`);
  const args = e.getArguments().map((a) => argument(lw, a, env));
  // Fields start as placeholders: TypeScript's check has seen that each is assigned before it is read.
  const receiver = build(shape, leavesOf(shape).map((l) => lw.placeholderOf(l.type)), env, hint(e, cls)) as Aggregate;
  initialiseFields(lw, cls, receiver, env);
  const ctor = constructorOf(cls);
  if (ctor) {
    const loc = lw.b.loc;
    lw.call(ctor, args, env, receiver);
    lw.b.loc = loc;
  }
  return receiver;
}

/** The name hint of a new instance: the variable it initialises, or the class's. */
function hint(e: NewExpression, cls: ClassDeclaration): string {
  const parent = e.getParent();
  if (parent && Node.isVariableDeclaration(parent) && Node.isIdentifier(parent.getNameNode())) return parent.getName();
  const name = cls.getName() ?? "object";
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Field initialisers (`vx = 0`), in declaration order, with `this` the new instance. */
function initialiseFields(lw: Lowerer, cls: ClassDeclaration, receiver: Aggregate, env: Env): void {
  env.set(cls.compilerNode, receiver);
  for (const field of instanceFields(cls)) {
    const init = Node.isPropertyDeclaration(field) ? field.getInitializer() : undefined;
    if (init) setField(lw, receiver, field, lw.bound(init, env), env, !Node.isNewExpression(init));
  }
  env.delete(cls.compilerNode);
}

/**
 * Gives a field its value. A field holding an object takes the object's
 * numbers as its own (a copy where JavaScript shares the object: both are
 * marked so that a later write through either, which the copy would not
 * see, is rejected; unless the object was made right there by `new`).
 */
export function setField(lw: Lowerer, receiver: Aggregate, field: FieldDeclaration | string, value: Bound, env: Env, shared = true): void {
  const key = typeof field === "string" ? field : field.getName();
  const part = receiver.parts.get(key);
  if (!part) throw new InternalError(`no field '${key}' in a class instance`);
  if (isCell(part)) {
    env.set(part, value);
    return;
  }
  if (!isAggregate(value)) throw new InternalError(`field '${key}' holds an object but is given a value`);
  cellsOf(part).forEach((c, i) => env.set(c, flatten(value, env)[i]!));
  if (shared) {
    markCopied(part);
    markCopied(value);
  }
}

/**
 * Binds what a member sees besides its parameters: `this`, and for a
 * constructor the parameter properties (`constructor(public x: number)`),
 * which are assigned before its body runs.
 */
export function bindReceiver(lw: Lowerer, fn: FunctionLike, receiver: Aggregate | undefined, env: Env): void {
  if (!receiver || !hasReceiver(fn)) return;
  env.set(fn.compilerNode, receiver);
  if (!Node.isConstructorDeclaration(fn)) return;
  for (const p of fn.getParameters()) {
    if (p.isParameterProperty()) setField(lw, receiver, p, lw.readBound(p.compilerNode, env, p), env);
  }
}

/** A getter's value (`v.length`), inlined with `this` the receiver. */
export function getterRead(lw: Lowerer, e: PropertyAccessExpression, env: Env): Bound {
  const getter = getterOf(e)!;
  const receiver = lw.bound(e.getExpression(), env);
  if (!isAggregate(receiver)) throw new InternalError(`getter ${e.getText()} on a value passed the fence`);
  return callMember(lw, getter, [], receiver, env);
}

/** A method call (`v.add(w)`, `Vec3.from(t)`): the receiver first, then the arguments, then the method inlined. */
export function methodCall(lw: Lowerer, call: Node & { getExpression(): Node; getArguments(): Node[] }, method: ClassMember, env: Env): Bound {
  const callee = call.getExpression() as PropertyAccessExpression;
  const receiver = hasReceiver(method) ? lw.bound(callee.getExpression(), env) : undefined;
  if (receiver !== undefined && !isAggregate(receiver)) throw new InternalError(`method ${callee.getText()} on a value passed the fence`);
  const args = call.getArguments().map((a) => argument(lw, a, env));
  return callMember(lw, method, args, receiver, env);
}

function callMember(lw: Lowerer, member: ClassMember, args: ReturnType<typeof argument>[], receiver: Aggregate | undefined, env: Env): Bound {
  const loc = lw.b.loc;
  const result = lw.call(member, args, env, receiver);
  lw.b.loc = loc;
  return result ?? lw.b.const(0);
}
