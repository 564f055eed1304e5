/**
 * The reverse-mode transform. From a primal IR function it builds the
 * gradient function: the forward sweep (the primal's ops, same operations in
 * the same order), then the reverse sweep, which visits the ops backwards and
 * applies each primitive's adjoint rule from the primitive table. An `if`
 * is reversed into an `if` on the same condition; the forward `if` yields
 * whatever primal values its reverse branch needs (to-be-recorded values),
 * since values defined inside a branch are not in scope after it.
 */
import { InternalError } from "../diagnostics.js";
import { Builder, emptyRegion } from "../ir/builder.js";
import { primitiveOf, type Shadows } from "../ir/primitives.js";
import { isVectorValued, leavesOf, partName, shapeText } from "../ir/shape.js";
import { isArray, Structural, type Func, type Op, type Param, type Region, type Shape, type Value } from "../ir/types.js";
import { definedInside, replaceUses, terminator, useCounts, walkOps } from "../ir/walk.js";
import { aliasClasses, analyseActivity, type AliasClasses } from "./activity.js";
import { addInto } from "./arrays.js";
import { affineCounters, finalValue, tripFormula, wholeNumber, type Counter } from "./counters.js";
import { ForwardSweep, nameLike } from "./forward.js";
import { fusable } from "./fusion.js";
import { StableReads } from "./stable.js";
import { userRuleReverse } from "./user-rules.js";

type Adjoints = Map<Value, Value>;

/**
 * The gradient function of `primal` with respect to the parameters `wrt`.
 * A primal returning one number gets `<name>Grad(...args)`, seeded with 1; a
 * vector-valued primal (an array, tuple or object of numbers and arrays) gets
 * `<name>Vjp(...args, seed)`, whose reverse sweep starts from the adjoints in
 * `seed` (same shape as the result) and so computes seed^T J.
 */
export function reverseMode(primal: Func, wrt: string[]): Func {
  const body = emptyRegion(undefined);
  const b = new Builder(body);
  const primalResults = primal.body.ops[primal.body.ops.length - 1]!.operands;
  const vjp = isVectorValued(primal);
  const activity = analyseActivity(primal.body, primal.params.filter((p) => wrt.includes(p.name)).map((p) => p.value), primalResults);
  const forward = new ForwardSweep(b, activity);
  const params = primal.params.map((p) => {
    const value = b.argument(body, p.type, p.name, "source");
    body.args.push(value);
    forward.mapping.set(p.value, value);
    return { ...p, value };
  });
  const signature = primal.signature ?? primal.params.map((p) => ({ name: p.name, typeText: p.typeText }));
  const seedName = vjp ? freeName("seed", signature.map((p) => p.name)) : "";
  const seeds = vjp ? seedParameters(b, body, primal.resultShape!, seedName, params.map((p) => p.name)) : [];
  for (const p of primal.params) forward.shadowParameter(p.value);
  const results = forward.region(primal.body).operands.map((v, i) =>
    nameLike(forward.get(v), { id: -1, type: v.type, name: vjp ? `${primal.name}${i}` : primal.name, nameKind: "source", def: undefined }));
  const active = new Set([...activity.active].map((v) => forward.mapping.get(v)).filter((v): v is Value => !!v));

  const t = new Transform(b, active, forward.shadowOf, body, results);
  b.reverse = true;
  b.exact = false;
  b.loc = primal.body.ops[primal.body.ops.length - 1]?.loc;
  const adjoints: Adjoints = new Map();
  if (!vjp && active.has(results[0]!)) adjoints.set(results[0]!, b.const(1));
  results.forEach((r, i) => {
    if (!vjp) return;
    if (!isArray(r.type)) {
      if (active.has(r)) t.seed(adjoints, r, seeds[i]!.value);
      return;
    }
    const shadow = forward.shadowOf(r);
    const loc = b.loc;
    b.loc = undefined; // seeding reverses no source line
    if (shadow) addInto(b, shadow, seeds[i]!.value);
    b.loc = loc;
  });
  t.reverseRegion(body, adjoints);

  const grads = wrt.map((name) => {
    const p = params.find((q) => q.name === name)!;
    if (isArray(p.type)) return forward.shadowOf(p.value) ?? b.prim("zeros", [p.value]);
    return adjoints.get(p.value) ?? b.const(0);
  });
  b.reverse = false;
  b.loc = primal.loc;
  b.insert({ kind: Structural.Return, operands: [...results, ...grads], results: [], regions: [], parent: undefined });
  return {
    name: `${primal.name}${vjp ? "Vjp" : "Grad"}`,
    params: [...params, ...seeds],
    body,
    resultTypes: [...results.map((r) => r.type), ...grads.map((g) => g.type)],
    resultRoles: [...results.map(() => ({ role: "value" as const })), ...wrt.map((param) => ({ role: "derivative" as const, param }))],
    ...(primal.signature || vjp ? { signature: vjp ? [...signature, { name: seedName, typeText: shapeText(primal.resultShape!) }] : signature } : {}),
    ...(primal.resultShape ? { resultShape: primal.resultShape } : {}),
    loc: primal.loc,
  };
}

