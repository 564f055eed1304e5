/**
 * The reverse sweep: a walk over the primal sweep's ops, last first, that
 * applies each op's rule and adds the contributions into the adjoints of its
 * operands (`accumulate`). Primitives' rules are in their rows of the
 * primitive table (`adjoint` for numbers, `reverse` for memory ops); control
 * flow's are in `controlFlow` (branches.ts, loops.ts). What a loop's reverse
 * needs of its forward trips is the tape policy's choice (tape-policy.ts).
 * The facts the rules share about the program (alias classes, arrays that
 * are written, reads no later write reaches) live here.
 */
import { InternalError } from "../../diagnostics.js";
import { reuseKey, type Builder } from "../../ir/builder.js";
import { primitiveOf, type Shadows } from "../../ir/primitives.js";
import { Structural, type Op, type Region, type Value } from "../../ir/types.js";
import { definedBefore, definedInside, useCounts, walkOps } from "../../ir/walk.js";
import { aliasClasses, type AliasClasses } from "../activity.js";
import { wholeNumber } from "../counters.js";
import { adjointName } from "../names.js";
import { StableReads } from "../stable.js";
import { userRuleReverse } from "../user-rules.js";
import { reverseIf } from "./branches.js";
import { reverseWhile } from "./loops.js";
import { cheap, recomputeCheap, type TapePolicy } from "./tape-policy.js";

/** The adjoint of each value reached so far. */
export type Adjoints = Map<Value, Value>;

/** The reverse rule of a control-flow op. */
export type ControlFlowRule = (t: ReverseSweep, op: Op, adj: Adjoints) => void;

/** The reverse rules of the structured ops: an `if` by an `if`, a `while` by a `repeat` (or fused into its trips). */
const controlFlow: Partial<Record<string, ControlFlowRule>> = {
  [Structural.If]: reverseIf,
  [Structural.While]: reverseWhile,
};

export class ReverseSweep {
  readonly classes: AliasClasses;
  readonly stableReads: StableReads;
  /** How often each value is read by the forward sweep. */
  readonly forwardUses: Map<Value, number>;
  /** Loads whose reverse is already done by the store of an in-place update. */
  readonly updatedInPlace = new Set<Op>();

  constructor(readonly b: Builder, readonly active: Set<Value>, readonly shadow: Shadows,
    readonly body: Region, readonly results: Value[], readonly policy: TapePolicy = recomputeCheap) {
    this.classes = aliasClasses(body);
    this.forwardUses = useCounts(body);
    this.stableReads = new StableReads(body, this.classes);
  }

  /** The reverse of a region's ops, last first: each by its rule (control flow's in `controlFlow`, primitives' in their rows). */
  reverseRegion(r: Region, adj: Adjoints): void {
    for (let i = r.ops.length - 1; i >= 0; i--) {
      const op = r.ops[i]!;
      const rule = controlFlow[op.kind];
      if (rule) rule(this, op, adj);
      else if (primitiveOf(op)?.memory) this.reverseMemory(op, adj);
      else if (primitiveOf(op)) this.reversePrimitive(op, adj);
    }
  }

  reversePrimitive(op: Op, adj: Adjoints): void {
    const y = op.results[0]!;
    const dy = adj.get(y);
    if (!dy) return;
    const rule = primitiveOf(op)!.adjoint;
    if (!rule) throw new InternalError(`active value from ${op.kind}, which has no adjoint`);
    const need = op.operands.map((v) => this.active.has(v));
    this.b.loc = op.loc;
    const contributions = this.b.reusing(this.mathIn(op.parent!), () => rule(this.b, op.operands, y, dy, need));
    op.operands.forEach((x, i) => {
      const c = contributions[i];
      if (need[i] && c) this.accumulate(adj, x, c);
    });
  }

