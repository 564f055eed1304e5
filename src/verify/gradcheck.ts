/** Checking one gradient function against numerical differentiation of the function it differentiates. */
import { deepEqual, formatCoordinate, sharedObject, valueAt, copyOf } from "./coordinates.js";
import { checkGradInto, type GradientIntoFunction } from "./gradinto.js";
import { forwardOf, withForwardChecks } from "./forward.js";
import { numericEstimate } from "./numeric.js";
import { parameterNames } from "./parameters.js";
import { components, presence, recordPresence } from "./presence.js";
import { describeFailures, type FunctionReport } from "./report.js";
import { attempt, type Comparison, copyArguments, Tally, withLeftOut } from "./tally.js";

export interface GradcheckOptions<A extends unknown[] = unknown[], G extends object = object> {
  /**
   * A component passes when |ad - fd| <= rtol * |fd| + 16 * e, e the
   * estimated error of the numerical derivative fd (see `allowedError`).
   * Default 1e-6.
   */
  rtol?: number;
  /** The parameter names of `f` in order, which grad is keyed by. Default: read from `f.toString()`. */
  parameters?: readonly string[];
  /**
   * The parameters grad must hold, each with its parameter's shape: what
   * adgen differentiates (the `@wrt` list, or the parameters the result
   * depends on differentiably). Without it, grad may leave parameters out,
   * and each left out is compared as a gradient of 0.
   */
  wrt?: readonly string[];
  /**
   * `fGradInto`, which adds the gradient into the caller's buffers: from
   * zeroed buffers it must give exactly fGrad's gradient, and from buffers
   * preset to non-zero numbers it must add to them (see gradinto.ts).
   */
  gradInto?: GradientIntoFunction<A, G>;
  /** The function's name in the report. Default `f.name`. */
  name?: string;
  /** Throw a GradcheckError when anything fails. Default true. */
  throwOnFailure?: boolean;
  /**
   * For a function that calls `stopGradient`: given a sample, `f` with the
   * stopped values frozen at that sample. Its numerical derivative is what the
   * gradient must match there (adgen's convention: export it as `<name>Frozen`).
   */
  frozen?: (...args: A) => (...args: A) => number;
  /**
   * The forward-mode functions to check beside the gradient (see
   * forward.ts): `fJvp` (J·u numerically and the dot-product test with
   * fGrad), `fHvp` (H·v against differences of its gradient), `fHessian`.
   */
  jvp?: (...args: any[]) => { value: number; tangent: number };
  hvp?: (...args: any[]) => { value: number; grad: object; hvp: object };
  hessian?: (...args: A) => { value: number; grad: object; hessian: number[][] };
}

/** What adgen generates for `f`: `fGrad(...args)` returning `{ value, grad }`, grad keyed by parameter name. */
export type GradientFunction<A extends unknown[], G extends object = object> = (...args: A) => { value: number; grad: G };

export class GradcheckError extends Error {
  constructor(readonly report: FunctionReport) {
    super(describeFailures(report));
    this.name = "GradcheckError";
  }
}

/**
 * Compares every component of `fGrad`'s grad with central differences of `f`
 * at each sample (an argument list), and checks that `value` is exactly `f`'s
 * result and that the arguments are unchanged. With `wrt`, grad must hold
 * exactly those parameters; without, a parameter grad leaves out must have a
 * numerical derivative of 0. Samples at which `f` throws or is not finite
 * are skipped; a function with no usable sample fails. With `gradInto`,
 * that is checked at each sample too.
 */
export function gradcheck<A extends unknown[], G extends object = object>(
  f: (...args: A) => number,
  fGrad: GradientFunction<A, G>,
  samples: readonly A[],
  options: GradcheckOptions<A, G> = {},
): FunctionReport {
  const name = options.name ?? (f.name || "f");
  const parameters = options.parameters ?? parameterNames(f);
  if (!parameters) throw new Error(`gradcheck: cannot read the parameter names of ${name}; pass them as { parameters: [...] }`);
  const tally = new Tally(name, parameters, options.rtol ?? 1e-6);
  const subject = { f, fGrad, name, parameters, wrt: options.wrt, gradInto: options.gradInto, frozen: options.frozen, tally };
  samples.forEach((args, i) => checkSample(subject, args, i));
  const report = withForwardChecks(tally.report(samples.length), f as (...args: unknown[]) => number,
    { ...forwardOf(options), reverse: fGrad as unknown as (...args: unknown[]) => { value: number; grad: object } }, samples, {
      name, rtol: options.rtol ?? 1e-6, parameters, vector: false, seed: 1,
      ...(options.wrt ? { wrt: options.wrt } : {}), ...(options.frozen ? { frozen: options.frozen as (...args: unknown[]) => (...args: unknown[]) => number } : {}),
    });
  if (!report.pass && options.throwOnFailure !== false) throw new GradcheckError(report);
  return report;
}

