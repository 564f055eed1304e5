/**
 * Statements and control flow, in continuation style: an `if` whose branches
 * may `return` takes the rest of the function (the remaining statements of
 * every enclosing block) into each branch that can fall through, so every
 * early return becomes a value yielded by structured `if` ops; an `if` that
 * cannot return merges the variables its branches assign.
 */
import { Node, type Expression, type Statement, type SwitchStatement, ts } from "ts-morph";
import { InternalError } from "../../diagnostics.js";
import { constantOf } from "../../ir/builder.js";
import type { Type, Value } from "../../ir/types.js";
import { unchangedResult } from "../../ir/walk.js";
import { flatten, isMissing, Unassigned, type Bound, type Cell, type Env } from "../aggregate.js";
import { locOf } from "../source.js";
import { isDirective, isUndefinedKeyword } from "../subset.js";
import { optionalLocal } from "../optional.js";
import { throwPrimitive } from "../../ir/primitives/throw.js";
import { leavesOf } from "../shape.js";
import { boundFunction } from "../functions.js";
import type { Lowerer } from "../lower.js";
import { isLoop, mayExit, switchArms, type SwitchArm } from "./syntax.js";
import type { LoopOutcome } from "./loops.js";
import { keyName } from "./cells.js";

/** The statements still to run: the rest of a block, then the rest of the enclosing blocks. */
export interface Continuation {
  statements: Statement[];
  index: number;
  next: Continuation | undefined;
}

export interface Exits {
  /** The types of the values every way out yields. */
  types: Type[];
  /** `values`: the returned value's leaves; `bound`: the value itself, when one path returns it directly. */
  onReturn(values: Value[] | undefined, env: Env, bound?: Bound): Value[];
  /** Control reaches the end of the code being lowered. */
  onEnd(env: Env): Value[];
  /** `jump`: the `break` or `continue` (a labelled one may be to an enclosing loop). */
  onBreak?: (env: Env, jump: Node) => Value[];
  onContinue?: (env: Env, jump: Node) => Value[];
}

/**
 * Lowers the continuation until every path leaves it (return, break,
 * continue, or the end); returns the values `exits` makes of the way out.
 */
export function lowerRest(lw: Lowerer, k: Continuation | undefined, env: Env, exits: Exits) : Value[] {
  for (;;) {
    if (!k) return exits.onEnd(env);
    if (k.index >= k.statements.length) {
      k = k.next;
      continue;
    }
    const statement = k.statements[k.index]!;
    const rest: Continuation = { statements: k.statements, index: k.index + 1, next: k.next };
    lw.b.loc = locOf(statement);
    if (Node.isThrowStatement(statement)) {
      // The function ends here: what the way out yields is never read.
      const error = statement.getExpression() as unknown as Node & { getExpression(): Node; getArguments(): Node[] };
      const message = error.getArguments()[0];
      if (message && Node.isTemplateExpression(message)) {
        // A template message: its raw pieces around the numbers it shows, computed here.
        const pieces = [message.getHead().compilerNode.rawText ?? "", ...message.getTemplateSpans().map((s) => (s.getLiteral().compilerNode as ts.TemplateMiddle).rawText ?? "")];
        lw.b.prim(throwPrimitive(error.getExpression().getText(), { pieces }), message.getTemplateSpans().map((s) => lw.expr(s.getExpression(), env)));
      } else {
        lw.b.prim(throwPrimitive(error.getExpression().getText(), message && (message.compilerNode as ts.StringLiteral).text), []);
      }
      const shape = lw.resultShapes[lw.resultShapes.length - 1];
      return exits.onReturn(shape ? leavesOf(shape).map((l) => lw.placeholderOf(l.type)) : [], env, undefined);
    }
    if (Node.isReturnStatement(statement)) {
      const e = statement.getExpression();
      const bound = e ? lw.bound(e, env) : undefined;
      return exits.onReturn(bound && flatten(bound, env), env, bound);
    }
    if (Node.isBreakStatement(statement)) return exits.onBreak!(env, statement);
    if (Node.isContinueStatement(statement)) return exits.onContinue!(env, statement);
    if (Node.isLabeledStatement(statement)) {
      // The subset check admits labels on loops only: the loop is the statement, its label what its jumps name.
      k = { statements: [statement.getStatement()], index: 0, next: rest };
      continue;
    }
    if (Node.isBlock(statement)) {
      k = { statements: statement.getStatements(), index: 0, next: rest };
      continue;
    }
    if (Node.isSwitchStatement(statement) && mayExit(statement)) {
      return switchWithExits(lw, statement, rest, env, exits);
    }
    if (Node.isIfStatement(statement) && mayExit(statement)) {
      const branches = [statement.getThenStatement(), statement.getElseStatement()];
      const cond = lw.condition(statement.getExpression(), env);
      const known = constantOf(cond);
      if (known !== undefined) {
        const taken = branches[known ? 0 : 1];
        k = taken ? { statements: [taken], index: 0, next: rest } : rest;
        continue;
      }
      return lw.branch(cond, exits.types, branches.map((branch) => (branchEnv: Env) =>
        lw.lowerRest(branch ? { statements: [branch], index: 0, next: rest } : rest, branchEnv, exits)), env);
    }
    if (isLoop(statement) && mayExit(statement)) {
      return loopExits(lw, lw.loop(statement, env), rest, env, exits);
    }
    lw.statement(statement, env);
    k = rest;
  }
}

