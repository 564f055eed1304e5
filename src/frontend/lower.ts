/**
 * Lowering: a checked TypeScript function to an IR function of primitive ops.
 * Calls to same-file functions are inlined (their ops keep their own source
 * locations). Statements are lowered in continuation style: an `if` whose
 * branches may `return` takes the rest of the function into its branches,
 * so every early return becomes a value yielded by structured `if` ops.
 */
import path from "node:path";
import {
  DoStatement, ForOfStatement, ForStatement, FunctionDeclaration, ImportDeclaration, Node, SyntaxKind, WhileStatement, type Expression, type Statement, ts,
} from "ts-morph";
import { Codes, DiagnosticError, InternalError, type Code } from "../diagnostics.js";
import { parameterWrites } from "./writes.js";
import { Builder, constantOf, emptyRegion } from "../ir/builder.js";
import { namedConstant, primitiveOf, type ExternalFunction, type Primitive } from "../ir/primitives.js";
import { isArray, Structural, type Func, type Op, type Param, type Region, type Type, type Value } from "../ir/types.js";
import { terminator, unchangedResult, walkOps } from "../ir/walk.js";
import {
  build, cellsOf, flatten, isAggregate, isCell, Unassigned, type Aggregate, type Binding, type Bound, type Cell, type Env,
} from "./aggregate.js";
import { arrayMethod, compoundAssignments, isModuleConstant, literalType } from "./fence.js";
import { calleeFunction, declarationOf as resolvedDeclaration, isAggregateNode, isStopGradient, partKeyOf, shorthandDeclaration } from "./resolve.js";
import { ruleFor, type Rules, type UserRule } from "./rules.js";
import { leavesOf, partKeys, partName, partShape, shapeAt, shapeOf, shapeText, type AggregateShape, type Shape } from "./shape.js";
import { diagnosticAt, isRelativeSpecifier, locOf, typeText, valueType } from "./source.js";

/** The statements still to run: the rest of a block, then the rest of the enclosing blocks. */
interface Continuation {
  statements: Statement[];
  index: number;
  next: Continuation | undefined;
}

const binaryPrimitive = new Map<SyntaxKind, string>([
  [SyntaxKind.PlusToken, "add"], [SyntaxKind.MinusToken, "sub"], [SyntaxKind.AsteriskToken, "mul"],
  [SyntaxKind.SlashToken, "div"], [SyntaxKind.PercentToken, "rem"], [SyntaxKind.AsteriskAsteriskToken, "pow"],
  [SyntaxKind.LessThanToken, "lt"], [SyntaxKind.LessThanEqualsToken, "le"], [SyntaxKind.GreaterThanToken, "gt"],
  [SyntaxKind.GreaterThanEqualsToken, "ge"], [SyntaxKind.EqualsEqualsEqualsToken, "eq"],
  [SyntaxKind.EqualsEqualsToken, "eq"], [SyntaxKind.ExclamationEqualsEqualsToken, "ne"],
  [SyntaxKind.ExclamationEqualsToken, "ne"], [SyntaxKind.AmpersandAmpersandToken, "and"],
  [SyntaxKind.BarBarToken, "or"],
]);

/**
 * Lowers `fn` to IR. Calls of functions with a user-defined adjoint (`rules`)
 * become rule primitives, except with `plain` (an adjoint itself: its code is
 * run, never differentiated).
 */
