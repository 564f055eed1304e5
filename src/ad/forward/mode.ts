/**
 * Forward mode's entry: from any IR function (a primal, or a gradient), the
 * function of its results and the tangents of some of them, given the
 * tangents of some parameters. Applied to a primal it is the Jacobian-vector
 * product (`<name>Jvp`); applied to a gradient, the tangent of the gradient
 * is a Hessian-vector product (forward over reverse, `<name>Hvp`).
 *
 * The tangent arrives as one more source parameter in the shape of the
 * gradient (`tangent: { x: number[]; b: number }`), read leaf by leaf like
 * any tuple or object parameter. A request with several tangent parameters
 * (lanes) makes the vector mode: one sweep, each value with one tangent per
 * lane; the tangents asked for are returned lane by lane.
 */
import { Builder, emptyRegion } from "../../ir/builder.js";
import { partName } from "../../ir/shape.js";
import { Structural, type Func, type Param, type Region, type ResultRole, type SourceParam, type Value } from "../../ir/types.js";
import { terminator } from "../../ir/walk.js";
import { ForwardSweep } from "./sweep.js";
import { analyseVaried } from "./varied.js";

export interface ForwardRequest {
  /** The name of the function made. */
  name: string;
  /** The IR parameters (leaves) whose tangents are given, in order, and the source parameter holding them, one per lane. */
  wrt: string[];
  tangents: SourceParam[];
  /** Which of the function's returned values get their tangent returned (after all the values), in order. */
  tangentsOf: number[];
  /** The roles of the function's own results (a primal has none of its own). */
  roles: ResultRole[];
  /** Forward mode over a gradient: the partials a recursive function's call returns get tangents too (ad/forward/recursive.ts). */
  overGradient?: boolean;
}

/** The forward-mode function: parameters `...f's, ...tangent leaves`; returns `...f's results, ...the tangents asked for`. */
export function forwardMode(f: Func, request: ForwardRequest): Func {
  const body = emptyRegion(undefined);
  const b = new Builder(body);
  const params = f.params.map((p) => ({ ...p, value: argument(b, body, p.type, p.name) }));
  const taken = [...params.map((p) => p.name), ...(f.signature ?? []).map((p) => p.name)];
  const lanes = request.tangents.map((tangent) => request.wrt.map((name) => tangentParameter(b, body, f.params.find((p) => p.name === name)!, tangent.name, taken)));
  const tangents = lanes.flat();
  const seeds = request.wrt.map((name) => f.params.find((p) => p.name === name)!.value);
  const t = new ForwardSweep(b, analyseVaried(f.body, seeds), f.body, lanes.length);
  t.throughRecursive = request.overGradient === true;
  f.params.forEach((p, i) => t.mapping.set(p.value, params[i]!.value));
  t.eachLane((lane) => {
    request.wrt.forEach((name, i) => {
      const copy = params.find((p) => p.name === name)!.value;
      t.tangents.set(copy, lanes[lane]![i]!.value);
    });
    // An array parameter not differentiated but in a varied alias class (joined with one that is) starts from zeros.
    f.params.forEach((p, i) => {
      const copy = params[i]!.value;
      if (!t.tangents.has(copy) && t.varied.has(p.value)) t.tangents.set(copy, b.prim("zeros", [copy]));
    });
  });
  const end = t.region(f.body);
  b.loc = terminator(f.body).loc;
  b.reverse = false;
  const results = end.operands.map((v) => t.get(v));
  const returned = t.eachLane(() => request.tangentsOf.map((i) => tangentOfResult(t, results[i]!))).flat();
  b.insert({ kind: Structural.Return, operands: [...results, ...returned], results: [], regions: [], parent: undefined });
  const signature = f.signature ?? f.params.map((p) => ({ name: p.name, typeText: p.typeText }));
  return {
    ...f,
    name: request.name,
    params: [...params, ...tangents],
    body,
    resultTypes: [...results, ...returned].map((v) => v.type),
    resultRoles: [...request.roles, ...lanes.flatMap(() => request.tangentsOf.map((i): ResultRole => {
      const r = request.roles[i]!;
      return { role: "tangent", of: r.role === "derivative" ? r.param : "value" };
    }))],
    signature: [...signature, ...request.tangents],
  };
}

/**
 * A returned tangent: the value's, or zero. A gradient buffer (zeros shaped
 * like a parameter) without a tangent gets a buffer of its own.
 */
function tangentOfResult(t: ForwardSweep, v: Value): Value {
  const found = t.tangentOf(v);
  if (found) return found;
  if (v.type === "bool") return t.b.const(false); // a boolean of the result has no tangent: false in its place
  if (v.def?.kind === "zeros") return t.b.prim("zeros", [v.def.operands[0]!]);
  return t.tangentOrZero(v);
}

function argument(b: Builder, body: Region, type: Param["type"], name: string): Value {
  const value = b.argument(body, type, name, "source");
  body.args.push(value);
  return value;
}

/** The tangent of parameter leaf `p`, a leaf of the source parameter `base` at p's path. */
function tangentParameter(b: Builder, body: Region, p: Param, base: string, taken: string[]): Param {
  const path = p.path ?? [p.name];
  let name = path.reduce(partName, base);
  while (taken.includes(name)) name += "_";
  taken.push(name);
  const value = argument(b, body, p.type, name);
  return { name, type: p.type, value, typeText: p.typeText, path: [base, ...path], ...(p.element !== undefined ? { element: p.element + 1 } : {}) };
}
