/**
 * The tangent of a call with a user-defined adjoint. The rule's value is one
 * number, so its adjoint at `dvalue = 1` is the row of partial derivatives,
 * and the tangent is that row times the arguments' tangents: a product for a
 * number argument, a dot product for an array argument. The adjoint's body
 * is copied in (as the reverse sweep does), so the tangent of a gradient
 * that uses the rule differentiates the user's adjoint code itself.
 */
import type { Builder } from "../../ir/builder.js";
import type { UserRuleCall } from "../../ir/primitives.js";
import { InternalError } from "../../diagnostics.js";
import type { Func, Value } from "../../ir/types.js";
import { PrimalSweep } from "../primal-sweep.js";
import type { ForwardSweep } from "./sweep.js";

/** The tangent of the call in each lane (the row of partials is computed once, for all lanes). */
export function userRuleTangent(t: ForwardSweep, { adjoint, outputs }: UserRuleCall, x: Value[], y: Value): (Value | undefined)[] {
  const b = t.b;
  const args = x.slice(1);
  const row = inline(b, adjoint, [...args, y, b.const(1)]);
  return t.eachLane(() => {
    const terms = row.flatMap((c, j) => {
      const dx = t.tangentOf(args[outputs[j]!]!);
      if (!dx) return [];
      if (c.type === "f64[][]") throw new InternalError("forward mode through a user-defined adjoint of a matrix argument");
      return [c.type === "f64" ? b.mul(c, dx) : dot(b, c, dx)];
    });
    return terms.length ? terms.reduce((s, v) => b.add(s, v)) : undefined;
  });
}

/** sum_k a[k] * c[k] over two arrays of numbers of one length. */
function dot(b: Builder, a: Value, c: Value): Value {
  const loop = b.whileOp([b.const(0), b.const(0)]);
  const [cond, body] = loop.regions as [typeof loop.regions[0], typeof loop.regions[0]];
  b.inRegion(cond, () => b.yield([b.prim("lt", [cond.args[0]!, b.prim("len", [a])])]));
  b.inRegion(body, () => {
    const [k, sum] = body.args as [Value, Value];
    b.yield([b.add(k, b.const(1)), b.add(sum, b.mul(b.prim("load", [a, k]), b.prim("load", [c, k])))]);
  });
  for (const [v, name] of [[loop.results[0]!, "k"], [loop.results[1]!, "dot"]] as const) v.name = name;
  return loop.results[1]!;
}

/** Copies a function's body into the builder's region with its parameters bound to `args`; returns its results. */
function inline(b: Builder, f: Func, args: Value[]): Value[] {
  const none = { active: new Set<Value>(), activeArray: () => false, useful: () => false };
  const copy = new PrimalSweep(b, none);
  f.params.forEach((p, i) => copy.mapping.set(p.value, args[i]!));
  const loc = b.loc;
  const end = copy.region(f.body);
  b.loc = loc;
  return end.operands.map((v) => copy.get(v));
}
