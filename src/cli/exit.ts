export const ExitCode = {
  Success: 0,
  /** Diagnostics, stale outputs under --check, or an output adgen refused to overwrite. */
  Failure: 1,
  /** Bad command line, or a bug in adgen. */
  Usage: 2,
  Internal: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A bad command line: reported as one line on stderr, exit code 2. */
export class UsageError extends Error {}
