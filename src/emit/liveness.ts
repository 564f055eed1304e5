/**
 * Liveness for structured code, exact: a read is reachable from a point if it
 * comes later in program order and not in the other branch of an `if`, or if
 * a loop around both runs it again (for a value from outside the loop).
 */
import { Structural, type Func, type Op, type Value } from "../ir/types.js";
import { definedInside } from "../ir/walk.js";

const isLoop = (op: Op) => op.kind === Structural.While || op.kind === Structural.Repeat;

interface Position {
  index: number;
  /** The enclosing `if` ops (and loops) and which region the position is in. */
  branches: Map<Op, number>;
}

export class Liveness {
  private readonly position = new Map<Op, Position>();
  private readonly endIndex = new Map<Op, number>();
  /** For each op with regions, the values its regions read (at any depth). */
  readonly readInside = new Map<Op, Value[]>();

  /** `reads`: for each value, the ops that read it (effectiveReads). */
  constructor(f: Func, readonly reads: Map<Value, Op[]>) {
    let counter = 0;
    const number = (ops: Op[], branches: Map<Op, number>): void => {
      for (const op of ops) {
        this.position.set(op, { index: counter++, branches });
        op.regions.forEach((r, i) => number(r.ops, new Map([...branches, [op, i]])));
        this.endIndex.set(op, counter - 1);
      }
    };
    number(f.body.ops, new Map());
    for (const [v, at] of reads) {
      for (const r of at) {
        for (const owner of this.position.get(r)!.branches.keys()) {
          const list = this.readInside.get(owner);
          if (list) list.push(v);
          else this.readInside.set(owner, [v]);
        }
      }
    }
  }

  /** The op's place in program order. */
  index(op: Op): number {
    return this.position.get(op)!.index;
  }

  /**
   * Whether the read `to` of `v` can run after `from`; without `v`, whether
   * op `to` can (as the read of a value from before every loop).
   */
  reachable(from: Op, to: Op, v?: Value): boolean {
    const p = this.position.get(from)!;
    const q = this.position.get(to)!;
    // A loop around both runs `to` again after `from`, for a value from outside the loop.
    for (const op of p.branches.keys()) {
      if (isLoop(op) && q.branches.has(op) && !(v && definedInside(v, op))) return true;
    }
    if (q.index <= p.index) return false;
    for (const [op, branch] of p.branches) {
      const other = q.branches.get(op);
      if (other !== undefined && other !== branch) return false;
    }
    return true;
  }

  /**
   * Whether nothing reads `v` after `at` (reads by `at` itself, or inside
   * `at`'s regions, do not count, unless a loop around `at` that `v` comes
   * from outside of runs `at` again: then `v` is read again on its next trip).
   */
  diesAt(v: Value, at: Op): boolean {
    const again = this.reachable(at, at, v);
    return (this.reads.get(v) ?? []).every((r) => (!again && (r === at || this.insideOf(r, at))) || !this.reachable(at, r, v));
  }

  /** Whether op `r` is inside `at`'s regions. */
  insideOf(r: Op, at: Op): boolean {
    const p = this.position.get(r)!;
    return p.branches.has(at) && p.index <= this.endIndex.get(at)!;
  }
}
