/**
 * Out of SSA: decides how each IR value appears in TypeScript.
 *
 * - Constants print as literals; a pure value used once, in the same region
 *   and the same source-line group, is inlined into its user's expression
 *   (values the user named are always kept as variables).
 * - Every other value gets a variable. A value may take over the variable of
 *   a value that dies where it is defined, when the two hold versions of the
 *   same source variable or adjoint: `s = s * x`, `dx += ...`. The results of
 *   an `if` take over the variable of a same-named value they replace, and a
 *   value a branch yields is written straight into the result's variable.
 *
 * Liveness (liveness.ts) is exact for structured code.
 */
import { Structural, type Func, type Op, type Type, type Value } from "../ir/types.js";
import { definedInside, terminator, walkOps, diverges } from "../ir/walk.js";
import { chooseInlined, effectiveReads } from "./inline.js";
import { Liveness } from "./liveness.js";
import { Names } from "./names.js";

/** A variable of the generated code (the printer declares it `let` if it assigns it again, else `const`). */
export interface Variable {
  name: string;
}

export interface Allocation {
  /** Values printed inside their single user's expression. */
  inlined: Set<Value>;
  /** The variable of every other non-constant value (parameters included). */
  variable: Map<Value, Variable>;
  /** Fresh variables to declare before each `if`, with their initial constant if a branch yields one. */
  declarations: Map<Op, { variable: Variable; init: Value | undefined; result: Value }[]>;
  /** Loop state variables to declare before each loop, with their initial values. */
  loopInits: Map<Op, { variable: Variable; init: Value }[]>;
  /** The counter variable of each `repeat`. */
  repeatCounters: Map<Op, string>;
  /** The name of the caller's gradient buffers (`grad`, unless a parameter has that name). */
  gradName: string;
  /** Each source parameter's name in the generated code: its own, unless the module or generated code needs it. */
  paramNames: Map<string, string>;
  /** The generated function's own locals: the tapes in use, their tops, and the pool counter. */
  locals: Readonly<Record<LocalName, string>>;
  /** For names made while printing (temporaries of a parallel copy). */
  names: Names;
  /**
   * The variables holding stashed branch values (see Structural.Stash), to
   * declare before the op of the function body that holds the stash.
   */
  stashes: Map<Op, { variable: Variable; type: Type }[]>;
  /** Where values are read, and which ops can run after which. */
  liveness: Liveness;
}

/** Locals every generated function may declare, by their usual name. */
const localNames = ["tape", "top", "indices", "itop", "decisions", "dtop", "pooled"] as const;
export type LocalName = (typeof localNames)[number];

const isLoop = (op: Op) => op.kind === Structural.While || op.kind === Structural.Repeat;

type Declaration = { variable: Variable; init: Value | undefined; result: Value };

/** `moduleNames`: the generated module's top-level names, which no variable may take. */
export function allocate(f: Func, moduleNames: Iterable<string> = []): Allocation {
  const inlined = chooseInlined(f);
  const names = new Names(moduleNames);
  const variable = new Map<Value, Variable>();
  const paramNames = new Map<string, string>();
  for (const p of f.signature ?? f.params) paramNames.set(p.name, names.own(p.name));
  for (const p of f.params) variable.set(p.value, { name: p.path ? names.own(p.name) : paramNames.get(p.name)! });
  const locals = Object.fromEntries(localNames.map((n) => [n, names.fresh(n)])) as Record<LocalName, string>;
  const gradName = names.fresh("grad");
  const stashes = stashVariables(f, inlined, variable);
  const liveness = new Liveness(f, effectiveReads(f, inlined));
  const allocator = new Allocator(f, inlined, liveness, names, variable);
  allocator.visit(f.body.ops, new Map(), undefined, undefined);
  // Declared in the order the branches compute them.
  // (A parameter, defined by no op, comes first.)
  const at = (v: Value) => (v.def ? liveness.index(v.def) : -1);
  for (const list of stashes.values()) list.sort((a, b) => at(a.value) - at(b.value));
  const { declarations, loopInits, repeatCounters } = allocator;
  return { inlined, variable, declarations, loopInits, repeatCounters, gradName, paramNames, locals, names, stashes, liveness };
}

