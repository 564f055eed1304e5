/**
 * Calls: functions of the project are inlined (their ops keep their own source
 * locations); a function with a user-defined adjoint becomes a rule op; one
 * adgen cannot see into becomes an external call.
 */
import path from "node:path";
import { functionName, functionNameNode, hasBody, staticCallee, type FunctionLike } from "../functions.js";
import { ImportDeclaration, Node, SyntaxKind, type Expression } from "ts-morph";
import { Codes, DiagnosticError, InternalError } from "../../diagnostics.js";
import { parameterWrites } from "../writes.js";
import { constantOf } from "../../ir/builder.js";
import type { ExternalFunction, Primitive } from "../../ir/primitives.js";
import { isArray, type Value } from "../../ir/types.js";
import { build, cellsOf, flatten, isAggregate, isFunctionValue, Undefined, type Aggregate, type Binding, type Bound, type Env } from "../aggregate.js";
import { isRecordsNode, arrayFrom, arrayMethod, loopMethod, numberFunction, isGlobalMath } from "../subset.js";
import { calleeFunction, isStopGradient } from "../resolve.js";
import { methodOf } from "../classes.js";
import { ruleFor, type UserRule } from "../rules.js";
import { leavesOf, parameterType, shapeOf, type Shape } from "../shape.js";
import { isOptional, presentOf, valueOf } from "./optional.js";
import { isRelativeSpecifier } from "../source.js";
import type { Lowerer } from "../lower.js";
import { endIsReachable } from "./syntax.js";
import { onCycle, recursionProblem } from "../recursion.js";
import { recursiveCall } from "./recursive.js";
import { keyName, markCopied } from "./cells.js";
import { outerWrites } from "./captures.js";
import * as methods from "./methods.js";
import * as classes from "./classes.js";
import { lengthOf, noteShared, recordsOf } from "./records.js";
import { callArguments, spreadItems, spreadsTuple } from "./arguments.js";
import type {  Exits } from "./control.js";

/**
 * Which function adgen cannot see into a callee names, and how the generated
 * module gets it: the same import (a relative path rebased to the generated
 * file, which sits beside the entry), or the source's declaration.
 */
export function externalFunction(callee: Node, entryPath: string): ExternalFunction {
  const local = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
  const own = (Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee).getSymbol()?.getDeclarations()[0];
  const imported = own && (Node.isImportSpecifier(own)
    ? { decl: own.getImportDeclaration(), exported: own.getName() }
    : Node.isImportClause(own) ? { decl: own.getParentOrThrow() as ImportDeclaration, exported: "default" }
      : Node.isNamespaceImport(own) ? { decl: own.getFirstAncestorByKindOrThrow(SyntaxKind.ImportDeclaration), exported: local }
        : undefined);
  if (imported) {
    let module = imported.decl.getModuleSpecifierValue();
    let identity = module;
    if (isRelativeSpecifier(module)) {
      const target = path.resolve(path.dirname(callee.getSourceFile().getFilePath()), module);
      identity = target;
      module = path.relative(path.dirname(path.resolve(entryPath)), target).split(path.sep).join("/");
      if (!module.startsWith(".")) module = `./${module}`;
    }
    return { key: `${identity}#${imported.exported}`, hint: local, source: { kind: "import", module, exported: imported.exported } };
  }
  if (own && Node.isFunctionDeclaration(own) && !own.getSourceFile().isDeclarationFile()) {
    // Declared in the source file: the generated module declares it the same way.
    const text = `declare ${own.getText().replace(/^(export\s+)?(declare\s+)?/, "")}`;
    return { key: `${own.getSourceFile().getFilePath()}#${local}`, hint: local, source: { kind: "declare", text } };
  }
  return { key: `global#${local}`, hint: local, source: { kind: "global" } };
}

/**
 * Inlines a call of `fn` with the given arguments; returns its result.
 * Aggregate arguments are shared with the caller: the callee sees the
 * caller's cells, and what it writes into them is the caller's afterwards.
 */
export function call(lw: Lowerer, fn: FunctionLike, args: Binding[], callerEnv: Env, receiver?: Aggregate) : Bound | undefined {
  const shape = fn.getReturnType().isVoid() || Node.isConstructorDeclaration(fn) ? undefined : shapeOf(fn.getReturnType(), fn) ?? { kind: "value", type: "f64", text: "number" };
  lw.resultShapes.push(shape);
  try {
    return lw.inline(fn, args, callerEnv, shape, receiver);
  } finally {
    lw.resultShapes.pop();
  }
}

