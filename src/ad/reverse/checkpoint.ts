/**
 * Checkpointing: the tape policy of a loop tagged `@checkpoint`. Instead of
 * taping every trip, the forward sweep runs the loop untaped, keeping
 * snapshots of its state (its state values and the contents of the arrays
 * it reads and writes that anything writes) at the trips a binomial
 * (Revolve) schedule chooses. The reverse sweep reverses the trips in
 * stretches of L trips, last first: for each it restores the latest
 * snapshot, advances untaped to the stretch (taking the snapshots the
 * schedule chooses on the way, in slots that reversed stretches freed), runs
 * the stretch again with its pushes (the forward body as the plain tape
 * policy made it), then runs its reverse. The recomputed trips perform the
 * same operations on the same numbers, so the tape holds the same values
 * and the gradient is bit for bit the one without checkpointing.
 *
 * The snapshots form a stack: slot i holds the state at the start of
 * stretch `schedule[3 + i]`; `schedule[0]` counts the slots in use,
 * `schedule[1]` is the trip at whose start the next snapshot is due and
 * `schedule[2]` the stretch up to which (exclusive) the current advance
 * reverses. The decision where the next snapshot goes is the module helper
 * `revolveStep` (emit/helpers.ts).
 *
 * `@checkpoint s`: s slots, stretches of one trip, so U = T stretches, each
 * run again at most r times, r the fewest with (s + r)! / (s! r!) >= T.
 * `@checkpoint`: s = ceil(sqrt(T)) slots and stretches of L = ceil(T / s)
 * trips, so U <= s: a snapshot at the start of every stretch and each trip
 * run again once (the two-level schedule, which is what the binomial one
 * gives when the slots cover the stretches).
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
  /** Trips per stretch (L). */
  stretch: Value;
  /** Stretches (U = ceil(T / L)). */
  stretches: Value;
  /** Snapshot slots: min(s, U). */
  slots: Value;
  /** Numbers per snapshot: the state, then each array's contents. */
  stride: Value;
  store: Value;
  /** The schedule's state (see the file's comment). */
  schedule: Value;
  arrays: { array: Value; length: Value; offset: Value }[];
}

const InUse = 0;
const Due = 1;
const Fine = 2;
const Positions = 3;

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
  // The bodies the reverse sweep runs again leave out the primal sweep's writes to shadows, which are done.
  const shadows = shadowArrays(t);
  const again = (o: Op) => !((o.kind === "store" || o.kind === "append") && !o.reverse && shadows.has(o.operands[0]!) && !definedInside(o.operands[0]!, op));
  const advance = cloneRegion(t.b, plain, undefined, again);
  for (const o of walkOps(taped)) {
    if (!again(o)) o.parent!.ops.splice(o.parent!.ops.indexOf(o), 1);
  }
  return reverseStretches(t, op, rep, taped, advance, snaps, counters, k);
}

/** Before the loop: the trip count, the stretch length, the snapshot store and the schedule. */
function snapshotStore(t: ReverseSweep, op: Op, counters: Counter[], arrays: Value[]): Snapshots {
  const b = t.b;
  const reverse = b.reverse;
  b.reverse = false;
  const { ops, result } = b.detached(() => {
    b.loc = op.loc;
    const trips = tripFormula(b, op, counters, (v) => t.invariantValue(v, op))!;
    const one = b.const(1);
    let asked: Value;
    let stretch: Value;
    if (op.checkpoint) {
      asked = b.const(op.checkpoint);
      stretch = one;
    } else {
      asked = b.prim("max", [one, b.prim("ceil", [b.prim("sqrt", [trips])])]);
      stretch = b.prim("max", [one, b.prim("ceil", [b.div(trips, asked)])]);
    }
    const stretches = op.checkpoint ? trips : b.prim("ceil", [b.div(trips, stretch)]);
    const slots = b.prim("min", [asked, stretches]);
    let stride = b.const(op.regions[1]!.args.length);
    const saved = arrays.map((array) => {
      const length = b.prim("len", [array]);
      const offset = stride;
      stride = b.add(stride, length);
      return { array, length, offset };
    });
    const store = b.prim("falloc", [b.mul(slots, stride)]);
    store.name = "snapshots";
    store.nameKind = "source";
    const schedule = b.prim("falloc", [b.add(slots, b.const(Positions))]);
    schedule.name = "schedule";
    schedule.nameKind = "source";
    store.def!.pooled = true;
    schedule.def!.pooled = true;
    b.prim("store", [schedule, b.const(Fine), stretches]);
    return { trips, stretch, stretches, slots, stride, store, schedule, arrays: saved };
  });
  b.reverse = reverse;
  const region = op.parent!;
  for (const o of ops) o.parent = region;
  region.ops.splice(region.ops.indexOf(op), 0, ...ops);
  return result;
}