  /**
   * The Math functions a forward region computes, by `reuseKey`: a rule that
   * needs one (the adjoint of `sin` needs the `cos` of the same angle) takes
   * the forward's value, which its region's reverse reads like any value of
   * the region (a loop's tape policy tapes it), instead of calling the
   * function again. Exact arithmetic is left out: it is cheaper to compute again than to tape.
   */
  mathIn(r: Region): ReadonlyMap<string, Value> {
    let found = this.mathCache.get(r);
    if (!found) {
      found = new Map();
      for (const op of r.ops) {
        const p = primitiveOf(op);
        if (!p || op.primitive || p.memory || p.folds || p.statement || op.reverse || op.results.length !== 1) continue;
        found.set(reuseKey(op), op.results[0]!);
      }
      this.mathCache.set(r, found);
    }
    return found;
  }

  reverseMemory(op: Op, adj: Adjoints): void {
    const p = primitiveOf(op)!;
    const rule = p.userRule ? userRuleReverse(p.userRule) : p.reverse;
    if (!rule || this.updatedInPlace.has(op)) return;
    const y = op.results[0];
    this.b.loc = op.loc;
    const update = this.inPlaceUpdate(op);
    if (update) {
      // a[i] += v: the adjoint of the store (move da[i] into the sum, clear it) and of
      // the load (add the sum's adjoint back into da[i]) cancel; only dv += da[i] is left.
      this.updatedInPlace.add(update);
      this.accumulate(adj, op.operands[2]!, this.b.prim("load", [this.shadow(op.operands[0]!)!, op.operands[1]!]));
      return;
    }
    const contributions = rule(this.b, op.operands, y, y && adj.get(y), this.shadow);
    op.operands.forEach((x, i) => {
      const c = contributions[i];
      if (c && this.active.has(x)) this.accumulate(adj, x, c);
    });
  }

  /**
   * For `store(a, i, y + v)` (or `v + y`, `y - v`) with `y = load(a, i)` earlier in the
   * same region, nothing writing in between, and `y` and the sum used nowhere else:
   * the load. Then da[i] passes through unchanged to dy, and dv gets it too.
   */
  inPlaceUpdate(store: Op): Op | undefined {
    if (store.kind !== "store" || !this.shadow(store.operands[0]!)) return undefined;
    const [a, i, sum] = store.operands as [Value, Value, Value];
    const add = sum.def;
    if (!add || add.parent !== store.parent || (add.kind !== "add" && add.kind !== "sub")) return undefined;
    const candidates = add.kind === "add" ? add.operands : [add.operands[0]!];
    const load = candidates.map((y) => y.def).find((d) => d?.kind === "load" && d.parent === store.parent
      && d.operands[0] === a && d.operands[1] === i && d.results[0]!.type === "f64");
    if (!load || add.operands[0] === add.operands[1]) return undefined;
    if (this.forwardUses.get(load.results[0]!) !== 1 || this.forwardUses.get(sum) !== 1) return undefined;
    const ops = store.parent!.ops;
    for (let k = ops.indexOf(load) + 1; k < ops.indexOf(store); k++) {
      const between = ops[k]!;
      if (between.regions.length > 0 || primitiveOf(between)?.memory === "write" || between.kind === Structural.Push) return undefined;
    }
    return load;
  }

  /** Whether a region reads or writes arrays that have shadows (so its reverse matters even without scalar seeds). */
  touchesShadows(r: Region): boolean {
    for (const op of walkOps(r)) {
      if ((op.kind === "store" || op.kind === "append" || op.kind === "load") && this.shadow(op.operands[0]!)) return true;
    }
    return false;
  }

  /** Adds a seed to a result's adjoint (a value returned twice gets both seeds). */
  seed(adj: Adjoints, x: Value, seed: Value): void {
    this.accumulate(adj, x, seed);
  }

  accumulate(adj: Adjoints, x: Value, contribution: Value): void {
    const previous = adj.get(x);
    const sum = previous ? this.b.add(previous, contribution) : contribution;
    if (sum.nameKind === "temp" && sum.def?.reverse) {
      sum.name = adjointName(x);
      sum.nameKind = "adjoint";
    }
    adj.set(x, sum);
  }