/** The walk that gives values their variables, in program order, with the variables' current holders in scope. */
class Allocator {
  readonly declarations = new Map<Op, Declaration[]>();
  readonly loopInits = new Map<Op, { variable: Variable; init: Value }[]>();
  readonly repeatCounters = new Map<Op, string>();
  private readonly params: Set<Value>;

  constructor(f: Func, private readonly inlined: Set<Value>, private readonly live: Liveness, private readonly names: Names,
    private readonly variable: Map<Value, Variable>) {
    this.params = new Set(f.params.map((p) => p.value));
  }

  visit(ops: Op[], holders: Map<Variable, Value>, yieldOp: Op | undefined, owner: Op | undefined): void {
    for (const op of ops) {
      if (op.kind === Structural.If) this.visitIf(op, holders, yieldOp, owner);
      else if (isLoop(op)) this.visitLoop(op, holders);
      else if (op.results.length === 1 && op.kind !== Structural.Const && !this.inlined.has(op.results[0]!)) {
        this.visitValue(op, op.results[0]!, holders, yieldOp, owner);
      }
    }
  }

  /**
   * A value's variable: a stash's, the enclosing `if` result's it is yielded
   * as, the variable of a same-named value that dies here (`s = s * x`), or a
   * fresh one.
   */
  private visitValue(op: Op, v: Value, holders: Map<Variable, Value>, yieldOp: Op | undefined, owner: Op | undefined): void {
    const kept = this.variable.get(v);
    if (kept) {
      // A stashed value or its recall: the stash's variable, named where it is first written or read.
      if (!kept.name) kept.name = this.names.fresh(v.name);
      holders.set(kept, v);
      return;
    }
    const target = this.yieldTarget(v, op, holders, yieldOp, owner);
    if (target) {
      this.assign(v, target, holders);
      return;
    }
    const donor = op.operands.find((u) => this.variable.has(u) && !this.params.has(u) && sameName(u, v)
      && holders.get(this.variable.get(u)!) === u && this.live.diesAt(u, op));
    if (donor) this.assign(v, this.variable.get(donor)!, holders);
    else this.fresh(v, holders);
  }

  private visitIf(op: Op, holders: Map<Variable, Value>, yieldOp: Op | undefined, owner: Op | undefined): void {
    const claimed = new Set<Variable>();
    const declared: Declaration[] = [];
    op.results.forEach((r, j) => {
      const yields = op.regions.map((region) => terminator(region).operands[j]!);
      const target = this.yieldTarget(r, op, holders, yieldOp, owner);
      // A same-named value the if replaces: yielded as is, or read inside the if (dx += ...).
      const candidates = [...yields, ...(this.live.readInside.get(op) ?? [])];
      const donor = candidates.find((u) => this.variable.has(u) && !this.params.has(u) && sameName(u, r)
        && holders.get(this.variable.get(u)!) === u && !claimed.has(this.variable.get(u)!) && this.live.diesAt(u, op)
        && !definedInside(u, op));
      if (target && !claimed.has(target)) {
        claimed.add(target);
        this.variable.set(r, target);
      } else if (donor) {
        claimed.add(this.variable.get(donor)!);
        this.variable.set(r, this.variable.get(donor)!);
      } else {
        const x = this.fresh(r, new Map());
        // (Not from a branch that throws: what it yields is never read.)
        declared.push({ variable: x, init: yields.find((u, i) => isConst(u) && !diverges(op.regions[i]!)), result: r });
      }
    });
    this.declarations.set(op, declared);
    op.regions.forEach((region) => this.visit(region.ops, new Map(holders), terminator(region), op));
    for (const r of op.results) holders.set(this.variable.get(r)!, r);
  }

