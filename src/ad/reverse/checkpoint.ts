/**
 * Checkpointing: the tape policy of a loop tagged `@checkpoint`. Instead of
 * taping every trip, the forward sweep keeps a snapshot of the loop's state
 * (its state values and the contents of the arrays it reads and writes that
 * anything writes) every `K` trips; the reverse sweep takes the segments of
 * `K` trips last first, and for each restores the snapshot, runs the
 * segment's trips forward again with their pushes (the forward body as the
 * plain tape policy made it), then runs their reverse. The recomputed trips
 * perform the same operations on the same numbers, so the tape holds the
 * same values and the gradient is bit for bit the one without checkpointing.
 *
 * The schedule is two-level (one level of snapshots, each step recomputed
 * once), not the binomial one: with s snapshots of a T-trip loop, K =
 * ceil(T / s), memory is s * (state) + K * (tape of one trip), and time is
 * one more forward run of the loop than without checkpointing. By default s
 * = ceil(sqrt(T)), which balances the two when a trip tapes about as much as
 * its state holds.
 */
import { Structural, type Op, type Region, type Value } from "../../ir/types.js";
import { isArray } from "../../ir/types.js";
import { definedInside, walkOps } from "../../ir/walk.js";
import { tripFormula, type Counter } from "../counters.js";
import type { ReverseSweep } from "./sweep.js";
import { cloneRegion } from "./clone.js";

/** A tagged loop that cannot be checkpointed: reported as ADG1016 at the loop. */
export class CheckpointRejected extends Error {
  constructor(readonly op: Op, readonly reason: string) {
    super(reason);
  }
}

const allocations = new Set(["alloc", "falloc", "nalloc", "empty", "fempty", "zeros"]);

/**
 * The arrays from before the loop whose contents a snapshot keeps: those the
 * body reads or writes that anything in the forward sweep writes. Throws
 * CheckpointRejected for what a snapshot cannot restore.
 */
export function checkpointedArrays(t: ReverseSweep, op: Op, trips: Value | undefined): Value[] {
  const reject = (reason: string) => { throw new CheckpointRejected(op, reason); };
  if (!trips) reject("the trip count of a checkpointed loop must be known when it starts: write it as 'for (let i = a; i < n; i++)' with a bound 'n' that the loop does not change");
  if (op.parent !== t.body) {
    reject("a checkpointed loop must be at the top level of the function; here an early 'return' before it (or a branch around it) puts it inside an 'if': return after the loop instead, or remove '@checkpoint'");
  }
  const body = op.regions[1]!;
  for (const arg of body.args) {
    if (arg.type === "bool") reject(`a checkpointed loop carries numbers from trip to trip, and '${arg.name}' is a boolean: hold it as a number (0 or 1), or remove '@checkpoint'`);
    if (isArray(arg.type)) reject(`a checkpointed loop may write into arrays but not reassign them, and it reassigns '${arg.name}': copy into the array instead, or remove '@checkpoint'`);
  }
  const shadows = shadowArrays(t);
  const saved: Value[] = [];
  for (const o of walkOps(body)) {
    if (!["load", "len", "store", "append"].includes(o.kind) || o.reverse) continue;
    const a = o.operands[0]!;
    if (shadows.has(a) || !t.written.has(t.writtenKey(a))) continue;
    if (a.def && allocations.has(a.def.kind) && definedInside(a, op)) continue;
    if (definedInside(a, op) || a.type === "f64[][]") {
      reject(`a checkpointed loop may read and write arrays made before it, but here it reaches '${a.name || "an array"}' through another array (a row) that is written: copy the rows into arrays of their own before the loop, or remove '@checkpoint'`);
    }
    if (o.kind === "append") reject(`a checkpointed loop may write numbers into arrays made before it but not push to them, and it pushes to '${a.name}': allocate it with its final length before the loop, or remove '@checkpoint'`);
    if (!saved.includes(a)) saved.push(a);
  }
  for (const r of t.results) {
    if (isArray(r.type) && saved.some((a) => t.classes.find(a) === t.classes.find(r))) {
      reject(`a function with a checkpointed loop returns '${r.name}', an array the loop writes: return a copy made after the loop, or remove '@checkpoint'`);
    }
  }
  return saved;
}

