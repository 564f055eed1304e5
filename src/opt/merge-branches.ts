/**
 * Adjacent `if`s on one condition become one `if` (on the gradient, before
 * dead-code elimination). A loop whose trips are reversed where they run puts
 * the reverse of a branch right after the branch, on the same condition: one
 * `if` then tests once, and the values the reverse branch reads of the forward
 * one are at hand in the branch instead of passing out through the `if`'s
 * results (with a placeholder on the other path). The condition is an SSA
 * value, which neither branch can change, so running both branches' ops one
 * after the other under one test is what the two tests did. A branch that
 * throws is left alone (the printer prints it alone).
 */
import { Structural, type Func, type Op, type Region } from "../ir/types.js";
import { diverges, replaceUses, terminator, walkOps } from "../ir/walk.js";

export function mergeAdjacentBranches(f: Func): void {
  mergeIn(f.body);
}

function mergeIn(r: Region): void {
  for (let k = 0; k < r.ops.length; k++) {
    const op = r.ops[k]!;
    const next = r.ops[k + 1];
    if (next && mergeable(op, next)) {
      merge(op, next);
      r.ops.splice(k + 1, 1);
      k--;
      continue;
    }
    op.regions.forEach(mergeIn);
  }
}

function mergeable(first: Op, second: Op): boolean {
  return first.kind === Structural.If && second.kind === Structural.If && first.operands[0] === second.operands[0]
    && ![...first.regions, ...second.regions].some(diverges);
}

/** `second`'s branches appended to `first`'s: each reads `first`'s results as its own branch yields them. */
function merge(first: Op, second: Op): void {
  first.regions.forEach((region, i) => {
    const later = second.regions[i]!;
    const end = terminator(region);
    first.results.forEach((v, j) => replaceUses(later, v, end.operands[j]!));
    const laterEnd = terminator(later);
    const moved = later.ops.filter((o) => o !== laterEnd);
    for (const o of moved) o.parent = region;
    region.ops.splice(region.ops.indexOf(end), 1, ...moved, end);
    end.operands = [...end.operands, ...laterEnd.operands];
    recallAtHand(region);
  });
  for (const v of second.results) v.def = first;
  first.results = [...first.results, ...second.results];
}

/**
 * A value the forward branch stashed for its reverse is at hand in the
 * merged branch: each recall of a stash made at the top of `region` reads
 * the stashed value itself, and both ops go.
 */
function recallAtHand(region: Region): void {
  const stashes = new Set(region.ops.filter((o) => o.kind === Structural.Stash));
  const dropped = new Set<Op>();
  for (const o of walkOps(region)) {
    if (o.kind !== Structural.Recall || !o.partner || !stashes.has(o.partner)) continue;
    replaceUses(region, o.results[0]!, o.partner.operands[0]!);
    dropped.add(o).add(o.partner);
  }
  if (dropped.size === 0) return;
  const drop = (r: Region): void => {
    r.ops = r.ops.filter((o) => !dropped.has(o));
    for (const o of r.ops) o.regions.forEach(drop);
  };
  drop(region);
}
