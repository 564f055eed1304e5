/**
 * Activity analysis. A number is *varied* when it depends differentiably on a
 * parameter we differentiate with respect to, and *useful* when the result
 * depends differentiably on it; only values that are both (active) get an
 * adjoint. Dependence through a comparison, a rounding function, an index or
 * a branch condition carries no derivative.
 *
 * Arrays are tracked by alias class: arrays that may share memory (a row and
 * its matrix, the branches of an `if`, the states of a loop) form one class,
 * which is varied when a varied number is stored into it and useful when a
 * useful number is loaded from it. Active classes get shadow (adjoint) arrays.
 * Loop state and memory feed back on themselves, so both passes repeat until
 * nothing changes.
 */
import { primitiveOf } from "../ir/primitives.js";
import { isArray, Structural, type Op, type Region, type Value } from "../ir/types.js";
import { terminator, walkOps } from "../ir/walk.js";

export interface Activity {
  /** Active numbers. */
  active: Set<Value>;
  /** Whether an array value's alias class needs a shadow. */
  activeArray(v: Value): boolean;
  /** Numbers and arrays the result depends on differentiably (for the default `@wrt`). */
  useful(v: Value): boolean;
}

export function analyseActivity(body: Region, seeds: Value[], results: Value[]): Activity {
  const classes = aliasClasses(body);
  const varied = propagate(body, classes, seeds, "forward");
  const useful = propagate(body, classes, results, "backward");
  const active = new Set([...varied.values].filter((v) => v.type === "f64" && useful.values.has(v)));
  const activeArray = (v: Value) => varied.classes.has(classes.find(v)) && useful.classes.has(classes.find(v));
  return {
    active,
    activeArray,
    useful: (v) => (isArray(v.type) ? useful.classes.has(classes.find(v)) : useful.values.has(v)),
  };
}

/** Union-find over array values. */
export class AliasClasses {
  private readonly parent = new Map<Value, Value>();

  find(v: Value): Value {
    let root = v;
    while (this.parent.has(root)) root = this.parent.get(root)!;
    if (root !== v) this.parent.set(v, root);
    return root;
  }

  union(a: Value, b: Value): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

export function aliasClasses(body: Region): AliasClasses {
  const classes = new AliasClasses();
  const join = (a: Value, b: Value) => {
    if (isArray(a.type) && isArray(b.type)) classes.union(a, b);
  };
  for (const op of walkOps(body)) {
    if (op.kind === "load") join(op.results[0]!, op.operands[0]!);
    else if (op.kind === "store" || op.kind === "append") join(op.operands[2]!, op.operands[0]!);
    else if (op.kind === Structural.If) {
      op.results.forEach((r, j) => op.regions.forEach((region) => join(r, terminator(region).operands[j]!)));
    } else if (op.kind === Structural.While) {
      for (const s of loopState(op)) for (const v of [s.init, s.arg, s.next, s.condArg]) join(s.result, v);
    }
  }
  return classes;
}

/** How a loop's state flows: initial value -> body argument -> yielded next value -> body argument, result. */
function loopState(op: Op): { init: Value; arg: Value; condArg: Value; next: Value; result: Value }[] {
  const [cond, body] = op.regions as [Region, Region];
  const next = terminator(body).operands;
  return op.results.map((result, j) => ({ init: op.operands[j]!, arg: body.args[j]!, condArg: cond.args[j]!, next: next[j]!, result }));
}

/**
 * Flows "depends on" forward from the seeds (varied) or backward from the
 * result (useful), over numbers and array classes, to a fixed point.
 */
function propagate(body: Region, classes: AliasClasses, seeds: Value[], direction: "forward" | "backward") {
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
  /** Dependence of `to` on `from`, in the direction of the pass. */
  const flow = (from: Value, to: Value) => {
    if (direction === "forward" ? has(from) : has(to)) mark(direction === "forward" ? to : from);
  };
  seeds.forEach(mark);
  const ops = [...walkOps(body)];
  do {
    changed = false;
    for (const op of direction === "forward" ? ops : [...ops].reverse()) {
      const p = primitiveOf(op);
      if (op.kind === Structural.If) {
        op.results.forEach((r, j) => op.regions.forEach((region) => flow(terminator(region).operands[j]!, r)));
      } else if (op.kind === Structural.While) {
        for (const s of loopState(op)) {
          flow(s.init, s.arg);
          flow(s.next, s.arg);
          flow(s.init, s.result);
          flow(s.next, s.result);
        }
      } else if (op.kind === "load") {
        flow(op.operands[0]!, op.results[0]!);
      } else if (op.kind === "store" || op.kind === "append") {
        flow(op.operands[2]!, op.operands[0]!);
      } else if (p?.userRule) {
        // A call with a user-defined adjoint depends on its arguments (numbers and arrays), not on operand 0 (its value).
        for (const v of op.operands.slice(1)) flow(v, op.results[0]!);
      } else if (p?.adjoint && !p.memory) {
        for (const v of op.operands) if (v.type === "f64") flow(v, op.results[0]!);
      }
    }
  } while (changed);
  return { values, classes: arrays };
}