  /**
   * A loop's state lives in one variable per component: the regions'
   * arguments, the yielded next values and the results all use it. It takes
   * over the initial value's variable when that value is not read again.
   */
  private visitLoop(op: Op, holders: Map<Variable, Value>): void {
    const offset = op.kind === Structural.Repeat ? 1 : 0;
    const inits: { variable: Variable; init: Value }[] = [];
    op.results.forEach((r, j) => {
      const init = op.operands[offset + j]!;
      const x = this.variable.get(init);
      // Not when a loop around this one runs it again from the same initial value (an inlined helper's parameter).
      const reusable = x && !this.params.has(init) && sameName(init, r) && holders.get(x) === init && !this.live.reachable(op, op, init)
        && (this.live.reads.get(init) ?? []).every((at) => at === op || !this.live.reachable(op, at, init) && !this.live.insideOf(at, op));
      const state = reusable ? x : { name: this.names.fresh(r.name) };
      if (!reusable) inits.push({ variable: state, init });
      this.variable.set(r, state);
      for (const region of op.regions) this.variable.set(region.args[j]!, state);
    });
    this.loopInits.set(op, inits);
    if (op.kind === Structural.Repeat) this.repeatCounters.set(op, this.names.fresh("k"));
    op.regions.forEach((region) => {
      const inner = new Map(holders);
      region.args.forEach((a) => inner.set(this.variable.get(a)!, a));
      const yieldOp = region === op.regions[op.regions.length - 1] ? terminator(region) : undefined;
      this.visit(region.ops, inner, yieldOp, yieldOp && op);
    });
    for (const r of op.results) holders.set(this.variable.get(r)!, r);
  }

  /**
   * The variable of the enclosing `if` result that `v` is yielded as, when `v`
   * can be written straight into it (its current holder is dead by then).
   */
  private yieldTarget(v: Value, at: Op, holders: Map<Variable, Value>, yieldOp: Op | undefined, owner: Op | undefined): Variable | undefined {
    const slot = yieldOp && owner ? yieldOp.operands.indexOf(v) : -1;
    if (slot < 0) return undefined;
    const target = this.variable.get(owner!.results[slot]!)!;
    const holder = holders.get(target);
    return !holder || this.live.diesAt(holder, at) ? target : undefined;
  }

  private assign(v: Value, target: Variable, holders: Map<Variable, Value>): void {
    this.variable.set(v, target);
    holders.set(target, v);
  }

  private fresh(v: Value, holders: Map<Variable, Value>): Variable {
    const x: Variable = { name: this.names.fresh(v.name) };
    this.variable.set(v, x);
    holders.set(x, v);
    return x;
  }
}

const isConst = (v: Value) => v.def?.kind === Structural.Const;

/** One variable holds one type: `dt` for a parameter t's adjoint and `dt` for an array's shadow stay apart. */
function sameName(a: Value, b: Value): boolean {
  return a.nameKind !== "temp" && a.nameKind === b.nameKind && a.name === b.name && a.type === b.type;
}

/**
 * One variable per stash, shared by the stashed value (unless it is printed
 * inside the stash, or computed before that op) and its recall, declared before the op of the function
 * body that holds the stash: the branch assigns it where it computes the
 * value, and the reverse branch reads it.
 */
function stashVariables(f: Func, inlined: Set<Value>, variable: Map<Value, Variable>): Map<Op, { variable: Variable; type: Type; value: Value }[]> {
  const stashes = new Map<Op, { variable: Variable; type: Type; value: Value }[]>();
  for (const top of f.body.ops) {
    for (const op of [top, ...top.regions.flatMap((r) => [...walkOps(r)])]) {
      if (op.kind !== Structural.Stash) continue;
      const v = op.operands[0]!;
      const x: Variable = { name: "" }; // named in program order by allocate's walk
      // A value from before that op is assigned to it at the stash (its own variable is declared earlier).
      if (!inlined.has(v) && definedInside(v, top)) variable.set(v, x);
      variable.set(op.partner!.results[0]!, x);
      stashes.set(top, [...(stashes.get(top) ?? []), { variable: x, type: v.type, value: v }]);
    }
  }
  return stashes;
}