/**
 * After a loop that can return or take a labelled jump to an enclosing loop:
 * each flag, in turn, leaves the way it was set; with none set, the rest runs.
 */
function loopExits(lw: Lowerer, outcome: LoopOutcome, rest: Continuation, env: Env, exits: Exits): Value[] {
  const ways = [
    ...(outcome.returned ? [{ flag: outcome.returned, leave: (e: Env) => exits.onReturn(outcome.values, e) }] : []),
    ...outcome.escaped.map(({ flag, escape }) => ({
      flag,
      leave: (e: Env) => (escape.kind === "break" ? exits.onBreak! : exits.onContinue!)(e, escape.jump),
    })),
  ];
  const chain = (i: number, chainEnv: Env): Value[] => i === ways.length
    ? lw.lowerRest(rest, chainEnv, exits)
    : lw.branch(ways[i]!.flag, exits.types, [ways[i]!.leave, (e) => chain(i + 1, e)], chainEnv);
  return chain(0, env);
}

/**
 * An `if` op whose branches each lower a way out and yield its values. A
 * value every branch yields from outside the `if` (a field no path
 * writes) is that value, not a merge, so callers see it unchanged.
 */
export function branch(lw: Lowerer, cond: Value, types: Type[], branches: ((env: Env) => Value[])[], env: Env) : Value[] {
  const op = lw.b.ifOp(cond, types);
  const loc = lw.b.loc;
  branches.forEach((lowerBranch, i) => {
    lw.b.inRegion(op.regions[i]!, () => {
      const values = lowerBranch(new Map(env));
      lw.b.loc = loc;
      lw.b.yield(values);
    });
  });
  return op.results.map((r, j) => unchangedResult(op, j) ?? r);
}

/** Lowers a statement that cannot return. */
export function statement(lw: Lowerer, statement: Statement, env: Env) : void {
  lw.b.loc = locOf(statement);
  if (Node.isVariableStatement(statement)) {
    for (const decl of statement.getDeclarations()) {
      if (boundFunction(decl)) continue; // a local function: its calls are inlined where they are
      const init = decl.getInitializer();
      // `let best: T | undefined = undefined` is `let best: T | undefined`.
      const none = !init || (isUndefinedKeyword(init) && optionalLocal(decl.getNameNode()));
      lw.bindName(decl.getNameNode(), decl.compilerNode, none ? Unassigned : lw.initializer(decl.getNameNode(), init, env), env);
    }
  } else if (Node.isExpressionStatement(statement)) {
    if (!isDirective(statement)) lw.assignment(statement.getExpression(), env);
  } else if (Node.isBlock(statement)) {
    for (const s of statement.getStatements()) lw.statement(s, env);
  } else if (Node.isIfStatement(statement)) {
    lw.plainIf(statement, env);
  } else if (Node.isLabeledStatement(statement)) {
    lw.statement(statement.getStatement(), env);
  } else if (isLoop(statement)) {
    lw.loop(statement, env);
  } else if (Node.isSwitchStatement(statement)) {
    plainSwitch(lw, statement, env);
  } else if (!Node.isEmptyStatement(statement) && !Node.isFunctionDeclaration(statement)) {
    throw new InternalError(`statement ${statement.getKindName()} passed the fence`);
  }
}

/** An `if` without returns: the variables either branch assigns are merged by the if op's results. */
export function plainIf(lw: Lowerer, statement: Node & { getExpression(): Expression; getThenStatement(): Statement; getElseStatement(): Statement | undefined }, env: Env) : void {
  const cond = lw.condition(statement.getExpression(), env);
  const branches = [statement.getThenStatement(), statement.getElseStatement()];
  mergedIf(lw, cond, branches.map((branch) => (branchEnv: Env) => branch && lw.statement(branch, branchEnv)), env);
}

