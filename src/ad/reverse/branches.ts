/**
 * The reverse of an `if`: an `if` on the same condition (an SSA value still
 * in scope, so no tape is needed outside loops), each branch starting from
 * the adjoints of its yielded values and yielding the new adjoints of the
 * outer values it changed. What a reverse branch needs of its forward branch
 * is kept in a variable of its own outside loops (stash/recall), yielded by
 * the forward `if` inside loops (where the loop's tape policy takes it up),
 * or computed again when it is cheap arithmetic over outer values.
 */
import type { Op, Region, Value } from "../../ir/types.js";
import { isArray, Structural } from "../../ir/types.js";
import { definedInside, insideLoop, replaceAll, replaceUses, terminator, walkOps } from "../../ir/walk.js";
import { adjointName, nameLike } from "../names.js";
import type { Adjoints, ReverseSweep } from "./sweep.js";
import { cheap } from "./tape-policy.js";

export function reverseIf(t: ReverseSweep, op: Op, adj: Adjoints): void {
  const seeds = op.results.map((r) => adj.get(r));
  if (seeds.every((s) => !s) && !op.regions.some((r) => t.touchesShadows(r))) return;
  const b = t.b;
  b.loc = op.loc;
  const rev = b.ifOp(op.operands[0]!, []);
  const branchAdjoints = op.regions.map((region, i) =>
    b.inRegion(rev.regions[i]!, () => {
      const local: Adjoints = new Map(adj);
      const yielded = terminator(region).operands;
      b.loc = op.loc;
      seeds.forEach((s, j) => {
        if (s && t.active.has(yielded[j]!)) t.accumulate(local, yielded[j]!, s);
      });
      t.reverseRegion(region, local);
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
  recordBranchValues(t, op, rev);
}

/** Makes the forward `if` yield each primal value of its branches that the reverse branch reads. */
export function recordBranchValues(t: ReverseSweep, forward: Op, reverse: Op): void {
  forward.regions.forEach((region, i) => {
    const needed = new Set<Value>();
    for (const op of walkOps(reverse.regions[i]!)) {
      for (const v of op.operands) if (v.def?.parent === region && v.def.kind !== Structural.Const) needed.add(v);
    }
    const inLoop = insideLoop(forward);
    if (inLoop) recomputeBranchValues(t, forward, region, reverse.regions[i]!, needed);
    const kept: Value[] = [];
    // Values the forward if already yields are read from its results (one pass over the reverse branch for all).
    const yielded = new Map<Value, Value>();
    for (const v of [...needed].sort((p, q) => p.id - q.id)) {
      const already = terminator(region).operands.indexOf(v);
      if (already >= 0) {
        yielded.set(v, forward.results[already]!);
        continue;
      }
      if (!inLoop) {
        kept.push(v);
        continue;
      }
      const recorded = t.b.newValue(v.type, v.name, v.nameKind, forward);
      forward.results.push(recorded);
      forward.regions.forEach((r, k) => {
        terminator(r).operands.push(k === i ? v : placeholder(t, forward, v));
      });
      replaceUses(reverse.regions[i]!, v, recorded);
    }
    if (yielded.size) for (const op of reverse.regions[i]!.ops) replaceAll(op, yielded);
    if (kept.length) stashBranchValues(t, region, reverse.regions[i]!, kept);
  });
}

/**
 * Outside loops a branch runs at most once per call, so the values its
 * reverse needs are kept in variables of their own (`stash`, `recall`)
 * rather than yielded by the forward `if`: yielding would pass each value
 * of a branch nested n deep out through n `if`s, with a placeholder on
 * every path that does not compute it.
 */
export function stashBranchValues(t: ReverseSweep, forward: Region, reverse: Region, values: Value[]): void {
  const b = t.b;
  const end = terminator(forward);
  forward.ops.pop();
  const stashes = b.inRegion(forward, () => {
    b.reverse = false;
    const made = values.map((v) => {
      b.loc = v.def?.loc;
      return b.stash(v);
    });
    b.reverse = true;
    return made;
  });
  forward.ops.push(end);
  const rest = reverse.ops;
  reverse.ops = [];
  const replacement = new Map<Value, Value>();
  b.loc = undefined; // a recall prints nothing, so it reverses no source line
  b.inRegion(reverse, () => stashes.forEach((stash, k) => replacement.set(values[k]!, b.recall(stash))));
  reverse.ops.push(...rest);
  for (const op of rest) replaceAll(op, replacement);
}

/**
 * In a loop, arithmetic of a forward branch over values from outside the
 * `if` is computed again at the start of the reverse branch rather than
 * yielded by the forward `if`, which would tape it; such values leave `needed`.
 */
export function recomputeBranchValues(t: ReverseSweep, forward: Op, region: Region, reverse: Region, needed: Set<Value>): void {
  const copies = new Map<Value, Value>();
  const b = t.b;
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
export function placeholder(t: ReverseSweep, before: Op, like: Value): Value {
  const region = before.parent!;
  const op = isArray(like.type)
    ? t.b.makeOp({ "f64[]": "empty", Float64Array: "fempty", "f64[][]": "nalloc" }[like.type], [], [like.type])
    : t.b.makeOp(Structural.Const, [], [like.type]);
  if (!isArray(like.type)) op.literal = like.type === "bool" ? false : 0;
  op.parent = region;
  region.ops.splice(region.ops.indexOf(before), 0, op);
  return op.results[0]!;
}
