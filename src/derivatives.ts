/**
 * The IR of every derivative function of one exported function: the
 * gradient (reverse mode, always built: the Jacobian's rows and the Hvp come
 * from it), and as asked, the Jvp (forward mode over the primal) and the Hvp
 * (forward mode over the gradient: forward over reverse). The Jacobian and
 * the Hessian are loops (emit/dense.ts) over blocks of columns, each by one
 * call of the vector mode: `<name>JvpBlock` and `<name>HvpBlockInto`, forward
 * mode with `LANES` tangents at once (the Jacobian's rows by VJP calls).
 */
import path from "node:path";
import { forwardMode } from "./ad/forward/mode.js";
import { UntracedCall } from "./ad/forward/sweep.js";
import { Codes, DiagnosticError, type Code, type Diagnostic } from "./diagnostics.js";
import type { DerivativeKind } from "./config/derivatives.js";
import { groupType, nestedEntries } from "./emit/records.js";
import type { Func, Op, SourceParam } from "./ir/types.js";
import { eliminateDeadCode } from "./opt/dce.js";

export interface Compiled {
  primal: Func;
  gradient: Func;
  /** The derivative functions asked for (by the run's list or the function's tag), before dependencies; default the gradient alone. */
  asked?: DerivativeKind[];
  jvp?: Func;
  hvp?: Func;
  /** The vector modes the Jacobian and the Hessian call: `LANES` tangents per sweep. */
  jvpBlock?: Func;
  hvpBlock?: Func;
}

/**
 * The tangents one sweep of the Jacobian's and the Hessian's vector mode
 * carries: the columns come LANES at a time, unrolled (one variable per
 * tangent and lane). On the 20-parameter Rosenbrock Hessian a block of 4
 * cost about 3 Hvps and a block of 8 about 11 (likely: its values no longer fit in
 * registers); 4 also wastes few lanes on a few columns.
 */
export const LANES = 4;

type Forward = Pick<Compiled, "jvp" | "hvp" | "jvpBlock" | "hvpBlock">;

/** The parameter name `base`, or `base_` (and so on) when the function has one of that name. */
function freeName(base: string, f: Func): string {
  const taken = new Set([...f.params.map((p) => p.name), ...(f.signature ?? []).map((p) => p.name)]);
  while (taken.has(base)) base += "_";
  return base;
}

/** The type of a tangent in the shape of the gradient: `{ x: number[]; b: number }` (a bare type for one parameter). */
function tangentType(f: Func, wrt: string[]): string {
  const params = wrt.map((name) => f.params.find((p) => p.name === name)!);
  return nestedEntries(params.map((p) => ({ path: p.path ?? [p.name], element: p.element, text: p.typeText })), groupType, ";");
}

/**
 * The Jvp and Hvp asked for. Throws a DiagnosticError, located at the call,
 * when one would differentiate through a function adgen cannot see into
 * (a user-defined adjoint that calls one, differentiated again for the Hvp).
 */
export function forwardFunctions(sourcePath: string, primal: Func, gradient: Func, wrt: string[], kinds: Set<DerivativeKind>): Forward {
  try {
    return build(primal, gradient, wrt, kinds);
  } catch (e) {
    if (!(e instanceof UntracedCall)) throw e;
    throw new DiagnosticError([diagnosticAtOp(sourcePath, e.op, primal, Codes.NoDerivativeThrough,
      `the ${kinds.has("hvp") ? "Hessian-vector product" : "Jacobian-vector product"} of '${primal.name}' needs the derivative of '${e.callee}', which adgen cannot see into; give '${e.callee}' an '@adjoint' rule, or leave out ${kinds.has("hvp") ? "'hvp' and 'hessian'" : "'jvp' and 'jacobian'"}`)]);
  }
}

/** A diagnostic at the source location of an op of `primal` (in the file it came from, for code inlined from another). */
export function diagnosticAtOp(sourcePath: string, op: Op, primal: Func, code: Code, message: string): Diagnostic {
  const loc = op.loc;
  const file = loc?.file ? path.relative(path.dirname(path.resolve(sourcePath)), loc.file) : "";
  const where = loc?.file && path.resolve(loc.file) !== path.resolve(sourcePath) ? path.join(path.dirname(sourcePath), file) : sourcePath;
  return {
    code, message,
    file: where, line: loc?.line ?? primal.loc?.line ?? 1, column: loc?.column ?? 1, length: Math.max(1, loc?.text.length ?? 1), sourceLine: loc?.text ?? "",
  };
}

/** The source parameters of the tangents: `tangent`, or `tangent0` ... for the lanes of a block. */
function tangentParams(base: string, primal: Func, wrt: string[], lanes?: number): SourceParam[] {
  const typeText = tangentType(primal, wrt);
  if (lanes === undefined) return [{ name: freeName(base, primal), typeText }];
  return Array.from({ length: lanes }, (_, j) => ({ name: freeName(`${base}${j}`, primal), typeText }));
}

/** Forward mode over the primal: `<name>Jvp`, or with lanes `<name>JvpBlock`. */
function jvpOf(primal: Func, gradient: Func, wrt: string[], lanes?: number): Func {
  const values = gradient.resultRoles.filter((r) => r.role === "value").length;
  const jvp = forwardMode(primal, {
    name: `${primal.name}${lanes === undefined ? "Jvp" : "JvpBlock"}`, wrt,
    tangents: tangentParams("tangent", primal, wrt, lanes),
    tangentsOf: [...Array(values).keys()],
    roles: gradient.resultRoles.slice(0, values),
  });
  eliminateDeadCode(jvp);
  return jvp;
}

/** Forward mode over the gradient: `<name>Hvp`, or with lanes `<name>HvpBlock`. */
function hvpOf(primal: Func, gradient: Func, wrt: string[], lanes?: number): Func {
  const hvp = forwardMode(gradient, {
    overGradient: true,
    name: `${primal.name}${lanes === undefined ? "Hvp" : "HvpBlock"}`, wrt,
    tangents: tangentParams("v", primal, wrt, lanes),
    tangentsOf: wrt.map((_, i) => 1 + i),
    roles: gradient.resultRoles,
  });
  eliminateDeadCode(hvp);
  return hvp;
}

function build(primal: Func, gradient: Func, wrt: string[], kinds: Set<DerivativeKind>): Forward {
  return {
    ...(kinds.has("jvp") ? { jvp: jvpOf(primal, gradient, wrt) } : {}),
    ...(kinds.has("jacobian") ? { jvpBlock: jvpOf(primal, gradient, wrt, LANES) } : {}),
    ...(kinds.has("hvp") ? { hvp: hvpOf(primal, gradient, wrt) } : {}),
    ...(kinds.has("hessian") ? { hvpBlock: hvpOf(primal, gradient, wrt, LANES) } : {}),
  };
}
