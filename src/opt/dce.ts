/**
 * Dead-code elimination. Every op is pure, so an op none of whose results is
 * used goes; an `if` loses the results nobody reads (and the matching yield
 * operands), and a result that every branch yields from the same outer value
 * is that value. An `if` left without results goes entirely. Repeats to a
 * fixed point.
 */
import { primitive } from "../ir/primitives.js";
import { effectful, Structural, type Func, type Op, type Region, type Value } from "../ir/types.js";
import { definedInside, replaceUses, terminator, useCounts, walkOps } from "../ir/walk.js";

export function eliminateDeadCode(f: Func): void {
  for (let changed = true; changed; ) {
    changed = forwardUnchangedResults(f);
    changed = dropDeadLoopState(f) || changed;
    changed = sweep(f.body, useCounts(f.body)) || changed;
    changed = dropUnreadTapeEntries(f) || changed;
  }
}

/**
 * A component of a `while`'s state that nothing outside reads (its result is
 * unused), that the condition does not read, and that the body needs only to
 * compute itself is dead: it goes from the operands, arguments and yields.
 */
function dropDeadLoopState(f: Func): boolean {
  let changed = false;
  const uses = useCounts(f.body);
  for (const op of [...walkOps(f.body)].filter((o) => o.kind === Structural.While)) {
    const [cond, body] = op.regions as [Region, Region];
    const next = terminator(body).operands;
    const live = new Set(op.results.map((_, j) => j).filter((j) => (uses.get(op.results[j]!) ?? 0) > 0 || (uses.get(cond.args[j]!) ?? 0) > 0));
    for (let grew = true; grew; ) {
      grew = false;
      const needed = slice(body, [...live].map((j) => next[j]!));
      op.results.forEach((_, j) => {
        if (!live.has(j) && needed.has(body.args[j]!)) {
          live.add(j);
          grew = true;
        }
      });
    }
    const keep = op.results.map((_, j) => live.has(j));
    if (!keep.includes(false)) continue;
    op.operands = op.operands.filter((_, j) => keep[j]);
    op.results = op.results.filter((_, j) => keep[j]);
    cond.args = cond.args.filter((_, j) => keep[j]);
    body.args = body.args.filter((_, j) => keep[j]);
    terminator(body).operands = next.filter((_, j) => keep[j]);
    changed = true;
  }
  return changed;
}

/** The values a region needs for `roots` and for its effects (conservatively: all operands inside a nested op). */
function slice(r: Region, roots: Value[]): Set<Value> {
  const needed = new Set<Value>();
  const need = (v: Value): void => {
    if (needed.has(v)) return;
    needed.add(v);
    const op = v.def;
    if (!op) return;
    op.operands.forEach(need);
    for (const inner of op.regions) for (const o of walkOps(inner)) o.operands.forEach(need);
  };
  roots.forEach(need);
  for (const op of r.ops) {
    if (isEffect(op) || (op.regions.length > 0 && hasEffects(op))) {
      op.operands.forEach(need);
      for (const inner of op.regions) for (const o of walkOps(inner)) o.operands.forEach(need);
    }
  }
  return needed;
}

/** A popped value nobody reads need not be taped: its pop and its push go together. */
function dropUnreadTapeEntries(f: Func): boolean {
  const uses = useCounts(f.body);
  const unread = [...walkOps(f.body)].filter((op) => op.kind === Structural.Pop && op.partner && !uses.get(op.results[0]!));
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
      const [first, ...others] = op.regions.map((region) => terminator(region).operands[j]!);
      if (others.some((v) => v !== first) || definedInside(first!, op)) return true;
      replaceUses(f.body, r, first!);
      return false;
    });
    if (keep.includes(false)) {
      dropResults(op, keep);
      changed = true;
    }
  }
  return changed;
}

function dropResults(op: Op, keep: boolean[]): void {
  op.results = op.results.filter((_, j) => keep[j]);
  for (const region of op.regions) {
    const t = terminator(region);
    t.operands = t.operands.filter((_, j) => keep[j]);
  }
}

function sweep(r: Region, uses: Map<unknown, number>): boolean {
  let changed = false;
  for (let i = r.ops.length - 1; i >= 0; i--) {
    const op = r.ops[i]!;
    if (op.kind === Structural.Return || op.kind === Structural.Yield || isEffect(op)) continue;
    if (op.kind === Structural.While || op.kind === Structural.Repeat) {
      // Loop state feeds itself; a loop goes only when nothing reads its results and it has no effects.
      for (const region of op.regions) changed = sweep(region, uses) || changed;
      if (op.results.every((v) => (uses.get(v) ?? 0) === 0) && !hasEffects(op)) {
        r.ops.splice(i, 1);
        changed = true;
      }
      continue;
    }
    if (op.kind === Structural.If) {
      const keep = op.results.map((v) => (uses.get(v) ?? 0) > 0);
      if (keep.includes(false)) {
        dropResults(op, keep);
        changed = true;
      }
      for (const region of op.regions) changed = sweep(region, uses) || changed;
      if (op.results.length === 0 && !hasEffects(op)) {
        r.ops.splice(i, 1);
        changed = true;
      }
      continue;
    }
    if (op.results.every((v) => (uses.get(v) ?? 0) === 0)) {
      r.ops.splice(i, 1);
      changed = true;
    }
  }
  return changed;
}

function hasEffects(op: Op): boolean {
  return op.regions.some((r) => [...walkOps(r)].some(isEffect));
}

function isEffect(op: Op): boolean {
  return effectful.has(op.kind) || primitive(op.kind)?.memory === "write";
}
