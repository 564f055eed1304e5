/**
 * Which values of a function carry a tangent in forward mode: those that
 * depend differentiably on the parameters whose tangents are given (the
 * *varied* half of activity analysis; forward mode needs no *useful* half,
 * since the clean-up removes tangents nothing reads).
 *
 * It runs over any IR, a gradient's included: tape pushes hand their value
 * to the pop that takes it back, stashes to their recall, and `repeat` state
 * flows like `while` state. Arrays are tracked by alias class, as in reverse
 * mode's analysis (ad/activity.ts): a class is varied when a varied number
 * is stored into it, and every array of a varied class has a tangent array.
 * Loop state and memory feed back on themselves, so the pass repeats to a
 * fixed point.
 */
import { primitiveOf } from "../../ir/primitives.js";
import { isArray, Structural, type Op, type Region, type Value } from "../../ir/types.js";
import { terminator, walkOps } from "../../ir/walk.js";
import { AliasClasses } from "../activity.js";
import { tangentSources } from "./recursive.js";

export interface Varied {
  /** Whether a value carries a tangent: a number that is varied, or an array of a varied class. */
  has(v: Value): boolean;
}

/** How state flows through a loop (`while` or `repeat`): initial value, region arguments, next value, result. */
export function loopFlows(op: Op): { init: Value; args: Value[]; next: Value; result: Value }[] {
  const repeat = op.kind === Structural.Repeat;
  const body = op.regions[repeat ? 0 : 1]!;
  const next = terminator(body).operands;
  const init = repeat ? op.operands.slice(1) : op.operands;
  return op.results.map((result, j) => ({
    init: init[j]!, args: op.regions.map((r) => r.args[j]!), next: next[j]!, result,
  }));
}

/** Pairs of values that are one array (or one number) seen at two places: what flows through control flow and tapes. */
function* sameValues(op: Op): Generator<[Value, Value]> {
  if (op.kind === Structural.If) {
    for (const [j, r] of op.results.entries()) for (const region of op.regions) yield [terminator(region).operands[j]!, r];
  } else if (op.kind === Structural.While || op.kind === Structural.Repeat) {
    for (const s of loopFlows(op)) {
      for (const arg of s.args) yield* [[s.init, arg], [s.next, arg]] as [Value, Value][];
      yield [s.init, s.result];
      yield [s.next, s.result];
    }
  } else if ((op.kind === Structural.Pop || op.kind === Structural.Recall) && op.partner) {
    yield [op.partner.operands[0]!, op.results[0]!];
  }
}

function aliasClasses(body: Region): AliasClasses {
  const classes = new AliasClasses();
  const join = (a: Value, b: Value) => {
    if (isArray(a.type) && isArray(b.type)) classes.union(a, b);
  };
  for (const op of walkOps(body)) {
    if (op.kind === "load") join(op.results[0]!, op.operands[0]!);
    else if (op.kind === "store" || op.kind === "append") join(op.operands[2]!, op.operands[0]!);
    else for (const [a, b] of sameValues(op)) join(a, b);
  }
  return classes;
}

/** The values that depend differentiably on `seeds` (numbers and arrays). */
export function analyseVaried(body: Region, seeds: Value[]): Varied {
  const classes = aliasClasses(body);
  const values = new Set<Value>();
  const arrays = new Set<Value>();
  const has = (v: Value) => (isArray(v.type) ? arrays.has(classes.find(v)) : values.has(v));
  let changed = false;
  const mark = (v: Value) => {
    if (v.type === "bool" || has(v)) return;
    if (isArray(v.type)) arrays.add(classes.find(v));
    else values.add(v);
    changed = true;
  };
  const flow = (from: Value, to: Value) => {
    if (has(from)) mark(to);
  };
  seeds.forEach(mark);
  const ops = walkOps(body);
  do {
    changed = false;
    for (const op of ops) {
      const p = primitiveOf(op);
      for (const [from, to] of sameValues(op)) flow(from, to);
      if (op.kind === "load") flow(op.operands[0]!, op.results[0]!);
      else if (op.kind === "store" || op.kind === "append") flow(op.operands[2]!, op.operands[0]!);
      else if (p?.userRule) for (const v of op.operands.slice(1)) flow(v, op.results[0]!);
      // A recursive function's call: its value and partials depend on the arguments behind their `nograd`.
      else if (p?.external?.source.kind === "recursive") {
        for (const v of tangentSources(op)) if (v.type === "f64") flow(v, op.results[0]!);
      }
      else if (p?.tangent && !p.memory) for (const v of op.operands) if (v.type === "f64") flow(v, op.results[0]!);
    }
  } while (changed);
  return { has };
}