export function lowerFunction(displayPath: string, fn: FunctionDeclaration, rules: Rules = new Map(), plain = false,
  name = fn.getName() ?? "default"): Func {
  const body = emptyRegion(undefined);
  const b = new Builder(body);
  const env: Env = new Map();
  const params: Param[] = [];
  const shapes = fn.getParameters().map((p) => {
    const shape = shapeOf(p.getType(), p);
    if (!shape) throw new InternalError(`parameter ${p.getName()} passed the fence with an unsupported type`);
    return shape;
  });
  const names = leafParameterNames(fn.getParameters().map((p) => p.getName()), shapes);
  const args = fn.getParameters().map((p, i) => {
    const shape = shapes[i]!;
    const values = leavesOf(shape).map((leaf, j) => {
      const name = names[i]![j]!;
      const value = b.argument(body, leaf.type, name, "source");
      body.args.push(value);
      const aggregate = shape.kind !== "value";
      params.push({ name, type: leaf.type, value, typeText: aggregate ? leaf.text : typeText(p.getType()), ...(aggregate ? { path: [p.getName(), ...leaf.path] } : {}) });
      return value;
    });
    return build(shape, values, env, p.getName(), { parameter: p.getName() });
  });
  const signature = fn.getParameters().map((p, i) => ({
    name: p.getName(),
    typeText: shapes[i]!.kind === "value" ? typeText(p.getType()) : shapeText(shapes[i]!),
  }));
  const lowerer = new Lowerer(displayPath, b, rules, plain);
  const result = lowerer.call(fn, args, env);
  if (!result) throw new InternalError(`entry ${fn.getName()} returns nothing`);
  const values = flatten(result, env);
  b.insert({ kind: Structural.Return, operands: values, results: [], regions: [], parent: undefined, loc: locOf(fn) });
  const resultShape = shapeOf(fn.getReturnType(), fn)!;
  return {
    name, params, signature, body, resultTypes: values.map((v) => v.type), resultRoles: [],
    resultShape, loc: locOf(fn),
  };
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

class Lowerer {
  private readonly constantsInProgress = new Set<Node>();
  /** The result shape of each function being inlined, innermost last (undefined for void). */
  private readonly resultShapes: (Shape | undefined)[] = [];

  /** The primitive of each user-defined adjoint, once lowered. */
  private readonly rulePrimitives = new Map<UserRule, Primitive>();
  /** The primitive calling each external function, by its key: calls of one function are one primitive. */
  private readonly externalPrimitives = new Map<string, Primitive>();

  constructor(private readonly displayPath: string, private readonly b: Builder, private readonly rules: Rules,
    private readonly plain: boolean) {}

  /**
   * Inlines a call of `fn` with the given arguments; returns its result.
   * Aggregate arguments are shared with the caller: the callee sees the
   * caller's cells, and what it writes into them is the caller's afterwards.
   */
  call(fn: FunctionDeclaration, args: Bound[], callerEnv: Env): Bound | undefined {
    const shape = fn.getReturnType().isVoid() ? undefined : shapeOf(fn.getReturnType(), fn) ?? { kind: "value", type: "f64", text: "number" };
    this.resultShapes.push(shape);
    try {
      return this.inline(fn, args, callerEnv, shape);
    } finally {
      this.resultShapes.pop();
    }
  }

  private inline(fn: FunctionDeclaration, args: Bound[], callerEnv: Env, shape: Shape | undefined): Bound | undefined {
    const env: Env = new Map();
    const shared = [...new Set(args.filter(isAggregate).flatMap(cellsOf))];
    for (const c of shared) env.set(c, callerEnv.get(c)!);
    fn.getParameters().forEach((p, i) => this.bindName(p.getNameNode(), p.compilerNode, args[i]!, env));
    const statements = fn.getBodyOrThrow().asKindOrThrow(SyntaxKind.Block).getStatements();
    const resultTypes = shape ? leavesOf(shape).map((l) => l.type) : [];
    /** What each way out returned (undefined for the end of a void function), for keeping aliases of a returned aggregate. */
    const returned: (Bound | undefined)[] = [];
    const withShared = (values: Value[], exitEnv: Env): Value[] => [...values, ...shared.map((c) => exitEnv.get(c) as Value)];
    const exits: Exits = {
      types: [...resultTypes, ...shared.map((c) => (callerEnv.get(c) as Value).type)],
      onReturn: (values, exitEnv, bound) => {
        returned.push(bound);
        return withShared(values ?? [], exitEnv);
      },
      onEnd: (exitEnv) => {
        returned.push(undefined);
        if (!shape) return withShared([], exitEnv);
        // A path that ends here without a return is one TypeScript proves unreachable
        // (a do...while whose body always returns) unless it reports the missing return itself.
        if (!endIsReachable(fn)) return withShared(resultTypes.map((t) => this.placeholderOf(t)), exitEnv);
        return this.fail(fn.getNameNode() ?? fn, Codes.MissingReturn, `'${fn.getName()}' can reach its end without returning a value`);
      },
    };
    const out = this.lowerRest({ statements, index: 0, next: undefined }, env, exits);
    shared.forEach((c, i) => callerEnv.set(c, out[resultTypes.length + i]!));
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
    return build(shape, leaves, callerEnv, fn.getName() ?? "", reused.length || unknown ? { copied: true } : {});
  }

  /** A declaration's value; `const [a, b] = [x, y]` binds the elements directly, with no array in between. */
  private initializer(name: Node, init: Node, env: Env): Bound {
    while (Node.isParenthesizedExpression(init)) init = init.getExpression();
    if (!Node.isArrayBindingPattern(name) || !Node.isArrayLiteralExpression(init)) return this.bound(init, env);
    const elements = init.getElements().map((x) => this.bound(x, env));
    const shape: AggregateShape = { kind: "tuple", items: init.getElements().map((x) => shapeAt(x)!) };
    return this.assemble(shape, (key) => elements[Number(key)]!, env, "");
  }

  /** Binds a parameter or variable name (or a destructuring pattern) to a value. */
  private bindName(name: Node, decl: ts.Node, value: Binding, env: Env): void {
    if (Node.isIdentifier(name)) {
      env.set(decl, value === Unassigned || isAggregate(value) ? value : named(value, name.getText()));
      return;
    }
    if (value === Unassigned) throw new InternalError("a destructuring pattern without a value passed the fence");
    if (Node.isObjectBindingPattern(name)) {
      for (const element of name.getElements()) {
        const key = element.getPropertyNameNode()?.getText() ?? element.getName();
        this.bindName(element.getNameNode(), element.compilerNode, this.part(value, key, env), env);
      }
      return;
    }
    if (Node.isArrayBindingPattern(name)) {
      name.getElements().forEach((element, i) => {
        if (!Node.isBindingElement(element)) return; // a hole: `const [, b] = t`
        const part = isAggregate(value) ? this.part(value, String(i), env) : this.b.prim("load", [value, this.b.const(i)]);
        this.bindName(element.getNameNode(), element.compilerNode, part, env);
      });
      return;
    }
    throw new InternalError(`binding ${name.getKindName()} passed the fence`);
  }

  /** The part `key` of an aggregate: a cell's current value, or a nested aggregate. */
  private part(base: Bound, key: string, env: Env): Bound {
    if (!isAggregate(base)) throw new InternalError(`part '${key}' of a non-aggregate`);
    const part = base.parts.get(key);
    if (!part) throw new InternalError(`no part '${key}' in ${shapeText(base.shape)}`);
    return isCell(part) ? (env.get(part) as Value) : part;
  }

  /** The cell `p.x` or `t[0]` names, for a write. */
  private cellOf(target: Node & { getExpression(): Node }, env: Env): Cell {
    const base = this.bound(target.getExpression(), env);
    const key = partKeyOf(target);
    const part = isAggregate(base) && key !== undefined ? base.parts.get(key) : undefined;
    if (!part || !isCell(part)) throw new InternalError(`assignment to ${target.getText()} passed the fence`);
    if (part.parameter !== undefined) {
      this.fail(target, Codes.ParameterWrite,
        `'${target.getText()}' writes into the parameter '${part.parameter}'; the gradient must leave arguments unchanged, so copy what you change into a local variable or a new object`);
    }
    if (part.stopped) {
      this.fail(target, Codes.UnsupportedExpression,
        `'${target.getExpression().getText()}' is stopGradient's argument or result, which JavaScript shares and adgen copies; build a new object from its fields instead of writing one`);
    }
    if (part.copied) {
      this.fail(target, Codes.UnsupportedExpression,
        `'${target.getExpression().getText()}' may share its fields with another variable after a branch, loop or helper with several returns; assign a new object or tuple instead of writing one field`);
    }
    return part;
  }

  private fail(node: Node, code: Code, message: string): never {
    throw new DiagnosticError([diagnosticAt(this.displayPath, node, code, message)]);
  }

  /**
   * Lowers the continuation until every path leaves it (return, break,
   * continue, or the end); returns the values `exits` makes of the way out.
   */
  private lowerRest(k: Continuation | undefined, env: Env, exits: Exits): Value[] {
    for (;;) {
      if (!k) return exits.onEnd(env);
      if (k.index >= k.statements.length) {
        k = k.next;
        continue;
      }
      const statement = k.statements[k.index]!;
      const rest: Continuation = { statements: k.statements, index: k.index + 1, next: k.next };
      this.b.loc = locOf(statement);
      if (Node.isReturnStatement(statement)) {
        const e = statement.getExpression();
        const bound = e ? this.bound(e, env) : undefined;
        return exits.onReturn(bound && flatten(bound, env), env, bound);
      }
      if (Node.isBreakStatement(statement)) return exits.onBreak!(env);
      if (Node.isContinueStatement(statement)) return exits.onContinue!(env);
      if (Node.isBlock(statement)) {
        k = { statements: statement.getStatements(), index: 0, next: rest };
        continue;
      }
      if (Node.isIfStatement(statement) && mayExit(statement)) {
        const branches = [statement.getThenStatement(), statement.getElseStatement()];
        const cond = this.expr(statement.getExpression(), env);
        const known = constantOf(cond);
        if (known !== undefined) {
          const taken = branches[known ? 0 : 1];
          k = taken ? { statements: [taken], index: 0, next: rest } : rest;
          continue;
        }
        return this.branch(cond, exits.types, branches.map((branch) => (branchEnv: Env) =>
          this.lowerRest(branch ? { statements: [branch], index: 0, next: rest } : rest, branchEnv, exits)), env);
      }
      if (isLoop(statement) && hasReturn(statement)) {
        const { returned, values } = this.loop(statement, env)!;
        return this.branch(returned, exits.types, [
          (branchEnv) => exits.onReturn(values, branchEnv),
          (branchEnv) => this.lowerRest(rest, branchEnv, exits),
        ], env);
      }
      this.statement(statement, env);
      k = rest;
    }
  }

  /**
   * An `if` op whose branches each lower a way out and yield its values. A
   * value every branch yields from outside the `if` (a field no path
   * writes) is that value, not a merge, so callers see it unchanged.
   */
  private branch(cond: Value, types: Type[], branches: ((env: Env) => Value[])[], env: Env): Value[] {
    const op = this.b.ifOp(cond, types);
    const loc = this.b.loc;
    branches.forEach((lowerBranch, i) => {
      this.b.inRegion(op.regions[i]!, () => {
        const values = lowerBranch(new Map(env));
        this.b.loc = loc;
        this.b.yield(values);
      });
    });
    return op.results.map((r, j) => unchangedResult(op, j) ?? r);
  }

  /** Lowers a statement that cannot return. */
  private statement(statement: Statement, env: Env): void {
    this.b.loc = locOf(statement);
    if (Node.isVariableStatement(statement)) {
      for (const decl of statement.getDeclarations()) {
        const init = decl.getInitializer();
        this.bindName(decl.getNameNode(), decl.compilerNode, init ? this.initializer(decl.getNameNode(), init, env) : Unassigned, env);
      }
    } else if (Node.isExpressionStatement(statement)) {
      this.assignment(statement.getExpression(), env);
    } else if (Node.isBlock(statement)) {
      for (const s of statement.getStatements()) this.statement(s, env);
    } else if (Node.isIfStatement(statement)) {
      this.plainIf(statement, env);
    } else if (isLoop(statement)) {
      this.loop(statement, env);
    } else if (!Node.isEmptyStatement(statement)) {
      throw new InternalError(`statement ${statement.getKindName()} passed the fence`);
    }
  }

  /** An `if` without returns: the variables either branch assigns are merged by the if op's results. */
  private plainIf(statement: Node & { getExpression(): Expression; getThenStatement(): Statement; getElseStatement(): Statement | undefined }, env: Env): void {
    const cond = this.expr(statement.getExpression(), env);
    const branches = [statement.getThenStatement(), statement.getElseStatement()];
    const known = constantOf(cond);
    if (known !== undefined) {
      const taken = branches[known ? 0 : 1];
      if (taken) this.statement(taken, env);
      return;
    }
    const op = this.b.ifOp(cond, []);
    const envs = branches.map((branch, i) => {
      const branchEnv: Env = new Map(env);
      this.b.inRegion(op.regions[i]!, () => branch && this.statement(branch, branchEnv));
      return branchEnv;
    });
    const merged: { key: ts.Node | Cell; values: Bound[] }[] = [];
    for (const [key, before] of env) {
      const after = envs.map((e) => e.get(key)!);
      if (after.every((v) => v === before)) continue;
      if (after.some((v) => v === Unassigned)) {
        env.set(key, Unassigned);
        continue;
      }
      merged.push({ key, values: after as Bound[] });
    }
    op.regions.forEach((region, i) => this.b.inRegion(region, () => this.b.yield(merged.flatMap((m) => flatten(m.values[i]!, envs[i]!)))));
    op.results = [];
    for (const m of merged) {
      const name = keyName(m.key);
      const results = flatten(m.values[0]!, envs[0]!).map((v) => this.b.newValue(v.type, name, "source", op));
      op.results.push(...results);
      env.set(m.key, this.mergedAggregate(m.values, results, env, name) ?? results[0]!);
    }
  }

  /**
   * When a merge (an `if`, a loop, a `?:`) joins different aggregates, the
   * result is a fresh aggregate holding the merged leaves; the joined ones no
   * longer share cells with it, so writing a field of any of them is rejected.
   */
  private mergedAggregate(joined: Bound[], leaves: Value[], env: Env, name: string): Aggregate | undefined {
    const first = joined.find(isAggregate);
    if (!first) return undefined;
    for (const a of joined) if (isAggregate(a)) markCopied(a);
    return build(first.shape, leaves, env, name, { copied: true }) as Aggregate;
  }

  /**
   * A loop becomes a `while` op whose state is the variables the loop assigns,
   * plus a flag for `break`, a flag and a value for `return`, and a first-time
   * flag for `do ... while`. Returns the return flag and value when the loop
   * contains a `return`.
   */
  /** A value of the given type that is never read (the loop's result before any return). */
  private placeholderOf(type: Type): Value {
    if (type === "f64" || type === "bool") return this.b.const(type === "bool" ? false : 0);
    return this.b.prim({ "f64[]": "empty", Float64Array: "fempty", "f64[][]": "nalloc" }[type], []);
  }

  /**
   * A loop becomes a `while` op. A condition with effects (it calls a helper
   * that writes an array or a field) must run exactly when JavaScript runs
   * it: before each trip of a `while` or `for` (after the incrementor), after
   * each trip of a `do ... while`, never again after a `break` or `return`.
   * Such a loop is lowered *rotated*: its condition region only tests the
   * exit flags, and the body evaluates the condition itself, leaving through
   * the break flag when it is false. A pure condition stays in the condition
   * region, where the reverse sweep need not look.
   */
  private loop(statement: LoopStatement, env: Env): { returned: Value; values: Value[] } | undefined {
    this.loopInitializer(statement, env);
    const region = this.b.region;
    const attempt = region.ops.length;
    try {
      return this.loopOp(statement, env, false);
    } catch (e) {
      if (!(e instanceof EffectfulCondition)) throw e;
      // Drop the first attempt's while op and lower the loop rotated. (Its initial
      // values stay: constants are shared by common-subexpression elimination, and
      // clean-up removes what nothing reads.)
      const dropped = region.ops.findIndex((op, i) => i >= attempt && op.kind === Structural.While);
      region.ops.splice(dropped, 1);
      return this.loopOp(statement, env, true);
    }
  }

  private loopInitializer(statement: LoopStatement, env: Env): void {
    if (Node.isForStatement(statement)) {
      const init = statement.getInitializer();
      if (init && Node.isVariableDeclarationList(init)) {
        for (const decl of init.getDeclarations()) {
          const value = decl.getInitializer();
          this.bindName(decl.getNameNode(), decl.compilerNode, value ? this.bound(value, env) : Unassigned, env);
        }
      } else if (init) {
        this.assignment(init, env);
      }
    }
  }

  private loopOp(statement: LoopStatement, env: Env, rotated: boolean): { returned: Value; values: Value[] } | undefined {
    const b = this.b;
    const loc = locOf(statement);
    const iterated = Node.isForOfStatement(statement) ? this.expr(statement.getExpression(), env) : undefined;
    b.loc = loc;
    const carried = carriedVariables(statement).filter((d) => env.has(d.compilerNode));
    for (const d of carried) {
      if (env.get(d.compilerNode) === Unassigned) {
        this.fail(d, Codes.UnassignedVariable, `'${variableName(d)}' must be assigned before the loop that assigns it`);
      }
    }
    /** The loop state: carried variables (an aggregate contributes its leaves), the cells the body may write, then flags. */
    const slots: { key: ts.Node | Cell; name: string; shape?: AggregateShape }[] = [
      ...carried.map((d) => {
        const bound = env.get(d.compilerNode) as Bound;
        return { key: d.compilerNode, name: variableName(d), ...(isAggregate(bound) ? { shape: bound.shape } : {}) };
      }),
      ...(mayWriteCells(statement) ? [...env.keys()].filter(isCellKey).map((c) => ({ key: c, name: c.name })) : []),
    ];
    const test = Node.isForOfStatement(statement) ? undefined : statementCondition(statement);
    const flags = {
      // A rotated loop leaves through the break flag when its condition is false.
      broken: hasBreak(statement) || (rotated && test !== undefined),
      returned: hasReturn(statement),
      first: Node.isDoStatement(statement) && !rotated,
    };
    const init: Value[] = slots.flatMap((slot) => flatten(env.get(slot.key) as Bound, env));
    const names = slots.flatMap((slot) => slot.shape ? leavesOf(slot.shape).map((l) => l.path.reduce(partName, slot.name)) : [slot.name]);
    const stateCount = init.length;
    if (flags.broken) { init.push(b.const(false)); names.push("broken"); }
    const resultShape = this.resultShapes[this.resultShapes.length - 1];
    const resultTypes = flags.returned && resultShape ? leavesOf(resultShape).map((l) => l.type) : [];
    if (flags.returned) { init.push(b.const(false)); names.push("returned"); }
    for (const t of resultTypes) { init.push(this.placeholderOf(t)); names.push("result"); }
    if (flags.first) { init.push(b.const(true)); names.push("first"); }
    if (iterated) { init.push(b.const(0)); names.push("k"); }
    const op = b.whileOp(init);
    const [condRegion, bodyRegion] = op.regions as [Region, Region];
    for (const values of [op.results, condRegion.args, bodyRegion.args]) {
      values.forEach((v, i) => { v.name = names[i]!; v.nameKind = i < stateCount ? "source" : "temp"; });
    }
    /** The state's values under the names: flags after the carried state. */
    const at = (values: Value[]) => {
      let i = stateCount;
      const broken = flags.broken ? values[i++] : undefined;
      const returned = flags.returned ? values[i++] : undefined;
      const result = values.slice(i, i + resultTypes.length);
      i += resultTypes.length;
      return { broken, returned, result, first: flags.first ? values[i++] : undefined, index: iterated ? values[i++] : undefined };
    };
    /** Binds the carried state to `values` in `target`; aggregates become fresh copies. */
    const bindState = (target: Env, values: Value[]) => {
      let i = 0;
      for (const slot of slots) {
        const n = slot.shape ? leavesOf(slot.shape).length : 1;
        const part = values.slice(i, i + n);
        i += n;
        if (slot.shape) {
          markCopied(env.get(slot.key) as Aggregate);
          target.set(slot.key, build(slot.shape, part, target, slot.name, { copied: true }));
        } else {
          target.set(slot.key, part[0]!);
        }
      }
    };
    const bind = (region: Region): Env => {
      const inner: Env = new Map(env);
      bindState(inner, region.args);
      return inner;
    };

    b.inRegion(condRegion, () => {
      const inner = bind(condRegion);
      const state = at(condRegion.args);
      const before = new Map(inner);
      let cond: Value | undefined = iterated ? b.prim("lt", [state.index!, b.prim("len", [iterated])])
        : test && !rotated ? this.expr(test, inner) : undefined;
      if (test && !rotated && (writesMemory(condRegion) || [...before].some(([key, v]) => isCellKey(key) && inner.get(key) !== v))) {
        throw new EffectfulCondition();
      }
      const and = (flag: Value | undefined) => {
        if (!flag) return;
        const going = b.prim("not", [flag]);
        cond = cond ? b.prim("and", [going, cond]) : going;
      };
      if (state.first) cond = b.prim("or", [state.first, cond!]);
      and(state.returned);
      and(state.broken);
      b.loc = loc;
      b.yield([cond ?? b.const(true)]);
    });

    b.inRegion(bodyRegion, () => {
      const state = at(bodyRegion.args);
      const next = (inner: Env, change: { broken?: boolean | Value; returned?: boolean; values?: Value[] }): Value[] => {
        const values = slots.flatMap((slot) => {
          const bound = isCellKey(slot.key) ? (inner.get(slot.key) as Value) : this.readBound(slot.key, inner);
          // The next trip (or the code after the loop) gets a copy: whatever the variable holds now no longer shares it.
          if (isAggregate(bound)) markCopied(bound);
          return flatten(bound, inner);
        });
        if (flags.broken) values.push(typeof change.broken === "object" ? change.broken : b.const(change.broken === true));
        if (flags.returned) values.push(b.const(change.returned === true));
        values.push(...(change.values ?? state.result));
        if (flags.first) values.push(b.const(false));
        if (iterated) values.push(change.broken || change.returned ? state.index! : b.add(state.index!, b.const(1)));
        return values;
      };
      const step = (inner: Env): Value[] => {
        if (Node.isForStatement(statement)) {
          const inc = statement.getIncrementor();
          if (inc) {
            b.loc = locOf(inc);
            this.assignment(inc, inner);
          }
        }
        if (rotated && test && Node.isDoStatement(statement)) {
          // A rotated do ... while tests its condition after each trip: false leaves as a break does.
          b.loc = locOf(test);
          return next(inner, { broken: b.prim("not", [this.expr(test, inner)]) });
        }
        return next(inner, {});
      };
      const exits: Exits = {
        types: init.map((v) => v.type),
        onReturn: (values, inner, bound) => {
          if (isAggregate(bound)) markCopied(bound); // returned as a copy, from the loop's state
          return next(inner, { returned: true, values: values ?? [] });
        },
        onEnd: step,
        onContinue: step,
        onBreak: (inner) => next(inner, { broken: true }),
      };
      const inner = bind(bodyRegion);
      if (Node.isForOfStatement(statement)) {
        const decl = (statement.getInitializer() as Node & { getDeclarations(): Node[] }).getDeclarations()[0]!;
        inner.set(decl.compilerNode, named(b.prim("load", [iterated!, state.index!]), variableName(decl)));
      }
      const trip = (tripEnv: Env) => this.lowerRest({ statements: [statement.getStatement()], index: 0, next: undefined }, tripEnv, exits);
      let values: Value[];
      if (rotated && test && !Node.isDoStatement(statement)) {
        // A rotated while or for tests its condition first: false leaves as a break does.
        b.loc = locOf(test);
        const going = this.expr(test, inner);
        values = this.branch(going, exits.types, [trip, (exitEnv) => next(exitEnv, { broken: true })], inner);
      } else {
        values = trip(inner);
      }
      b.loc = loc;
      b.yield(values);
    });

    bindState(env, op.results);
    // A field no trip changes (the body yields its own argument) keeps its value from before
    // the loop rather than the loop's result, so callers see it unchanged.
    const yielded = terminator(bodyRegion).operands;
    let leaf = 0;
    for (const slot of slots) {
      if (isCellKey(slot.key) && yielded[leaf] === bodyRegion.args[leaf]) env.set(slot.key, init[leaf]!);
      leaf += slot.shape ? leavesOf(slot.shape).length : 1;
    }
    const final = at(op.results);
    return flags.returned ? { returned: final.returned!, values: final.result } : undefined;
  }

  private assignment(e: Expression, env: Env): void {
    if (Node.isCallExpression(e) && arrayMethod(e)) {
      this.arrayStatement(e, env);
      return;
    }
    if (Node.isCallExpression(e)) {
      this.callExpression(e, env); // a void helper, called for what it writes
      return;
    }
    const target = Node.isBinaryExpression(e) ? e.getLeft() : Node.isPrefixUnaryExpression(e) || Node.isPostfixUnaryExpression(e) ? e.getOperand() : undefined;
    if (!target) throw new InternalError(`expression statement ${e.getKindName()} passed the fence`);
    const partTarget = (Node.isPropertyAccessExpression(target) || Node.isElementAccessExpression(target)) && isAggregateNode(target.getExpression());
    if (Node.isElementAccessExpression(target) && !partTarget) {
      this.elementAssignment(e, target, env);
      return;
    }
    // A variable, or a field or tuple element (a cell).
    const key: ts.Node | Cell = partTarget ? this.cellOf(target as Node & { getExpression(): Node }, env) : declarationOf(target).compilerNode;
    const current = (): Value => (partTarget ? (env.get(key) as Value) : this.read(target, env));
    let value: Bound;
    if (Node.isBinaryExpression(e)) {
      const op = compoundAssignments.get(e.getOperatorToken().getKind());
      const old = op !== undefined ? current() : undefined; // read before the right side runs, as JavaScript does
      value = this.bound(e.getRight(), env);
      if (op !== undefined) value = this.b.prim(binaryPrimitive.get(op)!, [old!, value as Value]);
    } else {
      const step = (e as unknown as { getOperatorToken(): SyntaxKind }).getOperatorToken() === SyntaxKind.PlusPlusToken ? "add" : "sub";
      value = this.b.prim(step, [current(), this.b.const(1)]);
    }
    env.set(key, isAggregate(value) ? value : named(value, partTarget ? (key as Cell).name : target.getText()));
  }

  /** `a[i] = v`, `a[i] += v`, `a[i]++`: a store, after a load for the compound forms. */
  private elementAssignment(e: Expression, target: Node & { getExpression(): Node; getArgumentExpressionOrThrow(): Node }, env: Env): void {
    const b = this.b;
    const array = this.expr(target.getExpression(), env);
    const index = this.expr(target.getArgumentExpressionOrThrow(), env);
    let value: Value;
    if (Node.isBinaryExpression(e)) {
      const op = compoundAssignments.get(e.getOperatorToken().getKind());
      // JavaScript reads the element before the right side runs, which may write it (a helper call).
      const old = op !== undefined && callsHelper(e.getRight()) ? b.prim("load", [array, index]) : undefined;
      value = this.expr(e.getRight(), env);
      if (op !== undefined) value = b.prim(binaryPrimitive.get(op)!, [old ?? b.prim("load", [array, index]), value]);
    } else {
      const step = (e as unknown as { getOperatorToken(): SyntaxKind }).getOperatorToken() === SyntaxKind.PlusPlusToken ? "add" : "sub";
      value = b.prim(step, [b.prim("load", [array, index]), b.const(1)]);
    }
    b.prim("store", [array, index, value]);
  }

  /** `a.push(v);` and `a.fill(v);`. */
  private arrayStatement(call: Node & { getExpression(): Node; getArguments(): Node[] }, env: Env): void {
    const b = this.b;
    const array = this.expr((call.getExpression() as Node & { getExpression(): Node }).getExpression(), env);
    const value = this.expr(call.getArguments()[0]!, env);
    if (arrayMethod(call) === "push") {
      b.prim("append", [array, b.prim("len", [array]), value]);
    } else {
      b.countedLoop(b.prim("len", [array]), (k) => b.prim("store", [array, k, value]));
    }
  }

  /** A copy of an array (`a.slice()`): numbers are copied one by one, rows by reference. */
  private copy(array: Value): Value {
    const b = this.b;
    const n = b.prim("len", [array]);
    if (array.type === "f64[][]") {
      const rows = b.prim("nalloc", []);
      b.countedLoop(n, (k) => b.prim("append", [rows, k, b.prim("load", [array, k])]));
      return rows;
    }
    const copy = b.prim(array.type === "Float64Array" ? "falloc" : "alloc", [n]);
    b.countedLoop(n, (k) => b.prim("store", [copy, k, b.prim("load", [array, k])]));
    return copy;
  }

  /** An array literal: fresh memory filled element by element. */
  private arrayLiteral(e: Node & { getElements(): Node[] }, env: Env): Value {
    const b = this.b;
    const elements = e.getElements().map((x) => this.expr(x, env));
    if (literalType(e) === "f64[][]") {
      const rows = b.prim("nalloc", []);
      elements.forEach((row, i) => b.prim("append", [rows, b.const(i), row]));
      return rows;
    }
    const array = b.prim("alloc", [b.const(elements.length)]);
    elements.forEach((x, i) => b.prim("store", [array, b.const(i), x]));
    return array;
  }

  /** The number or array a variable holds. */
  private read(id: Node, env: Env): Value {
    const bound = this.readBound(Node.isIdentifier(id) ? declarationOf(id).compilerNode : id.compilerNode, env, id);
    if (isAggregate(bound)) throw new InternalError(`'${id.getText()}' holds an aggregate where a value is read`);
    return bound;
  }

  private readBound(key: ts.Node | Cell, env: Env, at?: Node): Bound {
    const bound = env.get(key);
    if (bound !== undefined && bound !== Unassigned) return bound;
    // Reads without a location are of loop state, which is checked to be assigned before the loop.
    if (!at) throw new InternalError(`${isCellKey(key) ? key.name : "loop state"} is read unassigned`);
    return this.fail(at, Codes.UnassignedVariable, `'${at.getText()}' is read before it is assigned on every path`);
  }

  /** A number, boolean or array expression. */
  private expr(e: Node, env: Env): Value {
    const bound = this.bound(e, env);
    if (isAggregate(bound)) throw new InternalError(`'${e.getText()}' is an aggregate where a value is expected`);
    return bound;
  }

  /** Any expression: a value, or a tuple or object (an aggregate). */
  private bound(e: Node, env: Env): Bound {
    const b = this.b;
    // The compiler's normalised text ("0x10" -> "16", "1_000" -> "1000"); ts-morph's
    // getLiteralValue() reads "1e-15" as 1.
    if (Node.isNumericLiteral(e)) return b.const(Number(e.compilerNode.text));
    if (Node.isTrueLiteral(e)) return b.const(true);
    if (Node.isFalseLiteral(e)) return b.const(false);
    if (Node.isParenthesizedExpression(e) || Node.isAsExpression(e) || Node.isNonNullExpression(e)
      || Node.isSatisfiesExpression(e) || Node.isTypeAssertion(e)) {
      return this.bound(e.getExpression(), env);
    }
    if (Node.isIdentifier(e)) return this.identifier(e, env);
    if ((Node.isPropertyAccessExpression(e) || Node.isElementAccessExpression(e)) && isAggregateNode(e.getExpression())) {
      const key = partKeyOf(e);
      const base = this.bound(e.getExpression(), env);
      if (key === "length" && isAggregate(base) && base.shape.kind === "tuple") return b.const(base.shape.items.length);
      return this.part(base, key!, env);
    }
    if (Node.isObjectLiteralExpression(e)) return this.objectLiteral(e, env);
    if (Node.isArrayLiteralExpression(e) && shapeAt(e)?.kind === "tuple") {
      const parts = e.getElements().map((x) => this.bound(x, env));
      return this.assemble(shapeAt(e) as AggregateShape, (key) => parts[Number(key)]!, env, hintOf(e));
    }
    if (Node.isElementAccessExpression(e)) {
      return b.prim("load", [this.expr(e.getExpression(), env), this.expr(e.getArgumentExpressionOrThrow(), env)]);
    }
    if (Node.isArrayLiteralExpression(e)) return this.arrayLiteral(e, env);
    if (Node.isNewExpression(e)) return b.prim("falloc", [this.expr(e.getArguments()[0]!, env)]);
    if (Node.isPropertyAccessExpression(e) && e.getName() === "length" && e.getExpression().getText() !== "Math") {
      return b.prim("len", [this.expr(e.getExpression(), env)]);
    }
    if (Node.isPropertyAccessExpression(e)) {
      const c = namedConstant(e.getExpression().getText(), e.getName());
      if (c === undefined) throw new InternalError(`property ${e.getText()} passed the fence`);
      return b.const(c);
    }
    if (Node.isPrefixUnaryExpression(e)) {
      const operand = this.expr(e.getOperand(), env);
      switch (e.getOperatorToken()) {
        case SyntaxKind.MinusToken: return b.neg(operand);
        case SyntaxKind.PlusToken: return operand;
        case SyntaxKind.ExclamationToken: return b.prim("not", [operand]);
      }
    }
    if (Node.isBinaryExpression(e)) {
      const kind = binaryPrimitive.get(e.getOperatorToken().getKind());
      if (kind === "and" || kind === "or") return this.logical(kind, e, env);
      if (kind) return this.binaryChain(e, env);
    }
    if (Node.isConditionalExpression(e)) {
      const cond = this.expr(e.getCondition(), env);
      const branches = [e.getWhenTrue(), e.getWhenFalse()];
      const known = constantOf(cond);
      if (known !== undefined) return this.bound(branches[known ? 0 : 1]!, env);
      return this.conditional(cond, branches, env, shapeAt(e) ?? { kind: "value", type: valueType(e.getType()) ?? "f64", text: "" });
    }
    if (Node.isCallExpression(e)) return this.callExpression(e, env);
    throw new InternalError(`expression ${e.getKindName()} passed the fence`);
  }

  /**
   * A binary operation and the ones down its left spine (`((a * x + b) * x + c)`,
   * a sum of a thousand terms), with a loop rather than recursion: the
   * leftmost operand first, then each right operand and its operator, in
   * JavaScript's order.
   */
  private binaryChain(e: Node & { getLeft(): Node }, env: Env): Value {
    const spine: (Node & { getLeft(): Node; getRight(): Node; getOperatorToken(): Node })[] = [];
    let leftmost: Node = e;
    for (;;) {
      while (Node.isParenthesizedExpression(leftmost)) leftmost = leftmost.getExpression();
      const kind = Node.isBinaryExpression(leftmost) ? binaryPrimitive.get(leftmost.getOperatorToken().getKind()) : undefined;
      if (!Node.isBinaryExpression(leftmost) || !kind || kind === "and" || kind === "or") break;
      spine.push(leftmost);
      leftmost = leftmost.getLeft();
    }
    let value = this.expr(leftmost, env);
    for (const node of spine.reverse()) {
      value = this.b.prim(binaryPrimitive.get(node.getOperatorToken().getKind())!, [value, this.expr(node.getRight(), env)]);
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
  private logical(kind: "and" | "or", e: Node & { getLeft(): Node; getRight(): Node }, env: Env): Value {
    const b = this.b;
    const left = this.expr(e.getLeft(), env);
    const lazy = () => {
      const branches = kind === "and" ? [e.getRight(), b.const(false)] : [b.const(true), e.getRight()];
      return this.conditional(left, branches, env, { kind: "value", type: "bool", text: "boolean" }) as Value;
    };
    if (callsHelper(e.getRight())) return lazy();
    const start = b.region.ops.length;
    const right = this.expr(e.getRight(), env);
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
  private conditional(cond: Value, branches: (Node | Value)[], env: Env, shape: Shape): Bound {
    const b = this.b;
    const op: Op = b.ifOp(cond, []);
    const envs: Env[] = [];
    const chosen = branches.map((branch, i) => b.inRegion(op.regions[i]!, () => {
      envs[i] = new Map(env);
      return branch instanceof Node ? this.bound(branch, envs[i]!) : branch;
    }));
    const changed = [...env.keys()].filter((k) => envs.some((e) => e.get(k) !== env.get(k)));
    op.regions.forEach((region, i) => b.inRegion(region, () =>
      b.yield([...flatten(chosen[i]!, envs[i]!), ...changed.map((k) => envs[i]!.get(k) as Value)])));
    const leaves = leavesOf(shape).map((l) => b.newValue(l.type, "", "temp", op));
    const cells = changed.map((k) => b.newValue((env.get(k) as Value).type, isCellKey(k) ? k.name : "", "source", op));
    op.results = [...leaves, ...cells];
    changed.forEach((k, i) => env.set(k, cells[i]!));
    if (shape.kind !== "value") return this.mergedAggregate(chosen, leaves, env, "")!;
    return (changed.length === 0 ? this.asSelect(op) : undefined) ?? leaves[0]!;
  }

  /**
   * A numeric `c ? a : b` whose branches compute nothing (constants, values
   * already computed) is a `select`: no branch to evaluate lazily, so no
   * control flow is needed in the forward or the reverse sweep.
   */
  private asSelect(op: Op): Value | undefined {
    if (op.results[0]!.type !== "f64") return undefined;
    const trivial = op.regions.every((r) => r.ops.every((o) => o.kind === Structural.Const || o.kind === Structural.Yield));
    if (!trivial) return undefined;
    const region = op.parent!;
    region.ops.splice(region.ops.indexOf(op), 1);
    const [a, b] = op.regions.map((r) => {
      const v = r.ops[r.ops.length - 1]!.operands[0]!;
      const literal = constantOf(v);
      return literal === undefined ? v : this.b.const(literal);
    });
    return this.b.select(op.operands[0]!, a!, b!);
  }

  private identifier(id: Node, env: Env): Bound {
    const text = id.getText();
    const local = id.getSymbol()?.getDeclarations()[0];
    if (local && env.has(local.compilerNode)) return this.readBound(local.compilerNode, env, id);
    const decl = resolvedDeclaration(id);
    if (decl && isModuleConstant(decl)) {
      if (this.constantsInProgress.has(decl)) this.fail(id, Codes.UnknownName, `'${text}' is defined in terms of itself`);
      this.constantsInProgress.add(decl);
      try {
        return this.expr(decl.asKindOrThrow(SyntaxKind.VariableDeclaration).getInitializerOrThrow(), new Map());
      } finally {
        this.constantsInProgress.delete(decl);
      }
    }
    if (text === "NaN") return this.b.const(NaN);
    if (text === "Infinity") return this.b.const(Infinity);
    return this.fail(id, Codes.UnassignedVariable, `'${text}' is read before it is declared or assigned`);
  }

  /**
   * A call of a function with a user-defined adjoint: its value (inlined
   * without derivatives, or an external call), then the rule primitive whose
   * reverse is the adjoint. Arrays the adjoint will read are copied unless
   * they are the exported function's parameters, which nothing writes.
   */
  private ruleCall(call: Node & { getExpression(): Node; getArguments(): Node[] }, rule: UserRule, env: Env): Value {
    const b = this.b;
    const callee = call.getExpression();
    const args = call.getArguments().map((a) => this.expr(a, env));
    const primal = calleeFunction(callee);
    const loc = b.loc;
    // The adjoint sees the arrays as they are at the call.
    const kept = this.plain ? args : args.map((a) => (isArray(a.type) && !this.parameterRooted(a) ? this.copy(a) : a));
    const value = primal?.hasBody() && !primal.getSourceFile().isDeclarationFile()
      ? b.prim("nograd", [this.call(primal, args, env) as Value])
      : b.prim(this.externalCall(callee), args);
    b.loc = loc;
    if (this.plain) return value;
    return b.prim(this.rulePrimitive(rule, primal), [value, ...kept]);
  }

  /** The rule primitive of `rule`, lowering its adjoint the first time. */
  private rulePrimitive(rule: UserRule, primal: FunctionDeclaration | undefined): Primitive {
    let p = this.rulePrimitives.get(rule);
    if (!p) {
      if (primal?.hasBody() && !primal.getSourceFile().isDeclarationFile()) {
        // An adjoint gives the derivative of the result only: the function may not also write into its arguments.
        const writes = parameterWrites(this.displayPath, primal, lowerFunction(this.displayPath, primal, this.rules, true));
        if (writes.length) {
          throw new DiagnosticError(writes.map((d) => ({ ...d, code: Codes.BadRule,
            message: `'${primal.getName()}' has an adjoint ('${rule.adjoint.getName()}') but writes into its argument; an adjoint describes the result only` })));
        }
      }
      const adjoint = lowerFunction(this.displayPath, rule.adjoint, this.rules, true);
      const writes = parameterWrites(this.displayPath, rule.adjoint, adjoint);
      if (writes.length) throw new DiagnosticError(writes);
      p = {
        name: `rule:${rule.key}`, arity: "variadic", resultType: "f64", memory: "read", emit: (a) => a[0]!,
        userRule: { adjoint, outputs: rule.outputs },
      };
      this.rulePrimitives.set(rule, p);
    }
    return p;
  }

  /** The primitive calling a function adgen cannot see into (one per function, however many calls). */
  private externalCall(callee: Node): Primitive {
    const fn = externalFunction(callee, this.displayPath);
    let p = this.externalPrimitives.get(fn.key);
    if (!p) {
      p = { name: `call:${fn.hint}`, arity: "variadic", resultType: "f64", memory: "read", emit: (a) => `${fn.hint}(${a.join(", ")})`, external: fn };
      this.externalPrimitives.set(fn.key, p);
    }
    return p;
  }

  /** Whether an array is a parameter of the function being lowered, or a row of one: memory nothing writes. */
  private parameterRooted(v: Value): boolean {
    if (v.def?.kind === "load") return this.parameterRooted(v.def.operands[0]!);
    let body = this.b.region;
    while (body.owner) body = body.owner.parent!;
    return !v.def && body.args.includes(v);
  }

  /** An object literal: a fresh aggregate; a nested object given by name is shared, not copied (as in JavaScript). */
  private objectLiteral(e: Node & { getProperties(): Node[] }, env: Env): Aggregate {
    const given = new Map<string, Bound>();
    for (const prop of e.getProperties()) {
      if (Node.isPropertyAssignment(prop)) {
        given.set(prop.getName(), this.bound(prop.getInitializerOrThrow(), env));
      } else if (Node.isShorthandPropertyAssignment(prop)) {
        const decl = shorthandDeclaration(prop);
        if (!decl) throw new InternalError(`shorthand property ${prop.getName()} passed the fence unresolved`);
        given.set(prop.getName(), this.readBound(decl, env, prop));
      } else {
        throw new InternalError(`object literal member ${prop.getKindName()} passed the fence`);
      }
    }
    return this.assemble(shapeAt(e) as AggregateShape, (key) => given.get(key)!, env, hintOf(e));
  }

  /** A fresh aggregate of `shape` whose parts are `partOf(key)`: numbers and arrays get new cells. */
  private assemble(shape: AggregateShape, partOf: (key: string) => Bound, env: Env, hint: string, mark: Partial<Cell> = {}): Aggregate {
    const parts = new Map<string, Cell | Aggregate>();
    for (const key of partKeys(shape)) {
      const value = partOf(key);
      if (value === undefined) throw new InternalError(`part '${key}' of ${shapeText(shape)} missing`);
      if (isAggregate(value)) {
        parts.set(key, value);
      } else {
        const cell: Cell = { name: partName(hint, key), ...mark };
        env.set(cell, value);
        parts.set(key, cell);
      }
    }
    if (partKeys(shape).some((k) => partShape(shape, k).kind !== "value" && !isAggregate(partOf(k)))) {
      throw new InternalError(`a nested aggregate of ${shapeText(shape)} is a value`);
    }
    return { shape, parts };
  }

  private callExpression(call: Node & { getExpression(): Node; getArguments(): Node[] }, env: Env): Bound {
    const callee = call.getExpression();
    const method = arrayMethod(call);
    const b = this.b;
    if (method) {
      const target = (callee as Node & { getExpression(): Node }).getExpression();
      if (method === "slice") return this.copy(this.expr(target, env));
      // new Array(n).fill(v)
      const array = b.prim("alloc", [this.expr((target as Node & { getArguments(): Node[] }).getArguments()[0]!, env)]);
      const value = this.expr(call.getArguments()[0]!, env);
      if (constantOf(value) !== 0) b.countedLoop(b.prim("len", [array]), (k) => b.prim("store", [array, k, value]));
      return array;
    }
    if (isStopGradient(call)) {
      // stopGradient(x): the same value, with no derivative flowing back through it.
      const arg = this.bound(call.getArguments()[0]!, env);
      if (!isAggregate(arg)) return b.prim("nograd", [arg]);
      // JavaScript returns the same object; adgen's is a copy, so neither may have its fields written.
      for (const c of cellsOf(arg)) Object.assign(c, { copied: true, stopped: true });
      const stop = (a: Aggregate): Aggregate => this.assemble(a.shape, (key) => {
        const part = this.part(a, key, env);
        return isAggregate(part) ? stop(part) : b.prim("nograd", [part]);
      }, env, "", { copied: true, stopped: true });
      return stop(arg);
    }
    if (Node.isPropertyAccessExpression(callee) && callee.getExpression().getText() === "Math") {
      const args = call.getArguments().map((a) => this.expr(a, env));
      const name = callee.getName();
      if (name === "max" || name === "min") {
        if (args.length === 0) return b.const(name === "max" ? -Infinity : Infinity);
        return args.reduce((acc, v) => b.prim(name, [acc, v]));
      }
      return b.prim(name, args);
    }
    const rule = ruleFor(this.rules, callee);
    if (rule) return this.ruleCall(call, rule, env);
    const args = call.getArguments().map((a) => this.bound(a, env));
    const decl = calleeFunction(callee);
    if (this.plain && (!decl || !decl.hasBody() || decl.getSourceFile().isDeclarationFile())) {
      return b.prim(this.externalCall(callee), args as Value[]); // an adjoint calling a function adgen cannot see into
    }
    if (!decl) throw new InternalError(`call ${callee.getText()} passed the fence`);
    const loc = b.loc;
    const result = this.call(decl, args, env);
    b.loc = loc;
    // A void helper's call is a statement: its result is never read.
    return result ?? b.const(0);
  }
}

type LoopStatement = ForStatement | WhileStatement | DoStatement | ForOfStatement;

/**
 * Whether an op reads an element or the length of an array value that may be
 * undefined at run time: anything but a parameter of the function or a fresh
 * allocation (a row `X[i]` with `i` out of range is undefined).
 */
function readsMaybeMissingArray(op: Op): boolean {
  if (op.regions.some((r) => r.ops.some(readsMaybeMissingArray))) return true;
  if (op.kind !== "load" && op.kind !== "len") return false;
  const array = op.operands[0]!;
  if (!array.def) return array.region?.owner !== undefined; // a loop's state may hold a row; a function parameter exists
  return !["alloc", "falloc", "nalloc", "empty", "fempty"].includes(array.def.kind);
}

/** Thrown when a loop condition turns out to have effects: the loop is lowered again, rotated. */
class EffectfulCondition extends Error {}

/** Whether a region writes array memory (a store or a push, at any depth). */
function writesMemory(r: Region): boolean {
  for (const op of walkOps(r)) if (primitiveOf(op)?.memory === "write") return true;
  return false;
}

interface Exits {
  /** The types of the values every way out yields. */
  types: Type[];
  /** `values`: the returned value's leaves; `bound`: the value itself, when one path returns it directly. */
  onReturn(values: Value[] | undefined, env: Env, bound?: Bound): Value[];
  /** Control reaches the end of the code being lowered. */
  onEnd(env: Env): Value[];
  onBreak?: (env: Env) => Value[];
  onContinue?: (env: Env) => Value[];
}

function isLoop(statement: Node): statement is LoopStatement {
  return Node.isForStatement(statement) || Node.isWhileStatement(statement) || Node.isDoStatement(statement)
    || Node.isForOfStatement(statement);
}

/** TypeScript's verdict: error 2366 ("lacks ending return statement") is reported for `fn`. */
function endIsReachable(fn: FunctionDeclaration): boolean {
  const start = fn.getStart();
  const end = fn.getEnd();
  return fn.getSourceFile().getPreEmitDiagnostics()
    .some((d) => d.getCode() === 2366 && (d.getStart() ?? -1) >= start && (d.getStart() ?? -1) <= end);
}

/**
 * Remembers a question about a syntax node. Lowering asks about the same
 * statements again and again (an `if` nested n deep is asked whether it may
 * return at every level above it); each answer walks the node's subtree.
 */
function memoized<T>(question: (node: Node) => T): (node: Node) => T {
  const answers = new WeakMap<ts.Node, T>();
  return (node) => {
    if (answers.has(node.compilerNode)) return answers.get(node.compilerNode)!;
    const answer = question(node);
    answers.set(node.compilerNode, answer);
    return answer;
  };
}

/**
 * What a subtree holds, bottom-up over the compiler's nodes so that asking
 * about every statement of a deeply nested function costs one walk: whether
 * it returns, and how many `break`/`continue` jumps leave it (jumps to a loop
 * inside it do not). Nested functions are their own world.
 */
interface Leaving {
  returns: boolean;
  jumps: number;
}
const leavingCache = new WeakMap<ts.Node, Leaving>();
function leaving(node: ts.Node): Leaving {
  const known = leavingCache.get(node);
  if (known) return known;
  const found: Leaving = { returns: ts.isReturnStatement(node), jumps: ts.isBreakStatement(node) || ts.isContinueStatement(node) ? 1 : 0 };
  if (!ts.isFunctionLike(node)) {
    ts.forEachChild(node, (child) => {
      const inner = leaving(child);
      found.returns ||= inner.returns;
      found.jumps += inner.jumps;
    });
    if (ts.isIterationStatement(node, false)) found.jumps = 0;
  }
  leavingCache.set(node, found);
  return found;
}

const hasReturn = (statement: Node): boolean => leaving(statement.compilerNode).returns;

/** The loop a `break` or `continue` leaves or repeats. */
function targetLoop(jump: Node): Node | undefined {
  return jump.getFirstAncestor((a) => isLoop(a));
}

/** Whether `statement` contains a `break` of its own (not of a nested loop). */
const hasBreak = memoized((loop: Node): boolean => loop.getDescendantsOfKind(SyntaxKind.BreakStatement).some((j) => targetLoop(j) === loop));

/** Whether control can leave `statement` other than by falling through: a return, or a jump to an enclosing loop. */
function mayExit(statement: Node): boolean {
  const exits = leaving(statement.compilerNode);
  return exits.returns || exits.jumps > 0;
}

/** The condition a loop tests before each run of its body (undefined for `for (;;)`). */
function statementCondition(loop: ForStatement | WhileStatement | DoStatement): Expression | undefined {
  return Node.isForStatement(loop) ? loop.getCondition() : loop.getExpression();
}

/** Variables a loop assigns that live across iterations: declared outside it or in a `for` initializer. */
function carriedVariables(loop: LoopStatement): Node[] {
  const found = new Set<Node>();
  const inside = (d: Node) => d.getAncestors().includes(loop) && !isForInitializer(d, loop);
  const consider = (target: Node) => {
    const decl = target.getSymbol()?.getDeclarations()[0];
    if (decl && !inside(decl)) found.add(decl);
  };
  for (const e of loop.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    const kind = e.getOperatorToken().getKind();
    if ((kind === SyntaxKind.EqualsToken || compoundAssignments.has(kind)) && Node.isIdentifier(e.getLeft())) consider(e.getLeft());
  }
  for (const e of [...loop.getDescendantsOfKind(SyntaxKind.PrefixUnaryExpression), ...loop.getDescendantsOfKind(SyntaxKind.PostfixUnaryExpression)]) {
    const op = e.getOperatorToken();
    if (op === SyntaxKind.PlusPlusToken || op === SyntaxKind.MinusMinusToken) consider(e.getOperand());
  }
  if (Node.isForStatement(loop)) {
    const init = loop.getInitializer();
    if (init && Node.isVariableDeclarationList(init)) for (const d of init.getDeclarations()) found.add(d);
  }
  return [...found];
}

function isForInitializer(decl: Node, loop: LoopStatement): boolean {
  return Node.isForStatement(loop) && decl.getParent() === loop.getInitializer();
}

function variableName(decl: Node): string {
  return (decl.compilerNode as ts.VariableDeclaration | ts.ParameterDeclaration).name.getText();
}

function declarationOf(id: Node): Node {
  const decl = id.getSymbol()?.getDeclarations()[0];
  if (!decl) throw new InternalError(`unresolved name ${id.getText()} passed the fence`);
  return decl;
}

/** Gives a computed value the name of the source variable it is assigned to. */
function named(v: Value, name: string): Value {
  if (v.nameKind === "temp" && v.def && v.def.kind !== Structural.Const) {
    v.name = name;
    v.nameKind = "source";
  }
  return v;
}

/** The name hint for values merged from a variable or a cell. */
function keyName(key: ts.Node | Cell): string {
  return isCellKey(key) ? key.name : (key as ts.VariableDeclaration | ts.ParameterDeclaration | ts.BindingElement).name.getText();
}

export function isCellKey(key: ts.Node | Cell): key is Cell {
  return !("kind" in key);
}

/** Marks every cell of an aggregate as copied: a merge made a copy that no longer shares them. */
function markCopied(a: Aggregate): void {
  for (const c of cellsOf(a)) c.copied = true;
}

/** Whether a loop may write a field or tuple element: it assigns one, or calls a helper that might. */
function mayWriteCells(loop: Node): boolean {
  const assigns = loop.getDescendants().some((d) => {
    const target = Node.isBinaryExpression(d) && (d.getOperatorToken().getKind() === SyntaxKind.EqualsToken || compoundAssignments.has(d.getOperatorToken().getKind()))
      ? d.getLeft()
      : (Node.isPrefixUnaryExpression(d) || Node.isPostfixUnaryExpression(d)) ? d.getOperand() : undefined;
    return !!target && (Node.isPropertyAccessExpression(target) || Node.isElementAccessExpression(target)) && isAggregateNode(target.getExpression());
  });
  return assigns || callsHelper(loop);
}

/** A name hint for an aggregate literal: the variable it initialises, if any. */
function hintOf(e: Node): string {
  const parent = e.getParent();
  return parent && Node.isVariableDeclaration(parent) && Node.isIdentifier(parent.getNameNode()) ? parent.getName() : "";
}

/** Whether an expression calls a function of the project (which may write fields or arrays). */
const callsHelper = memoized((e: Node): boolean => {
  const calls = Node.isCallExpression(e) ? [e, ...e.getDescendantsOfKind(SyntaxKind.CallExpression)] : e.getDescendantsOfKind(SyntaxKind.CallExpression);
  return calls.some((c) => calleeFunction(c.getExpression()) !== undefined);
});

/**
 * Which function adgen cannot see into a callee names, and how the generated
 * module gets it: the same import (a relative path rebased to the generated
 * file, which sits beside the entry), or the source's declaration.
 */
function externalFunction(callee: Node, entryPath: string): ExternalFunction {
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
