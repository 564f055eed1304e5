/**
 * A copy of a region: the same ops, in the same order, on new values (the
 * copy of a loop body the checkpointed forward sweep runs, checkpoint.ts).
 * Values from outside the region are read as they are; `keep` leaves ops out.
 */
import type { Builder } from "../../ir/builder.js";
import type { Op, Region, Value } from "../../ir/types.js";

export function cloneRegion(b: Builder, src: Region, owner: Op | undefined, keep: (op: Op) => boolean): Region {
  const mapping = new Map<Value, Value>();
  const copies = new Map<Op, Op>();
  const fresh = (v: Value, def: Op | undefined, region?: Region): Value => {
    const c = b.newValue(v.type, v.name, v.nameKind, def);
    if (region) c.region = region;
    mapping.set(v, c);
    return c;
  };
  const region = (r: Region, ownedBy: Op | undefined): Region => {
    const out: Region = { args: [], ops: [], owner: ownedBy };
    out.args = r.args.map((a) => fresh(a, undefined, out));
    for (const op of r.ops) {
      if (!keep(op)) continue;
      const copy: Op = { ...op, operands: op.operands.map((v) => mapping.get(v) ?? v), results: [], regions: [], parent: out };
      copy.results = op.results.map((v) => fresh(v, copy));
      copy.regions = op.regions.map((inner) => region(inner, copy));
      copies.set(op, copy);
      out.ops.push(copy);
    }
    return out;
  };
  const out = region(src, owner);
  // Links between ops of the region point to the copies (a link out of it is dropped).
  for (const copy of copies.values()) {
    if (copy.partner) {
      const linked = copies.get(copy.partner);
      if (linked) copy.partner = linked;
      else delete copy.partner;
    }
  }
  return out;
}
