/**
 * The recursive functions a file's derivatives call (frontend/recursion.ts),
 * each compiled once on its own: lowered as a function of its own (its calls
 * of itself, and of the other functions of its cycle, are calls again),
 * differentiated with respect to every number parameter, and emitted as
 * `<name>Partials(...args)` returning `[value, d/da_1, ..., d/da_m]`
 * (emit/recursive.ts).
 *
 * The partial derivatives are made in the forward sweep, where the call is:
 * each call runs its callee's forward and reverse sweeps once, so a
 * recursion of depth d costs O(d) (a pullback called from the reverse sweep
 * would have to run the callee's forward sweep again, O(d^2) for linear
 * recursion), and every call returns m + 1 numbers. The price is a reverse
 * sweep even where the caller's derivative turns out not to need it.
 */
import { functionName, type FunctionLike } from "./frontend/functions.js";
import { lowerFunction } from "./frontend/lower.js";
import type { Rules } from "./frontend/rules.js";
import { forwardMode } from "./ad/forward/mode.js";
import { reverseMode } from "./ad/reverse/mode.js";
import type { TapePolicy } from "./ad/reverse/tape-policy.js";
import { primitiveOf, type ExternalFunction } from "./ir/primitives.js";
import type { Func, Op } from "./ir/types.js";
import { walkOps } from "./ir/walk.js";
import { eliminateDeadCode, forwardInvariantLoopState } from "./opt/dce.js";
import { dropStashesAtHand } from "./opt/stashes.js";

/** A recursive function compiled on its own: what calls it, and its gradient IR (value, then one partial per number parameter). */
export interface RecursiveUnit {
  external: ExternalFunction;
  /** The function's name in the source. */
  sourceName: string;
  gradient: Func;
  /**
   * Forward mode over `gradient` (`<name>PartialsJvp`, ad/forward/recursive.ts):
   * made when a Hessian-vector product calls it.
   */
  tangent?: { external: ExternalFunction; func: Func };
}

type UnitCall = "recursive" | "recursive-tangent";

/** The calls in `f` of recursive functions, of their forward modes, or (by default) of both, as ops. */
function callsOf(f: Func, kinds: UnitCall[] = ["recursive", "recursive-tangent"]): Op[] {
  return [...walkOps(f.body)].filter((op) => (kinds as string[]).includes(primitiveOf(op)?.external?.source.kind ?? ""));
}

/** The calls of recursive functions in `f`, as ops. */
export function recursiveCalls(f: Func): Op[] {
  return callsOf(f, ["recursive"]);
}

/** The calls of recursive functions' forward modes in `f`, as ops. */
function tangentCalls(f: Func): Op[] {
  return callsOf(f, ["recursive-tangent"]);
}

/** The unit a call of a recursive function or of its forward mode belongs to. */
function unitOf(op: Op, units: Map<string, RecursiveUnit>): RecursiveUnit | undefined {
  const { source, key } = primitiveOf(op)!.external!;
  return units.get(source.kind === "recursive-tangent" ? source.of : key);
}

/**
 * Makes the forward mode of every recursive function whose forward mode
 * `funcs` call (Hessian-vector products), and of those they call in turn:
 * parameters `...args, ...their tangents` (flat numbers, as the calls pass
 * them), results the value and partials, then their tangents.
 */
export function compileTangents(funcs: Func[], units: Map<string, RecursiveUnit>): void {
  const todo = funcs.flatMap(tangentCalls);
  while (todo.length) {
    const op = todo.pop()!;
    const unit = unitOf(op, units);
    if (!unit || unit.tangent) continue;
    const g = unit.gradient;
    const wrt = g.params.filter((p) => p.type === "f64").map((p) => p.name);
    const func = forwardMode(g, {
      name: primitiveOf(op)!.external!.hint, wrt, overGradient: true,
      tangents: [{ name: "tangent", typeText: "number" }],
      tangentsOf: g.resultRoles.map((_, i) => i),
      roles: g.resultRoles,
    });
    eliminateDeadCode(func);
    // The tangents are parameters of their own, not leaves of an object.
    func.params = func.params.map(({ path: _path, element: _element, ...p }) => p);
    func.signature = func.params.map((p) => ({ name: p.name, typeText: p.type === "bool" ? "boolean" : "number" }));
    unit.tangent = { external: primitiveOf(op)!.external!, func };
    todo.push(...tangentCalls(func));
  }
}

/**
 * Compiles every recursive function `funcs` call, and those they call, into
 * `units` (shared by a file's functions, so each is compiled once). Throws
 * a DiagnosticError.
 */
export function compileRecursive(sourcePath: string, funcs: Func[], rules: Rules, units: Map<string, RecursiveUnit>, policy?: TapePolicy): void {
  const todo = funcs.flatMap(recursiveCalls);
  while (todo.length) {
    const external = primitiveOf(todo.pop()!)!.external!;
    if (units.has(external.key) || external.source.kind !== "recursive") continue;
    const fn = external.source.declaration as FunctionLike;
    const primal = lowerFunction(sourcePath, fn, rules, false);
    forwardInvariantLoopState(primal);
    const gradient = reverseMode(primal, primal.params.filter((p) => p.type === "f64").map((p) => p.name), policy);
    eliminateDeadCode(gradient);
    dropStashesAtHand(gradient);
    gradient.name = external.hint;
    units.set(external.key, { external, sourceName: functionName(fn), gradient });
    todo.push(...recursiveCalls(gradient));
  }
}

/**
 * The units `funcs` call, and those they call, in order of first call, each
 * with whether its forward mode is called (then it is emitted beside it).
 */
export function unitsCalled(funcs: Func[], units: Map<string, RecursiveUnit>): { unit: RecursiveUnit; tangent: boolean }[] {
  const out = new Map<string, { unit: RecursiveUnit; tangent: boolean }>();
  const calls = (f: Func) => callsOf(f);
  const todo = funcs.flatMap(calls).reverse();
  while (todo.length) {
    const op = todo.pop()!;
    const unit = unitOf(op, units);
    if (!unit) continue;
    const tangent = primitiveOf(op)!.external!.source.kind === "recursive-tangent";
    const seen = out.get(unit.external.key);
    if (seen && (seen.tangent || !tangent)) continue;
    if (!seen) todo.push(...calls(unit.gradient).reverse());
    if (tangent) todo.push(...calls(unit.tangent!.func).reverse());
    out.set(unit.external.key, { unit, tangent: tangent || (seen?.tangent ?? false) });
  }
  return [...out.values()];
}
