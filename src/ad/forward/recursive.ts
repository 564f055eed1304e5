/**
 * Forward mode through a call of a recursive function's `<name>Partials`
 * (recursive.ts at the top of src/), where the tangents of the partial
 * derivatives it returns are needed: in a Hessian-vector product, forward
 * mode over a gradient, the reverse sweep reads those partials, so their
 * tangents are second derivatives of the recursive function. The call
 * becomes a call of `<name>PartialsJvp(...args, ...tangents)`, forward mode
 * over `<name>Partials` (compiled once on its own, like it), which returns
 * `[[value, d/da_1, ...], [their tangents]]`: row 0 stands for the call's
 * result, row 1 for its tangent. The values are the plain call's bit for
 * bit (forward mode repeats every operation). In a Jvp, forward mode over
 * the primal, the partials' tangents are not needed (the `partials` op makes
 * the value's tangent from the arguments'), and the call stays as it is.
 */
import type { ExternalFunction, Primitive } from "../../ir/primitives.js";
import type { Op, Value } from "../../ir/types.js";
import type { ForwardSweep } from "./sweep.js";

const tangentCalls = new Map<string, Primitive>();

/** The forward mode of the recursive function `external` calls, as the function the module defines for it. */
export function tangentFunction(external: ExternalFunction): ExternalFunction {
  return { key: `${external.key}#tangent`, hint: `${external.hint}Jvp`, source: { kind: "recursive-tangent", of: external.key } };
}

function tangentCall(external: ExternalFunction): Primitive {
  const fn = tangentFunction(external);
  let p = tangentCalls.get(fn.key);
  if (!p) {
    p = { name: `call:${fn.hint}`, arity: "variadic", resultType: "f64[][]", memory: "read", emit: (a) => `${fn.hint}(${a.join(", ")})`, external: fn };
    tangentCalls.set(fn.key, p);
  }
  return p;
}

/**
 * The arguments a recursive call's tangent depends on: its operands, seen
 * through the `nograd` behind which the lowering passes number arguments.
 */
export function tangentSources(op: Op): Value[] {
  return op.operands.map((v) => (v.def?.kind === "nograd" ? v.def.operands[0]! : v));
}

/** Rebuilds the call `op` of `external` with the tangents of its partials, lane by lane (see the header). */
export function forwardRecursiveCall(t: ForwardSweep, op: Op, external: ExternalFunction): void {
  const b = t.b;
  const x = op.operands.map((v) => t.get(v));
  const sources = tangentSources(op);
  const source = op.results[0]!;
  const calls = t.eachLane(() => {
    const dx = sources.filter((v) => v.type === "f64").map((v) => t.tangentOf(t.get(v)));
    if (!dx.some(Boolean)) return undefined;
    return b.prim(tangentCall(external), [...x, ...dx.map((d) => d ?? b.const(0))]);
  });
  const first = calls.find((c) => c !== undefined);
  if (!first) {
    t.link(source, b.again(op, x));
    return;
  }
  const result = t.link(source, b.prim("load", [first, b.const(0)]));
  t.eachLane((lane) => {
    const call = calls[lane];
    if (call) t.setTangent(source, result, b.prim("load", [call, b.const(1)]));
  });
}
