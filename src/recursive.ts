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
}

/** The calls of recursive functions in `f`, as ops. */
export function recursiveCalls(f: Func): Op[] {
  return [...walkOps(f.body)].filter((op) => primitiveOf(op)?.external?.source.kind === "recursive");
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

/** The units `funcs` call, and those they call, in order of first call. */
export function unitsCalled(funcs: Func[], units: Map<string, RecursiveUnit>): RecursiveUnit[] {
  const out = new Map<string, RecursiveUnit>();
  const todo = funcs.flatMap(recursiveCalls).reverse();
  while (todo.length) {
    const unit = units.get(primitiveOf(todo.pop()!)!.external!.key);
    if (!unit || out.has(unit.external.key)) continue;
    out.set(unit.external.key, unit);
    todo.push(...recursiveCalls(unit.gradient).reverse());
  }
  return [...out.values()];
}
