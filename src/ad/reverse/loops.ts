/**
 * The reverse of a `while`: a `repeat` that runs the body's reverse once per
 * trip, last trip first, its state the adjoints of the loop state and of the
 * outer values the body reads; or, for a loop that only sums independent
 * terms (fusion.ts), each trip's reverse appended to the trip itself. The
 * loop transformations around it: counters counted back instead of taped and
 * trip counts computed from start and bound (counters.ts), the trip counter
 * when there is no formula, and one reserve of tape room before a counted
 * loop whose trips push.
 */
import type { Op, Region, Value } from "../../ir/types.js";
import { Structural } from "../../ir/types.js";
import { definedInside, terminator, walkOps } from "../../ir/walk.js";
import { affineCounters, finalValue, tripFormula, type Counter } from "../counters.js";
import { fusable } from "../fusion.js";
import { adjointName } from "../names.js";
import type { Adjoints, ReverseSweep } from "./sweep.js";
import { recordTripValues, type Counters as Counted } from "./tape-policy.js";
import { checkpointedArrays, checkpointLoop } from "./checkpoint.js";

/**
 * A `while` is reversed by a `repeat` that runs its body's reverse once per
 * trip, last trip first. The state of the `repeat` is the adjoint of the loop
 * state plus the adjoints of the outer values the body reads. Values of the
 * body the reverse needs are pushed on the tape at the end of each forward
 * trip and popped at the start of each reverse trip.
 */
export function reverseWhile(t: ReverseSweep, op: Op, adj: Adjoints): void {
  const b = t.b;
  const body = op.regions[1]!;
  const next = terminator(body).operands;
  const seeds = op.results.map((r) => adj.get(r));
  if (seeds.every((s) => !s) && !t.touchesShadows(body)) return;
  // The state components that carry a derivative from one trip to the next.
  // (Also a component whose initial value is active and whose result has an adjoint:
  // when the loop runs no trip, the result is the initial value.)
  const carried = op.results.map((_, j) => j).filter((j) => t.active.has(body.args[j]!) || t.active.has(next[j]!)
    || (seeds[j] !== undefined && t.active.has(op.operands[j]!)));
  const outer = [...new Set([...walkOps(body)].flatMap((o) => o.operands))]
    .filter((v) => t.active.has(v) && !definedInside(v, op) && !body.args.includes(v))
    .sort((p, q) => p.id - q.id);
  const atEntry = (v: Value) => t.atLoopEntry(v, op, false) !== undefined;
  if (fusable(op, carried, seeds, { body: t.body, classes: t.classes, shadow: t.shadow, results: t.results, atEntry })) {
    fuseWhile(t, op, adj, carried, seeds, outer);
    return;
  }
  const n = carried.length;
  b.loc = op.loc;
  // Counters are computed backwards from their final values rather than taped; a
  // counted loop's trip count is computed from its start and bound rather than counted.
  const counters = affineCounters(op);
  b.reverse = false;
  const formula = tripFormula(b, op, counters, (v) => t.invariantValue(v, op));
  const trips = formula ?? countTrips(t, op);
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
      if (t.active.has(next[j]!)) t.accumulate(local, next[j]!, region.args[i]!);
    });
    t.reverseRegion(body, local);
    b.loc = op.loc;
    b.yield([...carried.map((j) => local.get(body.args[j]!) ?? zero), ...outer.map((v) => local.get(v) ?? zero),
      ...counters.map((c) => body.args[c.index]!)]);
  });
  const counted = new Map(counters.map((c, i) => [body.args[c.index]!, { counter: c, after: region.args[named.length + i]! }]));
  if (op.checkpoint !== undefined) {
    const results = checkpointed(t, op, rep, counters, formula, counted);
    if (results) {
      outer.forEach((v, i) => adj.set(v, results[n + i]!));
      carried.forEach((j, i) => {
        if (t.active.has(op.operands[j]!)) t.accumulate(adj, op.operands[j]!, results[i]!);
      });
      return;
    }
  }
  outer.forEach((v, i) => adj.set(v, rep.results[n + i]!));
  carried.forEach((j, i) => {
    const init = op.operands[j]!;
    if (t.active.has(init)) t.accumulate(adj, init, rep.results[i]!);
  });
  if (op.checkpoint === undefined) recordTripValues(t, body, region, counted);
  if (formula) reserveTape(t, op, counters);
}

/**
 * A loop tagged `@checkpoint` reversed from snapshots (checkpoint.ts): the
 * values standing for `rep`'s results, or undefined when its trips tape
 * nothing, so that there is nothing to checkpoint (the loop is reversed as
 * any other). Throws CheckpointRejected when the loop cannot be checkpointed.
 */
function checkpointed(t: ReverseSweep, op: Op, rep: Op, counters: Counter[], formula: Value | undefined, counted: Counted): Value[] | undefined {
  const arrays = checkpointedArrays(t, op, formula);
  const body = op.regions[1]!;
  recordTripValues(t, body, rep.regions[0]!, counted);
  if (![...walkOps(body)].some((o) => o.kind === Structural.Push)) return undefined;
  countTrips(t, op);
  return checkpointLoop(t, op, rep, counters, arrays, body.args.length - 1);
}

/**
 * The reverse of a `while` whose trips are independent (see `fusable`): each
 * trip's reverse is added at the end of its body, seeded with the constant
 * adjoints of the accumulators, which pass through every trip unchanged. The
 * adjoints of outer values the body reads become extra loop state, starting
 * from 0 and added to theirs after the loop. Nothing is taped.
 */
export function fuseWhile(t: ReverseSweep, op: Op, adj: Adjoints, carried: number[], seeds: (Value | undefined)[], outer: Value[]): void {
  const b = t.b;
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
      if (seed && t.active.has(next[j]!)) t.accumulate(local, next[j]!, t.atLoopEntry(seed, op, true)!);
    });
    t.reverseRegion(body, local);
    end.operands.push(...outer.map((v, i) => local.get(v) ?? sums[i]!));
  });
  const totals = outer.map((v) => b.newValue("f64", adjointName(v), "adjoint", op));
  op.results.push(...totals);
  b.loc = op.loc;
  outer.forEach((v, i) => t.accumulate(adj, v, totals[i]!));
  carried.forEach((j) => {
    const seed = seeds[j];
    if (seed && t.active.has(op.operands[j]!)) t.accumulate(adj, op.operands[j]!, seed);
  });
}

/** Adds a trip counter to a `while`'s state; returns its final value. */
export function countTrips(t: ReverseSweep, op: Op): Value {
  const b = t.b;
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

/**
 * For a counted loop whose trips push (and whose nested loops do not): a
 * `reserve` of room for all its trips just before it, the trip count
 * computed there from the loop's start and bound. A check for room in every
 * trip reassigns the tape inside the loop, which keeps V8 from optimising
 * the loop's accesses to it (about a fifth of the mass-spring gradient's time).
 */
export function reserveTape(t: ReverseSweep, op: Op, counters: Counter[]): void {
  const body = op.regions[1]!;
  const pushes = [...walkOps(body)].filter((o) => o.kind === Structural.Push);
  if (pushes.length === 0 || pushes.some((o) => o.parent !== body)) return;
  const b = t.b;
  const reverse = b.reverse;
  b.reverse = false;
  const { ops, result: trips } = b.detached(() => {
    b.loc = op.loc;
    return tripFormula(b, op, counters, (v) => t.invariantValue(v, op));
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
