/**
 * How much the CLI prints, with prettier's level names: `silent` nothing,
 * `error` only errors, `warn` errors and warnings, `log` (the default) also
 * what was written or skipped, `debug` also why a file or function matched
 * by a glob was skipped. Errors and warnings go to stderr, the rest to stdout.
 */
import type { CliIo } from "./io.js";

export const LOG_LEVELS = ["silent", "error", "warn", "log", "debug"] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

/** Whether a message of level `message` is printed at level `level`. */
export function shows(level: LogLevel, message: Exclude<LogLevel, "silent">): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(message);
}

export class Log {
  constructor(
    private readonly io: Pick<CliIo, "stdout" | "stderr">,
    readonly level: LogLevel = "log",
  ) {}

  /** What was done: `wrote x`, `unchanged y`. */
  log(line: string): void {
    if (shows(this.level, "log")) this.io.stdout.write(`${line}\n`);
  }

  /** Detail for `--log-level debug`. */
  debug(line: string): void {
    if (shows(this.level, "debug")) this.io.stdout.write(`${line}\n`);
  }

  warn(line: string): void {
    if (shows(this.level, "warn")) this.io.stderr.write(`${line}\n`);
  }

  /** Error text, written as it is (it ends with its own line breaks). */
  error(text: string): void {
    if (shows(this.level, "error")) this.io.stderr.write(text);
  }
}
