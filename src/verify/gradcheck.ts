/** Checking one gradient function against numerical differentiation of the function it differentiates. */
import { type Coordinate, deepEqual, formatCoordinate, numberPaths, shapeMismatch, valueAt } from "./coordinates.js";
import { absoluteError, numericDerivative, relativeError, tolerance } from "./numeric.js";
import { parameterNames } from "./parameters.js";
import { describeFailures, type FunctionReport, type ParameterReport, type SampleNote } from "./report.js";

export interface GradcheckOptions<A extends unknown[] = unknown[]> {
  /** A component passes when |ad - fd| <= rtol * max(1, |fd|). Default 1e-6. */
  rtol?: number;
  /** The parameter names of `f` in order, which grad is keyed by. Default: read from `f.toString()`. */
  parameters?: readonly string[];
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
}

/** What adgen generates for `f`: `fGrad(...args)` returning `{ value, grad }`, grad keyed by parameter name. */
export type GradientFunction<A extends unknown[]> = (...args: A) => { value: number; grad: object };

export class GradcheckError extends Error {
  constructor(readonly report: FunctionReport) {
    super(describeFailures(report));
    this.name = "GradcheckError";
  }
}

/**
 * Compares every component of `fGrad`'s grad with central differences of `f`
 * at each sample (an argument list), and checks that `value` is exactly `f`'s
 * result and that the arguments are unchanged. Parameters grad leaves out are
 * not checked. Samples at which `f` throws or is not finite are skipped; a
 * function with no usable sample fails.
 */
export function gradcheck<A extends unknown[]>(
  f: (...args: A) => number,
  fGrad: GradientFunction<A>,
  samples: readonly A[],
  options: GradcheckOptions<A> = {},
): FunctionReport {
  const name = options.name ?? (f.name || "f");
  const parameters = options.parameters ?? parameterNames(f);
  if (!parameters) throw new Error(`gradcheck: cannot read the parameter names of ${name}; pass them as { parameters: [...] }`);
  const check = new Check(name, parameters, options.rtol ?? 1e-6);
  samples.forEach((args, i) => check.sample(f, fGrad, args, i, options.frozen));
  const report = check.report(samples.length);
  if (!report.pass && options.throwOnFailure !== false) throw new GradcheckError(report);
  return report;
}

/** One component to compare: a coordinate of the arguments and the gradient's value there. */
interface Comparison {
  parameter: string;
  at: Coordinate;
  coordinate: string;
  ad: number;
}

/** The comparisons of one gradcheck call, sample by sample, gathered into a FunctionReport. */
class Check {
  private readonly rows = new Map<string, ParameterReport>();
  private readonly skipped: SampleNote[] = [];
  private readonly failures: SampleNote[] = [];
  private checked = 0;

  constructor(
    private readonly name: string,
    private readonly parameters: readonly string[],
    private readonly rtol: number,
  ) {}

  sample<A extends unknown[]>(f: (...args: A) => number, fGrad: GradientFunction<A>, args: A, sample: number,
    frozen?: (...args: A) => (...args: A) => number): void {
    const fail = (message: string): undefined => void this.failures.push({ sample, message });
    const skip = (message: string): undefined => void this.skipped.push({ sample, message });
    if (!Array.isArray(args)) return fail("is not an argument list");
    if (args.length !== this.parameters.length) return fail(`has ${args.length} arguments; ${this.name} has ${this.parameters.length} parameters`);

    const copy = attempt(() => structuredClone(args));
    if ("error" in copy) return fail(`cannot be copied: ${copy.error}`);
    const before = copy.result;
    const value = attempt(() => f(...structuredClone(args)));
    if ("error" in value) return skip(`${this.name} throws: ${value.error}`);
    if (!Number.isFinite(value.result)) return skip(`non-finite value ${value.result}`);

    const grad = this.callGradient(fGrad, args, before, value.result, fail);
    if (!grad) return;
    const comparisons = this.comparisons(before, grad, sample);
    const numerical: number[] = [];
    const differentiated = frozen ? attempt(() => frozen(...structuredClone(args))) : { result: f };
    if ("error" in differentiated) return skip(`${this.name}Frozen throws: ${differentiated.error}`);
    for (const c of comparisons) {
      const fd = attempt(() => numericDerivative(differentiated.result, before, c.at));
      if ("error" in fd) return skip(`${this.name} throws near ${c.coordinate}: ${fd.error}`);
      if (!Number.isFinite(fd.result)) return skip(`non-finite numerical derivative at ${c.coordinate}`);
      numerical.push(fd.result);
    }
    this.checked++;
    comparisons.forEach((c, i) => this.record(c, numerical[i]!, sample));
    for (const parameter of new Set(comparisons.map((c) => c.parameter))) this.row(parameter).samples++;
  }

