/** Expressions: values, reads of variables and cells, operators, lazy `?:`, `&&` and `||`. */
import { Node, SyntaxKind, ts, type BinaryExpression, type Expression, type PrefixUnaryExpression } from "ts-morph";
import { Codes, InternalError } from "../../diagnostics.js";
import { constantOf } from "../../ir/builder.js";
import { namedConstant } from "../../ir/primitives.js";
import { Structural, type Op, type Value } from "../../ir/types.js";
import { flatten, isAggregate, isFunctionValue, isMissing, Unassigned, Undefined, type Aggregate, type Bound, type Cell, type Env } from "../aggregate.js";
import { mayBeUndefined } from "../optional.js";
import * as optionals from "./optional.js";
import { isOptional } from "./optional.js";
import { comparisons, isAssignmentOperator, isModuleArray, isModuleConstant, isUndefinedKeyword, isGlobalMath, isRecordsNode } from "../subset.js";
import { declarationOf as resolvedDeclaration, isAggregateNode, partKeyOf } from "../resolve.js";
import { leavesOf, shapeAt, type AggregateShape, type Shape } from "../shape.js";
import { valueType } from "../source.js";
import type { Lowerer } from "../lower.js";
import { declarationOf, hasEffects, binaryPrimitive } from "./syntax.js";
import { isCellKey, hintOf } from "./cells.js";
import * as classes from "./classes.js";
import { constructedClass, getterOf } from "../classes.js";
import * as records from "./records.js";

/**
 * Whether an op reads an element or the length of an array value that may be
 * undefined at run time: anything but a parameter of the function or a fresh
 * allocation (a row `X[i]` with `i` out of range is undefined).
 */
export function readsMaybeMissingArray(op: Op): boolean {
  if (op.regions.some((r) => r.ops.some(readsMaybeMissingArray))) return true;
  if (op.kind !== "load" && op.kind !== "len") return false;
  const array = op.operands[0]!;
  if (!array.def) return array.region?.owner !== undefined; // a loop's state may hold a row; a function parameter exists
  return !["alloc", "falloc", "nalloc", "empty", "fempty"].includes(array.def.kind);
}

