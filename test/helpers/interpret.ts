/**
 * A small interpreter for regions of pure IR ops (constants and primitives
 * with an `apply`), for tests that check rules and passes by running the IR
 * they build.
 */
import { primitiveOf } from "../../src/ir/primitives.js";
import { Structural, type Region, type Value } from "../../src/ir/types.js";

export type Scalar = number | boolean;

/** Runs the ops of `region` with its arguments bound to `args`; returns every value computed. */
export function run(region: Region, args: Scalar[]): Map<Value, Scalar> {
  const values = new Map<Value, Scalar>(region.args.map((a, i) => [a, args[i]!]));
  const read = (v: Value): Scalar => {
    const x = values.get(v);
    if (x === undefined) throw new Error(`value ${v.name || v.id} read before it is computed`);
    return x;
  };
  for (const op of region.ops) {
    if (op.kind === Structural.Const) {
      values.set(op.results[0]!, op.literal!);
      continue;
    }
    const p = primitiveOf(op);
    if (!p?.apply) throw new Error(`cannot interpret op ${op.kind}`);
    values.set(op.results[0]!, p.apply(...op.operands.map(read)));
  }
  return values;
}
