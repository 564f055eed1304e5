/**
 * Lowering: a checked TypeScript function to an IR function of primitive ops.
 * Calls to same-file functions are inlined (their ops keep their own source
 * locations). Statements are lowered in continuation style: an `if` whose
 * branches may `return` takes the rest of the function into its branches,
 * so every early return becomes a value yielded by structured `if` ops.
 */
import { Node, SyntaxKind, type Expression, type Statement, ts } from "ts-morph";
import { functionName, isClassMember, type FunctionLike } from "./functions.js";
import { hasReceiver, receiverName } from "./classes.js";
import { DiagnosticError, InternalError, type Code } from "../diagnostics.js";
import { Builder, emptyRegion } from "../ir/builder.js";
import type { Primitive } from "../ir/primitives.js";
import { isArray, Structural, type Func, type Op, type Param, type Type, type Value } from "../ir/types.js";
import { build, flatten, isAggregate, Undefined, type Aggregate, type Binding, type Bound, type Cell, type Env } from "./aggregate.js";
import type { Rules, UserRule } from "./rules.js";
import { recordsDepth } from "../ir/shape.js";
import { leavesOf, parameterType, partName, shapeOf, shapeText, type AggregateShape, type Shape } from "./shape.js";
import { constantValue } from "./subset.js";
import { isOptionalParameter } from "./optional.js";
import { diagnosticAt, locOf, typeText } from "./source.js";
import * as calls from "./lower/calls.js";
import * as control from "./lower/control.js";
import * as loops from "./lower/loops.js";
import * as optionals from "./lower/optional.js";
import * as expressions from "./lower/expressions.js";
import * as assignments from "./lower/assignments.js";
import * as aggregates from "./lower/aggregates.js";
import type { Continuation, Exits } from "./lower/control.js";
import type { LoopStatement } from "./lower/syntax.js";

/**
 * Lowers `fn` to IR. Calls of functions with a user-defined adjoint (`rules`)
 * become rule primitives, except with `plain` (an adjoint itself: its code is
 * run, never differentiated).
 */
export function lowerFunction(displayPath: string, fn: FunctionLike, rules: Rules = new Map(), plain = false,
  name = functionName(fn)): Func {
  const body = emptyRegion(undefined);
  const b = new Builder(body);
  const env: Env = new Map();
  const params: Param[] = [];
  // A method's receiver comes first, as a parameter of its own (`self`, see receiverName).
  const receiver = receiverOf(fn);
  const sources = [...(receiver ? [receiver] : []), ...fn.getParameters().map((p) => {
    const shape = shapeOf(parameterType(p), p);
    if (!shape) throw new InternalError(`parameter ${p.getName()} passed the fence with an unsupported type`);
    const initializer = p.getInitializer();
    const value = initializer && constantValue(initializer);
    const optional = isOptionalParameter(p);
    return { name: p.getName(), shape, typeText: typeText(optional ? parameterType(p) : p.getType()),
      ...(value !== undefined ? { defaultText: numberText(value) } : {}), ...(optional ? { optional: true as const } : {}) };
  })];
  const names = leafParameterNames(sources.map((p) => p.name), sources.map((p) => p.shape));
  const lowerer = new Lowerer(displayPath, b, rules, plain);
  const taken = new Set([...sources.map((p) => p.name), ...names.flat()]);
  const args = sources.map((p, i) => {
    const shape = p.shape;
    if (p.optional) return optionalParameter(lowerer, p.name, shape, taken, params, env);
    const values = leavesOf(shape).map((leaf, j) => {
      const name = names[i]![j]!;
      const value = b.argument(body, leaf.type, name, "source");
      body.args.push(value);
      const aggregate = shape.kind !== "value";
      const depth = recordsDepth(shape, leaf.path);
      params.push({ name, type: leaf.type, value, typeText: aggregate ? leaf.text : p.typeText, ...(aggregate ? { path: [p.name, ...leaf.path] } : {}),
        ...(depth !== undefined ? { element: depth + 1 } : {}) });
      return value;
    });
    return build(shape, values, env, p.name, { parameter: p.name });
  });
  const signature = sources.map((p) => ({
    name: p.name,
    typeText: p.shape.kind === "value" ? p.typeText : shapeText(p.shape),
    ...(p.defaultText !== undefined ? { defaultText: p.defaultText } : {}),
    ...(p.optional ? { optional: true as const } : {}),
  }));
  const result = receiver ? lowerer.call(fn, args.slice(1), env, args[0] as Aggregate) : lowerer.call(fn, args, env);
  if (!result) throw new InternalError(`entry ${functionName(fn)} returns nothing`);
  const values = flatten(result, env);
  b.insert({ kind: Structural.Return, operands: values, results: [], regions: [], parent: undefined, loc: locOf(fn) });
  const resultShape = shapeOf(fn.getReturnType(), fn)!;
  return {
    name, ...(isClassMember(fn) ? { sourceName: functionName(fn) } : {}), params, signature, body, resultTypes: values.map((v) => v.type), resultRoles: [],
    resultShape, loc: locOf(fn),
  };
}