/** Any expression: a value, or a tuple or object (an aggregate). */
export function bound(lw: Lowerer, e: Node, env: Env) : Bound {
  const b = lw.b;
  // The compiler's normalised text ("0x10" -> "16", "1_000" -> "1000"); ts-morph's
  // getLiteralValue() reads "1e-15" as 1.
  if (Node.isNumericLiteral(e)) return b.const(Number(e.compilerNode.text));
  if (Node.isStringLiteral(e)) return b.const(lw.stringCode(e.getLiteralValue()));
  if (Node.isTrueLiteral(e)) return b.const(true);
  if (Node.isFalseLiteral(e)) return b.const(false);
  if (Node.isParenthesizedExpression(e) || Node.isAsExpression(e) || Node.isNonNullExpression(e)
    || Node.isSatisfiesExpression(e) || Node.isTypeAssertion(e)) {
    return lw.bound(e.getExpression(), env);
  }
  if (Node.isIdentifier(e)) return lw.identifier(e, env);
  if (Node.isThisExpression(e)) return classes.thisValue(lw, e, env);
  if (Node.isPropertyAccessExpression(e) && getterOf(e)) return classes.getterRead(lw, e, env);
  if ((Node.isPropertyAccessExpression(e) || Node.isElementAccessExpression(e)) && isAggregateNode(e.getExpression())) {
    const key = partKeyOf(e);
    const base = lw.bound(e.getExpression(), env);
    if (key === "length" && isAggregate(base) && base.shape.kind === "tuple") return b.const(base.shape.items.length);
    return lw.part(base, key!, env);
  }
  if (Node.isObjectLiteralExpression(e)) return lw.objectLiteral(e, env);
  if (Node.isArrayLiteralExpression(e) && shapeAt(e)?.kind === "tuple") {
    const parts = e.getElements().map((x) => lw.bound(x, env));
    return lw.assemble(shapeAt(e) as AggregateShape, (key) => parts[Number(key)]!, env, hintOf(e));
  }
  if (Node.isElementAccessExpression(e) && isRecordsNode(e.getExpression())) return records.elementRead(lw, e, env);
  if (Node.isArrayLiteralExpression(e) && shapeAt(e)?.kind === "records") return records.literal(lw, e, env);
  if (Node.isElementAccessExpression(e)) {
    return b.prim("load", [lw.expr(e.getExpression(), env), lw.expr(e.getArgumentExpressionOrThrow(), env)]);
  }
  if (Node.isArrayLiteralExpression(e)) return lw.arrayLiteral(e, env);
  if (Node.isNewExpression(e) && constructedClass(e)) return classes.construct(lw, e, env);
  if (Node.isNewExpression(e)) return b.prim("falloc", [lw.expr(e.getArguments()[0]!, env)]);
  if (Node.isPropertyAccessExpression(e) && e.getName() === "length" && isRecordsNode(e.getExpression())) {
    return records.lengthOf(lw, records.recordsOf(lw, e.getExpression(), env), env);
  }
  if (Node.isPropertyAccessExpression(e) && e.getName() === "length" && !isGlobalMath(e.getExpression())) {
    return b.prim("len", [lw.expr(e.getExpression(), env)]);
  }
  if (Node.isPropertyAccessExpression(e)) {
    const c = namedConstant(e.getExpression().getText(), e.getName());
    if (c === undefined) throw new InternalError(`property ${e.getText()} passed the fence`);
    return b.const(c);
  }
  if (isAssignmentExpression(e)) return lw.assignment(e as Expression, env);
  if (Node.isPrefixUnaryExpression(e)) return unary(lw, e, env);
  if (Node.isBinaryExpression(e)) {
    const value = binary(lw, e, env);
    if (value) return value;
  }
  if (Node.isConditionalExpression(e)) {
    const cond = lw.condition(e.getCondition(), env);
    const branches = [e.getWhenTrue(), e.getWhenFalse()];
    const known = constantOf(cond);
    if (known !== undefined) return lw.bound(branches[known ? 0 : 1]!, env);
    return lw.conditional(cond, branches, env, shapeAt(e) ?? { kind: "value", type: valueType(e.getType()) ?? "f64", text: "" });
  }
  if (Node.isCallExpression(e)) return lw.callExpression(e, env);
  throw new InternalError(`expression ${e.getKindName()} passed the fence`);
}

/** `-x`, `+x` (1 or 0 for a boolean), `!b`, `~n`. */
function unary(lw: Lowerer, e: PrefixUnaryExpression, env: Env): Value {
  const b = lw.b;
  if (e.getOperatorToken() === SyntaxKind.ExclamationToken) return b.prim("not", [lw.condition(e.getOperand(), env)]);
  const operand = lw.expr(e.getOperand(), env);
  switch (e.getOperatorToken()) {
    case SyntaxKind.MinusToken: return b.neg(operand);
    case SyntaxKind.PlusToken: return operand.type === "bool" ? b.prim("tonumber", [operand]) : operand;
    case SyntaxKind.TildeToken: return b.prim("bnot", [operand]);
  }
  throw new InternalError(`operator ${e.getOperatorToken()} passed the fence`);
}

/** A binary operator: the comma, a test for undefined, lazy `&&`/`||`, or arithmetic and comparisons down the left spine. */
function binary(lw: Lowerer, e: BinaryExpression, env: Env): Bound | undefined {
  if (e.getOperatorToken().getKind() === SyntaxKind.CommaToken) {
    lw.assignment(e.getLeft(), env);
    return lw.bound(e.getRight(), env);
  }
  if (isUndefinedTest(e)) return undefinedTest(lw, e, env);
  const kind = binaryPrimitive.get(e.getOperatorToken().getKind());
  if (kind === "and" || kind === "or") return lw.logical(kind, e, env);
  return kind ? lw.binaryChain(e, env) : undefined;
}

/** `k === undefined`, `undefined !== k`, `k ?? d`. */
function isUndefinedTest(e: Node & { getLeft(): Node; getRight(): Node; getOperatorToken(): Node }): boolean {
  const kind = e.getOperatorToken().getKind();
  return kind === SyntaxKind.QuestionQuestionToken || (comparisons.has(kind) && (isUndefinedKeyword(e.getLeft()) || isUndefinedKeyword(e.getRight())));
}

/**
 * A test of an optional parameter (or variable) for undefined, answered
 * where the call is inlined: the argument is passed or left out. `k ?? d`
 * evaluates `d` only when `k` is undefined.
 */