/** What one gradcheck call compares, shared by its samples. */
interface Subject<A extends unknown[]> {
  f: (...args: A) => number;
  fGrad: GradientFunction<A>;
  name: string;
  parameters: readonly string[];
  wrt: readonly string[] | undefined;
  gradInto: GradientIntoFunction<A, never> | undefined;
  frozen: ((...args: A) => (...args: A) => number) | undefined;
  tally: Tally;
}

function checkSample<A extends unknown[]>(s: Subject<A>, args: A, sample: number): void {
  const { tally, name } = s;
  args = withLeftOut(args, s.parameters);
  const before = copyArguments(tally, args, s.parameters, name, sample);
  if (!before) return;
  const value = attempt(() => s.f(...copyOf(args)));
  if ("error" in value) return tally.skip(sample, `${name} throws: ${value.error}`);
  if (!Number.isFinite(value.result)) return tally.skip(sample, `non-finite value ${value.result}`);

  const grad = callGradient(s, args, before, value.result, sample);
  if (!grad) return;
  const found = presence(grad, before, s.parameters, name, s.wrt);
  recordPresence(tally, found, sample);
  if (s.gradInto) {
    const buffers = (s.wrt ?? found.compared).map((parameter) => ({ parameter, index: s.parameters.indexOf(parameter) }));
    const compared = Object.fromEntries(found.compared.map((parameter) => [parameter, grad[parameter]]));
    checkGradInto(tally, { into: s.gradInto, name, args, before, value: value.result, buffers, grad: compared }, sample);
  }
  const differentiated = s.frozen ? attempt(() => s.frozen!(...copyOf(args))) : { result: s.f };
  if ("error" in differentiated) return tally.skip(sample, `${name}Frozen throws: ${differentiated.error}`);
  const comparisons: Comparison[] = [];
  for (const c of components(s.parameters, before, found)) {
    const fd = attempt(() => numericEstimate(differentiated.result, before, c.at));
    if ("error" in fd) return tally.skip(sample, `${name} throws near ${c.coordinate}: ${fd.error}`);
    if (!Number.isFinite(fd.result.value)) {
      // A parameter left out of grad may be a size or an index, between whose integers f is undefined.
      if (c.leftOut) continue;
      return tally.skip(sample, `non-finite numerical derivative at ${c.coordinate}`);
    }
    const ad = c.leftOut ? 0 : (valueAt(grad[c.parameter], c.path) as number);
    comparisons.push({ parameter: c.parameter, sample, coordinate: c.coordinate, ad, fd: fd.result, leftOut: c.leftOut });
  }
  tally.sample(comparisons);
}

/** Calls the gradient and checks its value and arguments; returns grad unless there is none. */
function callGradient<A extends unknown[]>(s: Subject<A>, args: A, before: A, expectedValue: number, sample: number): Record<string, unknown> | undefined {
  const returned = attempt(() => s.fGrad(...args));
  if ("error" in returned) return s.tally.fail(sample, `the gradient throws: ${returned.error}`);
  if (!deepEqual(args, before)) s.tally.fail(sample, "the gradient changed its arguments");
  const { value, grad } = (returned.result ?? {}) as { value?: unknown; grad?: unknown };
  if (typeof grad !== "object" || grad === null) return s.tally.fail(sample, "the gradient returned no grad object");
  if (!Object.is(value, expectedValue)) s.tally.fail(sample, `value ${String(value)} differs from ${s.name}'s ${expectedValue}`);
  const shared = sharedObject(grad, args);
  if (shared) s.tally.fail(sample, `${formatCoordinate("grad", shared)} is an array of the arguments, not a fresh one`);
  return grad as Record<string, unknown>;
}