/**
 * At the start of a trip at which the schedule wants a snapshot: the state
 * and the arrays' contents into the next free slot, the slot's stretch on
 * the stack, and the trip of the next snapshot.
 */
function saveSnapshot(t: ReverseSweep, body: Region, s: Snapshots, k: number): void {
  const b = t.b;
  const reverse = b.reverse;
  b.reverse = false;
  const trip = body.args[k]!;
  const { ops } = b.detached(() => {
    // The counter steps by one from below the due trip, so `>=` is `===` here; unlike `===`, it does not
    // narrow the counter in TypeScript, whose narrowing would otherwise go in a circle through the write
    // of the next due trip below (TS7022).
    const due = b.prim("ge", [trip, b.prim("load", [s.schedule, b.const(Due)])]);
    const branch = b.ifOp(due, []);
    b.inRegion(branch.regions[0]!, () => {
      const slot = b.prim("load", [s.schedule, b.const(InUse)]);
      const base = b.mul(slot, s.stride);
      body.args.forEach((v, c) => b.prim("store", [s.store, b.add(base, b.const(c)), v]));
      for (const { array, length, offset } of s.arrays) {
        const from = b.add(base, offset);
        b.countedLoop(length, (q) => b.prim("store", [s.store, b.add(from, q), b.prim("load", [array, q])]));
      }
      const at = b.div(trip, s.stretch);
      const used = b.add(slot, b.const(1));
      b.prim("store", [s.schedule, b.add(slot, b.const(Positions)), at]);
      b.prim("store", [s.schedule, b.const(InUse), used]);
      const left = b.sub(b.prim("load", [s.schedule, b.const(Fine)]), at);
      nextDue(t, s, at, left, b.sub(s.slots, used));
      b.yield([]);
    });
    b.inRegion(branch.regions[1]!, () => b.yield([]));
  });
  b.reverse = reverse;
  for (const o of ops) o.parent = body;
  body.ops.unshift(...ops);
}

/** The trip of the next snapshot, from one at stretch `at` with `left` stretches to reverse after it and `free` slots free. */
function nextDue(t: ReverseSweep, s: Snapshots, at: Value, left: Value, free: Value): void {
  const b = t.b;
  const step = b.prim("revolvestep", [left, free]);
  b.prim("store", [s.schedule, b.const(Due), b.mul(b.add(at, step), s.stretch)]);
}

/**
 * The reverse: a `repeat` over the stretches, last first, whose state is the
 * adjoints `rep` carries and the stretch's index. Each stretch restores the
 * latest snapshot, advances to the stretch's first trip (a `while` over the
 * untaped body, which takes the snapshots due), runs its trips forward with
 * their pushes (a `while` over the taped body), frees the snapshot's slot if
 * it was the stretch's own, then runs `rep` over those trips.
 */
