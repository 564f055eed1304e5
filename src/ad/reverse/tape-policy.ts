/**
 * The tape policy: what the reverse trip of a loop gets from its forward
 * trip, and how. A value the reverse trip reads is computed again there
 * (from values at hand), read again before the loop (a read the same in
 * every trip, taped once per run of the loop), or pushed on the tape at the
 * end of the forward trip and popped at the start of the reverse trip. Loop
 * counters are never taped (counters.ts). The policy is a named object the
 * reverse sweep is given, so that another choice (tape everything) is one
 * more policy. A loop tagged `@checkpoint` keeps this choice for the trips
 * it tapes, and tapes one segment of trips at a time from snapshots of its
 * state (checkpoint.ts).
 */
import type { Op, Region, Value } from "../../ir/types.js";
import { Structural } from "../../ir/types.js";
import { definedBy, definedInside, replaceAll, terminator, walkOps } from "../../ir/walk.js";
import type { Counter } from "../counters.js";
import { nameLike } from "../names.js";
import type { ReverseSweep } from "./sweep.js";

export interface TapePolicy {
  readonly name: string;
  /** Whether the reverse trip computes `op`'s result again from its operands instead of taping it (when that is possible). */
  recomputes(t: ReverseSweep, op: Op): boolean;
  /** For a read the same in every trip: the same read once before the loop, taped once per run; or undefined to tape it per trip. */
  hoist(t: ReverseSweep, read: Op): Value | undefined;
}

/** Operations cheap enough to recompute in the reverse sweep rather than tape. */
export const cheap = new Set(["add", "sub", "mul", "neg", "max", "min", "lt", "le", "gt", "ge", "eq", "ne", "and", "or", "not", "select"]);

/**
 * The default: arithmetic and comparisons, and reads of arrays nothing writes
 * (or nothing writes after the read), are computed again; reads the same in
 * every trip are read once before the loop; everything else is taped.
 */
export const recomputeCheap: TapePolicy = {
  name: "recompute cheap values, tape the rest",
  recomputes: (t, op) => t.recomputable(op),
  hoist: (t, read) => hoistInvariantRead(t, read),
};

/** Every value the reverse trip needs goes on the tape (constants excepted): simplest, and the most memory. */
export const tapeEverything: TapePolicy = {
  name: "tape every value",
  recomputes: (_t, op) => op.kind === Structural.Const,
  hoist: () => undefined,
};

/**
 * A read the same in every trip of its loop (array and index from outside the
 * loop, nothing in the loop writes the array's class) is read once more just
 * before the loop, for the reverse sweep: then it is recorded once per run
 * of the loop instead of once per trip. The extra read happens even when the
 * loop runs no trip, so the array must be one that surely exists (a parameter
 * or an allocation, not a row, which an index out of range leaves undefined);
 * its number is then never used.
 */
export function hoistInvariantRead(t: ReverseSweep, read: Op): Value | undefined {
  const loop = read.parent?.owner;
  if (read.kind !== "load" || read.results[0]!.type !== "f64" || loop?.kind !== Structural.While) return undefined;
  const [array, index] = read.operands as [Value, Value];
  if (definedInside(array, loop) || (definedInside(index, loop) && index.def?.kind !== Structural.Const)) return undefined;
  const exists = array.def ? ["alloc", "falloc", "empty", "fempty"].includes(array.def.kind) : array.region === t.body;
  if (!exists) return undefined;
  const key = t.writtenKey(array);
  for (const op of walkOps(loop.regions[1]!)) {
    if ((op.kind === "store" || op.kind === "append") && !op.reverse && t.writtenKey(op.operands[0]!) === key) return undefined;
  }
  const copy = t.b.makeOp("load", [array, index], ["f64"]);
  copy.loc = read.loc;
  copy.parent = loop.parent;
  loop.parent!.ops.splice(loop.parent!.ops.indexOf(loop), 0, copy);
  return nameLike(copy.results[0]!, read.results[0]!);
}

export type Counters = Map<Value, { counter: Counter; after: Value }>;