/** The shadow of every array of the function (the primal sweep's, which recomputed trips must not write again). */
function shadowArrays(t: ReverseSweep): Set<Value> {
  const out = new Set<Value>();
  const add = (v: Value) => {
    const s = isArray(v.type) ? t.shadow(v) : undefined;
    if (s) out.add(s);
  };
  t.body.args.forEach(add);
  for (const o of walkOps(t.body)) {
    o.results.forEach(add);
    o.regions.forEach((r) => r.args.forEach(add));
  }
  return out;
}

/** What the forward sweep made for the snapshots, before the loop: read again by the reverse sweep. */
interface Snapshots {
  trips: Value;
  /** Trips per segment. */
  every: Value;
  segments: Value;
  /** Numbers per snapshot: the state, then each array's contents. */
  stride: Value;
  store: Value;
  arrays: { array: Value; length: Value; offset: Value }[];
}

/**
 * Rewrites the reversed loop `op` (whose body pushes what `rep`, its
 * reverse, pops) into the checkpointed form; returns the values that stand
 * for `rep`'s results. `k` is the index of the trip counter in the state.
 */
export function checkpointLoop(t: ReverseSweep, op: Op, rep: Op, counters: Counter[], arrays: Value[], k: number): Value[] {
  const snaps = snapshotStore(t, op, counters, arrays);
  const taped = op.regions[1]!;
  // The forward loop runs a copy of the body without the pushes, and keeps the snapshots.
  const plain = cloneRegion(t.b, taped, op, (o) => o.kind !== Structural.Push && o.kind !== Structural.Reserve);
  op.regions[1] = plain;
  saveSnapshot(t, plain, snaps, k);
  // The taped body is what the reverse sweep runs again; the primal sweep's writes to shadows are done.
  const shadows = shadowArrays(t);
  for (const o of walkOps(taped)) {
    if ((o.kind === "store" || o.kind === "append") && !o.reverse && shadows.has(o.operands[0]!) && !definedInside(o.operands[0]!, op)) {
      o.parent!.ops.splice(o.parent!.ops.indexOf(o), 1);
    }
  }
  return reverseSegments(t, op, rep, taped, snaps, counters, k);
}

/** Before the loop: the trip count, the segment length, and the store for one snapshot per segment. */
function snapshotStore(t: ReverseSweep, op: Op, counters: Counter[], arrays: Value[]): Snapshots {
  const b = t.b;
  const reverse = b.reverse;
  b.reverse = false;
  const { ops, result } = b.detached(() => {
    b.loc = op.loc;
    const trips = tripFormula(b, op, counters, (v) => t.invariantValue(v, op))!;
    const one = b.const(1);
    const asked = op.checkpoint ? b.const(op.checkpoint) : b.prim("max", [one, b.prim("ceil", [b.prim("sqrt", [trips])])]);
    const every = b.prim("max", [one, b.prim("ceil", [b.div(trips, asked)])]);
    const segments = b.prim("ceil", [b.div(trips, every)]);
    let stride = b.const(op.regions[1]!.args.length);
    const saved = arrays.map((array) => {
      const length = b.prim("len", [array]);
      const offset = stride;
      stride = b.add(stride, length);
      return { array, length, offset };
    });
    const store = b.prim("falloc", [b.mul(segments, stride)]);
    store.name = "snapshots";
    store.nameKind = "source";
    return { trips, every, segments, stride, store, arrays: saved };
  });
  b.reverse = reverse;
  const region = op.parent!;
  for (const o of ops) o.parent = region;
  region.ops.splice(region.ops.indexOf(op), 0, ...ops);
  return result;
}

