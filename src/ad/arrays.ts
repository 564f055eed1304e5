/** Adjoint code over whole arrays, shared by seeding and user-defined rules. */
import type { Builder } from "../ir/builder.js";
import type { Value } from "../ir/types.js";

/** `target[k] += source[k]` for every k of `source`. */
export function addInto(b: Builder, target: Value, source: Value): void {
  b.countedLoop(b.prim("len", [source]), (k) => {
    b.prim("store", [target, k, b.add(b.prim("load", [target, k]), b.prim("load", [source, k]))]);
  });
}