  /** Calls the gradient and checks everything but its components; returns grad unless there is none. */
  private callGradient<A extends unknown[]>(
    fGrad: GradientFunction<A>,
    args: A,
    before: A,
    expectedValue: number,
    fail: (message: string) => undefined,
  ): Record<string, unknown> | undefined {
    const returned = attempt(() => fGrad(...args));
    if ("error" in returned) return fail(`the gradient throws: ${returned.error}`);
    if (!deepEqual(args, before)) fail("the gradient changed its arguments");
    const { value, grad } = (returned.result ?? {}) as { value?: unknown; grad?: unknown };
    if (typeof grad !== "object" || grad === null) return fail("the gradient returned no grad object");
    if (!Object.is(value, expectedValue)) fail(`value ${String(value)} differs from ${this.name}'s ${expectedValue}`);
    for (const key of Object.keys(grad)) {
      if (!this.parameters.includes(key)) fail(`grad.${key} is not a parameter of ${this.name}`);
    }
    return grad as Record<string, unknown>;
  }

  /** The components of `grad` to compare at this sample; a parameter whose gradient has the wrong shape gets a problem instead. */
  private comparisons(args: unknown[], grad: Record<string, unknown>, sample: number): Comparison[] {
    const comparisons: Comparison[] = [];
    this.parameters.forEach((parameter, index) => {
      if (!Object.hasOwn(grad, parameter)) return;
      const mismatch = shapeMismatch(args[index], grad[parameter], `grad.${parameter}`);
      if (mismatch) return this.setProblem(parameter, `sample ${sample}: ${mismatch}`);
      for (const path of numberPaths(args[index])) {
        const ad = valueAt(grad[parameter], path) as number;
        comparisons.push({ parameter, at: [index, ...path], coordinate: formatCoordinate(parameter, path), ad });
      }
    });
    return comparisons;
  }

  private record(c: Comparison, fd: number, sample: number): void {
    const row = this.row(c.parameter);
    const abs = absoluteError(c.ad, fd);
    const rel = relativeError(c.ad, fd);
    row.maxAbsError = Math.max(row.maxAbsError, abs);
    if (!row.worst || rel > row.maxRelError) {
      row.maxRelError = rel;
      row.worst = { sample, coordinate: c.coordinate, ad: c.ad, fd };
    }
    if (!(abs <= tolerance(fd, this.rtol))) row.pass = false;
  }

  private setProblem(parameter: string, problem: string): void {
    const row = this.row(parameter);
    row.problem ??= problem;
    row.pass = false;
  }

  private row(parameter: string): ParameterReport {
    let row = this.rows.get(parameter);
    if (!row) {
      row = { parameter, samples: 0, maxAbsError: 0, maxRelError: 0, worst: undefined, problem: undefined, pass: true };
      this.rows.set(parameter, row);
    }
    return row;
  }

  report(sampleCount: number): FunctionReport {
    if (this.checked === 0 && this.failures.length === 0) {
      this.failures.push({ message: sampleCount === 0 ? "no samples" : `no usable sample: all ${sampleCount} were skipped` });
    }
    const parameters = this.parameters.flatMap((p) => this.rows.get(p) ?? []);
    return {
      function: this.name,
      rtol: this.rtol,
      samples: sampleCount,
      checked: this.checked,
      skipped: this.skipped,
      failures: this.failures,
      parameters,
      pass: this.failures.length === 0 && parameters.every((p) => p.pass),
    };
  }
}

function attempt<T>(run: () => T): { result: T } | { error: string } {
  try {
    return { result: run() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
