/** Adjoint code over whole arrays, shared by seeding and user-defined rules. */
import type { Builder } from "../ir/builder.js";
import type { Region, Value } from "../ir/types.js";

/** `target[k] += source[k]` for every k of `source`. */
export function addInto(b: Builder, target: Value, source: Value): void {
  const op = b.whileOp([b.const(0)]);
  const [cond, loop] = op.regions as [Region, Region];
  for (const v of [cond.args[0]!, loop.args[0]!, op.results[0]!]) v.name = "k";
  b.inRegion(cond, () => b.yield([b.prim("lt", [cond.args[0]!, b.prim("len", [source])])]));
  b.inRegion(loop, () => {
    const k = loop.args[0]!;
    b.prim("store", [target, k, b.add(b.prim("load", [target, k]), b.prim("load", [source, k]))]);
    b.yield([b.add(k, b.const(1))]);
  });
}