/**
 * An optional parameter without a default (`k?: number`): two IR
 * parameters, its value (a placeholder when it is left out) and whether it
 * was passed, bound as an optional (lower/optional.ts), so that `k ?? 1`,
 * `k === undefined` and `if (k)` test it at run time.
 */
function optionalParameter(lw: Lowerer, name: string, shape: Shape, taken: Set<string>, params: Param[], env: Env): Aggregate {
  const b = lw.b;
  const body = b.region;
  if (shape.kind !== "value") throw new InternalError(`optional parameter ${name} passed the fence with an aggregate type`);
  let flag = `${name}Passed`;
  while (taken.has(flag)) flag += "_";
  taken.add(flag);
  const value = b.argument(body, shape.type, name, "source");
  const present = b.argument(body, "bool", flag, "source");
  body.args.push(value, present);
  params.push({ name, type: shape.type, value, typeText: shape.text, path: [name], optional: "value" },
    { name: flag, type: "bool", value: present, typeText: "boolean", path: [name], optional: "present" });
  return optionals.optional(lw, shape, present, value, env, name);
}

/**
 * The receiver of a method or getter differentiated on its own: a first
 * parameter named `self` (or the next free name), of its class's fields.
 */
function receiverOf(fn: FunctionLike): { name: string; shape: Shape; typeText: string; defaultText?: string; optional?: true } | undefined {
  if (!isClassMember(fn) || !hasReceiver(fn)) return undefined;
  const cls = fn.getParentIfKindOrThrow(SyntaxKind.ClassDeclaration);
  const shape = shapeOf(cls.getType(), cls);
  if (!shape) throw new InternalError(`class ${cls.getName()} passed the fence with an unsupported type`);
  return { name: receiverName(fn), shape, typeText: shapeText(shape) };
}

