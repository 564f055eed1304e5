/**
 * Loop state a `while` body passes on unchanged (it yields its own argument)
 * is the loop's initial value throughout: uses of the argument in the
 * condition and the body, and of the result after the loop, read the initial
 * value instead, and the component leaves the state. Lowering carries every
 * variable a loop may assign (and every field a called helper may write), so
 * this removes what the loop did not in fact change; the reverse sweep then
 * has nothing to tape for it.
 */
import { Structural, type Func, type Op, type Region } from "../ir/types.js";
import { replaceUses, terminator, walkOps } from "../ir/walk.js";

export function forwardInvariantLoopState(f: Func): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const op of [...walkOps(f.body)].filter((o) => o.kind === Structural.While).reverse()) changed = forward(f, op) || changed;
  }
}

function forward(f: Func, op: Op): boolean {
  const [cond, body] = op.regions as [Region, Region];
  const keep = op.operands.map((_, j) => terminator(body).operands[j] !== body.args[j]);
  if (!keep.includes(false)) return false;
  keep.forEach((kept, j) => {
    if (kept) return;
    const init = op.operands[j]!;
    replaceUses(cond, cond.args[j]!, init);
    replaceUses(body, body.args[j]!, init);
    replaceUses(f.body, op.results[j]!, init);
  });
  op.operands = op.operands.filter((_, j) => keep[j]);
  op.results = op.results.filter((_, j) => keep[j]);
  cond.args = cond.args.filter((_, j) => keep[j]);
  body.args = body.args.filter((_, j) => keep[j]);
  terminator(body).operands = terminator(body).operands.filter((_, j) => keep[j]);
  return true;
}
