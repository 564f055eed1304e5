/** The comparisons of one check, sample by sample, gathered into a FunctionReport. */
import { copyOf } from "./coordinates.js";
import { absoluteError, allowedError, errorRatio, type Estimate } from "./numeric.js";
import type { FunctionReport, ParameterReport, SampleNote } from "./report.js";

/** One gradient component against its numerical derivative. */
export interface Comparison {
  parameter: string;
  sample: number;
  /** E.g. `w[3]`. */
  coordinate: string;
  /** The seed of a VJP call (see `WorstCoordinate`). */
  seed?: string;
  ad: number;
  fd: Estimate;
  /** The parameter is left out of grad and `ad` is 0. */
  leftOut?: boolean;
}

export class Tally {
  private readonly rows = new Map<string, ParameterReport>();
  private readonly skipped: SampleNote[] = [];
  private readonly failures: SampleNote[] = [];
  private checked = 0;

  constructor(
    private readonly name: string,
    private readonly parameters: readonly string[],
    readonly rtol: number,
  ) {}

  /** Records a failure of the sample; returns undefined, so that `return tally.fail(...)` ends a check. */
  fail(sample: number | undefined, message: string): undefined {
    this.failures.push(sample === undefined ? { message } : { sample, message });
    return undefined;
  }

  skip(sample: number, message: string): undefined {
    this.skipped.push({ sample, message });
    return undefined;
  }

  /** Fails `parameter` for a reason beside its numbers; the first reason is the one reported. */
  problem(parameter: string, message: string): void {
    const row = this.row(parameter);
    row.problem ??= message;
    row.pass = false;
  }

  /** The comparisons of one sample that was compared in full. */
  sample(comparisons: readonly Comparison[]): void {
    this.checked++;
    for (const c of comparisons) this.record(c);
    for (const parameter of new Set(comparisons.map((c) => c.parameter))) this.row(parameter).samples++;
  }

  private record(c: Comparison): void {
    const row = this.row(c.parameter);
    if (c.leftOut) row.leftOut = true;
    const ratio = errorRatio(c.ad, c.fd, this.rtol);
    row.maxAbsError = Math.max(row.maxAbsError, absoluteError(c.ad, c.fd.value));
    if (!row.worst || ratio > row.maxErrorRatio) {
      row.maxErrorRatio = ratio;
      row.worst = { sample: c.sample, coordinate: c.coordinate, ...(c.seed ? { seed: c.seed } : {}), ad: c.ad, fd: c.fd.value, allowed: allowedError(c.fd, this.rtol) };
    }
    if (!(ratio <= 1)) row.pass = false;
  }

  private row(parameter: string): ParameterReport {
    let row = this.rows.get(parameter);
    if (!row) {
      row = { parameter, samples: 0, maxAbsError: 0, maxErrorRatio: 0, worst: undefined, problem: undefined, pass: true };
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

/**
 * A sample's arguments with the optional parameters it leaves out (`k?:
 * number`, at the end) passed as undefined, as a call without them passes
 * them: the gradient functions that take buffers after them need them in place.
 */
export function withLeftOut<A extends unknown[]>(args: A, parameters: readonly string[]): A {
  if (!Array.isArray(args) || args.length >= parameters.length) return args;
  return [...args, ...Array<undefined>(parameters.length - args.length).fill(undefined)] as unknown as A;
}

/**
 * The checks every sample starts with: an argument list of the right
 * length that can be copied. Returns the copy, the arguments as they were
 * before anything was called, or undefined when the sample failed.
 */
export function copyArguments<A extends unknown[]>(tally: Tally, args: A, parameters: readonly string[], name: string, sample: number): A | undefined {
  if (!Array.isArray(args)) return tally.fail(sample, "is not an argument list");
  if (args.length !== parameters.length) return tally.fail(sample, `has ${args.length} arguments; ${name} has ${parameters.length} parameters`);
  const copy = attempt(() => copyOf(args));
  if ("error" in copy) return tally.fail(sample, `cannot be copied: ${copy.error}`);
  return copy.result;
}

/** The result of `run`, or the message of what it throws. */
export function attempt<T>(run: () => T): { result: T } | { error: string } {
  try {
    return { result: run() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