/** `name`, or `name_` (and so on) when a parameter has it. */
function freeName(name: string, taken: string[]): string {
  while (taken.includes(name)) name += "_";
  return name;
}

/** One parameter per leaf of the result's shape: the seed, read like a tuple or object parameter. */
function seedParameters(b: Builder, body: Region, shape: Shape, name: string, taken: string[]): Param[] {
  return leavesOf(shape).map((leaf) => {
    const path = leaf.path.reduce(partName, name);
    const leafName = leaf.path.length ? freeName(path, taken) : name;
    taken.push(leafName);
    const value = b.argument(body, leaf.type, leafName, "source");
    body.args.push(value);
    return { name: leafName, type: leaf.type, value, typeText: leaf.text, ...(leaf.path.length ? { path: [name, ...leaf.path] } : {}) };
  });
}

/** Operations cheap enough to recompute in the reverse sweep rather than tape. */
const cheap = new Set(["add", "sub", "mul", "neg", "max", "min", "lt", "le", "gt", "ge", "eq", "ne", "and", "or", "not", "select"]);

/** Whether `v` is defined by `region` itself (an argument or a top-level op), not outside it. */
function definedBy(region: Region, v: Value): boolean {
  return (v.def?.parent === region && v.def.kind !== Structural.Const) || region.args.includes(v);
}

/** Replaces operands throughout an op and its regions. */
function replaceAll(op: Op, replacement: Map<Value, Value>): void {
  op.operands = op.operands.map((v) => replacement.get(v) ?? v);
  for (const r of op.regions) for (const inner of r.ops) replaceAll(inner, replacement);
}

class Transform {
  private readonly classes: AliasClasses;

  constructor(private readonly b: Builder, private readonly active: Set<Value>, private readonly shadow: Shadows,
    private readonly body: Region, private readonly results: Value[]) {
    this.classes = aliasClasses(body);
    this.forwardUses = useCounts(body);
    this.stableReads = new StableReads(body, this.classes);
  }

  private readonly stableReads: StableReads;

  /** How often each value is read by the forward sweep. */
  private readonly forwardUses: Map<Value, number>;

  reverseRegion(r: Region, adj: Adjoints): void {
    for (let i = r.ops.length - 1; i >= 0; i--) {
      const op = r.ops[i]!;
      if (op.kind === Structural.If) this.reverseIf(op, adj);
      else if (op.kind === Structural.While) this.reverseWhile(op, adj);
      else if (primitiveOf(op)?.memory) this.reverseMemory(op, adj);
      else if (primitiveOf(op)) this.reversePrimitive(op, adj);
    }
  }

  private reversePrimitive(op: Op, adj: Adjoints): void {
    const y = op.results[0]!;
    const dy = adj.get(y);
    if (!dy) return;
    const rule = primitiveOf(op)!.adjoint;
    if (!rule) throw new InternalError(`active value from ${op.kind}, which has no adjoint`);
    const need = op.operands.map((v) => this.active.has(v));
    this.b.loc = op.loc;
    const contributions = rule(this.b, op.operands, y, dy, need);
    op.operands.forEach((x, i) => {
      const c = contributions[i];
      if (need[i] && c) this.accumulate(adj, x, c);
    });
  }

