/**
 * Which writes stay inside their array. In JavaScript `a[i] = v` past the end
 * of a `number[]` makes the array longer (a moving average filled
 * `a[i] = ...` from `[]`). The shadow array must grow with it, or the
 * reverse sweep reads `undefined` there and every derivative becomes NaN. So
 * the forward sweep mirrors a write it cannot prove in bounds with a zero
 * written into the shadow (a no-op where the element exists: a shadow holds
 * zeros until the reverse sweep). Proved in bounds, and left alone:
 *
 * - a constant index below the constant length of an allocation
 *   (`const p = [x, y]; p[1] = ...`);
 * - the counter of the loop around the write, counting up by one from a
 *   whole number at least 0 (a constant, a length, an outer counter plus
 *   one) while below the array's length (`i < a.length`) or
 *   the length it was allocated with (`new Array(n)` and `i < n`, or
 *   `x.slice()` and `i < x.length` for a parameter `x`, whose length no
 *   write changes);
 *
 * - an element the same region wrote before (`a[i] += u; a[i] -= v;`).
 *
 * Arrays in the subset never shrink, so a length once reached stays. A
 * write by a counted loop that is not proved in bounds, but whose bound is
 * known before the loop, grows the shadow to that bound once before the
 * loop instead of in every trip (`lengthBeforeLoop`).
 */
import { constantOf } from "../ir/builder.js";
import { Structural, type Op, type Region, type Value } from "../ir/types.js";
import { definedInside, terminator } from "../ir/walk.js";

const allocations = new Set(["alloc", "falloc"]);

/** Whether `store(a, i, v)` surely writes an element `a` already has. */
export function storeInBounds(store: Op): boolean {
  const [array, index] = store.operands as [Value, Value];
  if (writtenBefore(store)) return true;
  const constant = constantOf(index);
  if (typeof constant === "number") {
    const length = array.def && allocations.has(array.def.kind) ? constantOf(array.def.operands[0]!) : undefined;
    return Number.isInteger(constant) && constant >= 0 && typeof length === "number" && constant < length;
  }
  return countedBelowLength(array, index);
}

/** `index` is a body argument of a loop that counts it up by one from a whole constant >= 0 while it is below `array`'s length. */
function countedBelowLength(array: Value, index: Value): boolean {
  const counted = countedIndex(index);
  return !!counted && counted.bounds.some((bound) => isLengthOf(bound, array, counted.loop.regions[0]!, counted.loop.regions[1]!));
}

/**
 * For a body argument of a `while` that counts up by one from a whole
 * number at least 0 (`nonNegativeWhole`): the loop, and the values the
 * condition requires it to stay below (`i < n && ...`).
 */
function countedIndex(index: Value): { loop: Op; bounds: Value[] } | undefined {
  const body = index.region;
  const loop = body?.owner;
  if (!body || loop?.kind !== Structural.While || loop.regions[1] !== body) return undefined;
  const j = body.args.indexOf(index);
  const next = terminator(body).operands[j]!.def;
  const steps = next?.kind === "add" && next.operands[0] === index && constantOf(next.operands[1]!) === 1;
  if (!steps || !nonNegativeWhole(loop.operands[j]!)) return undefined;
  const cond = loop.regions[0]!;
  const bounds = conjuncts(terminator(cond).operands[0]!)
    .filter((test) => test.def?.kind === "lt" && test.def.operands[0] === cond.args[j])
    .map((test) => test.def!.operands[1]!);
  return { loop, bounds };
}

/**
 * For a write `a[i] = v` that may lengthen `a`, in the body of the loop
 * counting `i` below a bound defined before the loop (`for (i = 0; i < n;
 * i++) a[i] = ...` with `a` from before the loop): that bound. Every trip's
 * write then lies below it, so growing the shadow to that length once,
 * before the loop, covers them all.
 */
export function lengthBeforeLoop(store: Op): { loop: Op; bound: Value } | undefined {
  const [array, index] = store.operands as [Value, Value];
  const counted = countedIndex(index);
  if (!counted || store.parent !== counted.loop.regions[1] || definedInside(array, counted.loop)) return undefined;
  const bound = counted.bounds.find((b) => !definedInside(b, counted.loop) && b.type === "f64");
  return bound && { loop: counted.loop, bound };
}

/**
 * A whole number at least 0: such a constant, a length, a counter counting
 * up by one from such a number (`countedIndex`), or a sum of them (the
 * `k + 1` an inner loop of elimination starts from).
 */
function nonNegativeWhole(v: Value): boolean {
  const constant = constantOf(v);
  if (constant !== undefined) return typeof constant === "number" && Number.isInteger(constant) && constant >= 0;
  if (v.def?.kind === "len") return true;
  if (v.def?.kind === "add") return v.def.operands.every(nonNegativeWhole);
  return !v.def && countedIndex(v) !== undefined;
}

/** The tests a condition requires all of: `a && b && ...`. */
function conjuncts(v: Value): Value[] {
  return v.def?.kind === "and" ? v.def.operands.flatMap(conjuncts) : [v];
}

/** Whether `bound` (in the loop's condition) is the length of `array` (in its body): `a.length`, or the `n` of `new Array(n)`. */
function isLengthOf(bound: Value, array: Value, cond: Region, body: Region): boolean {
  const same = (x: Value) => x === array || (cond.args.includes(x) && body.args[cond.args.indexOf(x)] === array);
  if (bound.def?.kind === "len" && same(bound.def.operands[0]!)) return true;
  const length = array.def && allocations.has(array.def.kind) ? array.def.operands[0]! : undefined;
  if (!length) return false;
  // `new Array(x.length)` below `x.length` read again in the condition, for a parameter x.
  const lengthOf = (v: Value) => (v.def?.kind === "len" ? v.def.operands[0] : undefined);
  const measured = lengthOf(length);
  return length === bound || (!!measured && measured === lengthOf(bound) && isParameter(measured));
}

/** A parameter of the function: its length is what the caller gave. */
function isParameter(v: Value): boolean {
  return !v.def && v.region?.owner === undefined;
}

/** Whether a store into the same element of the same array comes earlier in the store's region. */
function writtenBefore(store: Op): boolean {
  const ops = store.parent?.ops ?? [];
  const [array, index] = store.operands;
  return ops.slice(0, ops.indexOf(store)).some((op) => op.kind === "store" && op.operands[0] === array && op.operands[1] === index);
}
