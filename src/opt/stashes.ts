/**
 * A stash of a value at hand everywhere: a parameter, or a constant (an `if`
 * whose branches yield the same parameter folds to it after the stash was
 * made). Its recall reads the value itself, and both ops go.
 */
import { Structural, type Func, type Op, type Value } from "../ir/types.js";
import { replaceAll, walkOps } from "../ir/walk.js";

const atHand = (v: Value): boolean => !v.def || v.def.kind === Structural.Const;

export function dropStashesAtHand(f: Func): void {
  const replacement = new Map<Value, Value>();
  const dropped = new Set<Op>();
  for (const op of walkOps(f.body)) {
    if (op.kind !== Structural.Stash || !atHand(op.operands[0]!) || !op.partner) continue;
    replacement.set(op.partner.results[0]!, op.operands[0]!);
    dropped.add(op);
    dropped.add(op.partner);
  }
  if (dropped.size === 0) return;
  for (const op of walkOps(f.body)) op.regions.forEach((r) => (r.ops = r.ops.filter((o) => !dropped.has(o))));
  f.body.ops = f.body.ops.filter((o) => !dropped.has(o));
  for (const op of f.body.ops) replaceAll(op, replacement);
}
