/**
 * Loops become `while` ops whose state is the variables the loop assigns,
 * plus a flag for `break`, a flag and a value for `return`, a flag for each
 * labelled jump to an enclosing loop, and a first-trip flag for
 * `do ... while`; a loop whose condition has effects is lowered
 * rotated (see `loop`).
 */
import { Node, type Expression, ts } from "ts-morph";
import { Codes, InternalError } from "../../diagnostics.js";
import { primitiveOf } from "../../ir/primitives.js";
import type { Builder } from "../../ir/builder.js";
import { Structural, type Op, type Region, type SourceLoc, type Type, type Value } from "../../ir/types.js";
import { terminator, walkOps } from "../../ir/walk.js";
import { build, flatten, isAggregate, isMissing, Unassigned, type Aggregate, type Bound, type Cell, type Env } from "../aggregate.js";
import { leavesOf, partName, type AggregateShape } from "../shape.js";
import { locOf } from "../source.js";
import type { Lowerer } from "../lower.js";
import { type LoopStatement, type Escape, hasReturn, hasBreak, statementCondition, carriedVariables, variableName, mayWriteCells, escapesOf, targetLoop } from "./syntax.js";
import { named, isCellKey, markCopied } from "./cells.js";
import type { Exits } from "./control.js";
import { outerWrites } from "./captures.js";
import { elementAt, isRecordsBound, lengthOf } from "./records.js";
import { checkpointOf } from "../checkpoint.js";
import { forOfEntries } from "../subset.js";

/**
 * How a loop was left: when it can return, the return flag and value; for
 * each labelled jump to an enclosing loop, the flag that it was taken.
 */
export interface LoopOutcome {
  returned?: Value;
  values: Value[];
  escaped: { flag: Value; escape: Escape }[];
}

/** Thrown when a loop condition turns out to have effects: the loop is lowered again, rotated. */
export class EffectfulCondition extends Error {}

