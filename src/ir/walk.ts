/** Traversals and small queries over the structured IR. */
import { Structural, type Op, type Region, type Value } from "./types.js";

/** Every op of a region and its nested regions, in program order. (An array: generators are several times slower.) */
export function walkOps(r: Region): Op[] {
  const out: Op[] = [];
  const visit = (region: Region): void => {
    for (const op of region.ops) {
      out.push(op);
      for (const inner of op.regions) visit(inner);
    }
  };
  visit(r);
  return out;
}

/** The terminator (`yield` or `return`) of a region. */
export function terminator(r: Region): Op {
  const last = r.ops[r.ops.length - 1];
  if (!last || (last.kind !== Structural.Yield && last.kind !== Structural.Return)) {
    throw new Error("region without terminator");
  }
  return last;
}

/** Whether `v` is defined inside one of `op`'s regions (at any depth). */
export function definedInside(v: Value, op: Op): boolean {
  for (let r = v.def?.parent ?? v.region; r; r = r.owner?.parent) {
    if (r.owner === op) return true;
  }
  return false;
}

/** For result j of an `if`: the value every branch yields for it, when that is one value from outside the `if`. */
export function unchangedResult(op: Op, j: number): Value | undefined {
  const [first, ...others] = op.regions.map((region) => terminator(region).operands[j]!);
  return first && others.every((v) => v === first) && !definedInside(first, op) ? first : undefined;
}

/** Replaces every use of `from` by `to` in the ops of `r`, at any depth. */
export function replaceUses(r: Region, from: Value, to: Value): void {
  for (const op of walkOps(r)) {
    op.operands = op.operands.map((v) => (v === from ? to : v));
  }
}

/** How many operand slots use each value, over a region and its nested regions. */
export function useCounts(r: Region): Map<Value, number> {
  const counts = new Map<Value, number>();
  for (const op of walkOps(r)) {
    for (const v of op.operands) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

/** Replaces operands throughout an op and its regions. */
export function replaceAll(op: Op, replacement: Map<Value, Value>): void {
  op.operands = op.operands.map((v) => replacement.get(v) ?? v);
  for (const r of op.regions) for (const inner of r.ops) replaceAll(inner, replacement);
}

/** Whether `v` is defined by `region` itself (an argument or a top-level op), not outside it. */
export function definedBy(region: Region, v: Value): boolean {
  return (v.def?.parent === region && v.def.kind !== Structural.Const) || region.args.includes(v);
}

/** Whether `v` is defined before `op` starts: in a region around it, ahead of it (or an argument of such a region). */
export function definedBefore(v: Value, op: Op): boolean {
  for (let at: Op | undefined = op; at?.parent; at = at.parent.owner) {
    const region = at.parent;
    if (region.args.includes(v)) return true;
    if (v.def?.parent === region) return region.ops.indexOf(v.def) < region.ops.indexOf(at);
  }
  return false;
}

/** Whether an op is inside a `while` (at any depth). */
export function insideLoop(op: Op): boolean {
  for (let r = op.parent; r?.owner; r = r.owner.parent) if (r.owner.kind === Structural.While) return true;
  return false;
}

/** Whether a region ends by throwing (what it yields after the throw is never read). */
export function diverges(region: Region): boolean {
  return region.ops.some((op) => op.kind === "throw");
}
