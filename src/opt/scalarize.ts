/**
 * Scalar replacement of small arrays, on the primal before differentiation.
 *
 * An array made with a length known at compile time (`[a, b, c]`,
 * `new Array(3)`, `new Float64Array(4)`, the result of an inlined helper that
 * returns a literal) whose every use is a read or write at a constant index
 * inside it, its `length`, or being yielded by a branch of an `if` whose
 * result is such an array too, is memory nobody else can see. Its elements
 * become SSA values ("cells"): a write sets the cell, a read is the cell's
 * current value, an `if` or loop that writes the array yields its cells as
 * extra results or carries them as extra state. So neither the primal nor
 * the gradient allocates it, and it has no shadow array: its adjoints are
 * numbers like any other.
 *
 * An array that escapes (returned, stored into another array, pushed to,
 * read at an index not known at compile time, yielded as loop state) stays
 * an array. Only loads and stores go: every arithmetic op stays where it is,
 * so values are bit for bit the same.
 */
import { Structural, type Func, type Op, type Region, type Value } from "../ir/types.js";
import { diverges, useCounts, walkOps } from "../ir/walk.js";

/** Arrays up to this length become cells; longer ones are unlikely to be read only at constants. */
const MAX_CELLS = 16;

export function scalarizeArrays(f: Func): void {
  const lengths = candidates(f.body);
  if (lengths.size === 0) return;
  let nextId = 0;
  for (const op of walkOps(f.body)) for (const v of op.results) nextId = Math.max(nextId, v.id + 1);
  const scalarizer = new Scalarizer(lengths, nextId);
  scalarizer.region(f.body, new Map());
  dropIdleCells(f.body, scalarizer.carried);
}

/**
 * Cells a loop carries that nothing reads, neither the next trip nor the
 * code after the loop (a scratch array written afresh at the top of every
 * trip), are no loop state: they go, so that the loop still only sums
 * independent terms (ad/fusion.ts) where it did when they were an array.
 */
function dropIdleCells(body: Region, carried: Map<Op, number>): void {
  for (let changed = true; changed; ) {
    changed = false;
    const counts = useCounts(body);
    for (const [op, from] of carried) {
      for (let c = op.results.length - 1; c >= from; c--) {
        const [cond, loopBody] = [op.regions[0]!, op.regions[1]!];
        if ([cond.args[c]!, loopBody.args[c]!, op.results[c]!].some((v) => counts.has(v))) continue;
        const yieldOp = loopBody.ops[loopBody.ops.length - 1]!;
        for (const list of [op.operands, cond.args, loopBody.args, yieldOp.operands, op.results]) list.splice(c, 1);
        changed = true;
      }
    }
  }
}

/** The integer constant a value holds, if any. */
function constantIndex(v: Value): number | undefined {
  const l = v.def?.kind === Structural.Const ? v.def.literal : undefined;
  return typeof l === "number" && Number.isInteger(l) ? l : undefined;
}

/** Each use of a value: the op and the operand position. */
function usesOf(body: Region): Map<Value, { op: Op; at: number }[]> {
  const uses = new Map<Value, { op: Op; at: number }[]>();
  for (const op of walkOps(body)) {
    op.operands.forEach((v, at) => {
      const list = uses.get(v) ?? [];
      list.push({ op, at });
      uses.set(v, list);
    });
  }
  return uses;
}

/** Whether `v` is defined inside `region` (at any depth). */
function definedWithin(v: Value, region: Region): boolean {
  for (let r = v.def?.parent ?? v.region; r; r = r.owner?.parent) if (r === region) return true;
  return false;
}

