/**
 * Compiling one input: TypeScript's own check, the subset check, then for
 * each exported function its primal IR (lowering), gradient IR (reverse mode
 * and clean-up), and the gradient module's code (emit).
 *
 *   AST --(fence)--> diagnostics | AST --(lower)--> IR
 *     --(reverse mode, DCE)--> gradient IR --(emit)--> TypeScript
 */
import path from "node:path";
import type { FunctionLike } from "./frontend/functions.js";
import type { SourceFile } from "ts-morph";
import { analyseActivity } from "./ad/activity.js";
import { reverseMode } from "./ad/reverse/mode.js";
import type { TapePolicy } from "./ad/reverse/tape-policy.js";
import { Codes, DiagnosticError, type Diagnostic } from "./diagnostics.js";
import { CheckpointRejected } from "./ad/reverse/checkpoint.js";
import { emitModule } from "./emit/module.js";
import { fence, fenceMatched, findEntries, isOptedIn, type Entry, type SkippedFunction } from "./frontend/fence.js";
import { lowerFunction } from "./frontend/lower.js";
import type { Rules } from "./frontend/rules.js";
import { isScript, syntaxDiagnostics, typeErrors } from "./frontend/source.js";
import { explicitWrt } from "./frontend/wrt.js";
import { parameterWrites } from "./frontend/writes.js";
import { denseDiagnostics } from "./frontend/records.js";
import { printFunc } from "./ir/print.js";
import type { Func } from "./ir/types.js";
import { eliminateDeadCode, forwardInvariantLoopState } from "./opt/dce.js";
import { applies, defaultDerivatives, withDependencies, type DerivativeKind } from "./config/derivatives.js";
import { taggedDerivatives } from "./config/tag.js";
import { diagnosticAtOp, forwardFunctions, type Compiled } from "./derivatives.js";
import { isVectorValued } from "./ir/shape.js";
import { dropStashesAtHand } from "./opt/stashes.js";
import { mergeAdjacentBranches } from "./opt/merge-branches.js";
import { scalarizeArrays } from "./opt/scalarize.js";
import { hoistInvariantRows } from "./opt/hoist.js";
import { compileRecursive, compileTangents, type RecursiveUnit } from "./recursive.js";

/**
 * How a file is compiled: the gradients' tape policy (the default's, unless
 * a test asks for another), and the derivative functions each function gets
 * unless its `@derivatives` tag says otherwise (default `grad`; those that do
 * not apply to a function are left out for it).
 */
export interface CompileOptions {
  policy?: TapePolicy;
  derivatives?: readonly DerivativeKind[];
}

/**
 * One input file, loaded: its gradient module's code (not yet formatted) and
 * IR, or its diagnostics. `skipped`, for a matched input: where the functions
 * that cannot be differentiated go instead of the diagnostics.
 */
export function compileFile(sourcePath: string, sf: SourceFile, skipped?: SkippedFunction[], options: CompileOptions = {}):
  { code: string; ir: string; functions: number } | { diagnostics: Diagnostic[] } {
  const syntax = syntaxDiagnostics(sourcePath, sf);
  if (syntax.length) return { diagnostics: syntax };
  // A script (no imports or exports) exports nothing to differentiate, and its
  // top-level declarations would be global to the other inputs.
  if (isScript(sf)) return { code: "", ir: "", functions: 0 };
  const types = typeErrors(sourcePath, sf);
  if (types.length && skipped && !findEntries(sf).some((entry) => isOptedIn(entry.fn))) {
    // A matched file with TypeScript errors: none of its functions can be differentiated.
    skipped.push(...findEntries(sf).map((entry) => ({ name: entry.name, diagnostics: types })));
    return { code: "", ir: "", functions: 0 };
  }
  if (types.length) return { diagnostics: types };
  const checked = skipped ? fenceMatched(sourcePath, sf, skipped) : fence(sourcePath, sf);
  if (checked.diagnostics.length) return { diagnostics: checked.diagnostics };

  const diagnostics: Diagnostic[] = [];
  const compiled: Compiled[] = [];
  const units = new Map<string, RecursiveUnit>();
  for (const entry of checked.entries) {
    try {
      compiled.push(differentiate(sourcePath, entry, checked.rules, options, units));
    } catch (e) {
      if (!(e instanceof DiagnosticError)) throw e;
      if (skipped && !isOptedIn(entry.fn)) skipped.push({ name: entry.name, diagnostics: e.diagnostics });
      else diagnostics.push(...e.diagnostics);
    }
  }
  if (diagnostics.length) return { diagnostics };
  return {
    code: emitModule(compiled, path.basename(sourcePath), units),
    ir: [...compiled.flatMap((c) => [c.primal, c.gradient, c.jvp, c.hvp, c.jvpBlock, c.hvpBlock].filter((f): f is Func => !!f)), ...[...units.values()].flatMap((u) => [u.gradient, ...(u.tangent ? [u.tangent.func] : [])])]
      .map(printFunc).join("\n"),
    functions: compiled.length,
  };
}