function undefinedTest(lw: Lowerer, e: Node & { getLeft(): Node; getRight(): Node; getOperatorToken(): Node }, env: Env): Bound {
  const kind = e.getOperatorToken().getKind();
  const coalesce = kind === SyntaxKind.QuestionQuestionToken;
  const tested = coalesce || !isUndefinedKeyword(e.getLeft()) ? e.getLeft() : e.getRight();
  const binding = env.get(declarationOf(tested).compilerNode);
  if (binding === Unassigned) {
    return lw.fail(tested, Codes.UnassignedVariable, `whether '${tested.getText()}' is undefined here depends on the path taken; give it a value on every path`);
  }
  if (isOptional(binding)) return optionalTest(lw, e, binding, env);
  const missing = binding === Undefined;
  if (coalesce) return missing ? lw.bound(e.getRight(), env) : lw.identifier(tested, env);
  const equal = kind === SyntaxKind.EqualsEqualsEqualsToken || kind === SyntaxKind.EqualsEqualsToken;
  return lw.b.const(equal === missing);
}

/** `best === undefined`, `best ?? d` of an optional local: its flag, or its value or `d` (evaluated only when it is undefined). */
function optionalTest(lw: Lowerer, e: Node & { getRight(): Node; getOperatorToken(): Node }, o: Aggregate, env: Env): Bound {
  const kind = e.getOperatorToken().getKind();
  const present = optionals.presentOf(lw, o, env);
  if (kind !== SyntaxKind.QuestionQuestionToken) {
    const equal = kind === SyntaxKind.EqualsEqualsEqualsToken || kind === SyntaxKind.EqualsEqualsToken;
    return equal ? lw.b.prim("not", [present]) : present;
  }
  const shape = shapeAt(e) ?? { kind: "value", type: valueType(e.getType()) ?? "f64", text: "" };
  // The value part may be a tuple or object: `conditional` takes it as it takes a computed branch.
  return lw.conditional(present, [optionals.valueOf(lw, o, env) as Value, e.getRight()], env, shape);
}

/**
 * A value as a condition: a boolean as it is, a number by JavaScript's
 * truthiness (neither 0 nor NaN, nor `undefined`, which an element read past
 * the end of an array is).
 */
export function truthy(lw: Lowerer, v: Value): Value {
  return v.type === "f64" ? lw.b.prim("truthy", [v]) : v;
}

/** `x = v`, `x += v`, `++x`, `x--`, read for their value. */
function isAssignmentExpression(e: Node): boolean {
  if (Node.isBinaryExpression(e)) return isAssignmentOperator(e.getOperatorToken().getKind());
  if (!Node.isPrefixUnaryExpression(e) && !Node.isPostfixUnaryExpression(e)) return false;
  return e.getOperatorToken() === SyntaxKind.PlusPlusToken || e.getOperatorToken() === SyntaxKind.MinusMinusToken;
}

/** A number, boolean or array expression. */
export function expr(lw: Lowerer, e: Node, env: Env) : Value {
  const bound = lw.bound(e, env);
  if (isAggregate(bound)) throw new InternalError(`'${e.getText()}' is an aggregate where a value is expected`);
  return bound;
}

/** The number or array a variable holds. */
export function read(lw: Lowerer, id: Node, env: Env) : Value {
  const bound = lw.readBound(Node.isIdentifier(id) ? declarationOf(id).compilerNode : id.compilerNode, env, id);
  if (isAggregate(bound)) throw new InternalError(`'${id.getText()}' holds an aggregate where a value is read`);
  return bound;
}

export function readBound(lw: Lowerer, key: ts.Node | Cell, env: Env, at?: Node) : Bound {
  const bound = env.get(key);
  if (isFunctionValue(bound)) return lw.fail(at ?? bound.function, Codes.UnsupportedExpression, `'${at?.getText() ?? "this"}' holds a function; a function can be called or passed to one, not used as a value`);
  // An optional local where TypeScript has narrowed it to its value (`if (best) ... best[0]`, `best!`).
  if (isOptional(bound) && at && !mayBeUndefined(at)) return optionals.valueOf(lw, bound, env);
  if (bound !== undefined && !isMissing(bound)) return bound;
  if (bound === Undefined && at) return lw.fail(at, Codes.UnassignedVariable, `'${at.getText()}' is undefined here: the call leaves out its argument`);
  // Reads without a location are of loop state, which is checked to be assigned before the loop.
  if (!at) throw new InternalError(`${isCellKey(key) ? key.name : "loop state"} is read unassigned`);
  return lw.fail(at, Codes.UnassignedVariable, `'${at.getText()}' is read before it is assigned on every path`);
}

