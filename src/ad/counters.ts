/**
 * Loop counters the reverse sweep can compute instead of taping.
 *
 * A counter is a component of a `while`'s state that every trip steps by the
 * same loop-invariant whole number (`i = start + k * step`). Its value in a
 * trip is then known from the value after the trip (`i = next - step`), so
 * the reverse sweep carries it backwards as state of the `repeat`, starting
 * from its final value `start + trips * step`. All of these are whole numbers
 * (integer constants, lengths, and sums of them), so each step back is exact.
 *
 * When the loop's condition is `i < bound` (or `<=`, or `>`/`>=` counting
 * down) with a step of one and a bound the same in every trip, its trip
 * count is a formula of the start and the bound, which the reverse sweep
 * evaluates instead of taping the count: `max(0, bound - start)` for whole
 * bounds, `max(0, ceil(bound - start))` for others when counting up from a
 * whole number at least 0 (then the difference is exact). A `NaN` bound gives
 * a `NaN` count, which a `repeat` runs zero times, as the loop ran.
 */
import type { Builder } from "../ir/builder.js";
import { Structural, type Op, type Value } from "../ir/types.js";
import { definedInside, terminator } from "../ir/walk.js";

export interface Counter {
  /** The state component. */
  index: number;
  /** Each trip adds (or subtracts) `step`. */
  kind: "add" | "sub";
  step: Value;
}

/** The counters of a `while`. */
export function affineCounters(loop: Op): Counter[] {
  const body = loop.regions[1]!;
  const next = terminator(body).operands;
  const counters: Counter[] = [];
  body.args.forEach((arg, index) => {
    const op = next[index]?.def;
    if (!op || op.parent !== body || (op.kind !== "add" && op.kind !== "sub")) return;
    const [a, b] = op.operands as [Value, Value];
    const step = a === arg ? b : op.kind === "add" && b === arg ? a : undefined;
    if (!step || (definedInside(step, loop) && step.def?.kind !== Structural.Const) || !wholeNumber(arg) || !wholeNumber(step)) return;
    counters.push({ index, kind: op.kind, step });
  });
  return counters;
}

/**
 * The trip count of a counted loop, built with `b` from values at hand
 * (`invariant` gives a value of the condition region as one computed outside
 * the loop, or undefined when it is not the same in every trip).
 */
export function tripFormula(b: Builder, loop: Op, counters: Counter[], invariant: (v: Value) => Value | undefined): Value | undefined {
  const cond = loop.regions[0]!;
  const test = terminator(cond).operands[0]!.def;
  if (!test || test.parent !== cond) return undefined;
  const flipped: Record<string, string> = { lt: "gt", le: "ge", gt: "lt", ge: "le" };
  if (!(test.kind in flipped)) return undefined;
  let [x, y] = test.operands as [Value, Value];
  let kind = test.kind;
  if (!cond.args.includes(x) && !offsetCounter(cond.args, x)) {
    [x, y] = [y, x];
    kind = flipped[kind]!;
  }
  // `i + c < bound` is `i < bound - c` for whole numbers.
  const offset = offsetCounter(cond.args, x);
  if (offset) {
    if (!wholeNumber(y)) return undefined;
    x = offset.counter;
  }
  const counter = counters.find((c) => cond.args[c.index] === x);
  if (!counter) return undefined;
  const unit = stepLiteral(counter);
  const up = (kind === "lt" || kind === "le") && unit === 1;
  const down = (kind === "gt" || kind === "ge") && unit === -1;
  const start = loop.operands[counter.index]!;
  // A bound that is not a whole number: counting up from a whole number at least 0
  // to it, the difference is exact, and the count rounds it.
  const whole = wholeNumber(y);
  if (!(up || down) || (!whole && !(up && nonNegative(start)))) return undefined;
  const bound = offset ? invariant(y) && b.sub(invariant(y)!, offset.by) : invariant(y);
  if (!bound) return undefined;
  const span = up ? b.sub(bound, start) : b.sub(start, bound);
  const inclusive = kind === "le" || kind === "ge";
  const count = whole
    ? inclusive ? b.add(span, b.const(1)) : span
    : inclusive ? b.add(b.prim("floor", [span]), b.const(1)) : b.prim("ceil", [span]);
  return b.prim("max", [b.const(0), count]);
}

/** `x` as `counter + by`, a state argument plus an integer constant. */
function offsetCounter(args: Value[], x: Value): { counter: Value; by: Value } | undefined {
  const op = x.def;
  if (op?.kind !== "add") return undefined;
  const [p, q] = op.operands as [Value, Value];
  const [counter, by] = args.includes(p) ? [p, q] : [q, p];
  return args.includes(counter) && by.def?.kind === Structural.Const && wholeNumber(by) ? { counter, by } : undefined;
}

/** For a `while` state argument: whether `holds` holds for its initial and its next value (false for any other argument). */
function loopStateHolds(v: Value, holds: (x: Value) => boolean): boolean {
  const loop = v.region?.owner;
  const j = v.region?.args.indexOf(v) ?? -1;
  if (!loop || loop.kind !== Structural.While || j < 0) return false;
  return holds(loop.operands[j]!) && holds(terminator(loop.regions[1]!).operands[j]!);
}

/** A whole number known to be at least 0: constants, lengths, and sums and loop state made of them. */
function nonNegative(v: Value, visiting = new Set<Value>()): boolean {
  if (visiting.has(v)) return true;
  visiting.add(v);
  const op = v.def;
  if (!op) return loopStateHolds(v, (x) => nonNegative(x, visiting));
  if (op.kind === Structural.Const) return typeof op.literal === "number" && Number.isInteger(op.literal) && op.literal >= 0 && op.literal < 2 ** 31;
  if (op.kind === "len") return true;
  if (op.kind === "add") return op.operands.every((x) => nonNegative(x, visiting));
  return false;
}

/** The counter's value after `count` trips: `start + count * step`. */
export function finalValue(b: Builder, loop: Op, c: Counter, count: Value): Value {
  const start = loop.operands[c.index]!;
  return b.prim(c.kind, [start, b.mul(count, c.step)]);
}

/** +1 or -1 for a counter stepping by one, else undefined. */
function stepLiteral(c: Counter): number | undefined {
  const l = c.step.def?.kind === Structural.Const ? c.step.def.literal : undefined;
  if (l !== 1 && l !== -1) return undefined;
  return c.kind === "add" ? l : -l;
}

/**
 * A whole number: built from integer constants, lengths and loop state
 * (and final loop state) whose initial and next values are whole, by + and -.
 */
export function wholeNumber(v: Value, visiting = new Set<Value>()): boolean {
  if (visiting.has(v)) return true; // around a loop: whole if everything else is
  visiting.add(v);
  const op = v.def;
  if (!op) return loopStateHolds(v, (x) => wholeNumber(x, visiting));
  if (op.kind === Structural.Const) return typeof op.literal === "number" && Number.isInteger(op.literal) && Math.abs(op.literal) < 2 ** 31;
  if (op.kind === "len") return true;
  if (op.kind === "add" || op.kind === "sub") return op.operands.every((x) => wholeNumber(x, visiting));
  if (op.kind === Structural.While) {
    // A loop's final state: whole when its initial and next values are.
    const j = op.results.indexOf(v);
    return wholeNumber(op.operands[j]!, visiting) && wholeNumber(terminator(op.regions[1]!).operands[j]!, visiting);
  }
  return false;
}
