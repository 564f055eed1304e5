/** Adjoint code over whole arrays, shared by seeding and user-defined rules. */
import type { Builder } from "../ir/builder.js";
import type { Value } from "../ir/types.js";

/** `target[k] += source[k]` for every k of `source` (row by row for a matrix). */
export function addInto(b: Builder, target: Value, source: Value): void {
  b.countedLoop(b.prim("len", [source]), (k) => {
    if (source.type === "f64[][]") addInto(b, b.prim("load", [target, k]), b.prim("load", [source, k]));
    else b.prim("store", [target, k, b.add(b.prim("load", [target, k]), b.prim("load", [source, k]))]);
  });
}
