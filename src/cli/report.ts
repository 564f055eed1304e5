import type { Diagnostic } from "../diagnostics.js";
import { formatDiagnostic, formatFileError, formatSummary } from "./format.js";
import { type CliIo, stderrColor } from "./io.js";
import { Log, type LogLevel } from "./log.js";

export interface ReportOptions {
  /** false: one line per error and no summary, as `tsc --pretty false` prints. */
  pretty?: boolean;
  logLevel?: LogLevel;
}

/** Writes errors to stderr as they come and counts them for the closing summary line. */
export class ErrorReport {
  private errorCount = 0;
  private readonly files = new Set<string>();
  private readonly format: { color: boolean; cwd: string; pretty: boolean };
  private readonly log: Log;

  constructor(io: CliIo, options: ReportOptions = {}) {
    const pretty = options.pretty ?? true;
    this.format = { color: pretty && stderrColor(io), cwd: io.cwd, pretty };
    this.log = new Log(io, options.logLevel);
  }

  diagnostic(d: Diagnostic): void {
    this.add(d.file, formatDiagnostic(d, this.format));
  }

  fileError(file: string, message: string): void {
    this.add(file, formatFileError(file, message, this.format));
  }

  /** How many errors were reported so far. */
  get count(): number {
    return this.errorCount;
  }

  /** Prints the summary if there were errors (not with `pretty: false`); returns whether there were. */
  finish(): boolean {
    if (this.errorCount > 0 && this.format.pretty) this.log.error(`${formatSummary(this.errorCount, this.files.size)}\n`);
    return this.errorCount > 0;
  }

  private add(file: string, text: string): void {
    this.errorCount++;
    this.files.add(file);
    this.log.error(this.format.pretty ? `${text}\n\n` : `${text}\n`);
  }
}