export function inline(lw: Lowerer, fn: FunctionLike, args: Binding[], callerEnv: Env, shape: Shape | undefined, receiver?: Aggregate) : Bound | undefined {
  // The callee sees what its caller sees: a closure reads the variables around it as they are at the call.
  const env: Env = new Map(callerEnv);
  const passed = args.filter(isFunctionValue).map((f) => f.function);
  const outer = outerWrites(fn, callerEnv, (d) => fn.getAncestors().length < d.getAncestors().length && d.getAncestors().includes(fn), passed);
  // What the call may change of its caller's: the cells of its tuple and object arguments (and of a method's receiver), and what it writes outside itself.
  const shared = [...new Set([...(receiver ? cellsOf(receiver) : []), ...args.filter(isAggregate).flatMap(cellsOf), ...outer])];
  fn.getParameters().forEach((p, i) => {
    // A left-out argument: the default value (which may read the parameters before it), or undefined.
    const initializer = p.getInitializer();
    let arg = i < args.length ? args[i]! : initializer ? lw.bound(initializer, env) : Undefined;
    if (arg === Undefined && initializer) arg = lw.bound(initializer, env);
    // An optional passed to a parameter with a default: its value when it is defined, else the default, evaluated only then.
    if (isOptional(arg) && initializer) arg = lw.conditional(presentOf(lw, arg, env), [valueOf(lw, arg, env) as Value, initializer], env, shapeOf(parameterType(p), p)!);
    lw.bindName(p.getNameNode(), p.compilerNode, arg, env);
  });
  classes.bindReceiver(lw, fn, receiver, env);
  const resultTypes = shape ? leavesOf(shape).map((l) => l.type) : [];
  /** What each way out returned (undefined for the end of a void function), for keeping aliases of a returned aggregate. */
  const returned: (Bound | undefined)[] = [];
  // A variable the call assigns whole may hold a tuple or object (an optional local): it passes its leaves, and the caller gets a copy.
  const sharedLeaves = (exitEnv: Env): Value[] => shared.flatMap((c) => {
    const bound = exitEnv.get(c) as Bound;
    if (isAggregate(bound)) markCopied(bound);
    return flatten(bound, exitEnv);
  });
  const widths = shared.map((c) => flatten(callerEnv.get(c) as Bound, callerEnv).length);
  const withShared = (values: Value[], exitEnv: Env): Value[] => [...values, ...sharedLeaves(exitEnv)];
  const exits: Exits = {
    types: [...resultTypes, ...shared.flatMap((c) => flatten(callerEnv.get(c) as Bound, callerEnv).map((v) => v.type))],
    onReturn: (values, exitEnv, bound) => {
      returned.push(bound);
      return withShared(values ?? [], exitEnv);
    },
    onEnd: (exitEnv) => {
      returned.push(undefined);
      if (!shape) return withShared([], exitEnv);
      // A path that ends here without a return is one TypeScript proves unreachable
      // (a do...while whose body always returns) unless it reports the missing return itself.
      if (!endIsReachable(fn)) return withShared(resultTypes.map((t) => lw.placeholderOf(t)), exitEnv);
      return lw.fail(functionNameNode(fn), Codes.MissingReturn, `'${functionName(fn)}' can reach its end without returning a value`);
    },
  };
  const body = fn.getBody();
  const out = Node.isBlock(body)
    ? lw.lowerRest({ statements: body.getStatements(), index: 0, next: undefined }, env, exits)
    : expressionBody(lw, body as Expression, env, exits, shape);
  let at = resultTypes.length;
  shared.forEach((c, i) => {
    const part = out.slice(at, at + widths[i]!);
    at += widths[i]!;
    const before = callerEnv.get(c);
    callerEnv.set(c, isAggregate(before) ? build(before.shape, part, callerEnv, keyName(c), { copied: true }) : part[0]!);
  });
  if (!shape) return undefined;
  const leaves = out.slice(0, resultTypes.length);
  if (shape.kind === "value") return leaves[0]!;
  const only = returned.length === 1 ? returned[0] : undefined;
  if (isAggregate(only)) {
    // One way out: the caller gets that very aggregate, aliases and all.
    cellsOf(only).forEach((c, i) => callerEnv.set(c, leaves[i]!));
    return only;
  }
  // Several ways out: the result is a copy; a returned argument no longer shares cells with it.
  const reused = returned.filter(isAggregate).filter((r) => cellsOf(r).some((c) => shared.includes(c)));
  for (const r of reused) markCopied(r);
  // A return from inside a loop passes through the loop's state: what it returned is not known here.
  const unknown = returned.some((r) => !isAggregate(r));
  return build(shape, leaves, callerEnv, functionName(fn), reused.length || unknown ? { copied: true } : {});
}

/** An arrow function's expression body (`(x) => x * x`): its value is what the call returns. */
function expressionBody(lw: Lowerer, body: Expression, env: Env, exits: Exits, shape: Shape | undefined): Value[] {
  const bound = lw.bound(body, env);
  if (!shape) return exits.onEnd(env);
  return exits.onReturn(flatten(bound, env), env, bound);
}