/** The arrays that become cells, with their lengths: allocations and `if` results, to a fixed point. */
function candidates(body: Region): Map<Value, number> {
  const lengths = new Map<Value, number>();
  const ops = walkOps(body);
  for (const op of ops) {
    if ((op.kind === "alloc" || op.kind === "falloc") && op.results.length === 1) {
      const n = constantIndex(op.operands[0]!);
      if (n !== undefined && n > 0 && n <= MAX_CELLS) lengths.set(op.results[0]!, n);
    }
  }
  for (const op of ops) {
    if (op.kind !== Structural.If) continue;
    op.results.forEach((r, j) => {
      const yielded = op.regions.filter((region) => !diverges(region)).map((region) => region.ops[region.ops.length - 1]!.operands[j]!);
      const n = yielded.length ? lengths.get(yielded[0]!) : undefined;
      if (n !== undefined && yielded.every((v, k) => lengths.get(v) === n && definedWithin(v, op.regions.filter((g) => !diverges(g))[k]!))) lengths.set(r, n);
    });
  }
  const uses = usesOf(body);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [v, n] of lengths) {
      if ((uses.get(v) ?? []).every((use) => allowedUse(use, n, lengths))) continue;
      lengths.delete(v);
      changed = true;
    }
    // An `if` result whose yielded arrays are not all cells any more stays an array, and so do they.
    for (const op of ops) {
      if (op.kind !== Structural.If) continue;
      op.results.forEach((r, j) => {
        if (!lengths.has(r)) return;
        const ok = op.regions.every((region) => diverges(region) || lengths.has(region.ops[region.ops.length - 1]!.operands[j]!));
        if (!ok) {
          lengths.delete(r);
          changed = true;
        }
      });
    }
  }
  return lengths;
}

/** Whether one use of an array of `n` cells keeps it scalarisable. */
function allowedUse({ op, at }: { op: Op; at: number }, n: number, lengths: Map<Value, number>): boolean {
  if (op.kind === "len") return true;
  if ((op.kind === "load" || op.kind === "store") && at === 0) {
    const k = constantIndex(op.operands[1]!);
    if (k === undefined || k < 0 || k >= n) return false;
    // Inside `if`s and loop bodies only, which carry cells (a loop's condition yields no state).
    for (let r = op.parent; r?.owner; r = r.owner.parent) {
      const owner = r.owner;
      if (owner.kind === Structural.If) continue;
      if (owner.kind !== Structural.While || (op.kind === "store" && owner.regions[0] === r)) return false;
    }
    return true;
  }
  if (op.kind === Structural.Yield) {
    const owner = op.parent?.owner;
    return owner?.kind === Structural.If && lengths.get(owner.results[at]!) === n;
  }
  return false;
}

/** The name hint of cell k of an array the source named (`s[0]` is `s0`); temporaries' cells stay unnamed. */
function cellName(array: Value, k: number): string {
  return array.nameKind === "source" && array.name !== "" ? `${array.name}${k}` : "";
}

/** Cells of each array in scope: the SSA value each element holds at this point of the walk. */
type Cells = Map<Value, Value[]>;

class Scalarizer {
  /** Loops given cells as state: where their cells start among the state components. */
  readonly carried = new Map<Op, number>();
  /** Reads replaced by the cell they read. */
  private readonly subst = new Map<Value, Value>();

  constructor(private readonly lengths: Map<Value, number>, private nextId: number) {}

  private value(type: Value["type"], def: Op | undefined, region?: Region, name = ""): Value {
    const v: Value = { id: this.nextId++, type, name, nameKind: "temp", def };
    if (region) v.region = region;
    return v;
  }

  private constant(literal: number, region: Region, out: Op[]): Value {
    const op: Op = { kind: Structural.Const, operands: [], results: [], regions: [], literal, parent: region };
    op.results.push(this.value("f64", op));
    out.push(op);
    return op.results[0]!;
  }

  /** Rewrites the ops of `region` in program order; `cells` is updated to the cells at its end. */
  region(region: Region, cells: Cells): void {
    const out: Op[] = [];
    for (const op of region.ops) {
      op.operands = op.operands.map((v) => this.subst.get(v) ?? v);
      if (!this.rewrite(op, region, cells, out)) out.push(op);
    }
    region.ops = out;
  }

