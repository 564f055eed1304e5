/**
 * A stash of a value at hand where it is recalled: a parameter, a constant
 * (an `if` whose branches yield the same parameter folds to it after the
 * stash was made), or a value defined ahead of the recall in a region
 * around it (an `if` on a constant condition folds away with the branch's
 * stash and the reverse branch's recall both in the function's body). Its
 * recall reads the value itself, and both ops go: the emitter declares a
 * stash's variable only where the stash is in a branch.
 */
import { Structural, type Func, type Op, type Value } from "../ir/types.js";
import { definedBefore, replaceAll, walkOps } from "../ir/walk.js";

const atHand = (v: Value, recall: Op): boolean => !v.def || v.def.kind === Structural.Const || definedBefore(v, recall);

export function dropStashesAtHand(f: Func): void {
  const replacement = new Map<Value, Value>();
  const dropped = new Set<Op>();
  for (const op of walkOps(f.body)) {
    if (op.kind !== Structural.Stash || !op.partner || !atHand(op.operands[0]!, op.partner)) continue;
    replacement.set(op.partner.results[0]!, op.operands[0]!);
    dropped.add(op);
    dropped.add(op.partner);
  }
  if (dropped.size === 0) return;
  for (const op of walkOps(f.body)) op.regions.forEach((r) => (r.ops = r.ops.filter((o) => !dropped.has(o))));
  f.body.ops = f.body.ops.filter((o) => !dropped.has(o));
  for (const op of f.body.ops) replaceAll(op, replacement);
}
