/**
 * Diagnostics: what adgen reports about user input. Every rejection of a
 * source construct is a Diagnostic with a stable code from `Codes`, located
 * at the offending span. Formatting lives in cli/format.ts.
 */

export interface Diagnostic {
  /** Stable code, e.g. "ADG1003". */
  code: string;
  message: string;
  /** Path of the source file, as given to generate(). */
  file: string;
  /** 1-based line of the span start. */
  line: number;
  /** 1-based column of the span start. */
  column: number;
  /** Length of the span on its first line (at least 1). */
  length: number;
  /** Text of the source line the span starts on (no line terminator). */
  sourceLine: string;
}

/** The catalogue of diagnostic codes. Codes are never reused or renumbered. */
export const Codes = {
  /** The file has TypeScript syntax errors. */
  SyntaxError: "ADG1000",
  /** A statement kind outside the subset (loops, try, switch, classes, ...). */
  UnsupportedStatement: "ADG1001",
  /** An expression kind outside the subset. */
  UnsupportedExpression: "ADG1002",
  /** A parameter, variable or return value whose type is not number or boolean. */
  UnsupportedType: "ADG1003",
  /** A call to something that is neither a supported Math function nor a function of the same file. */
  UnknownCall: "ADG1004",
  /** Functions that call themselves, directly or through others. */
  Recursion: "ADG1005",
  /** `@wrt` names a parameter that does not exist or cannot carry a derivative. */
  BadWrt: "ADG1006",
  /** A function whose end can be reached without a return statement. */
  MissingReturn: "ADG1007",
  /** A variable read before it is definitely assigned. */
  UnassignedVariable: "ADG1008",
  /** A name that does not resolve to a parameter, local variable, or supported constant. */
  UnknownName: "ADG1009",
  /** An operator used with operand types it is not supported for. */
  UnsupportedOperator: "ADG1010",
  /** A helper function shape that adgen cannot inline (default parameters, rest parameters, ...). */
  UnsupportedFunction: "ADG1011",
  /** An exported function that writes into one of its own array parameters. */
  ParameterWrite: "ADG1012",
  /** A user-defined adjoint (`@adjoint f`) that does not fit the function it differentiates. */
  BadRule: "ADG1013",
  /** `@derivatives` names something adgen does not generate, or a derivative the function does not have. */
  BadDerivatives: "ADG1014",
  /** A derivative asked for would pass through a function adgen cannot see into and no rule gives its derivative. */
  NoDerivativeThrough: "ADG1015",
  /** A loop tagged `@checkpoint` that cannot be reversed from snapshots (it may leave early, its trip count is not known when it starts, ...). */
  BadCheckpoint: "ADG1016",
} as const;

export type Code = (typeof Codes)[keyof typeof Codes];

/** Thrown by pipeline stages for a user-input problem found mid-stage. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => `${d.file}:${d.line}:${d.column} - error ${d.code}: ${d.message}`).join("\n"));
  }
}

/** Thrown for a bug in adgen itself: the CLI reports it as an internal error (exit 2). */
export class InternalError extends Error {}

/** Diagnostics without repeats (two paths to one construct, or functions of a file that share a cause, report it each). */
export function uniqueDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
