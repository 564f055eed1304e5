/**
 * Lowering: a checked TypeScript function to an IR function of primitive ops.
 * Calls to same-file functions are inlined (their ops keep their own source
 * locations). Statements are lowered in continuation style: an `if` whose
 * branches may `return` takes the rest of the function into its branches,
 * so every early return becomes a value yielded by structured `if` ops.
 */
import {
  DoStatement, ForOfStatement, ForStatement, FunctionDeclaration, Node, SyntaxKind, WhileStatement, type Expression, type Statement, ts,
} from "ts-morph";
import { Codes, DiagnosticError, InternalError, type Code } from "../diagnostics.js";
import { Builder, constantOf, emptyRegion } from "../ir/builder.js";
import { mathConstants } from "../ir/primitives.js";
import { Structural, type Func, type Op, type Region, type Type, type Value } from "../ir/types.js";
import { arrayMethod, compoundAssignments, isModuleConstant, literalType } from "./fence.js";
import { diagnosticAt, locOf, typeText, valueType } from "./source.js";

/** Marks a declared variable that has no value on some path. */
const Unassigned = Symbol("unassigned");
type Binding = Value | typeof Unassigned;
type Env = Map<ts.Node, Binding>;

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

export function lowerFunction(displayPath: string, fn: FunctionDeclaration): Func {
  const body = emptyRegion(undefined);
  const b = new Builder(body);
  const params = fn.getParameters().map((p) => {
    const type = valueType(p.getType());
    if (!type) throw new InternalError(`parameter ${p.getName()} passed the fence with an unsupported type`);
    const value = b.argument(body, type, p.getName(), "source");
    body.args.push(value);
    return { name: p.getName(), type, value, typeText: typeText(p.getType()) };
  });
  const lowerer = new Lowerer(displayPath, b);
  const result = lowerer.call(fn, params.map((p) => p.value));
  b.insert({ kind: Structural.Return, operands: [result], results: [], regions: [], parent: undefined, loc: locOf(fn) });
  return { name: fn.getName() ?? "default", params, body, resultTypes: [result.type], resultNames: [], loc: locOf(fn) };
}

class Lowerer {
  private readonly constantsInProgress = new Set<Node>();

  constructor(private readonly displayPath: string, private readonly b: Builder) {}

  /** Inlines a call of `fn` with the given argument values; returns its result. */
  /** The result type of each function being inlined, innermost last (undefined for void). */
  private readonly resultTypes: (Type | undefined)[] = [];

  call(fn: FunctionDeclaration, args: Value[]): Value {
    this.resultTypes.push(fn.getReturnType().isVoid() ? undefined : valueType(fn.getReturnType()) ?? "f64");
    try {
      return this.inline(fn, args);
    } finally {
      this.resultTypes.pop();
    }
  }