/** The primal, gradient and forward-mode IR of one exported function (throws DiagnosticError). */
function differentiate(sourcePath: string, entry: Entry, rules: Rules, options: CompileOptions, units: Map<string, RecursiveUnit>): Compiled {
  const primal = lowerEntry(sourcePath, entry, rules);
  const writes = parameterWrites(sourcePath, entry.fn, primal);
  if (writes.length) throw new DiagnosticError(writes);
  const wrt = leavesOfParameters(primal, differentiatedParameters(sourcePath, entry.fn, primal));
  const gradient = reversed(sourcePath, primal, wrt, options.policy);
  mergeAdjacentBranches(gradient);
  eliminateDeadCode(gradient);
  dropStashesAtHand(gradient);
  const vector = isVectorValued(primal);
  const asked = taggedDerivatives(sourcePath, entry.fn, vector) ?? (options.derivatives ?? defaultDerivatives).filter((k) => applies(k, vector));
  const dense = denseDiagnostics(sourcePath, entry.fn, primal, asked);
  if (dense.length) throw new DiagnosticError(dense);
  const forward = forwardFunctions(sourcePath, primal, gradient, wrt, withDependencies(asked));
  compileRecursive(sourcePath, [gradient, ...[forward.jvp, forward.jvpBlock].filter((f): f is Func => !!f)], rules, units, options.policy);
  compileTangents([forward.hvp, forward.hvpBlock].filter((f): f is Func => !!f), units);
  return { primal, gradient, asked, ...forward };
}

/** The gradient IR; a loop tagged `@checkpoint` that cannot be checkpointed is a DiagnosticError at the loop. */
function reversed(sourcePath: string, primal: Func, wrt: string[], policy: TapePolicy | undefined): Func {
  try {
    return reverseMode(primal, wrt, policy);
  } catch (e) {
    if (!(e instanceof CheckpointRejected)) throw e;
    throw new DiagnosticError([diagnosticAtOp(sourcePath, e.op, primal, Codes.BadCheckpoint, e.reason)]);
  }
}

/** The primal IR of an entry function, as its gradient is built from it. Throws a DiagnosticError. */
export function lowerEntry(sourcePath: string, entry: Entry, rules: Rules): Func {
  const primal = lowerFunction(sourcePath, entry.fn, rules, false, entry.name);
  scalarizeArrays(primal);
  hoistInvariantRows(primal);
  forwardInvariantLoopState(primal);
  return primal;
}

/**
 * The source parameters the gradient of `entry` is taken with respect to,
 * in parameter order: its `@wrt` list, or else `defaultWrt`. `adgen verify`
 * requires exactly these in `grad`.
 */
export function differentiatedParameters(sourcePath: string, entry: FunctionLike, primal: Func): string[] {
  return explicitWrt(sourcePath, entry) ?? defaultWrt(primal);
}

/**
 * By default: the parameters through which the result depends
 * differentiably (a tuple or object parameter when any of its numbers does).
 */
function defaultWrt(primal: Func): string[] {
  const results = primal.body.ops[primal.body.ops.length - 1]!.operands;
  const activity = analyseActivity(primal.body, [], results);
  return primal.params.filter((p) => p.type !== "bool" && activity.useful(p.value)).map((p) => p.path?.[0] ?? p.name);
}

/** The IR parameters (leaves) of the named source parameters: a gradient has the shape of its whole parameter. */
function leavesOfParameters(primal: Func, names: string[]): string[] {
  return primal.params.filter((p) => p.type !== "bool" && names.includes(p.path?.[0] ?? p.name)).map((p) => p.name);
}