/**
 * Two ways without exits, chosen by `cond` (decided here when it is a
 * constant); the variables and cells either assigns are merged by the if
 * op's results.
 */
export function mergedIf(lw: Lowerer, cond: Value, branches: ((env: Env) => void)[], env: Env): void {
  const known = constantOf(cond);
  if (known !== undefined) {
    branches[known ? 0 : 1]!(env);
    return;
  }
  const op = lw.b.ifOp(cond, []);
  const envs = branches.map((lowerBranch, i) => {
    const branchEnv: Env = new Map(env);
    lw.b.inRegion(op.regions[i]!, () => lowerBranch(branchEnv));
    return branchEnv;
  });
  const merged: { key: ts.Node | Cell; values: Bound[] }[] = [];
  for (const [key, before] of env) {
    const after = envs.map((e) => e.get(key)!);
    if (after.every((v) => v === before)) continue;
    if (after.some(isMissing)) {
      env.set(key, Unassigned);
      continue;
    }
    merged.push({ key, values: after as Bound[] });
  }
  op.regions.forEach((region, i) => lw.b.inRegion(region, () => lw.b.yield(merged.flatMap((m) => flatten(m.values[i]!, envs[i]!)))));
  op.results = [];
  for (const m of merged) {
    const name = keyName(m.key);
    const results = flatten(m.values[0]!, envs[0]!).map((v) => lw.b.newValue(v.type, name, "source", op));
    op.results.push(...results);
    env.set(m.key, lw.mergedAggregate(m.values, results, env, name) ?? results[0]!);
  }
}

/**
 * A loop becomes a `while` op whose state is the variables the loop assigns,
 * plus a flag for `break`, a flag and a value for `return`, and a first-time
 * flag for `do ... while`. Returns the return flag and value when the loop
 * contains a `return`.
 */
/** A value of the given type that is never read (the loop's result before any return). */
export function placeholderOf(lw: Lowerer, type: Type) : Value {
  if (type === "f64" || type === "bool") return lw.b.const(type === "bool" ? false : 0);
  return lw.b.prim({ "f64[]": "empty", Float64Array: "fempty", "f64[][]": "nalloc" }[type], []);
}

/** Whether the switch's value matches one of a case's tests (each evaluated in order, as JavaScript does). */
function matches(lw: Lowerer, value: Value, arm: SwitchArm, env: Env): Value {
  return arm.tests.map((t) => lw.b.prim("eq", [value, lw.expr(t, env)])).reduce((a, b) => lw.b.prim("or", [a, b]));
}

/** A switch whose cases end in `break` (or fall through): a chain of merged ifs over its cases, then the default. */
function plainSwitch(lw: Lowerer, s: SwitchStatement, env: Env): void {
  const value = lw.expr(s.getExpression(), env);
  const { cases, fallback } = switchArms(s);
  const run = (arm: SwitchArm | undefined, armEnv: Env) => arm?.statements.forEach((st) => lw.statement(st, armEnv));
  const chain = (i: number, armEnv: Env): void => {
    if (i === cases.length) return run(fallback, armEnv);
    mergedIf(lw, matches(lw, value, cases[i]!, armEnv), [(e) => run(cases[i], e), (e) => chain(i + 1, e)], armEnv);
  };
  chain(0, env);
}

/** A switch with a `return`, `throw` or `continue` in a case: each case continues with the statements after the switch. */
function switchWithExits(lw: Lowerer, s: SwitchStatement, rest: Continuation, env: Env, exits: Exits): Value[] {
  const value = lw.expr(s.getExpression(), env);
  const { cases, fallback } = switchArms(s);
  const run = (arm: SwitchArm | undefined, armEnv: Env) =>
    lw.lowerRest(arm ? { statements: arm.statements, index: 0, next: rest } : rest, armEnv, exits);
  const chain = (i: number, armEnv: Env): Value[] => {
    if (i === cases.length) return run(fallback, armEnv);
    const cond = matches(lw, value, cases[i]!, armEnv);
    const known = constantOf(cond);
    if (known !== undefined) return known ? run(cases[i], armEnv) : chain(i + 1, armEnv);
    return lw.branch(cond, exits.types, [(e) => run(cases[i], e), (e) => chain(i + 1, e)], armEnv);
  };
  return chain(0, env);
}