/** The function a call calls: one a parameter holds (known where the call is inlined), or a named one. */
export function callee(lw: Lowerer, callee: Node, env: Env): FunctionLike | undefined {
  if (Node.isIdentifier(callee)) {
    const decl = callee.getSymbol()?.getDeclarations()[0];
    const held = decl && env.get(decl.compilerNode);
    if (isFunctionValue(held)) return held.function;
  }
  return staticCallee(callee);
}

/** A call of an array method or `Array.from`, or `new Array(n).fill(v)`: the array it gives, if it is one. */
function arrayCall(lw: Lowerer, call: Node & { getExpression(): Node; getArguments(): Node[] }, env: Env): Bound | undefined {
  const b = lw.b;
  const target = () => (call.getExpression() as Node & { getExpression(): Node }).getExpression();
  const from = arrayFrom(call);
  const copied = from === "copy" ? call.getArguments()[0]! : arrayMethod(call) === "slice" ? target() : undefined;
  if (copied && isRecordsNode(copied)) {
    // A copy or a slice of an array of tuples or objects: each leaf's array alike (JavaScript's shares the elements).
    noteShared(lw, call);
    return methods.sliceRecords(lw, recordsOf(lw, copied, env), from ? [] : call.getArguments().map((a) => lw.expr(a, env)), env);
  }
  if (from === "copy") return lw.copy(lw.expr(call.getArguments()[0]!, env));
  if (from === "generate") return methods.generated(lw, call, env);
  const listed = loopMethod(call);
  if (listed === "reverse") return methods.reverse(lw, lw.expr(target(), env));
  if (listed === "concat") return methods.concat(lw, lw.expr(target(), env), call.getArguments(), env);
  if (listed === "flat") return methods.flat(lw, lw.bound(target(), env), env);
  if (listed) return methods.callbackMethod(lw, call, listed, env);
  const method = arrayMethod(call);
  if (!method) return undefined;
  if (method === "push") {
    // As a value (`(x) => out.push(x)`): the push, then the new length, as JavaScript gives.
    lw.arrayStatement(call, env);
    return isRecordsNode(target()) ? lengthOf(lw, recordsOf(lw, target(), env), env) : b.prim("len", [lw.expr(target(), env)]);
  }
  if (method === "slice" && call.getArguments().length === 0) return lw.copy(lw.expr(target(), env));
  if (method === "slice") return methods.slice(lw, lw.expr(target(), env), call.getArguments().map((a) => lw.expr(a, env)));
  // new Array(n).fill(v)
  const array = b.prim("alloc", [lw.expr((target() as Node & { getArguments(): Node[] }).getArguments()[0]!, env)]);
  const value = lw.expr(call.getArguments()[0]!, env);
  if (constantOf(value) !== 0) b.countedLoop(b.prim("len", [array]), (k) => b.prim("store", [array, k, value]));
  return array;
}

export function callExpression(lw: Lowerer, call: Node & { getExpression(): Node; getArguments(): Node[] }, env: Env) : Bound {
  const callee = call.getExpression();
  const b = lw.b;
  const method = methodOf(callee);
  if (method) return classes.methodCall(lw, call, method, env);
  const array = arrayCall(lw, call, env);
  if (array) return array;
  const number = numberFunction(call);
  if (number) {
    const arg = lw.expr(call.getArguments()[0]!, env);
    return number === "tonumber" && arg.type === "f64" ? arg : b.prim(number, [arg]);
  }
  if (isStopGradient(call)) {
    // stopGradient(x): the same value, with no derivative flowing back through it.
    const arg = lw.bound(call.getArguments()[0]!, env);
    if (!isAggregate(arg)) return b.prim("nograd", [arg]);
    // JavaScript returns the same object; adgen's is a copy, so neither may have its fields written.
    for (const c of cellsOf(arg)) Object.assign(c, { copied: true, stopped: true });
    const stop = (a: Aggregate): Aggregate => lw.assemble(a.shape, (key) => {
      const part = lw.part(a, key, env);
      return isAggregate(part) ? stop(part) : b.prim("nograd", [part]);
    }, env, "", { copied: true, stopped: true });
    return stop(arg);
  }
  if (Node.isPropertyAccessExpression(callee) && isGlobalMath(callee.getExpression())) {
    const name = callee.getName();
    const tuples = spreadsTuple(call.getArguments());
    if ((name === "max" || name === "min") && !tuples && call.getArguments().some(Node.isSpreadElement)) {
      return methods.spreadExtremum(lw, name, spreadItems(lw, call.getArguments(), env), env);
    }
    const args = tuples ? callArguments(lw, call.getArguments(), env) as Value[] : call.getArguments().map((a) => lw.expr(a, env));
    if (name === "max" || name === "min") {
      if (args.length === 0) return b.const(name === "max" ? -Infinity : Infinity);
      return args.reduce((acc, v) => b.prim(name, [acc, v]));
    }
    return b.prim(name, args);
  }
  const rule = ruleFor(lw.rules, callee);
  if (rule) return lw.ruleCall(call, rule, env);
  const args = callArguments(lw, call.getArguments(), env);
  const decl = lw.callee(callee, env);
  if (lw.plain && (!decl || !hasBody(decl) || decl.getSourceFile().isDeclarationFile())) {
    return b.prim(lw.externalCall(callee), args as Value[]); // an adjoint calling a function adgen cannot see into
  }
  if (!decl) throw new InternalError(`call ${callee.getText()} passed the fence`);
  // A function on a cycle is compiled on its own (the subset check has rejected those that cannot be).
  if (onCycle(decl) && !recursionProblem(decl)) return recursiveCall(lw, decl, args);
  const loc = b.loc;
  const result = lw.call(decl, args, env);
  b.loc = loc;
  // A void helper's call is a statement: its result is never read.
  return result ?? b.const(0);
}