  private inline(fn: FunctionDeclaration, args: Value[]): Value {
    const env: Env = new Map();
    fn.getParameters().forEach((p, i) => env.set(p.compilerNode, args[i]!));
    const statements = fn.getBodyOrThrow().asKindOrThrow(SyntaxKind.Block).getStatements();
    const isVoid = fn.getReturnType().isVoid();
    const exits: Exits = isVoid
      ? { types: [], onReturn: () => [], onEnd: () => [] }
      : {
          types: [valueType(fn.getReturnType()) ?? "f64"],
          onReturn: (value) => [value!],
          onEnd: () => {
            // A path that ends here without a return is one TypeScript proves unreachable
            // (a do...while whose body always returns) unless it reports the missing return itself.
            if (!endIsReachable(fn)) return [this.placeholderOf(valueType(fn.getReturnType()) ?? "f64")];
            return this.fail(fn.getNameNode() ?? fn, Codes.MissingReturn, `'${fn.getName()}' can reach its end without returning a value`);
          },
        };
    // A void helper yields nothing; its callers use it as a statement only.
    return this.lowerRest({ statements, index: 0, next: undefined }, env, exits)[0]!;
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
        return exits.onReturn(e ? this.expr(e, env) : undefined, env);
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
        const { returned, value } = this.loop(statement, env)!;
        return this.branch(returned, exits.types, [
          (branchEnv) => exits.onReturn(value, branchEnv),
          (branchEnv) => this.lowerRest(rest, branchEnv, exits),
        ], env);
      }
      this.statement(statement, env);
      k = rest;
    }
  }

  /** An `if` op whose branches each lower a way out and yield its values. */
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
    return op.results;
  }

  /** Lowers a statement that cannot return. */
  private statement(statement: Statement, env: Env): void {
    this.b.loc = locOf(statement);
    if (Node.isVariableStatement(statement)) {
      for (const decl of statement.getDeclarations()) {
        const init = decl.getInitializer();
        env.set(decl.compilerNode, init ? named(this.expr(init, env), decl.getName()) : Unassigned);
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
    const merged: { decl: ts.Node; values: Value[] }[] = [];
    for (const [decl, before] of env) {
      const after = envs.map((e) => e.get(decl)!);
      if (after.every((v) => v === before)) continue;
      if (after.some((v) => v === Unassigned)) {
        env.set(decl, Unassigned);
        continue;
      }
      merged.push({ decl, values: after as Value[] });
    }
    op.regions.forEach((region, i) => this.b.inRegion(region, () => this.b.yield(merged.map((m) => m.values[i]!))));
    op.results = merged.map((m) => {
      const name = (m.decl as ts.VariableDeclaration | ts.ParameterDeclaration).name.getText();
      const result = this.b.newValue(m.values[0]!.type, name, "source", op);
      env.set(m.decl, result);
      return result;
    });
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

  private loop(statement: LoopStatement, env: Env): { returned: Value; value: Value | undefined } | undefined {
    const b = this.b;
    const loc = locOf(statement);
    if (Node.isForStatement(statement)) {
      const init = statement.getInitializer();
      if (init && Node.isVariableDeclarationList(init)) {
        for (const decl of init.getDeclarations()) {
          const value = decl.getInitializer();
          env.set(decl.compilerNode, value ? named(this.expr(value, env), decl.getName()) : Unassigned);
        }
      } else if (init) {
        this.assignment(init, env);
      }
    }
    const iterated = Node.isForOfStatement(statement) ? this.expr(statement.getExpression(), env) : undefined;
    b.loc = loc;
    const carried = carriedVariables(statement).filter((d) => env.has(d.compilerNode));
    for (const d of carried) {
      if (env.get(d.compilerNode) === Unassigned) {
        this.fail(d, Codes.UnassignedVariable, `'${variableName(d)}' must be assigned before the loop that assigns it`);
      }
    }
    const flags = {
      broken: hasBreak(statement),
      returned: hasReturn(statement),
      first: Node.isDoStatement(statement),
    };
    const init: Value[] = carried.map((d) => env.get(d.compilerNode) as Value);
    const names = carried.map((d) => variableName(d));
    if (flags.broken) { init.push(b.const(false)); names.push("broken"); }
    const resultType = this.resultTypes[this.resultTypes.length - 1];
    const carriesResult = flags.returned && resultType !== undefined;
    if (flags.returned) { init.push(b.const(false)); names.push("returned"); }
    if (carriesResult) { init.push(this.placeholderOf(resultType)); names.push("result"); }
    if (flags.first) { init.push(b.const(true)); names.push("first"); }
    if (iterated) { init.push(b.const(0)); names.push("k"); }
    const op = b.whileOp(init);
    const [condRegion, bodyRegion] = op.regions as [Region, Region];
    for (const values of [op.results, condRegion.args, bodyRegion.args]) {
      values.forEach((v, i) => { v.name = names[i]!; v.nameKind = i < carried.length ? "source" : "temp"; });
    }
    /** The state's values under the names: carried variables, then flags. */
    const at = (values: Value[]) => {
      let i = carried.length;
      return {
        broken: flags.broken ? values[i++] : undefined,
        returned: flags.returned ? values[i++] : undefined,
        result: carriesResult ? values[i++] : undefined,
        first: flags.first ? values[i++] : undefined,
        index: iterated ? values[i++] : undefined,
      };
    };
    const bind = (region: Region): Env => {
      const inner: Env = new Map(env);
      carried.forEach((d, i) => inner.set(d.compilerNode, region.args[i]!));
      return inner;
    };

    b.inRegion(condRegion, () => {
      const inner = bind(condRegion);
      const state = at(condRegion.args);
      const test = Node.isForOfStatement(statement) ? undefined : statementCondition(statement);
      let cond = iterated ? b.prim("lt", [state.index!, b.prim("len", [iterated])]) : test ? this.expr(test, inner) : b.const(true);
      if (state.first) cond = b.prim("or", [state.first, cond]);
      if (state.returned) cond = b.prim("and", [b.prim("not", [state.returned]), cond]);
      if (state.broken) cond = b.prim("and", [b.prim("not", [state.broken]), cond]);
      b.loc = loc;
      b.yield([cond]);
    });

    b.inRegion(bodyRegion, () => {
      const state = at(bodyRegion.args);
      const next = (inner: Env, change: { broken?: boolean; returned?: boolean; value?: Value }): Value[] => {
        const values = carried.map((d) => this.read(d, inner));
        if (flags.broken) values.push(b.const(change.broken === true));
        if (flags.returned) values.push(b.const(change.returned === true));
        if (carriesResult) values.push(change.value ?? state.result!);
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
        return next(inner, {});
      };
      const exits: Exits = {
        types: init.map((v) => v.type),
        onReturn: (value, inner) => next(inner, { returned: true, value }),
        onEnd: step,
        onContinue: step,
        onBreak: (inner) => next(inner, { broken: true }),
      };
      const inner = bind(bodyRegion);
      if (Node.isForOfStatement(statement)) {
        const decl = (statement.getInitializer() as Node & { getDeclarations(): Node[] }).getDeclarations()[0]!;
        inner.set(decl.compilerNode, named(b.prim("load", [iterated!, state.index!]), variableName(decl)));
      }
      const values = this.lowerRest({ statements: [statement.getStatement()], index: 0, next: undefined }, inner, exits);
      b.loc = loc;
      b.yield(values);
    });

    carried.forEach((d, i) => env.set(d.compilerNode, op.results[i]!));
    const final = at(op.results);
    return flags.returned ? { returned: final.returned!, value: final.result } : undefined;
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
    const element = Node.isBinaryExpression(e) ? e.getLeft() : Node.isPrefixUnaryExpression(e) || Node.isPostfixUnaryExpression(e) ? e.getOperand() : undefined;
    if (element && Node.isElementAccessExpression(element)) {
      this.elementAssignment(e, element, env);
      return;
    }
    if (Node.isBinaryExpression(e)) {
      const target = e.getLeft();
      const kind = e.getOperatorToken().getKind();
      const decl = declarationOf(target);
      let value = this.expr(e.getRight(), env);
      const op = compoundAssignments.get(kind);
      if (op !== undefined) value = this.b.prim(binaryPrimitive.get(op)!, [this.read(target, env), value]);
      env.set(decl.compilerNode, named(value, target.getText()));
      return;
    }
    if (Node.isPrefixUnaryExpression(e) || Node.isPostfixUnaryExpression(e)) {
      const target = e.getOperand();
      const step = e.getOperatorToken() === SyntaxKind.PlusPlusToken ? "add" : "sub";
      const value = this.b.prim(step, [this.read(target, env), this.b.const(1)]);
      env.set(declarationOf(target).compilerNode, named(value, target.getText()));
      return;
    }
    throw new InternalError(`expression statement ${e.getKindName()} passed the fence`);
  }

  /** `a[i] = v`, `a[i] += v`, `a[i]++`: a store, after a load for the compound forms. */
  private elementAssignment(e: Expression, target: Node & { getExpression(): Node; getArgumentExpressionOrThrow(): Node }, env: Env): void {
    const b = this.b;
    const array = this.expr(target.getExpression(), env);
    const index = this.expr(target.getArgumentExpressionOrThrow(), env);
    let value: Value;
    if (Node.isBinaryExpression(e)) {
      value = this.expr(e.getRight(), env);
      const op = compoundAssignments.get(e.getOperatorToken().getKind());
      if (op !== undefined) value = b.prim(binaryPrimitive.get(op)!, [b.prim("load", [array, index]), value]);
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
      this.countedLoop(b.prim("len", [array]), (k) => b.prim("store", [array, k, value]));
    }
  }

  /** A `while` op running `body(k)` for k = 0 .. n-1, for the loops hidden in fill and slice. */
  private countedLoop(n: Value, body: (k: Value) => void): void {
    const b = this.b;
    const op = b.whileOp([b.const(0)]);
    const [cond, loopBody] = op.regions as [Region, Region];
    for (const v of [cond.args[0]!, loopBody.args[0]!, op.results[0]!]) v.name = "k";
    b.inRegion(cond, () => b.yield([b.prim("lt", [cond.args[0]!, n])]));
    b.inRegion(loopBody, () => {
      body(loopBody.args[0]!);
      b.yield([b.add(loopBody.args[0]!, b.const(1))]);
    });
  }

  /** A copy of an array (`a.slice()`): numbers are copied one by one, rows by reference. */
  private copy(array: Value): Value {
    const b = this.b;
    const n = b.prim("len", [array]);
    if (array.type === "f64[][]") {
      const rows = b.prim("nalloc", []);
      this.countedLoop(n, (k) => b.prim("append", [rows, k, b.prim("load", [array, k])]));
      return rows;
    }
    const copy = b.prim(array.type === "Float64Array" ? "falloc" : "alloc", [n]);
    this.countedLoop(n, (k) => b.prim("store", [copy, k, b.prim("load", [array, k])]));
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

  private read(id: Node, env: Env): Value {
    const decl = Node.isIdentifier(id) ? declarationOf(id) : id;
    const bound = env.get(decl.compilerNode);
    if (bound === undefined || bound === Unassigned) {
      this.fail(id, Codes.UnassignedVariable, `'${id.getText()}' is read before it is assigned on every path`);
    }
    return bound;
  }

  private expr(e: Node, env: Env): Value {
    const b = this.b;
    // The compiler's normalised text ("0x10" -> "16", "1_000" -> "1000"); ts-morph's
    // getLiteralValue() reads "1e-15" as 1.
    if (Node.isNumericLiteral(e)) return b.const(Number(e.compilerNode.text));
    if (Node.isTrueLiteral(e)) return b.const(true);
    if (Node.isFalseLiteral(e)) return b.const(false);
    if (Node.isParenthesizedExpression(e) || Node.isAsExpression(e) || Node.isNonNullExpression(e)
      || Node.isSatisfiesExpression(e) || Node.isTypeAssertion(e)) {
      return this.expr(e.getExpression(), env);
    }
    if (Node.isIdentifier(e)) return this.identifier(e, env);
    if (Node.isElementAccessExpression(e)) {
      return b.prim("load", [this.expr(e.getExpression(), env), this.expr(e.getArgumentExpressionOrThrow(), env)]);
    }
    if (Node.isArrayLiteralExpression(e)) return this.arrayLiteral(e, env);
    if (Node.isNewExpression(e)) return b.prim("falloc", [this.expr(e.getArguments()[0]!, env)]);
    if (Node.isPropertyAccessExpression(e) && e.getName() === "length" && e.getExpression().getText() !== "Math") {
      return b.prim("len", [this.expr(e.getExpression(), env)]);
    }
    if (Node.isPropertyAccessExpression(e)) {
      const c = mathConstants.get(e.getName());
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
      if (kind) return b.prim(kind, [this.expr(e.getLeft(), env), this.expr(e.getRight(), env)]);
    }
    if (Node.isConditionalExpression(e)) {
      const cond = this.expr(e.getCondition(), env);
      const branches = [e.getWhenTrue(), e.getWhenFalse()];
      const known = constantOf(cond);
      if (known !== undefined) return this.expr(branches[known ? 0 : 1]!, env);
      const op: Op = b.ifOp(cond, [valueType(e.getType()) ?? "f64"]);
      branches.forEach((branch, i) => b.inRegion(op.regions[i]!, () => b.yield([this.expr(branch, env)])));
      return this.asSelect(op) ?? op.results[0]!;
    }
    if (Node.isCallExpression(e)) return this.callExpression(e, env);
    throw new InternalError(`expression ${e.getKindName()} passed the fence`);
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

  private identifier(id: Node, env: Env): Value {
    const text = id.getText();
    const decl = id.getSymbol()?.getDeclarations()[0];
    if (decl && env.has(decl.compilerNode)) return this.read(id, env);
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

  private callExpression(call: Node & { getExpression(): Node; getArguments(): Node[] }, env: Env): Value {
    const callee = call.getExpression();
    const method = arrayMethod(call);
    if (method) {
      const target = (callee as Node & { getExpression(): Node }).getExpression();
      if (method === "slice") return this.copy(this.expr(target, env));
      // new Array(n).fill(v)
      const b = this.b;
      const array = b.prim("alloc", [this.expr((target as Node & { getArguments(): Node[] }).getArguments()[0]!, env)]);
      const value = this.expr(call.getArguments()[0]!, env);
      if (constantOf(value) !== 0) this.countedLoop(b.prim("len", [array]), (k) => b.prim("store", [array, k, value]));
      return array;
    }
    const args = call.getArguments().map((a) => this.expr(a, env));
    const b = this.b;
    if (Node.isPropertyAccessExpression(callee)) {
      const name = callee.getName();
      if (name === "max" || name === "min") {
        if (args.length === 0) return b.const(name === "max" ? -Infinity : Infinity);
        return args.reduce((acc, v) => b.prim(name, [acc, v]));
      }
      return b.prim(name, args);
    }
    const decl = callee.getSymbol()?.getDeclarations()[0];
    if (!decl || !Node.isFunctionDeclaration(decl)) throw new InternalError(`call ${callee.getText()} passed the fence`);
    const loc = b.loc;
    const result = this.call(decl, args);
    b.loc = loc;
    return result;
  }
}

type LoopStatement = ForStatement | WhileStatement | DoStatement | ForOfStatement;

interface Exits {
  /** The types of the values every way out yields. */
  types: Type[];
  onReturn(value: Value | undefined, env: Env): Value[];
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

function hasReturn(statement: Node): boolean {
  return statement.getDescendantsOfKind(SyntaxKind.ReturnStatement).length > 0;
}

/** The loop a `break` or `continue` leaves or repeats. */
function targetLoop(jump: Node): Node | undefined {
  return jump.getFirstAncestor((a) => isLoop(a));
}

/** Whether `statement` contains a `break` of its own (not of a nested loop). */
function hasBreak(loop: Node): boolean {
  return loop.getDescendantsOfKind(SyntaxKind.BreakStatement).some((j) => targetLoop(j) === loop);
}

/** Whether control can leave `statement` other than by falling through: a return, or a jump to an enclosing loop. */
function mayExit(statement: Node): boolean {
  if (hasReturn(statement)) return true;
  const jumps = [...statement.getDescendantsOfKind(SyntaxKind.BreakStatement), ...statement.getDescendantsOfKind(SyntaxKind.ContinueStatement)];
  return jumps.some((j) => {
    const loop = targetLoop(j);
    return !loop || !(loop === statement || loop.getAncestors().includes(statement));
  });
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
