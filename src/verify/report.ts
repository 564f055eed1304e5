/** What checking one gradient finds: the report `gradcheck` returns and `adgen verify` prints. */

/** The component closest to failing: the largest |ad - fd| / allowed. */
export interface WorstCoordinate {
  /** Index into the samples. */
  sample: number;
  /** E.g. `x`, `w[3]`, `X[2][1]`. */
  coordinate: string;
  /** For a vector-valued function, the seed of the VJP call: `value[3]` (the row of that output) or `random seed 1`. */
  seed?: string;
  /** The gradient's value (0 for a parameter grad leaves out). */
  ad: number;
  /** The numerical derivative. */
  fd: number;
  /** The largest |ad - fd| that passes there (see `allowedError`). */
  allowed: number;
}

export interface ParameterReport {
  parameter: string;
  /** How many samples were compared. */
  samples: number;
  /** max |ad - fd| over the coordinates and samples. */
  maxAbsError: number;
  /** max |ad - fd| / allowed: a component passes when this is at most 1. */
  maxErrorRatio: number;
  /** Undefined when nothing was compared. */
  worst?: WorstCoordinate;
  /** Set when `grad` leaves the parameter out and its numerical derivative was compared with 0. */
  leftOut?: boolean;
  /** A row of another derivative function (`fJvp: J·u`, `fHessian`) rather than a parameter of grad. */
  derivative?: boolean;
  /** Why the gradient component is wrong beyond its numbers, e.g. `sample 0: grad.w is the number 2, expected an array of length 3`. */
  problem?: string;
  pass: boolean;
}

/** Something about one sample; `sample` is undefined for the function as a whole. */
export interface SampleNote {
  sample?: number;
  message: string;
}

export interface FunctionReport {
  function: string;
  rtol: number;
  /** How many samples were given. */
  samples: number;
  /** How many of them were compared (the others are in `skipped`). */
  checked: number;
  /** Samples at which the function throws, is not finite, or cannot be differentiated numerically. */
  skipped: SampleNote[];
  /** Failures beside wrong components: a value that is not the function's, changed arguments, no usable sample. */
  failures: SampleNote[];
  parameters: ParameterReport[];
  pass: boolean;
}

/** A readable account of what failed, for an exception or a terminal. */
export function describeFailures(report: FunctionReport): string {
  const lines = [`${report.function}: gradient check failed (rtol ${report.rtol.toExponential()})`];
  for (const p of report.parameters) lines.push(...parameterFailures(p).map((line) => `  ${line}`));
  for (const note of report.failures) lines.push(`  ${formatNote(note)}`);
  if (report.checked === 0) for (const note of report.skipped) lines.push(`  skipped ${formatNote(note)}`);
  return lines.join("\n");
}

/** Why a parameter failed, one line per reason: its worst component beyond the tolerance, then what else is wrong with its entry. */
export function parameterFailures(p: ParameterReport): string[] {
  if (p.pass) return [];
  const lines: string[] = [];
  const worst = p.worst;
  if (worst && !(p.maxErrorRatio <= 1)) {
    const where = `worst at ${worst.coordinate}, sample ${worst.sample}${worst.seed ? `, seed ${worst.seed}` : ""}`;
    const abs = Math.abs(worst.ad - worst.fd);
    const errors = `abs error ${formatError(abs)}, rel error ${formatError(abs / Math.abs(worst.fd))}, allowed ${formatError(worst.allowed)}`;
    lines.push(
      p.leftOut
        ? `grad.${p.parameter} is missing, but the function depends on ${p.parameter}: ${where}: numerical derivative ${worst.fd}; allowed ${formatError(worst.allowed)}`
        : p.derivative
          ? `${p.parameter}: ${where}: generated ${worst.ad}, numerical ${worst.fd}; ${errors}`
          : `grad.${p.parameter}: ${where}: gradient ${worst.ad}, numerical ${worst.fd}; ${errors}`,
    );
  }
  if (p.problem) lines.push(p.problem);
  return lines;
}

export function formatNote(note: SampleNote): string {
  return note.sample === undefined ? note.message : `sample ${note.sample}: ${note.message}`;
}

/** An error in two significant digits: `3.1e-12`, `0.0015`, `2.5`, `0`, `Infinity`. */
export function formatError(error: number): string {
  if (error === 0 || !Number.isFinite(error)) return String(error);
  return error >= 1e-3 && error < 1e3 ? String(Number(error.toPrecision(2))) : error.toExponential(1);
}
