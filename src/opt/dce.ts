/**
 * Dead-code elimination over the structured IR, by mark and sweep.
 *
 * Mark: starting from the function's `return` and every op with effects
 * (tape pushes and pops, array writes), a value is live when a live op reads
 * it. Structured ops are marked per component: a live result of an `if` makes
 * the values its branches yield for it live; a live component of a loop's
 * state (its result, or its argument read by a live op) makes the initial
 * value and the value the body yields for it live. A live op inside a region
 * makes the op that owns the region live, and a live loop its condition (or
 * trip count). So loop state that only feeds itself, at any depth of
 * nesting, stays unmarked.
 *
 * Sweep: unmarked ops go, `if`s lose their unmarked results and loops their
 * unmarked state components. Besides, an `if` result that every branch
 * yields from one outer value is that value, and a tape entry whose pop
 * nobody reads goes with its push. Repeats to a fixed point.
 */
import { primitiveOf } from "../ir/primitives.js";
import { effectful, Structural, type Func, type Op, type Region, type Value } from "../ir/types.js";
import { diverges, replaceUses, terminator, unchangedResult, useCounts, walkOps } from "../ir/walk.js";

export function eliminateDeadCode(f: Func): void {
  for (let changed = true; changed; ) {
    changed = forwardUnchangedResults(f);
    changed = foldConstantBranches(f) || changed;
    changed = markSweep(f) || changed;
    changed = dropUnreadTapeEntries(f) || changed;
    changed = dropIdleReserves(f) || changed;
  }
}

/**
 * A `reserve` makes room on the tape for the pushes of its loop's trips: once
 * the loop is gone (it computed nothing that is read) or pushes nothing,
 * the reserve and the trip count it reads go too.
 */
function dropIdleReserves(f: Func): boolean {
  const present = new Set(walkOps(f.body));
  let dropped = false;
  const visit = (ops: Op[]): Op[] => ops.filter((op) => {
    op.regions.forEach((r) => (r.ops = visit(r.ops)));
    if (op.kind !== Structural.Reserve) return true;
    const loop = op.partner;
    const pushes = loop && present.has(loop) && walkOps(loop.regions[loop.regions.length - 1]!).some((o) => o.kind === Structural.Push);
    if (pushes) return true;
    dropped = true;
    return false;
  });
  f.body.ops = visit(f.body.ops);
  return dropped;
}

/**
 * An `if` whose condition has become a constant (forwardUnchangedResults
 * finds many) is the branch it takes: that branch's ops move to the enclosing
 * region and the `if`'s results are what it yields. What the other branch
 * did, and loop state only it changed, then go as dead code. A branch that
 * throws stays where it is (the printer prints it alone).
 */
function foldConstantBranches(f: Func): boolean {
  const constant = (op: Op) => op.kind === Structural.If && op.operands[0]!.def?.kind === Structural.Const;
  const taken = (op: Op) => op.regions[op.operands[0]!.def!.literal ? 0 : 1]!;
  const folded = [...walkOps(f.body)].filter((op) => constant(op) && !diverges(taken(op)));
  for (const op of folded) {
    const end = terminator(taken(op));
    op.results.forEach((r, j) => replaceUses(f.body, r, end.operands[j]!));
    const moved = taken(op).ops.filter((o) => o !== end);
    for (const o of moved) o.parent = op.parent;
    op.parent!.ops.splice(op.parent!.ops.indexOf(op), 1, ...moved);
  }
  return folded.length > 0;
}

const isLoop = (op: Op) => op.kind === Structural.While || op.kind === Structural.Repeat;

/** For a loop: the position of state component j among its operands (a `repeat`'s first operand is its count). */
const stateOffset = (op: Op) => (op.kind === Structural.Repeat ? 1 : 0);

/** The region of a loop whose terminator yields the next state. */
const stateBody = (op: Op) => op.regions[op.regions.length - 1]!;

interface Marks {
  ops: Set<Op>;
  values: Set<Value>;
  /** Per loop, its live state components. */
  state: Map<Op, Set<number>>;
}