/**
 * A binary operation and the ones down its left spine (`((a * x + b) * x + c)`,
 * a sum of a thousand terms), with a loop rather than recursion: the
 * leftmost operand first, then each right operand and its operator, in
 * JavaScript's order.
 */
export function binaryChain(lw: Lowerer, e: Node & { getLeft(): Node }, env: Env) : Value {
  const spine: (Node & { getLeft(): Node; getRight(): Node; getOperatorToken(): Node })[] = [];
  let leftmost: Node = e;
  for (;;) {
    while (Node.isParenthesizedExpression(leftmost)) leftmost = leftmost.getExpression();
    const kind = Node.isBinaryExpression(leftmost) ? binaryPrimitive.get(leftmost.getOperatorToken().getKind()) : undefined;
    if (!Node.isBinaryExpression(leftmost) || !kind || kind === "and" || kind === "or") break;
    spine.push(leftmost);
    leftmost = leftmost.getLeft();
  }
  let value = lw.expr(leftmost, env);
  for (const node of spine.reverse()) {
    value = lw.b.prim(binaryPrimitive.get(node.getOperatorToken().getKind())!, [value, lw.expr(node.getRight(), env)]);
  }
  return value;
}

/**
 * `a && b`, `a || b`. Comparisons have no effects, so both sides are
 * evaluated eagerly, unless the right side calls a helper (which may
 * write) or reads an element of an array that may not exist (a row
 * `X[i][j]` behind a guard `i < n && ...`, which throws when `X[i]` is
 * undefined): then the right side runs only when JavaScript would run it.
 */
export function logical(lw: Lowerer, kind: "and" | "or", e: Node & { getLeft(): Node; getRight(): Node }, env: Env) : Value {
  const b = lw.b;
  const bound = lw.bound(e.getLeft(), env);
  // An optional number (`period || 0.3`): its value when it is passed and truthy, else the right side.
  if (isOptional(bound)) {
    const branches = kind === "and" ? [e.getRight(), optionals.valueOf(lw, bound, env) as Value] : [optionals.valueOf(lw, bound, env) as Value, e.getRight()];
    return lw.conditional(optionals.truth(lw, bound, env), branches, env, { kind: "value", type: "f64", text: "number" }) as Value;
  }
  if (isAggregate(bound)) throw new InternalError(`'${e.getLeft().getText()}' is an aggregate where a value is expected`);
  const left = bound;
  if (left.type === "f64") {
    // Of numbers (`period || 0.3`): the left one when it decides, else the right one, evaluated only then.
    const branches = kind === "and" ? [e.getRight(), left] : [left, e.getRight()];
    return lw.conditional(truthy(lw, left), branches, env, { kind: "value", type: "f64", text: "number" }) as Value;
  }
  const lazy = () => {
    const branches = kind === "and" ? [e.getRight(), b.const(false)] : [b.const(true), e.getRight()];
    return lw.conditional(left, branches, env, { kind: "value", type: "bool", text: "boolean" }) as Value;
  };
  if (hasEffects(e.getRight())) return lazy();
  const start = b.region.ops.length;
  const right = lw.expr(e.getRight(), env);
  if (b.region.ops.slice(start).some(readsMaybeMissingArray)) {
    b.discard(start);
    return lazy();
  }
  return b.prim(kind, [left, right]);
}

/**
 * A lazy `c ? a : b`: an `if` op yielding the chosen value's leaves, and
 * the fields a helper called in a branch wrote (each branch lowers with its
 * own copy of the environment, like the branches of an `if` statement).
 */
