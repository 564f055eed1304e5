/**
 * Activity analysis. A value is *varied* when it depends differentiably on a
 * parameter we differentiate with respect to, and *useful* when the result
 * depends differentiably on it. Only values that are both (active) get an
 * adjoint. Dependence through a comparison, a rounding function or a branch
 * condition carries no derivative. Loop state feeds itself, so both passes
 * repeat until nothing changes.
 */
import { primitive } from "../ir/primitives.js";
import { Structural, type Op, type Region, type Value } from "../ir/types.js";
import { terminator } from "../ir/walk.js";

/** How a loop's state flows: initial value -> body argument -> yielded next value -> body argument, result. */
function loopState(op: Op): { init: Value; arg: Value; next: Value; result: Value }[] {
  const body = op.regions[1]!;
  const next = terminator(body).operands;
  return op.results.map((result, j) => ({ init: op.operands[j]!, arg: body.args[j]!, next: next[j]!, result }));
}

/** Values on which `result` depends differentiably. */
export function usefulValues(body: Region, result: Value): Set<Value> {
  const useful = new Set<Value>([result]);
  const visit = (r: Region): void => {
    for (let i = r.ops.length - 1; i >= 0; i--) {
      const op = r.ops[i]!;
      if (op.kind === Structural.If) {
        op.results.forEach((res, j) => {
          if (!useful.has(res)) return;
          for (const region of op.regions) useful.add(terminator(region).operands[j]!);
        });
        op.regions.forEach(visit);
      } else if (op.kind === Structural.While) {
        const state = loopState(op);
        for (let before = -1; before !== useful.size; ) {
          before = useful.size;
          for (const s of state) if (useful.has(s.result) || useful.has(s.arg)) useful.add(s.next);
          visit(op.regions[1]!);
        }
        for (const s of state) if (useful.has(s.arg) || useful.has(s.result)) useful.add(s.init);
      } else if (primitive(op.kind)?.adjoint && useful.has(op.results[0]!)) {
        for (const v of op.operands) if (v.type === "f64") useful.add(v);
      }
    }
  };
  visit(body);
  return useful;
}

/** Values that depend differentiably on any of `seeds`. */
export function variedValues(body: Region, seeds: Value[]): Set<Value> {
  const varied = new Set<Value>(seeds);
  const visit = (r: Region): void => {
    for (const op of r.ops) {
      if (op.kind === Structural.If) {
        op.regions.forEach(visit);
        op.results.forEach((res, j) => {
          if (op.regions.some((region) => varied.has(terminator(region).operands[j]!))) varied.add(res);
        });
      } else if (op.kind === Structural.While) {
        const state = loopState(op);
        for (let before = -1; before !== varied.size; ) {
          before = varied.size;
          for (const s of state) if (varied.has(s.init) || varied.has(s.next)) varied.add(s.arg);
          visit(op.regions[1]!);
        }
        for (const s of state) if (varied.has(s.init) || varied.has(s.next)) varied.add(s.result);
      } else if (primitive(op.kind)?.adjoint && op.operands.some((v) => v.type === "f64" && varied.has(v))) {
        varied.add(op.results[0]!);
      }
    }
  };
  visit(body);
  return varied;
}

export function activeValues(body: Region, seeds: Value[], result: Value): Set<Value> {
  const useful = usefulValues(body, result);
  const varied = variedValues(body, seeds);
  return new Set([...varied].filter((v) => v.type === "f64" && useful.has(v)));
}