function mark(f: Func): Marks {
  const m: Marks = { ops: new Set(), values: new Set(), state: new Map() };
  const work: (() => void)[] = [];
  const value = (v: Value): void => {
    if (m.values.has(v)) return;
    m.values.add(v);
    work.push(() => {
      const op = v.def;
      if (op) {
        const j = op.results.indexOf(v);
        if (op.kind === Structural.If) {
          live(op);
          for (const r of op.regions) value(terminator(r).operands[j]!);
        } else if (isLoop(op)) {
          component(op, j);
        } else {
          live(op);
        }
        return;
      }
      const owner = v.region?.owner;
      if (owner && isLoop(owner)) component(owner, v.region!.args.indexOf(v));
    });
  };
  const component = (op: Op, j: number): void => {
    let set = m.state.get(op);
    if (!set) m.state.set(op, (set = new Set()));
    if (set.has(j)) return;
    set.add(j);
    live(op);
    value(op.operands[stateOffset(op) + j]!);
    value(terminator(stateBody(op)).operands[j]!);
  };
  const live = (op: Op): void => {
    if (m.ops.has(op)) return;
    m.ops.add(op);
    const owner = op.parent?.owner;
    if (owner) live(owner);
    if (op.kind === Structural.If || op.kind === Structural.Repeat) value(op.operands[0]!);
    else if (op.kind === Structural.While) value(terminator(op.regions[0]!).operands[0]!);
    else if (!isLoop(op)) op.operands.forEach(value);
  };
  for (const op of walkOps(f.body)) {
    if (op.kind === Structural.Return || isEffect(op)) live(op);
  }
  while (work.length) work.pop()!();
  return m;
}

function markSweep(f: Func): boolean {
  const m = mark(f);
  let changed = false;
  const sweep = (r: Region): void => {
    const before = r.ops.length;
    r.ops = r.ops.filter((op) => op.kind === Structural.Yield || op.kind === Structural.Return || m.ops.has(op));
    if (r.ops.length !== before) changed = true;
    for (const op of r.ops) {
      if (op.kind === Structural.If) {
        const keep = op.results.map((v) => m.values.has(v));
        if (keep.includes(false)) {
          dropResults(op, keep);
          changed = true;
        }
      } else if (isLoop(op)) {
        const state = m.state.get(op) ?? new Set();
        const keep = op.results.map((_, j) => state.has(j));
        if (keep.includes(false)) {
          dropState(op, keep);
          changed = true;
        }
      }
      op.regions.forEach(sweep);
    }
  };
  sweep(f.body);
  return changed;
}

function dropState(op: Op, keep: boolean[]): void {
  const offset = stateOffset(op);
  op.operands = op.operands.filter((_, i) => i < offset || keep[i - offset]);
  op.results = op.results.filter((_, j) => keep[j]);
  for (const r of op.regions) r.args = r.args.filter((_, j) => keep[j]);
  const end = terminator(stateBody(op));
  end.operands = end.operands.filter((_, j) => keep[j]);
}

/** A popped (or recalled) value nobody reads need not be kept: its pop and its push go together. */
function dropUnreadTapeEntries(f: Func): boolean {
  const uses = useCounts(f.body);
  const unread = [...walkOps(f.body)].filter((op) => (op.kind === Structural.Pop || op.kind === Structural.Recall) && op.partner && !uses.get(op.results[0]!));
  for (const pop of unread) {
    for (const op of [pop, pop.partner!]) op.parent!.ops.splice(op.parent!.ops.indexOf(op), 1);
  }
  return unread.length > 0;
}

/** Replaces each `if` result that all branches yield from one value defined outside the `if`. */
function forwardUnchangedResults(f: Func): boolean {
  let changed = false;
  const ifs = [...walkOps(f.body)].filter((op) => op.kind === Structural.If);
  for (const op of ifs) {
    const keep = op.results.map((r, j) => {
      const outer = unchangedResult(op, j);
      if (!outer) return true;
      replaceUses(f.body, r, outer);
      return false;
    });
    if (keep.includes(false)) {
      dropResults(op, keep);
      changed = true;
    }
  }
  return changed;
}

/**
 * Loop state a `while` body passes on unchanged (it yields its own argument)
 * is the loop's initial value throughout: uses of the argument in the
 * condition and the body, and of the result after the loop, read the initial
 * value instead, and the component leaves the state. Run on the primal:
 * lowering carries every variable a loop may assign (and every field a called
 * helper may write), so this removes what the loop did not in fact change,
 * and the reverse sweep has nothing to tape for it. (The loop analogue of
 * forwardUnchangedResults.)
 */
export function forwardInvariantLoopState(f: Func): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const op of [...walkOps(f.body)].filter((o) => o.kind === Structural.While).reverse()) {
      const [cond, body] = op.regions as [Region, Region];
      const keep = op.operands.map((_, j) => terminator(body).operands[j] !== body.args[j]);
      if (!keep.includes(false)) continue;
      keep.forEach((kept, j) => {
        if (kept) return;
        const init = op.operands[j]!;
        replaceUses(cond, cond.args[j]!, init);
        replaceUses(body, body.args[j]!, init);
        replaceUses(f.body, op.results[j]!, init);
      });
      dropState(op, keep);
      changed = true;
    }
  }
}

function dropResults(op: Op, keep: boolean[]): void {
  op.results = op.results.filter((_, j) => keep[j]);
  for (const region of op.regions) {
    const t = terminator(region);
    t.operands = t.operands.filter((_, j) => keep[j]);
  }
}

function isEffect(op: Op): boolean {
  return effectful.has(op.kind) || primitiveOf(op)?.memory === "write";
}