/**
 * A call of a function with a user-defined adjoint: its value (inlined
 * without derivatives, or an external call), then the rule primitive whose
 * reverse is the adjoint. Arrays the adjoint will read are copied unless
 * they are the exported function's parameters, which nothing writes.
 */
export function ruleCall(lw: Lowerer, call: Node & { getExpression(): Node; getArguments(): Node[] }, rule: UserRule, env: Env) : Value {
  const b = lw.b;
  const callee = call.getExpression();
  const args = call.getArguments().map((a) => lw.expr(a, env));
  const primal = calleeFunction(callee);
  const loc = b.loc;
  // The adjoint sees the arrays as they are at the call.
  const kept = lw.plain ? args : args.map((a) => (isArray(a.type) && !lw.parameterRooted(a) ? lw.copy(a) : a));
  const value = primal?.hasBody() && !primal.getSourceFile().isDeclarationFile()
    ? b.prim("nograd", [lw.call(primal, args, env) as Value])
    : b.prim(lw.externalCall(callee), args);
  b.loc = loc;
  if (lw.plain) return value;
  return b.prim(lw.rulePrimitive(rule, primal), [value, ...kept]);
}

/** The rule primitive of `rule`, lowering its adjoint the first time. */
export function rulePrimitive(lw: Lowerer, rule: UserRule, primal: FunctionLike | undefined) : Primitive {
  let p = lw.rulePrimitives.get(rule);
  if (!p) {
    if (primal && hasBody(primal) && !primal.getSourceFile().isDeclarationFile()) {
      // An adjoint gives the derivative of the result only: the function may not also write into its arguments.
      const writes = parameterWrites(lw.displayPath, primal, lw.lowerStandalone(primal, true));
      if (writes.length) {
        throw new DiagnosticError(writes.map((d) => ({ ...d, code: Codes.BadRule,
          message: `'${functionName(primal)}' has an adjoint ('${rule.adjoint.getName()}') but writes into its argument; an adjoint describes the result only` })));
      }
    }
    const adjoint = lw.lowerStandalone(rule.adjoint, true);
    const writes = parameterWrites(lw.displayPath, rule.adjoint, adjoint);
    if (writes.length) throw new DiagnosticError(writes);
    p = {
      name: `rule:${rule.key}`, arity: "variadic", resultType: "f64", memory: "read", emit: (a) => a[0]!,
      userRule: { adjoint, outputs: rule.outputs },
    };
    lw.rulePrimitives.set(rule, p);
  }
  return p;
}

/** The primitive calling a function adgen cannot see into (one per function, however many calls). */
export function externalCall(lw: Lowerer, callee: Node) : Primitive {
  const fn = externalFunction(callee, lw.displayPath);
  let p = lw.externalPrimitives.get(fn.key);
  if (!p) {
    p = { name: `call:${fn.hint}`, arity: "variadic", resultType: "f64", memory: "read", emit: (a) => `${fn.hint}(${a.join(", ")})`, external: fn };
    lw.externalPrimitives.set(fn.key, p);
  }
  return p;
}

/** Whether an array is a parameter of the function being lowered, or a row of one: memory nothing writes. */
export function parameterRooted(lw: Lowerer, v: Value) : boolean {
  if (v.def?.kind === "load") return lw.parameterRooted(v.def.operands[0]!);
  let body = lw.b.region;
  while (body.owner) body = body.owner.parent!;
  return !v.def && body.args.includes(v);
}