function reverseStretches(t: ReverseSweep, op: Op, rep: Op, taped: Region, advance: Region, s: Snapshots, counters: Counter[], k: number): Value[] {
  const b = t.b;
  const carriedCount = rep.results.length - counters.length;
  const region = rep.parent!;
  region.ops.splice(region.ops.indexOf(rep), 1);
  b.loc = op.loc;
  const segs = b.repeatOp(s.stretches, [...rep.operands.slice(1, 1 + carriedCount), s.stretches]);
  segs.checkpoint = op.checkpoint;
  const inner = segs.regions[0]!;
  [inner.args, segs.results].forEach((values) => values.forEach((v, i) => {
    const like = i < carriedCount ? rep.results[i] : undefined;
    v.name = like ? like.name : "stretch";
    v.nameKind = like ? like.nameKind : "temp";
  }));
  b.inRegion(inner, () => {
    const reverse = b.reverse;
    b.reverse = false;
    const stretch = b.sub(inner.args[carriedCount]!, b.const(1));
    const used = b.prim("load", [s.schedule, b.const(InUse)]);
    const slot = b.sub(used, b.const(1));
    const at = b.prim("load", [s.schedule, b.add(slot, b.const(Positions))]);
    const base = b.mul(slot, s.stride);
    const state = taped.args.map((_, c) => b.prim("load", [s.store, b.add(base, b.const(c))]));
    for (const { array, length, offset } of s.arrays) {
      const from = b.add(base, offset);
      b.countedLoop(length, (q) => b.prim("store", [array, q, b.prim("load", [s.store, b.add(from, q)])]));
    }
    const fine = b.add(stretch, b.const(1));
    b.prim("store", [s.schedule, b.const(Fine), fine]);
    nextDue(t, s, at, b.sub(fine, at), b.sub(s.slots, used));
    const first = b.mul(stretch, s.stretch);
    const end = b.prim("min", [b.add(first, s.stretch), s.trips]);
    const count = b.sub(end, first);
    const advanced = run(t, advance, state, first, k);
    const again = rerun(t, taped, advanced.results, end, count, k);
    // The snapshot at the stretch's start is not needed again.
    const top = b.prim("load", [s.schedule, b.const(InUse)]);
    const below = b.sub(top, b.const(1));
    const own = b.prim("eq", [b.prim("load", [s.schedule, b.add(below, b.const(Positions))]), stretch]);
    const free = b.ifOp(own, []);
    b.inRegion(free.regions[0]!, () => {
      b.prim("store", [s.schedule, b.const(InUse), below]);
      b.yield([]);
    });
    b.inRegion(free.regions[1]!, () => b.yield([]));
    b.reverse = reverse;
    rep.operands = [count, ...inner.args.slice(0, carriedCount), ...counters.map((c) => again.results[c.index]!)];
    rep.parent = inner;
    inner.ops.push(rep);
    b.yield([...rep.results.slice(0, carriedCount), stretch]);
  });
  return segs.results;
}

/** A `while` over `body` from `state` while the trip counter is below `end`. */
function run(t: ReverseSweep, body: Region, state: Value[], end: Value, k: number): Op {
  const b = t.b;
  const loop = b.whileOp(state);
  loop.results.forEach((v, i) => { v.name = body.args[i]!.name; v.nameKind = body.args[i]!.nameKind; });
  const cond = loop.regions[0]!;
  cond.args.forEach((v, i) => { v.name = body.args[i]!.name; v.nameKind = body.args[i]!.nameKind; });
  b.inRegion(cond, () => b.yield([b.prim("lt", [cond.args[k]!, end])]));
  loop.regions[1] = body;
  body.owner = loop;
  return loop;
}

/** The stretch's trips run again with their pushes, from the advanced state up to trip `end`. */
function rerun(t: ReverseSweep, taped: Region, state: Value[], end: Value, count: Value, k: number): Op {
  const b = t.b;
  const pushes = taped.ops.filter((o) => o.kind === Structural.Push);
  const nested = [...walkOps(taped)].some((o) => o.kind === Structural.Push && o.parent !== taped);
  let reserve: Op | undefined;
  if (pushes.length > 0 && !nested) {
    reserve = b.insert(b.makeOp(Structural.Reserve, [count], []));
  }
  const again = run(t, taped, state, end, k);
  if (reserve) reserve.partner = again;
  return again;
}
