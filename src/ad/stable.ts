/**
 * Reads of arrays that the reverse sweep may repeat instead of taping.
 *
 * The reverse sweep runs after the whole forward sweep and never writes
 * primal memory, so a forward read `a[i]` can be repeated in the reverse
 * sweep when nothing writes its element later in the forward sweep. That
 * holds for arrays nothing writes at all (parameters and their rows), and
 * for arrays written only before the read, where no loop runs the write again
 * after the read: `h` in `for (...) h[i] = ...; for (...) s += w[j] * h[j];`.
 *
 * Writes are known per alias class, not per array: a loop body that
 * allocates an array makes a new one in every trip, so a write in a later
 * trip goes to another array, provided no reference to the class survives
 * from one trip to the next. The loops that count are therefore those inside
 * the innermost region that holds every reference of the class (all the
 * values of the class are defined in it, none is its own loop state).
 */
import { isArray, Structural, type Op, type Region, type Value } from "../ir/types.js";
import { walkOps } from "../ir/walk.js";
import type { AliasClasses } from "./activity.js";

export class StableReads {
  /** Pre-order position of every op of the forward sweep. */
  private readonly position = new Map<Op, number>();
  /** Per alias class: the forward writes into it, and the region holding all its references. */
  private readonly writes = new Map<Value, Op[]>();
  private readonly home = new Map<Value, Region>();

  constructor(body: Region, private readonly classes: AliasClasses) {
    let n = 0;
    const homes = new Map<Value, Region[]>();
    const note = (v: Value, region: Region) => {
      if (!isArray(v.type)) return;
      const c = classes.find(v);
      const list = homes.get(c);
      if (list) list.push(region);
      else homes.set(c, [region]);
    };
    body.args.forEach((v) => note(v, body));
    for (const op of walkOps(body)) {
      if (op.reverse) continue;
      this.position.set(op, n++);
      op.results.forEach((v) => note(v, op.parent!));
      // Loop state carries references from one trip to the next: its home is around the loop.
      for (const r of op.regions) r.args.forEach((v) => note(v, op.parent!));
      if (op.kind === "store" || op.kind === "append") {
        const c = classes.find(op.operands[0]!);
        const list = this.writes.get(c);
        if (list) list.push(op);
        else this.writes.set(c, [op]);
      }
    }
    for (const [c, regions] of homes) this.home.set(c, regions.reduce(commonRegion));
  }

  /** Whether the element or length that `read` (a forward `load` or `len`) reads is never written after it. */
  stable(read: Op): boolean {
    const c = this.classes.find(read.operands[0]!);
    const writes = this.writes.get(c) ?? [];
    const home = this.home.get(c);
    const at = this.position.get(read);
    if (!home || at === undefined) return false;
    const around = loopsBetween(read, home);
    return writes.every((w) => this.position.get(w)! < at && !loopsBetween(w, home).some((l) => around.includes(l)));
  }
}

/** The loops around `op` inside `home` (not `home`'s own loop). */
function loopsBetween(op: Op, home: Region): Op[] {
  const loops: Op[] = [];
  for (let r = op.parent; r && r !== home; r = r.owner?.parent) {
    const owner = r.owner;
    if (!owner) break;
    if (owner.kind === Structural.While || owner.kind === Structural.Repeat) loops.push(owner);
  }
  return loops;
}

/** The innermost region containing both regions. */
function commonRegion(a: Region, b: Region): Region {
  const chain = new Set<Region>();
  for (let r: Region | undefined = a; r; r = r.owner?.parent) chain.add(r);
  for (let r: Region | undefined = b; r; r = r.owner?.parent) if (chain.has(r)) return r;
  throw new Error("regions of different functions");
}