/** Whether a region writes array memory (a store or a push, at any depth). */
export function writesMemory(r: Region): boolean {
  for (const op of walkOps(r)) if (primitiveOf(op)?.memory === "write") return true;
  return false;
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
export function loop(lw: Lowerer, statement: LoopStatement, env: Env) : LoopOutcome {
  lw.loopInitializer(statement, env);
  const region = lw.b.region;
  const attempt = region.ops.length;
  try {
    return lw.loopOp(statement, env, false);
  } catch (e) {
    if (!(e instanceof EffectfulCondition)) throw e;
    // Drop the first attempt's while op and lower the loop rotated. (Its initial
    // values stay: constants are shared by common-subexpression elimination, and
    // clean-up removes what nothing reads.)
    const dropped = region.ops.findIndex((op, i) => i >= attempt && op.kind === Structural.While);
    region.ops.splice(dropped, 1);
    return lw.loopOp(statement, env, true);
  }
}

export function loopInitializer(lw: Lowerer, statement: LoopStatement, env: Env) : void {
  if (Node.isForStatement(statement)) {
    const init = statement.getInitializer();
    if (init && Node.isVariableDeclarationList(init)) {
      for (const decl of init.getDeclarations()) {
        const value = decl.getInitializer();
        lw.bindName(decl.getNameNode(), decl.compilerNode, value ? lw.bound(value, env) : Unassigned, env);
      }
    } else if (init) {
      lw.assignment(init, env);
    }
  }
}

export function loopOp(lw: Lowerer, statement: LoopStatement, env: Env, rotated: boolean): LoopOutcome {
  const loop = new LoopLowering(lw, statement, env, rotated);
  loop.lowerCondition();
  loop.lowerBody();
  return loop.finish();
}

type Slot = { key: ts.Node | Cell; name: string; shape?: AggregateShape };
type Change = { broken?: boolean | Value; returned?: boolean; values?: Value[]; escape?: Escape };

/**
 * One loop's lowering: the layout of its state (the carried variables, an
 * aggregate contributing its leaves, the cells the body may write, then the
 * flags), its condition region, its body region, and the values after it.
 */
class LoopLowering {
  private readonly b: Builder;
  private readonly loc: SourceLoc;
  private readonly test: Expression | undefined;
  private readonly iterated: Bound | undefined;
  private readonly slots: Slot[];
  private readonly flags: { broken: boolean; returned: boolean; first: boolean; escapes: Escape[] };
  private readonly init: Value[] = [];
  private readonly stateCount: number;
  private readonly resultTypes: Type[];
  private readonly op: Op;

  constructor(private readonly lw: Lowerer, private readonly statement: LoopStatement, private readonly env: Env, private readonly rotated: boolean) {
    const b = (this.b = lw.b);
    this.loc = locOf(statement);
    this.iterated = Node.isForOfStatement(statement) ? lw.bound(forOfEntries(statement)?.array ?? statement.getExpression(), env) : undefined;
    b.loc = this.loc;
    this.slots = this.stateSlots();
    this.test = Node.isForOfStatement(statement) ? undefined : statementCondition(statement);
    this.flags = {
      // A rotated loop leaves through the break flag when its condition is false.
      broken: hasBreak(statement) || (rotated && this.test !== undefined),
      returned: hasReturn(statement),
      first: Node.isDoStatement(statement) && !rotated,
      escapes: escapesOf(statement),
    };
    this.init.push(...this.slots.flatMap((slot) => flatten(env.get(slot.key) as Bound, env)));
    const names = this.slots.flatMap((slot) => slot.shape ? leavesOf(slot.shape).map((l) => l.path.reduce(partName, slot.name)) : [slot.name]);
    this.stateCount = this.init.length;
    const resultShape = lw.resultShapes[lw.resultShapes.length - 1];
    this.resultTypes = this.flags.returned && resultShape ? leavesOf(resultShape).map((l) => l.type) : [];
    const flag = (value: Value, name: string) => { this.init.push(value); names.push(name); };
    if (this.flags.broken) flag(b.const(false), "broken");
    if (this.flags.returned) flag(b.const(false), "returned");
    for (const t of this.resultTypes) flag(lw.placeholderOf(t), "result");
    if (this.flags.first) flag(b.const(true), "first");
    for (const _ of this.flags.escapes) flag(b.const(false), "escaped");
    if (this.iterated) flag(b.const(0), "k");
    this.op = b.whileOp(this.init);
    const checkpoint = checkpointOf(statement);
    if (checkpoint !== undefined) this.op.checkpoint = checkpoint;
    for (const values of [this.op.results, ...this.op.regions.map((r) => r.args)]) {
      values.forEach((v, i) => { v.name = names[i]!; v.nameKind = i < this.stateCount ? "source" : "temp"; });
    }
  }

  /** The loop state: carried variables (an aggregate contributes its leaves), then the cells the body may write. */
  private stateSlots(): Slot[] {
    const { env, statement, lw } = this;
    const carried = carriedVariables(statement).filter((d) => env.has(d.compilerNode));
    for (const d of carried) {
      if (isMissing(env.get(d.compilerNode))) {
        lw.fail(d, Codes.UnassignedVariable, `'${variableName(d)}' must be assigned before the loop that assigns it`);
      }
    }
    // Variables outside the loop that a function it calls assigns (a closure's `n++`).
    const known = new Set(carried.map((d) => d.compilerNode));
    const written = outerWrites(statement, env, (d) => d.getAncestors().includes(statement))
      .filter((k): k is ts.Node => !isCellKey(k) && !known.has(k));
    return [
      ...carried.map((d) => {
        const bound = env.get(d.compilerNode) as Bound;
        return { key: d.compilerNode, name: variableName(d), ...(isAggregate(bound) ? { shape: bound.shape } : {}) };
      }),
      ...written.map((key) => {
        const bound = env.get(key) as Bound;
        return { key, name: (key as ts.VariableDeclaration).name.getText(), ...(isAggregate(bound) ? { shape: bound.shape } : {}) };
      }),
      ...(mayWriteCells(statement) ? [...env.keys()].filter(isCellKey).map((c) => ({ key: c, name: c.name })) : []),
    ];
  }

  /** The number of elements `for...of` runs over (an array of tuples or objects: its leaves' length). */
  private iteratedLength(env: Env): Value {
    return isRecordsBound(this.iterated) ? lengthOf(this.lw, this.iterated, env) : this.b.prim("len", [this.iterated as Value]);
  }

  /** The state's values under the names: flags after the carried state. */
  private at(values: Value[]) {
    let i = this.stateCount;
    const broken = this.flags.broken ? values[i++] : undefined;
    const returned = this.flags.returned ? values[i++] : undefined;
    const result = values.slice(i, i + this.resultTypes.length);
    i += this.resultTypes.length;
    const first = this.flags.first ? values[i++] : undefined;
    const escaped = values.slice(i, i + this.flags.escapes.length);
    i += this.flags.escapes.length;
    return { broken, returned, result, first, escaped, index: this.iterated ? values[i++] : undefined };
  }

  /** Binds the carried state to `values` in `target`; aggregates become fresh copies. */
  private bindState(target: Env, values: Value[]): void {
    let i = 0;
    for (const slot of this.slots) {
      const n = slot.shape ? leavesOf(slot.shape).length : 1;
      const part = values.slice(i, i + n);
      i += n;
      if (slot.shape) {
        markCopied(this.env.get(slot.key) as Aggregate);
        target.set(slot.key, build(slot.shape, part, target, slot.name, { copied: true }));
      } else {
        target.set(slot.key, part[0]!);
      }
    }
  }

  private bind(region: Region): Env {
    const inner: Env = new Map(this.env);
    this.bindState(inner, region.args);
    return inner;
  }

  /** Whether to run the body again: the condition (unless rotated), and not after a break or return. */
  lowerCondition(): void {
    const { b, lw, test, rotated } = this;
    const condRegion = this.op.regions[0]!;
    b.inRegion(condRegion, () => {
      const inner = this.bind(condRegion);
      const state = this.at(condRegion.args);
      const before = new Map(inner);
      let cond: Value | undefined = this.iterated ? b.prim("lt", [state.index!, this.iteratedLength(inner)])
        : test && !rotated ? lw.condition(test, inner) : undefined;
      if (test && !rotated && (writesMemory(condRegion) || [...before].some(([key, v]) => inner.get(key) !== v))) {
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
      state.escaped.forEach(and);
      b.loc = this.loc;
      b.yield([cond ?? b.const(true)]);
    });
  }

  /** One trip: the body, in continuation style, each way out yielding the next state. */
  lowerBody(): void {
    const { b, lw, statement, test, rotated } = this;
    const bodyRegion = this.op.regions[1]!;
    b.inRegion(bodyRegion, () => {
      const state = this.at(bodyRegion.args);
      const exits = this.exits(state);
      const inner = this.bind(bodyRegion);
      const entries = forOfEntries(statement);
      if (entries) {
        // `[i, x] of xs.entries()`: the hidden index, and the element at it.
        const { index, element: name, array } = entries;
        lw.bindName(index, index.getParentOrThrow().compilerNode, state.index!, inner);
        const element = isRecordsBound(this.iterated) ? elementAt(lw, this.iterated, state.index!, inner, Node.isIdentifier(name) ? name.getText() : "", array.getText())
          : b.prim("load", [this.iterated as Value, state.index!]);
        lw.bindName(name, name.getParentOrThrow().compilerNode, element, inner);
      } else if (Node.isForOfStatement(statement)) {
        const decl = (statement.getInitializer() as Node & { getDeclarations(): Node[] }).getDeclarations()[0]!;
        if (isRecordsBound(this.iterated)) {
          const name = (decl as Node & { getNameNode(): Node }).getNameNode();
          const element = elementAt(lw, this.iterated, state.index!, inner, Node.isIdentifier(name) ? variableName(decl) : "", statement.getExpression().getText());
          lw.bindName(name, decl.compilerNode, element, inner);
        } else {
          inner.set(decl.compilerNode, named(b.prim("load", [this.iterated as Value, state.index!]), variableName(decl)));
        }
      }
      const trip = (tripEnv: Env) => lw.lowerRest({ statements: [statement.getStatement()], index: 0, next: undefined }, tripEnv, exits);
      let values: Value[];
      if (rotated && test && !Node.isDoStatement(statement)) {
        // A rotated while or for tests its condition first: false leaves as a break does.
        b.loc = locOf(test);
        const going = lw.condition(test, inner);
        values = lw.branch(going, exits.types, [trip, (exitEnv) => this.next(exitEnv, state, { broken: true })], inner);
      } else {
        values = trip(inner);
      }
      b.loc = this.loc;
      b.yield(values);
    });
  }

  /**
   * The ways out of a trip: its end and `continue` step to the next trip,
   * `break` and `return` set their flags, and so does a labelled jump to an
   * enclosing loop (which that loop takes once this one has ended).
   */
  private exits(state: ReturnType<LoopLowering["at"]>): Exits {
    const { b, lw, statement, test, rotated } = this;
    const step = (inner: Env): Value[] => {
      if (Node.isForStatement(statement)) {
        const inc = statement.getIncrementor();
        if (inc) {
          b.loc = locOf(inc);
          lw.assignment(inc, inner);
        }
      }
      if (rotated && test && Node.isDoStatement(statement)) {
        // A rotated do ... while tests its condition after each trip: false leaves as a break does.
        b.loc = locOf(test);
        return this.next(inner, state, { broken: b.prim("not", [lw.condition(test, inner)]) });
      }
      return this.next(inner, state, {});
    };
    return {
      types: this.init.map((v) => v.type),
      onReturn: (values, inner, bound) => {
        if (isAggregate(bound)) markCopied(bound); // returned as a copy, from the loop's state
        return this.next(inner, state, { returned: true, values: values ?? [] });
      },
      onEnd: step,
      onContinue: (inner, jump) => this.own(jump) ? step(inner) : this.escape(inner, state, jump),
      onBreak: (inner, jump) => this.own(jump) ? this.next(inner, state, { broken: true }) : this.escape(inner, state, jump),
    };
  }

  /** Whether a jump is to this loop. */
  private own(jump: Node): boolean {
    return targetLoop(jump) === this.statement;
  }

  /** The state after a labelled jump to an enclosing loop: its flag set. */
  private escape(inner: Env, state: ReturnType<LoopLowering["at"]>, jump: Node): Value[] {
    const target = targetLoop(jump);
    const kind = Node.isBreakStatement(jump) ? "break" : "continue";
    const escape = this.flags.escapes.find((e) => e.target === target && e.kind === kind);
    if (!escape) throw new InternalError(`a jump to '${jump.getText()}' that its loop does not know`);
    return this.next(inner, state, { escape });
  }

  /** The next state, from the variables and cells in `inner` and the flags `change` sets. */
  private next(inner: Env, state: ReturnType<LoopLowering["at"]>, change: Change): Value[] {
    const { b, flags } = this;
    const values = this.slots.flatMap((slot) => {
      const bound = isCellKey(slot.key) ? (inner.get(slot.key) as Value) : this.lw.readBound(slot.key, inner);
      // The next trip (or the code after the loop) gets a copy: whatever the variable holds now no longer shares it.
      if (isAggregate(bound)) markCopied(bound);
      return flatten(bound, inner);
    });
    if (flags.broken) values.push(typeof change.broken === "object" ? change.broken : b.const(change.broken === true));
    if (flags.returned) values.push(b.const(change.returned === true));
    values.push(...(change.values ?? state.result));
    if (flags.first) values.push(b.const(false));
    for (const e of flags.escapes) values.push(b.const(change.escape === e));
    if (this.iterated) values.push(change.broken || change.returned || change.escape ? state.index! : b.add(state.index!, b.const(1)));
    return values;
  }

  /** Binds the variables to the loop's results; returns how the loop was left. */
  finish(): LoopOutcome {
    const { env, op } = this;
    const bodyRegion = op.regions[1]!;
    this.bindState(env, op.results);
    // A field no trip changes (the body yields its own argument) keeps its value from before
    // the loop rather than the loop's result, so callers see it unchanged.
    const yielded = terminator(bodyRegion).operands;
    let leaf = 0;
    for (const slot of this.slots) {
      if (isCellKey(slot.key) && yielded[leaf] === bodyRegion.args[leaf]) env.set(slot.key, this.init[leaf]!);
      leaf += slot.shape ? leavesOf(slot.shape).length : 1;
    }
    const final = this.at(op.results);
    return {
      ...(this.flags.returned ? { returned: final.returned! } : {}),
      values: final.result,
      escaped: this.flags.escapes.map((escape, i) => ({ flag: final.escaped[i]!, escape })),
    };
  }
}