/** At the start of every K-th forward trip: the state and the arrays' contents into the trip's snapshot. */
function saveSnapshot(t: ReverseSweep, body: Region, s: Snapshots, k: number): void {
  const b = t.b;
  const reverse = b.reverse;
  b.reverse = false;
  const trip = body.args[k]!;
  const { ops } = b.detached(() => {
    const due = b.prim("eq", [b.prim("rem", [trip, s.every]), b.const(0)]);
    const branch = b.ifOp(due, []);
    b.inRegion(branch.regions[0]!, () => {
      const base = b.mul(b.div(trip, s.every), s.stride);
      body.args.forEach((v, c) => b.prim("store", [s.store, b.add(base, b.const(c)), v]));
      for (const { array, length, offset } of s.arrays) {
        const from = b.add(base, offset);
        b.countedLoop(length, (q) => b.prim("store", [s.store, b.add(from, q), b.prim("load", [array, q])]));
      }
      b.yield([]);
    });
    b.inRegion(branch.regions[1]!, () => b.yield([]));
  });
  b.reverse = reverse;
  for (const o of ops) o.parent = body;
  body.ops.unshift(...ops);
}

/**
 * The reverse: a `repeat` over the segments, last first, whose state is the
 * adjoints `rep` carries and the segment's index. Each segment restores its
 * snapshot, runs its trips forward with their pushes (a `while` over the
 * taped body, up to the segment's last trip), then `rep` over those trips.
 */
function reverseSegments(t: ReverseSweep, op: Op, rep: Op, taped: Region, s: Snapshots, counters: Counter[], k: number): Value[] {
  const b = t.b;
  const carriedCount = rep.results.length - counters.length;
  const region = rep.parent!;
  region.ops.splice(region.ops.indexOf(rep), 1);
  b.loc = op.loc;
  const segs = b.repeatOp(s.segments, [...rep.operands.slice(1, 1 + carriedCount), s.segments]);
  segs.checkpoint = op.checkpoint;
  const inner = segs.regions[0]!;
  [inner.args, segs.results].forEach((values) => values.forEach((v, i) => {
    const like = i < carriedCount ? rep.results[i] : undefined;
    v.name = like ? like.name : "segment";
    v.nameKind = like ? like.nameKind : "temp";
  }));
  b.inRegion(inner, () => {
    const reverse = b.reverse;
    b.reverse = false;
    const segment = b.sub(inner.args[carriedCount]!, b.const(1));
    const base = b.mul(segment, s.stride);
    const state = taped.args.map((_, c) => b.prim("load", [s.store, b.add(base, b.const(c))]));
    for (const { array, length, offset } of s.arrays) {
      const from = b.add(base, offset);
      b.countedLoop(length, (q) => b.prim("store", [array, q, b.prim("load", [s.store, b.add(from, q)])]));
    }
    const first = b.mul(segment, s.every);
    const end = b.prim("min", [b.add(first, s.every), s.trips]);
    const count = b.sub(end, first);
    const again = rerun(t, op, taped, state, end, count, k);
    b.reverse = reverse;
    rep.operands = [count, ...inner.args.slice(0, carriedCount), ...counters.map((c) => again.results[c.index]!)];
    rep.parent = inner;
    inner.ops.push(rep);
    b.yield([...rep.results.slice(0, carriedCount), segment]);
  });
  return segs.results;
}

/** The segment's trips run again: a `while` over the taped body from the restored state up to trip `end`. */
function rerun(t: ReverseSweep, op: Op, taped: Region, state: Value[], end: Value, count: Value, k: number): Op {
  const b = t.b;
  const pushes = taped.ops.filter((o) => o.kind === Structural.Push);
  const nested = [...walkOps(taped)].some((o) => o.kind === Structural.Push && o.parent !== taped);
  let reserve: Op | undefined;
  if (pushes.length > 0 && !nested) {
    reserve = b.insert(b.makeOp(Structural.Reserve, [count], []));
  }
  const again = b.whileOp(state);
  again.results.forEach((v, i) => { v.name = taped.args[i]!.name; v.nameKind = taped.args[i]!.nameKind; });
  const cond = again.regions[0]!;
  cond.args.forEach((v, i) => { v.name = taped.args[i]!.name; v.nameKind = taped.args[i]!.nameKind; });
  b.inRegion(cond, () => b.yield([b.prim("lt", [cond.args[k]!, end])]));
  again.regions[1] = taped;
  taped.owner = again;
  if (reserve) reserve.partner = again;
  return again;
}