  private reverseMemory(op: Op, adj: Adjoints): void {
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

  /** Loads whose reverse is already done by the store of an in-place update. */
  private readonly updatedInPlace = new Set<Op>();

  /**
   * For `store(a, i, y + v)` (or `v + y`, `y - v`) with `y = load(a, i)` earlier in the
   * same region, nothing writing in between, and `y` and the sum used nowhere else:
   * the load. Then da[i] passes through unchanged to dy, and dv gets it too.
   */
  private inPlaceUpdate(store: Op): Op | undefined {
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
  private touchesShadows(r: Region): boolean {
    for (const op of walkOps(r)) {
      if ((op.kind === "store" || op.kind === "append" || op.kind === "load") && this.shadow(op.operands[0]!)) return true;
    }
    return false;
  }

  /** Adds a seed to a result's adjoint (a value returned twice gets both seeds). */
  seed(adj: Adjoints, x: Value, seed: Value): void {
    this.accumulate(adj, x, seed);
  }

  private accumulate(adj: Adjoints, x: Value, contribution: Value): void {
    const previous = adj.get(x);
    const sum = previous ? this.b.add(previous, contribution) : contribution;
    if (sum.nameKind === "temp" && sum.def?.reverse) {
      sum.name = adjointName(x);
      sum.nameKind = "adjoint";
    }
    adj.set(x, sum);
  }

  private reverseIf(op: Op, adj: Adjoints): void {
    const seeds = op.results.map((r) => adj.get(r));
    if (seeds.every((s) => !s) && !op.regions.some((r) => this.touchesShadows(r))) return;
    const b = this.b;
    b.loc = op.loc;
    const rev = b.ifOp(op.operands[0]!, []);
    const branchAdjoints = op.regions.map((region, i) =>
      b.inRegion(rev.regions[i]!, () => {
        const local: Adjoints = new Map(adj);
        const yielded = terminator(region).operands;
        b.loc = op.loc;
        seeds.forEach((s, j) => {
          if (s && this.active.has(yielded[j]!)) this.accumulate(local, yielded[j]!, s);
        });
        this.reverseRegion(region, local);
        return local;
      }));
    const changed = new Set<Value>();
    for (const local of branchAdjoints) {
      for (const [v, a] of local) if (adj.get(v) !== a && !definedInside(v, op)) changed.add(v);
    }
    const outer = [...changed].sort((p, q) => p.id - q.id);
    rev.regions.forEach((region, i) =>
      b.inRegion(region, () => {
        b.loc = op.loc;
        b.yield(outer.map((v) => branchAdjoints[i]!.get(v) ?? adj.get(v) ?? b.const(0)));
      }));
    rev.results = outer.map((v) => {
      const a = b.newValue("f64", adjointName(v), "adjoint", rev);
      adj.set(v, a);
      return a;
    });
    this.recordBranchValues(op, rev);
  }

  /**
   * A `while` is reversed by a `repeat` that runs its body's reverse once per
   * trip, last trip first. The state of the `repeat` is the adjoint of the loop
   * state plus the adjoints of the outer values the body reads. Values of the
   * body the reverse needs are pushed on the tape at the end of each forward
   * trip and popped at the start of each reverse trip.
   */
  private reverseWhile(op: Op, adj: Adjoints): void {
    const b = this.b;
    const body = op.regions[1]!;
    const next = terminator(body).operands;
    const seeds = op.results.map((r) => adj.get(r));
    if (seeds.every((s) => !s) && !this.touchesShadows(body)) return;
    // The state components that carry a derivative from one trip to the next.
    // (Also a component whose initial value is active and whose result has an adjoint:
    // when the loop runs no trip, the result is the initial value.)
    const carried = op.results.map((_, j) => j).filter((j) => this.active.has(body.args[j]!) || this.active.has(next[j]!)
      || (seeds[j] !== undefined && this.active.has(op.operands[j]!)));
    const outer = [...new Set([...walkOps(body)].flatMap((o) => o.operands))]
      .filter((v) => this.active.has(v) && !definedInside(v, op) && !body.args.includes(v))
      .sort((p, q) => p.id - q.id);
    const atEntry = (v: Value) => this.atLoopEntry(v, op, false) !== undefined;
    if (fusable(op, carried, seeds, { body: this.body, classes: this.classes, shadow: this.shadow, results: this.results, atEntry })) {
      this.fuseWhile(op, adj, carried, seeds, outer);
      return;
    }
    const n = carried.length;
    b.loc = op.loc;
    // Counters are computed backwards from their final values rather than taped; a
    // counted loop's trip count is computed from its start and bound rather than counted.
    const counters = affineCounters(op);
    b.reverse = false;
    const formula = tripFormula(b, op, counters, (v) => this.invariantValue(v, op));
    const trips = formula ?? this.countTrips(op);
    const finals = counters.map((c) => finalValue(b, op, c, trips));
    b.reverse = true;
    const zero = b.const(0);
    const rep = b.repeatOp(trips, [...carried.map((j) => seeds[j] ?? zero), ...outer.map((v) => adj.get(v) ?? zero), ...finals]);
    const region = rep.regions[0]!;
    const named = [...carried.map((j) => adjointName(op.results[j]!)), ...outer.map(adjointName)];
    [region.args, rep.results].forEach((values) => values.forEach((v, i) => {
      const counter = counters[i - named.length];
      v.name = counter ? body.args[counter.index]!.name : named[i]!;
      v.nameKind = counter ? body.args[counter.index]!.nameKind : "adjoint";
    }));
    b.inRegion(region, () => {
      const local: Adjoints = new Map(adj);
      outer.forEach((v, i) => local.set(v, region.args[n + i]!));
      carried.forEach((j, i) => {
        if (this.active.has(next[j]!)) this.accumulate(local, next[j]!, region.args[i]!);
      });
      this.reverseRegion(body, local);
      b.loc = op.loc;
      b.yield([...carried.map((j) => local.get(body.args[j]!) ?? zero), ...outer.map((v) => local.get(v) ?? zero),
        ...counters.map((c) => body.args[c.index]!)]);
    });
    outer.forEach((v, i) => adj.set(v, rep.results[n + i]!));
    carried.forEach((j, i) => {
      const init = op.operands[j]!;
      if (this.active.has(init)) this.accumulate(adj, init, rep.results[i]!);
    });
    this.recordTripValues(body, region, new Map(counters.map((c, i) => [body.args[c.index]!, { counter: c, after: region.args[named.length + i]! }])));
    if (formula) this.reserveTape(op, counters);
  }

  /**
   * For a counted loop whose trips push (and whose nested loops do not): a
   * `reserve` of room for all its trips just before it, the trip count
   * computed there from the loop's start and bound. A check for room in every
   * trip reassigns the tape inside the loop, which keeps V8 from optimising
   * the loop's accesses to it (about a fifth of the mass-spring gradient's time).
   */
  private reserveTape(op: Op, counters: Counter[]): void {
    const body = op.regions[1]!;
    const pushes = [...walkOps(body)].filter((o) => o.kind === Structural.Push);
    if (pushes.length === 0 || pushes.some((o) => o.parent !== body)) return;
    const b = this.b;
    const reverse = b.reverse;
    b.reverse = false;
    const { ops, result: trips } = b.detached(() => {
      b.loc = op.loc;
      return tripFormula(b, op, counters, (v) => this.invariantValue(v, op));
    });
    b.reverse = reverse;
    if (!trips) return;
    const reserve = b.makeOp(Structural.Reserve, [trips], []);
    reserve.partner = op;
    reserve.loc = op.loc;
    const region = op.parent!;
    for (const o of [...ops, reserve]) o.parent = region;
    region.ops.splice(region.ops.indexOf(op), 0, ...ops, reserve);
  }

  /**
   * The reverse of a `while` whose trips are independent (see `fusable`): each
   * trip's reverse is added at the end of its body, seeded with the constant
   * adjoints of the accumulators, which pass through every trip unchanged. The
   * adjoints of outer values the body reads become extra loop state, starting
   * from 0 and added to theirs after the loop. Nothing is taped.
   */
  private fuseWhile(op: Op, adj: Adjoints, carried: number[], seeds: (Value | undefined)[], outer: Value[]): void {
    const b = this.b;
    const [cond, body] = op.regions as [Region, Region];
    const end = terminator(body);
    const next = [...end.operands];
    op.operands.push(...outer.map(() => b.const(0)));
    for (const region of [cond, body]) region.args.push(...outer.map((v) => b.argument(region, "f64", adjointName(v), "adjoint")));
    const sums = body.args.slice(body.args.length - outer.length);
    b.confined(body, () => {
      const local: Adjoints = new Map(outer.map((v, i) => [v, sums[i]!]));
      b.loc = op.loc;
      carried.forEach((j) => {
        const seed = seeds[j];
        if (seed && this.active.has(next[j]!)) this.accumulate(local, next[j]!, this.atLoopEntry(seed, op, true)!);
      });
      this.reverseRegion(body, local);
      end.operands.push(...outer.map((v, i) => local.get(v) ?? sums[i]!));
    });
    const totals = outer.map((v) => b.newValue("f64", adjointName(v), "adjoint", op));
    op.results.push(...totals);
    b.loc = op.loc;
    outer.forEach((v, i) => this.accumulate(adj, v, totals[i]!));
    carried.forEach((j) => {
      const seed = seeds[j];
      if (seed && this.active.has(op.operands[j]!)) this.accumulate(adj, op.operands[j]!, seed);
    });
  }

  /**
   * A value of the reverse sweep as one computed inside `loop` (with `build`,
   * at the insertion point): a value defined before the loop as it is,
   * constants, arithmetic and reads of parameters over such values computed
   * again. Without `build` only says whether it can be done.
   */
  private atLoopEntry(v: Value, loop: Op, build: boolean): Value | undefined {
    return this.recompute(v, (x) => definedBefore(x, loop),
      (op) => cheap.has(op.kind) || op.kind === "div" || op.kind === Structural.Const || this.readOnlyRead(op), build);
  }

  /**
   * `v` computed again at the insertion point: values `given` accepts as they
   * are, the ops `allowed` accepts (constants made anew) over such values, or
   * undefined. Without `build` only says whether it can be done.
   */
  private recompute(v: Value, given: (x: Value) => boolean, allowed: (op: Op) => boolean, build = true): Value | undefined {
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
  private readOnlyRead(op: Op): boolean {
    if (op.kind !== "load" && op.kind !== "len") return false;
    for (let a: Value | undefined = op.operands[0]; a; a = a.def?.kind === "load" ? a.def.operands[0] : undefined) {
      if (this.body.args.includes(a)) return true;
    }
    return false;
  }

  /**
   * A read the same in every trip of its loop (array and index from outside the
   * loop, nothing in the loop writes the array's class) is read once more just
   * before the loop, for the reverse sweep: then it is recorded once per run
   * of the loop instead of once per trip. The extra read happens even when the
   * loop runs no trip, so the array must be one that surely exists (a parameter
   * or an allocation, not a row, which an index out of range leaves undefined);
   * its number is then never used.
   */
  private hoistInvariantRead(read: Op): Value | undefined {
    const loop = read.parent?.owner;
    if (read.kind !== "load" || read.results[0]!.type !== "f64" || loop?.kind !== Structural.While) return undefined;
    const [array, index] = read.operands as [Value, Value];
    if (definedInside(array, loop) || (definedInside(index, loop) && index.def?.kind !== Structural.Const)) return undefined;
    const exists = array.def ? ["alloc", "falloc", "empty", "fempty"].includes(array.def.kind) : array.region === this.body;
    if (!exists) return undefined;
    const key = this.writtenKey(array);
    for (const op of walkOps(loop.regions[1]!)) {
      if ((op.kind === "store" || op.kind === "append") && !op.reverse && this.writtenKey(op.operands[0]!) === key) return undefined;
    }
    const copy = this.b.makeOp("load", [array, index], ["f64"]);
    copy.loc = read.loc;
    copy.parent = loop.parent;
    loop.parent!.ops.splice(loop.parent!.ops.indexOf(loop), 0, copy);
    return nameLike(copy.results[0]!, read.results[0]!);
  }

  /**
   * A value of a loop's condition region as one computed outside the loop, when
   * it is the same in every trip: a value from outside, a constant, or cheap
   * arithmetic and reads of arrays nothing writes over such values.
   */
  private invariantValue(v: Value, loop: Op): Value | undefined {
    return this.recompute(v, (x) => !definedInside(x, loop), (op) => op.parent === loop.regions[0] && this.recomputable(op));
  }

  /** Adds a trip counter to a `while`'s state; returns its final value. */
  private countTrips(op: Op): Value {
    const b = this.b;
    const [cond, body] = op.regions as [Region, Region];
    const start = b.const(0);
    op.operands.push(start);
    cond.args.push(b.argument(cond, "f64", "trips", "temp"));
    const k = b.argument(body, "f64", "trips", "temp");
    body.args.push(k);
    const end = terminator(body);
    body.ops.pop();
    b.inRegion(body, () => {
      b.loc = op.loc;
      b.reverse = false;
      const incremented = b.add(k, b.const(1));
      end.operands.push(incremented);
      body.ops.push(end);
      b.reverse = true;
    });
    const trips = b.newValue("f64", "trips", "source", op);
    op.results.push(trips);
    return trips;
  }

  /** Tapes each value of a forward loop body that its reverse body reads: pushed at the end of a trip, popped at the start. */
  private recordTripValues(forward: Region, reverse: Region, counters: Map<Value, { counter: Counter; after: Value }>): void {
    const needed = new Set<Value>();
    for (const o of walkOps(reverse)) {
      for (const v of o.operands) if (definedBy(forward, v)) needed.add(v);
    }
    if (needed.size === 0) return;
    // Decide, for each needed value, whether to recompute it from values at hand or tape it.
    const recomputed = new Set<Value>();
    const taped = new Set<Value>();
    const hoisted = new Map<Value, Value>();
    const classify = (v: Value): void => {
      if (!definedBy(forward, v) || recomputed.has(v) || taped.has(v) || counters.has(v) || hoisted.has(v)) return;
      if (v.def && this.recomputable(v.def)) {
        v.def.operands.forEach(classify);
        recomputed.add(v);
      } else {
        const copy = v.def && this.hoistInvariantRead(v.def);
        if (copy) hoisted.set(v, copy);
        else taped.add(v);
      }
    };
    needed.forEach(classify);
    const byId = (p: Value, q: Value) => p.id - q.id;
    const tape = [...taped].sort(byId);

    const end = terminator(forward);
    forward.ops.pop();
    const pushes = new Map<Value, Op>();
    this.b.inRegion(forward, () => {
      this.b.reverse = false;
      for (const v of tape) pushes.set(v, this.b.push(v));
      this.b.reverse = true;
    });
    forward.ops.push(end);

    const rest = reverse.ops;
    reverse.ops = [];
    const replacement = new Map<Value, Value>(hoisted);
    const get = (v: Value) => replacement.get(v) ?? v;
    this.b.inRegion(reverse, () => {
      // A counter's value in this trip: its value after the trip, one step back.
      this.b.reverse = false;
      for (const [v, { counter, after }] of counters) {
        replacement.set(v, nameLike(this.b.prim(counter.kind === "add" ? "sub" : "add", [after, counter.step]), v));
      }
      this.b.reverse = true;
      for (const v of [...tape].reverse()) {
        const popped = this.b.pop(v);
        const push = pushes.get(v)!;
        push.partner = popped.def;
        popped.def!.partner = push;
        if (this.isIndex(v)) push.index = popped.def!.index = true;
        replacement.set(v, popped);
      }
      // Recomputation repeats forward work: it is not marked as reverse sweep.
      this.b.reverse = false;
      for (const v of [...recomputed].sort(byId)) {
        const op = v.def!;
        this.b.loc = op.loc;
        replacement.set(v, nameLike(op.kind === Structural.Const ? this.b.const(op.literal!) : this.b.again(op, op.operands.map(get)), v));
      }
      this.b.reverse = true;
    });
    reverse.ops.push(...rest);
    for (const op of rest) replaceAll(op, replacement);
  }

  /**
   * Cheap to compute again in the reverse sweep: arithmetic and comparisons,
   * and reads of arrays nothing writes (parameters, rows of them) or nothing
   * writes after the read (`StableReads`).
   */
  private recomputable(op: Op): boolean {
    if (op.kind === Structural.Const) return true;
    if (cheap.has(op.kind)) return true;
    if (op.kind === "load" || op.kind === "len") return !this.written.has(this.writtenKey(op.operands[0]!)) || this.stableReads.stable(op);
    return false;
  }

  private writtenKey(array: Value): string {
    return `${this.classes.find(array).id}:${array.type}`;
  }

  /** Array classes (with the type written) that the forward sweep stores into or pushes to. */
  private get written(): Set<string> {
    if (!this.writtenCache) {
      this.writtenCache = new Set();
      for (const op of walkOps(this.body)) {
        if ((op.kind === "store" || op.kind === "append") && !op.reverse) this.writtenCache.add(this.writtenKey(op.operands[0]!));
      }
    }
    return this.writtenCache;
  }

  private writtenCache: Set<string> | undefined;

  /**
   * An array index: a whole number (built from integer constants, lengths and
   * loop counters by + and -) that indexes an array. Such values go on an
   * Int32Array tape: they come back as integers, which element access wants.
   */
  private isIndex(v: Value): boolean {
    if (!this.indexUses) {
      this.indexUses = new Set();
      for (const op of walkOps(this.body)) {
        if ((op.kind === "load" || op.kind === "store" || op.kind === "append") && !op.reverse) this.indexUses.add(op.operands[1]!);
      }
    }
    return this.indexUses.has(v) && wholeNumber(v);
  }

  private indexUses: Set<Value> | undefined;

  /** Makes the forward `if` yield each primal value of its branches that the reverse branch reads. */
  private recordBranchValues(forward: Op, reverse: Op): void {
    forward.regions.forEach((region, i) => {
      const needed = new Set<Value>();
      for (const op of walkOps(reverse.regions[i]!)) {
        for (const v of op.operands) if (v.def?.parent === region && v.def.kind !== Structural.Const) needed.add(v);
      }
      if (insideLoop(forward)) this.recomputeBranchValues(forward, region, reverse.regions[i]!, needed);
      for (const v of [...needed].sort((p, q) => p.id - q.id)) {
        const already = terminator(region).operands.indexOf(v);
        if (already >= 0) {
          replaceUses(reverse.regions[i]!, v, forward.results[already]!);
          continue;
        }
        const recorded = this.b.newValue(v.type, v.name, v.nameKind, forward);
        forward.results.push(recorded);
        forward.regions.forEach((r, k) => {
          terminator(r).operands.push(k === i ? v : this.placeholder(forward, v));
        });
        replaceUses(reverse.regions[i]!, v, recorded);
      }
    });
  }

  /**
   * In a loop, arithmetic of a forward branch over values from outside the
   * `if` is computed again at the start of the reverse branch rather than
   * yielded by the forward `if`, which would tape it; such values leave `needed`.
   */
  private recomputeBranchValues(forward: Op, region: Region, reverse: Region, needed: Set<Value>): void {
    const copies = new Map<Value, Value>();
    const b = this.b;
    const rest = reverse.ops;
    reverse.ops = [];
    const rebuild = (v: Value): Value | undefined => {
      if (!definedInside(v, forward) || v.def?.kind === Structural.Const) return v;
      if (v.def?.parent !== region || !cheap.has(v.def.kind)) return undefined;
      const known = copies.get(v);
      if (known) return known;
      const operands: Value[] = [];
      for (const x of v.def.operands) {
        const y = rebuild(x);
        if (!y) return undefined;
        operands.push(y);
      }
      b.loc = v.def.loc;
      const copy = nameLike(b.again(v.def, operands), v);
      copies.set(v, copy);
      return copy;
    };
    b.inRegion(reverse, () => {
      b.reverse = false;
      for (const v of [...needed].sort((p, q) => p.id - q.id)) {
        const copy = rebuild(v);
        if (copy) needed.delete(v);
      }
      b.reverse = true;
    });
    reverse.ops.push(...rest);
    for (const op of rest) replaceAll(op, copies);
  }

  /** A constant standing for a recorded value on the branch that does not compute it (never read there). */
  private placeholder(before: Op, like: Value): Value {
    const region = before.parent!;
    const op = isArray(like.type)
      ? this.b.makeOp({ "f64[]": "empty", Float64Array: "fempty", "f64[][]": "nalloc" }[like.type], [], [like.type])
      : this.b.makeOp(Structural.Const, [], [like.type]);
    if (!isArray(like.type)) op.literal = like.type === "bool" ? false : 0;
    op.parent = region;
    region.ops.splice(region.ops.indexOf(before), 0, op);
    return op.results[0]!;
  }
}

/** Whether `v` is defined before `op` starts: in a region around it, ahead of it (or an argument of such a region). */
function definedBefore(v: Value, op: Op): boolean {
  for (let at: Op | undefined = op; at?.parent; at = at.parent.owner) {
    const region = at.parent;
    if (region.args.includes(v)) return true;
    if (v.def?.parent === region) return region.ops.indexOf(v.def) < region.ops.indexOf(at);
  }
  return false;
}

function insideLoop(op: Op): boolean {
  for (let r = op.parent; r?.owner; r = r.owner.parent) if (r.owner.kind === Structural.While) return true;
  return false;
}

/** `dx` for `x`, `dLoss` for `loss`: the adjoint's name hint. */
export function adjointName(v: Value): string {
  const base = v.name || "t";
  return base.length === 1 ? `d${base}` : `d${base[0]!.toUpperCase()}${base.slice(1)}`;
}