  /**
   * A value of the reverse sweep as one computed inside `loop` (with `build`,
   * at the insertion point): a value defined before the loop as it is,
   * constants, arithmetic and reads of parameters over such values computed
   * again. Without `build` only says whether it can be done.
   */
  atLoopEntry(v: Value, loop: Op, build: boolean): Value | undefined {
    return this.recompute(v, (x) => definedBefore(x, loop),
      (op) => cheap.has(op.kind) || op.kind === "div" || op.kind === Structural.Const || this.readOnlyRead(op), build);
  }

  /**
   * `v` computed again at the insertion point: values `given` accepts as they
   * are, the ops `allowed` accepts (constants made anew) over such values, or
   * undefined. Without `build` only says whether it can be done.
   */
  recompute(v: Value, given: (x: Value) => boolean, allowed: (op: Op) => boolean, build = true): Value | undefined {
    if (given(v)) return v;
    const op = v.def;
    if (!op || !allowed(op)) return undefined;
    if (op.kind === Structural.Const) return build ? this.b.const(op.literal!) : v;
    const operands: Value[] = [];
    for (const x of op.operands) {
      const y = this.recompute(x, given, allowed, build);
      if (!y) return undefined;
      operands.push(y);
    }
    return build ? this.b.again(op, operands) : v;
  }

  /**
   * A read or length of a parameter or a row of one: nothing writes them, in
   * either sweep (a shadow array, which the reverse sweep writes, is not one).
   */
  readOnlyRead(op: Op): boolean {
    if (op.kind !== "load" && op.kind !== "len") return false;
    for (let a: Value | undefined = op.operands[0]; a; a = a.def?.kind === "load" ? a.def.operands[0] : undefined) {
      if (this.body.args.includes(a)) return true;
    }
    return false;
  }

  /**
   * A value of a loop's condition region as one computed outside the loop, when
   * it is the same in every trip: a value from outside, a constant, or cheap
   * arithmetic and reads of arrays nothing writes over such values.
   */
  invariantValue(v: Value, loop: Op): Value | undefined {
    return this.recompute(v, (x) => !definedInside(x, loop), (op) => op.parent === loop.regions[0] && this.recomputable(op));
  }

  /**
   * Cheap to compute again in the reverse sweep: arithmetic and comparisons,
   * and reads of arrays nothing writes (parameters, rows of them) or nothing
   * writes after the read (`StableReads`).
   */
  recomputable(op: Op): boolean {
    if (op.kind === Structural.Const) return true;
    if (cheap.has(op.kind)) return true;
    if (op.kind === "load" || op.kind === "len") return !this.written.has(this.writtenKey(op.operands[0]!)) || this.stableReads.stable(op);
    return false;
  }

  writtenKey(array: Value): string {
    return `${this.classes.find(array).id}:${array.type}`;
  }

  /** Array classes (with the type written) that the forward sweep stores into or pushes to. */
  get written(): Set<string> {
    if (!this.writtenCache) {
      this.writtenCache = new Set();
      for (const op of walkOps(this.body)) {
        if ((op.kind === "store" || op.kind === "append") && !op.reverse) this.writtenCache.add(this.writtenKey(op.operands[0]!));
      }
    }
    return this.writtenCache;
  }

  /**
   * An array index: a whole number (built from integer constants, lengths and
   * loop counters by + and -) that indexes an array. Such values go on an
   * Int32Array tape: they come back as integers, which element access wants.
   */
  isIndex(v: Value): boolean {
    if (!this.indexUses) {
      this.indexUses = new Set();
      for (const op of walkOps(this.body)) {
        if ((op.kind === "load" || op.kind === "store" || op.kind === "append") && !op.reverse) this.indexUses.add(op.operands[1]!);
      }
    }
    return this.indexUses.has(v) && wholeNumber(v);
  }

  private readonly mathCache = new Map<Region, Map<string, Value>>();
  private writtenCache: Set<string> | undefined;
  private indexUses: Set<Value> | undefined;
}
