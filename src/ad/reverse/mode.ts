/**
 * Reverse mode: from a primal IR function, the function of its value and
 * gradient (`<name>Grad`) or vector-Jacobian product (`<name>Vjp`). The
 * primal sweep (primal-sweep.ts) runs the primal's operations in the same
 * order, so `value` is bit-identical, and makes the shadow arrays; the
 * reverse sweep (reverse/sweep.ts) then visits its ops backwards.
 */
import { Builder, emptyRegion } from "../../ir/builder.js";
import { recordsDepth, isVectorValued, leavesOf, partName, shapeText } from "../../ir/shape.js";
import { isArray, Structural, type Func, type Param, type Region, type Shape, type Value } from "../../ir/types.js";
import { analyseActivity } from "../activity.js";
import { addInto } from "../arrays.js";
import { nameLike } from "../names.js";
import { PrimalSweep } from "../primal-sweep.js";
import { ReverseSweep, type Adjoints } from "./sweep.js";
import type { TapePolicy } from "./tape-policy.js";

/**
 * The gradient function of `primal` with respect to the parameters `wrt`.
 * A primal returning one number gets `<name>Grad(...args)`, seeded with 1; a
 * vector-valued primal (an array, tuple or object of numbers and arrays) gets
 * `<name>Vjp(...args, seed)`, whose reverse sweep starts from the adjoints in
 * `seed` (same shape as the result) and so computes seed^T J.
 */
export function reverseMode(primal: Func, wrt: string[], policy?: TapePolicy): Func {
  const body = emptyRegion(undefined);
  const b = new Builder(body);
  const primalResults = primal.body.ops[primal.body.ops.length - 1]!.operands;
  const vjp = isVectorValued(primal);
  const activity = analyseActivity(primal.body, primal.params.filter((p) => wrt.includes(p.name)).map((p) => p.value), primalResults);
  const forward = new PrimalSweep(b, activity);
  const params = primal.params.map((p) => {
    const value = b.argument(body, p.type, p.name, "source");
    body.args.push(value);
    forward.mapping.set(p.value, value);
    return { ...p, value };
  });
  const signature = primal.signature ?? primal.params.map((p) => ({ name: p.name, typeText: p.typeText }));
  const seedName = vjp ? freeName("seed", signature.map((p) => p.name)) : "";
  const seeds = vjp ? seedParameters(b, body, primal.resultShape!, seedName, params.map((p) => p.name)) : [];
  for (const p of primal.params) forward.shadowParameter(p.value);
  const results = forward.region(primal.body).operands.map((v, i) =>
    nameLike(forward.get(v), { id: -1, type: v.type, name: vjp ? `${primal.name}${i}` : primal.name, nameKind: "source", def: undefined }));
  const active = new Set([...activity.active].map((v) => forward.mapping.get(v)).filter((v): v is Value => !!v));

  const t = new ReverseSweep(b, active, forward.shadowOf, body, results, policy);
  b.reverse = true;
  b.exact = false;
  b.loc = primal.body.ops[primal.body.ops.length - 1]?.loc;
  const adjoints: Adjoints = new Map();
  if (!vjp && active.has(results[0]!)) adjoints.set(results[0]!, b.const(1));
  results.forEach((r, i) => {
    if (!vjp || r.type === "bool") return; // a boolean of the result carries no derivative; its seed is ignored
    if (!isArray(r.type)) {
      if (active.has(r)) t.seed(adjoints, r, seeds[i]!.value);
      return;
    }
    const shadow = forward.shadowOf(r);
    const loc = b.loc;
    b.loc = undefined; // seeding reverses no source line
    if (shadow) addInto(b, shadow, seeds[i]!.value);
    b.loc = loc;
  });
  t.reverseRegion(body, adjoints);

  const grads = wrt.map((name) => {
    const p = params.find((q) => q.name === name)!;
    if (isArray(p.type)) return forward.shadowOf(p.value) ?? b.prim("zeros", [p.value]);
    return adjoints.get(p.value) ?? b.const(0);
  });
  b.reverse = false;
  b.loc = primal.loc;
  b.insert({ kind: Structural.Return, operands: [...results, ...grads], results: [], regions: [], parent: undefined });
  return {
    name: `${primal.name}${vjp ? "Vjp" : "Grad"}`,
    params: [...params, ...seeds],
    body,
    resultTypes: [...results.map((r) => r.type), ...grads.map((g) => g.type)],
    resultRoles: [...results.map(() => ({ role: "value" as const })), ...wrt.map((param) => ({ role: "derivative" as const, param }))],
    ...(primal.signature || vjp ? { signature: vjp ? [...signature, { name: seedName, typeText: shapeText(primal.resultShape!) }] : signature } : {}),
    ...(primal.resultShape ? { resultShape: primal.resultShape } : {}),
    loc: primal.loc,
  };
}

/** `name`, or `name_` (and so on) when a parameter has it. */
function freeName(name: string, taken: string[]): string {
  while (taken.includes(name)) name += "_";
  return name;
}

/** One parameter per leaf of the result's shape: the seed, read like a tuple or object parameter. */
function seedParameters(b: Builder, body: Region, shape: Shape, name: string, taken: string[]): Param[] {
  return leavesOf(shape).map((leaf) => {
    const path = leaf.path.reduce(partName, name);
    const leafName = leaf.path.length ? freeName(path, taken) : name;
    taken.push(leafName);
    const value = b.argument(body, leaf.type, leafName, "source");
    body.args.push(value);
    const depth = recordsDepth(shape, leaf.path);
    return { name: leafName, type: leaf.type, value, typeText: leaf.text, ...(leaf.path.length ? { path: [name, ...leaf.path] } : {}),
      ...(depth !== undefined ? { element: depth + 1 } : {}) };
  });
}

