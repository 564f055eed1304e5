/**
 * Which values are printed inside their user's expression rather than as a
 * variable of their own, and where each value is then read.
 */
import { primitiveOf } from "../ir/primitives.js";
import { Structural, type Func, type Op, type Value } from "../ir/types.js";
import { walkOps } from "../ir/walk.js";

/**
 * How deep an inlined expression may nest before a variable holds part of it:
 * a sum of a thousand terms stays a thousand operations in source order, as
 * statements of at most this depth, which people (and prettier, whose parser
 * recurses once per level) can read.
 */
const MAX_INLINE_DEPTH = 64;

/** Pure values used once, by an op of the same region and source-line group, are inlined into it. */
export function chooseInlined(f: Func): Set<Value> {
  const users = new Map<Value, Op[]>();
  for (const op of walkOps(f.body)) {
    // `a.push(v)` does not print the index it lands at (an operand for the reverse sweep).
    const printed = op.kind === "append" ? [op.operands[0]!, op.operands[2]!] : op.operands;
    for (const v of printed) users.set(v, [...(users.get(v) ?? []), op]);
  }
  const inlined = new Set<Value>();
  /** Inlined values whose expression reads array memory: they must not move past a write. */
  const readsMemory = new Set<Value>();
  /** How deep each value's printed expression nests (a variable or literal: 0). */
  const depth = new Map<Value, number>();
  const depthOf = (op: Op) => 1 + Math.max(0, ...op.operands.map((x) => (inlined.has(x) ? depth.get(x) ?? 0 : 0)));
  for (const op of walkOps(f.body)) {
    const p = primitiveOf(op);
    if (!p || op.results.length !== 1 || p.memory === "alloc") continue;
    const v = op.results[0]!;
    const u = users.get(v) ?? [];
    if (u.length === 0) {
      inlined.add(v); // nothing prints it: not a statement of its own either
      continue;
    }
    if (u.length !== 1 || v.nameKind === "source") continue;
    const user = u[0]!;
    if (user.parent !== op.parent) continue;
    if (user.kind === Structural.Return) continue;
    // `x !== 0 || x === 0.5` does not type-check (x is narrowed to 0 on the right), and
    // simplification can produce it (from `Math.min(x) !== 0 * 1`): keep such tests apart.
    if ((op.kind === "eq" || op.kind === "ne") && (user.kind === "and" || user.kind === "or")) continue;
    const reads = p.memory === "read" || op.operands.some((x) => readsMemory.has(x));
    if (reads && writesBetween(op, user)) continue;
    const structural = user.kind === Structural.Yield || user.kind === Structural.If;
    const sameGroup = !op.reverse ? !user.reverse : user.reverse === true && user.loc?.line === op.loc?.line;
    const d = depthOf(op);
    if ((structural || sameGroup) && d < MAX_INLINE_DEPTH) {
      inlined.add(v);
      depth.set(v, d);
      if (reads) readsMemory.add(v);
    }
  }
  return inlined;
}

/** Whether an op between `from` and `to` (same region) may write array memory. */
function writesBetween(from: Op, to: Op): boolean {
  const ops = from.parent!.ops;
  return ops.slice(ops.indexOf(from) + 1, ops.indexOf(to)).some(writesMemory);
}

function writesMemory(op: Op): boolean {
  return primitiveOf(op)?.memory === "write" || op.regions.some((r) => r.ops.some(writesMemory));
}

/** For each value, the ops that read it once inlined expressions are placed at their users. */
export function effectiveReads(f: Func, inlined: Set<Value>): Map<Value, Op[]> {
  const reads = new Map<Value, Op[]>();
  const read = (v: Value, at: Op): void => {
    if (inlined.has(v)) {
      for (const w of v.def!.operands) read(w, at);
      return;
    }
    const list = reads.get(v);
    if (list) list.push(at);
    else reads.set(v, [at]);
  };
  for (const op of walkOps(f.body)) {
    if (op.results.length === 1 && inlined.has(op.results[0]!)) continue;
    for (const v of op.operands) read(v, op);
  }
  return reads;
}