/** How the reverse trip gets each value of the forward trip it reads. */
interface TripPlan {
  recomputed: Set<Value>;
  taped: Value[];
  /** Reads the same in every trip, by the copy read once before the loop. */
  hoisted: Map<Value, Value>;
}

/** Tapes each value of a forward loop body that its reverse body reads: pushed at the end of a trip, popped at the start. */
export function recordTripValues(t: ReverseSweep, forward: Region, reverse: Region, counters: Counters): void {
  const needed = new Set<Value>();
  for (const o of walkOps(reverse)) {
    for (const v of o.operands) if (definedBy(forward, v)) needed.add(v);
  }
  if (needed.size === 0) return;
  const plan = planTrip(t, forward, needed, counters);
  const pushes = pushAtEnd(t, forward, plan.taped);
  const rest = reverse.ops;
  reverse.ops = [];
  const replacement = t.b.inRegion(reverse, () => valuesAtStart(t, plan, pushes, counters));
  reverse.ops.push(...rest);
  for (const op of rest) replaceAll(op, replacement);
}

/** The policy's choice for each needed value (and what recomputing it needs in turn); counters are never taped. */
function planTrip(t: ReverseSweep, forward: Region, needed: Set<Value>, counters: Counters): TripPlan {
  const recomputed = new Set<Value>();
  const taped = new Set<Value>();
  const hoisted = new Map<Value, Value>();
  const classify = (v: Value): void => {
    if (!definedBy(forward, v) || recomputed.has(v) || taped.has(v) || counters.has(v) || hoisted.has(v)) return;
    if (v.def && t.policy.recomputes(t, v.def)) {
      v.def.operands.forEach(classify);
      recomputed.add(v);
    } else {
      const copy = v.def && t.policy.hoist(t, v.def);
      if (copy) hoisted.set(v, copy);
      else taped.add(v);
    }
  };
  needed.forEach(classify);
  return { recomputed, taped: [...taped].sort(byId), hoisted };
}

const byId = (p: Value, q: Value) => p.id - q.id;

/** The pushes of the taped values, at the end of the forward trip (before its yield). */
function pushAtEnd(t: ReverseSweep, forward: Region, taped: Value[]): Map<Value, Op> {
  const end = terminator(forward);
  forward.ops.pop();
  const pushes = new Map<Value, Op>();
  t.b.inRegion(forward, () => {
    t.b.reverse = false;
    for (const v of taped) pushes.set(v, t.b.push(v));
    t.b.reverse = true;
  });
  forward.ops.push(end);
  return pushes;
}

/** At the start of the reverse trip: the counters stepped back, the taped values popped, the cheap ones computed again. */
function valuesAtStart(t: ReverseSweep, plan: TripPlan, pushes: Map<Value, Op>, counters: Counters): Map<Value, Value> {
  const replacement = new Map<Value, Value>(plan.hoisted);
  const get = (v: Value) => replacement.get(v) ?? v;
  // A counter's value in this trip: its value after the trip, one step back.
  t.b.reverse = false;
  for (const [v, { counter, after }] of counters) {
    replacement.set(v, nameLike(t.b.prim(counter.kind === "add" ? "sub" : "add", [after, counter.step]), v));
  }
  t.b.reverse = true;
  for (const v of [...plan.taped].reverse()) {
    const popped = t.b.pop(v);
    const push = pushes.get(v)!;
    push.partner = popped.def;
    popped.def!.partner = push;
    if (t.isIndex(v)) push.index = popped.def!.index = true;
    replacement.set(v, popped);
  }
  // Recomputation repeats forward work: it is not marked as reverse sweep.
  t.b.reverse = false;
  for (const v of [...plan.recomputed].sort(byId)) {
    const op = v.def!;
    t.b.loc = op.loc;
    replacement.set(v, nameLike(op.kind === Structural.Const ? t.b.const(op.literal!) : t.b.again(op, op.operands.map(get)), v));
  }
  t.b.reverse = true;
  return replacement;
}