export function conditional(lw: Lowerer, cond: Value, branches: (Node | Value)[], env: Env, shape: Shape) : Bound {
  const b = lw.b;
  const op: Op = b.ifOp(cond, []);
  const envs: Env[] = [];
  const chosen = branches.map((branch, i) => b.inRegion(op.regions[i]!, () => {
    envs[i] = new Map(env);
    return branch instanceof Node ? lw.bound(branch, envs[i]!) : branch;
  }));
  const changed = [...env.keys()].filter((k) => envs.some((e) => e.get(k) !== env.get(k)));
  op.regions.forEach((region, i) => b.inRegion(region, () =>
    b.yield([...flatten(chosen[i]!, envs[i]!), ...changed.map((k) => envs[i]!.get(k) as Value)])));
  const leaves = leavesOf(shape).map((l) => b.newValue(l.type, "", "temp", op));
  const cells = changed.map((k) => b.newValue((env.get(k) as Value).type, isCellKey(k) ? k.name : "", "source", op));
  op.results = [...leaves, ...cells];
  changed.forEach((k, i) => env.set(k, cells[i]!));
  if (shape.kind !== "value") return lw.mergedAggregate(chosen, leaves, env, "")!;
  return (changed.length === 0 ? lw.asSelect(op) : undefined) ?? leaves[0]!;
}

/**
 * A numeric `c ? a : b` whose branches compute nothing (constants, values
 * already computed) is a `select`: no branch to evaluate lazily, so no
 * control flow is needed in the forward or the reverse sweep.
 */
export function asSelect(lw: Lowerer, op: Op) : Value | undefined {
  if (op.results[0]!.type !== "f64") return undefined;
  const trivial = op.regions.every((r) => r.ops.every((o) => o.kind === Structural.Const || o.kind === Structural.Yield));
  if (!trivial) return undefined;
  const region = op.parent!;
  region.ops.splice(region.ops.indexOf(op), 1);
  const [a, b] = op.regions.map((r) => {
    const v = r.ops[r.ops.length - 1]!.operands[0]!;
    const literal = constantOf(v);
    return literal === undefined ? v : lw.b.const(literal);
  });
  return lw.b.select(op.operands[0]!, a!, b!);
}

export function identifier(lw: Lowerer, id: Node, env: Env) : Bound {
  const text = id.getText();
  const local = id.getSymbol()?.getDeclarations()[0];
  if (local && env.has(local.compilerNode)) return lw.readBound(local.compilerNode, env, id);
  const decl = resolvedDeclaration(id);
  if (decl && isModuleConstant(decl)) {
    if (lw.constantsInProgress.has(decl)) lw.fail(id, Codes.UnknownName, `'${text}' is defined in terms of itself`);
    lw.constantsInProgress.add(decl);
    try {
      const init = decl.asKindOrThrow(SyntaxKind.VariableDeclaration).getInitializerOrThrow();
      if (isModuleArray(decl.asKindOrThrow(SyntaxKind.VariableDeclaration))) return moduleArray(lw, decl, init);
      // A number needs no environment; a tuple or object's fields become cells of this one.
      return isAggregateNode(init) ? lw.bound(init, env) : lw.expr(init, new Map());
    } finally {
      lw.constantsInProgress.delete(decl);
    }
  }
  if (text === "NaN") return lw.b.const(NaN);
  if (text === "Infinity") return lw.b.const(Infinity);
  return lw.fail(id, Codes.UnassignedVariable, `'${text}' is read before it is declared or assigned`);
}

/**
 * A module-level table of numbers, made once per function: its array is
 * built where the function starts (before the statement of the function body
 * that first reads it, which is as good: it reads nothing), and every read
 * shares it. Nothing writes it (subset.ts isModuleArray).
 */
function moduleArray(lw: Lowerer, decl: Node, init: Node): Value {
  const made = lw.moduleArrays.get(decl);
  if (made) return made;
  const b = lw.b;
  const here = b.region;
  let body = here;
  let top: Op | undefined;
  while (body.owner) {
    top = body.owner;
    body = body.owner.parent!;
  }
  const before = new Set(body.ops);
  b.region = body;
  let array: Value;
  try {
    array = lw.expr(init, new Map());
  } finally {
    b.region = here;
  }
  if (top) {
    // Built at the end of the body, it moves before the statement being lowered.
    const added = body.ops.filter((op) => !before.has(op));
    body.ops = body.ops.filter((op) => before.has(op));
    body.ops.splice(body.ops.indexOf(top), 0, ...added);
  }
  lw.moduleArrays.set(decl, array);
  return array;
}
