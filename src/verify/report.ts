/** What checking one gradient finds: the report `gradcheck` returns and `adgen verify` prints. */

/** The component with the largest relative error. */
export interface WorstCoordinate {
  /** Index into the samples. */
  sample: number;
  /** E.g. `x`, `w[3]`, `X[2][1]`. */
  coordinate: string;
  /** The gradient's value. */
  ad: number;
  /** The numerical derivative. */
  fd: number;
}

export interface ParameterReport {
  parameter: string;
  /** How many samples were compared. */
  samples: number;
  /** max |ad - fd| over the coordinates and samples. */
  maxAbsError: number;
  /** max |ad - fd| / max(1, |fd|): a component passes when this is at most rtol. */
  maxRelError: number;
  /** Undefined when nothing was compared. */
  worst?: WorstCoordinate;
  /** Why the gradient component could not be compared, e.g. `grad.w is the number 2, expected an array of length 3`. */
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
  for (const p of report.parameters) {
    if (!p.pass) lines.push(`  ${describeParameterFailure(p)}`);
  }
  for (const note of report.failures) lines.push(`  ${formatNote(note)}`);
  if (report.checked === 0) for (const note of report.skipped) lines.push(`  skipped ${formatNote(note)}`);
  return lines.join("\n");
}

export function describeParameterFailure(p: ParameterReport): string {
  if (p.problem) return p.problem;
  const worst = p.worst!;
  return `grad.${p.parameter}: worst at ${worst.coordinate}, sample ${worst.sample}: gradient ${worst.ad}, numerical ${worst.fd}; abs error ${formatError(p.maxAbsError)}, rel error ${formatError(p.maxRelError)}`;
}

export function formatNote(note: SampleNote): string {
  return note.sample === undefined ? note.message : `sample ${note.sample}: ${note.message}`;
}

/** An error in two significant digits: `3.1e-12`, `0.0015`, `2.5`, `0`, `Infinity`. */
export function formatError(error: number): string {
  if (error === 0 || !Number.isFinite(error)) return String(error);
  return error >= 1e-3 && error < 1e3 ? String(Number(error.toPrecision(2))) : error.toExponential(1);
}