/** A number as TypeScript reads it back exactly. */
function numberText(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

/**
 * IR parameter names: a plain parameter keeps its name; the leaves of an
 * aggregate parameter are named by their field (`model.w` -> `w`), or by
 * their path (`modelW`, `p0`) when that is taken or a tuple index.
 */
function leafParameterNames(names: string[], shapes: Shape[]): string[][] {
  const candidates = shapes.map((shape, i) => leavesOf(shape).map((leaf) => {
    if (leaf.path.length === 0) return names[i]!;
    const last = leaf.path[leaf.path.length - 1]!;
    return /^\d/.test(last) ? leaf.path.reduce(partName, names[i]!) : last;
  }));
  const count = new Map<string, number>();
  for (const n of [...names, ...candidates.flat()]) count.set(n, (count.get(n) ?? 0) + 1);
  return candidates.map((leaves, i) => leaves.map((n, j) => {
    if (leavesOf(shapes[i]!)[j]!.path.length === 0 || count.get(n) === 1) return n;
    return leavesOf(shapes[i]!)[j]!.path.reduce(partName, names[i]!);
  }));
}

/**
 * The state of lowering one function: the builder, the rules, and what the
 * inlined calls around the current point are. Each construct is lowered by
 * a function of its module (lower/control.ts, loops.ts, expressions.ts,
 * assignments.ts, calls.ts, aggregates.ts), reached through the methods
 * below, so that the modules depend on this class only as a type.
 */
export class Lowerer {
  readonly constantsInProgress = new Set<Node>();
  /** The arrays of module-level tables of numbers this function has made (lower/expressions.ts moduleArray). */
  readonly moduleArrays = new Map<Node, Value>();
  /** The number each string of a string-literal type stands for in this function, in the order they are met. */
  private readonly stringCodes = new Map<string, number>();
  stringCode(text: string): number {
    if (!this.stringCodes.has(text)) this.stringCodes.set(text, this.stringCodes.size);
    return this.stringCodes.get(text)!;
  }
  /** The result shape of each function being inlined, innermost last (undefined for void). */
  readonly resultShapes: (Shape | undefined)[] = [];

  /** The primitive of each user-defined adjoint, once lowered. */
  readonly rulePrimitives = new Map<UserRule, Primitive>();
  /** The primitive calling each external function, by its key: calls of one function are one primitive. */
  readonly externalPrimitives = new Map<string, Primitive>();

  constructor(readonly displayPath: string, readonly b: Builder, readonly rules: Rules, readonly plain: boolean) {}

  fail(node: Node, code: Code, message: string): never {
    throw new DiagnosticError([diagnosticAt(this.displayPath, node, code, message)]);
  }

  /** Another function lowered on its own (a user rule's adjoint, run rather than differentiated, with `plain`). */
  lowerStandalone(fn: FunctionLike, plain: boolean): Func {
    return lowerFunction(this.displayPath, fn, this.rules, plain);
  }

  // ---- each construct is lowered in its own module (lower/*.ts); these are its entry points
  call(fn: FunctionLike, args: Binding[], callerEnv: Env, receiver?: Aggregate): Bound | undefined {
    return calls.call(this, fn, args, callerEnv, receiver);
  }
  callee(callee: Node, env: Env): FunctionLike | undefined {
    return calls.callee(this, callee, env);
  }
  inline(fn: FunctionLike, args: Binding[], callerEnv: Env, shape: Shape | undefined, receiver?: Aggregate): Bound | undefined {
    return calls.inline(this, fn, args, callerEnv, shape, receiver);
  }
  callExpression(call: Node & { getExpression(): Node; getArguments(): Node[] }, env: Env): Bound {
    return calls.callExpression(this, call, env);
  }
  ruleCall(call: Node & { getExpression(): Node; getArguments(): Node[] }, rule: UserRule, env: Env): Value {
    return calls.ruleCall(this, call, rule, env);
  }
  rulePrimitive(rule: UserRule, primal: FunctionLike | undefined): Primitive {
    return calls.rulePrimitive(this, rule, primal);
  }
  externalCall(callee: Node): Primitive {
    return calls.externalCall(this, callee);
  }
  parameterRooted(v: Value): boolean {
    return calls.parameterRooted(this, v);
  }
  lowerRest(k: Continuation | undefined, env: Env, exits: Exits): Value[] {
    return control.lowerRest(this, k, env, exits);
  }
  branch(cond: Value, types: Type[], branches: ((env: Env) => Value[])[], env: Env): Value[] {
    return control.branch(this, cond, types, branches, env);
  }
  statement(statement: Statement, env: Env): void {
    control.statement(this, statement, env);
  }
  plainIf(statement: Node & { getExpression(): Expression; getThenStatement(): Statement; getElseStatement(): Statement | undefined }, env: Env): void {
    control.plainIf(this, statement, env);
  }
  placeholderOf(type: Type): Value {
    return control.placeholderOf(this, type);
  }
  loop(statement: LoopStatement, env: Env): loops.LoopOutcome {
    return loops.loop(this, statement, env);
  }
  loopInitializer(statement: LoopStatement, env: Env): void {
    loops.loopInitializer(this, statement, env);
  }
  loopOp(statement: LoopStatement, env: Env, rotated: boolean): loops.LoopOutcome {
    return loops.loopOp(this, statement, env, rotated);
  }
  bound(e: Node, env: Env): Bound {
    return expressions.bound(this, e, env);
  }
  expr(e: Node, env: Env): Value {
    return expressions.expr(this, e, env);
  }
  /** A condition: a boolean, or a number tested as JavaScript does (neither 0 nor NaN). */
  condition(e: Node, env: Env): Value {
    // A helper's optional parameter that the call leaves out (`if (w)`) is false.
    if (Node.isIdentifier(e) && env.get(e.getSymbol()?.getDeclarations()[0]?.compilerNode as ts.Node) === Undefined) return this.b.const(false);
    const bound = this.bound(e, env);
    if (optionals.isOptional(bound)) return optionals.truth(this, bound, env);
    if (isAggregate(bound)) throw new InternalError(`'${e.getText()}' is an aggregate where a condition is expected`);
    // A passed optional array (`if (weights)`) is an object: true.
    if (isArray(bound.type)) return this.b.const(true);
    return expressions.truthy(this, bound);
  }
  read(id: Node, env: Env): Value {
    return expressions.read(this, id, env);
  }
  readBound(key: ts.Node | Cell, env: Env, at?: Node): Bound {
    return expressions.readBound(this, key, env, at);
  }
  binaryChain(e: Node & { getLeft(): Node }, env: Env): Value {
    return expressions.binaryChain(this, e, env);
  }
  logical(kind: "and" | "or", e: Node & { getLeft(): Node; getRight(): Node }, env: Env): Value {
    return expressions.logical(this, kind, e, env);
  }
  conditional(cond: Value, branches: (Node | Value)[], env: Env, shape: Shape): Bound {
    return expressions.conditional(this, cond, branches, env, shape);
  }
  asSelect(op: Op): Value | undefined {
    return expressions.asSelect(this, op);
  }
  identifier(id: Node, env: Env): Bound {
    return expressions.identifier(this, id, env);
  }
  assignment(e: Expression, env: Env): Bound {
    return assignments.assignment(this, e, env);
  }
  elementAssignment(e: Expression, target: Node & { getExpression(): Node; getArgumentExpressionOrThrow(): Node }, env: Env): Value {
    return assignments.elementAssignment(this, e, target, env);
  }
  arrayStatement(call: Node & { getExpression(): Node; getArguments(): Node[] }, env: Env): void {
    assignments.arrayStatement(this, call, env);
  }
  copy(array: Value): Value {
    return assignments.copy(this, array);
  }
  arrayLiteral(e: Node & { getElements(): Node[] }, env: Env): Value {
    return assignments.arrayLiteral(this, e, env);
  }
  initializer(name: Node, init: Node, env: Env): Bound {
    return aggregates.initializer(this, name, init, env);
  }
  bindName(name: Node, decl: ts.Node, value: Binding, env: Env): void {
    aggregates.bindName(this, name, decl, value, env);
  }
  part(base: Bound, key: string, env: Env): Bound {
    return aggregates.part(this, base, key, env);
  }
  cellOf(target: Node & { getExpression(): Node }, env: Env): Cell {
    return aggregates.cellOf(this, target, env);
  }
  objectLiteral(e: Node & { getProperties(): Node[] }, env: Env): Aggregate {
    return aggregates.objectLiteral(this, e, env);
  }
  assemble(shape: AggregateShape, partOf: (key: string) => Bound, env: Env, hint: string, mark: Partial<Cell> = {}): Aggregate {
    return aggregates.assemble(this, shape, partOf, env, hint, mark);
  }
  mergedAggregate(joined: Bound[], leaves: Value[], env: Env, name: string): Aggregate | undefined {
    return aggregates.mergedAggregate(this, joined, leaves, env, name);
  }
}