  /** Rewrites one op into `out`; false when the op stays as it is. */
  private rewrite(op: Op, region: Region, cells: Cells, out: Op[]): boolean {
    const array = op.operands[0];
    if ((op.kind === "alloc" || op.kind === "falloc") && this.lengths.has(op.results[0]!)) {
      const zero = this.constant(0, region, out);
      cells.set(op.results[0]!, new Array<Value>(this.lengths.get(op.results[0]!)!).fill(zero));
      return true;
    }
    if (op.kind === Structural.If) {
      this.ifOp(op, cells);
      return false;
    }
    if (op.kind === Structural.While) {
      this.whileOp(op, cells);
      return false;
    }
    if (!array || !this.lengths.has(array)) {
      op.regions.forEach((r) => this.region(r, new Map(cells)));
      return false;
    }
    switch (op.kind) {
      case "len":
        this.subst.set(op.results[0]!, this.constant(this.lengths.get(array)!, region, out));
        return true;
      case "load":
        this.subst.set(op.results[0]!, cells.get(array)![constantIndex(op.operands[1]!)!]!);
        return true;
      case "store": {
        const next = [...cells.get(array)!];
        next[constantIndex(op.operands[1]!)!] = op.operands[2]!;
        cells.set(array, next);
        return true;
      }
      default:
        return false;
    }
  }

  /** The arrays in scope before `op` that a store inside it writes. */
  private written(op: Op, cells: Cells): Value[] {
    const found = new Set<Value>();
    for (const r of op.regions) {
      for (const inner of walkOps(r)) if (inner.kind === "store" && cells.has(inner.operands[0]!)) found.add(inner.operands[0]!);
    }
    return [...found];
  }

  /** An `if`: array results become their cells; arrays its branches write get their cells as extra results. */
  private ifOp(op: Op, cells: Cells): void {
    const written = this.written(op, cells);
    const arrayResults = op.results.map((r, j) => (this.lengths.has(r) ? j : -1)).filter((j) => j >= 0);
    for (const region of op.regions) {
      const inner = new Map(cells);
      this.region(region, inner);
      const yieldOp = region.ops[region.ops.length - 1]!;
      const extra = arrayResults.flatMap((j) => {
        const yielded = inner.get(yieldOp.operands[j]!);
        return yielded ?? new Array<Value>(this.lengths.get(op.results[j]!)!).fill(this.constant(0, region, region.ops));
      });
      // Constants made for a diverging branch went after its terminator: move the terminator last again.
      region.ops = [...region.ops.filter((o) => o !== yieldOp), yieldOp];
      yieldOp.operands = [...yieldOp.operands.filter((_, j) => !arrayResults.includes(j)), ...extra, ...written.flatMap((w) => inner.get(w)!)];
    }
    const kept = op.results.filter((_, j) => !arrayResults.includes(j));
    const fresh = (a: Value, n: number) => Array.from({ length: n }, (_, k) => this.value("f64", op, undefined, cellName(a, k)));
    for (const j of arrayResults) cells.set(op.results[j]!, fresh(op.results[j]!, this.lengths.get(op.results[j]!)!));
    for (const w of written) cells.set(w, fresh(w, cells.get(w)!.length));
    op.results = [...kept, ...arrayResults.flatMap((j) => cells.get(op.results[j]!)!), ...written.flatMap((w) => cells.get(w)!)];
  }

  /** A `while` whose regions write arrays of cells carries the cells as extra loop state. */
  private whileOp(op: Op, cells: Cells): void {
    const written = this.written(op, cells);
    if (written.length) this.carried.set(op, op.operands.length);
    op.operands = [...op.operands, ...written.flatMap((w) => cells.get(w)!)];
    op.regions.forEach((region, index) => {
      const inner = new Map(cells);
      for (const w of written) {
        const args = cells.get(w)!.map((_, k) => this.value("f64", undefined, region, cellName(w, k)));
        region.args.push(...args);
        inner.set(w, args);
      }
      this.region(region, inner);
      if (index === op.regions.length - 1) {
        const yieldOp = region.ops[region.ops.length - 1]!;
        yieldOp.operands = [...yieldOp.operands, ...written.flatMap((w) => inner.get(w)!)];
      }
    });
    for (const w of written) {
      const results = cells.get(w)!.map((_, k) => this.value("f64", op, undefined, cellName(w, k)));
      op.results.push(...results);
      cells.set(w, results);
    }
  }
}
