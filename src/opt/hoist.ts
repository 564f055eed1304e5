/**
 * Loop-invariant row references, on the primal before differentiation.
 *
 * `a[k]` read in the body of a loop that writes no matrix (no row of any
 * `number[][]` is replaced or pushed in it), with `a` and `k` from before
 * the loop, is the same row in every trip: the read moves before the loop.
 * Writes to the row's numbers (`a[k][j] -= ...`) do not change which row
 * `a[k]` is, so they do not stop it. The reverse sweep then gets the row and
 * its shadow once per run of the loop instead of taping them in every trip
 * (Gaussian elimination's pivot row `a[k]` and row `a[i]` in its inner loop).
 *
 * Only reads at the top level of the body move (a read inside an `if` of
 * the body may be one the source guards), and only row reads: a number read
 * can be changed by a write to the row. Nothing is computed differently, so
 * values are bit for bit the same.
 */
import { Structural, type Func, type Op, type Region } from "../ir/types.js";
import { definedBefore, walkOps } from "../ir/walk.js";

export function hoistInvariantRows(f: Func): void {
  visit(f.body);
}

/** Inner loops first, so that a read hoisted out of one can move out of the loop around it too. */
function visit(region: Region): void {
  for (const op of [...region.ops]) {
    op.regions.forEach(visit);
    if (op.kind === Structural.While) hoistFrom(op);
  }
}

/** Whether anything in the loop may change which rows a matrix holds: any use of a matrix but reading a row or its length. */
function changesRows(loop: Op): boolean {
  for (const region of loop.regions) {
    for (const op of walkOps(region)) {
      const usesMatrix = op.operands.some((v) => v.type === "f64[][]");
      if (usesMatrix && !((op.kind === "load" || op.kind === "len") && op.operands[0]!.type === "f64[][]")) return true;
    }
  }
  return false;
}

function hoistFrom(loop: Op): void {
  const body = loop.regions[loop.regions.length - 1]!;
  const rowReads = body.ops.filter((op) => op.kind === "load" && op.operands[0]!.type === "f64[][]");
  if (rowReads.length === 0 || changesRows(loop)) return;
  const outer = loop.parent!;
  for (const op of rowReads) {
    if (!op.operands.every((v) => definedBefore(v, loop))) continue;
    body.ops.splice(body.ops.indexOf(op), 1);
    outer.ops.splice(outer.ops.indexOf(loop), 0, op);
    op.parent = outer;
  }
}
