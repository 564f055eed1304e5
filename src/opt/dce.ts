/**
 * Dead-code elimination. Every op is pure, so an op none of whose results is
 * used goes; an `if` loses the results nobody reads (and the matching yield
 * operands), and goes entirely when none is left. Repeats to a fixed point.
 */
import { Structural, type Func, type Region } from "../ir/types.js";
import { terminator, useCounts } from "../ir/walk.js";

export function eliminateDeadCode(f: Func): void {
  for (let changed = true; changed; ) {
    changed = sweep(f.body, useCounts(f.body));
  }
}

function sweep(r: Region, uses: Map<unknown, number>): boolean {
  let changed = false;
  for (let i = r.ops.length - 1; i >= 0; i--) {
    const op = r.ops[i]!;
    if (op.kind === Structural.Return || op.kind === Structural.Yield) continue;
    if (op.kind === Structural.If) {
      const keep = op.results.map((v) => (uses.get(v) ?? 0) > 0);
      if (keep.includes(false)) {
        op.results = op.results.filter((_, j) => keep[j]);
        for (const region of op.regions) {
          const t = terminator(region);
          t.operands = t.operands.filter((_, j) => keep[j]);
        }
        changed = true;
      }
      for (const region of op.regions) changed = sweep(region, uses) || changed;
      if (op.results.length === 0) {
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
