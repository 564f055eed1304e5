import type { Diagnostic } from "../diagnostics.js";
import { formatDiagnostic, formatFileError, formatSummary } from "./format.js";
import { type CliIo, stderrColor } from "./io.js";

/** Writes errors to stderr as they come and counts them for the closing summary line. */
export class ErrorReport {
  private errorCount = 0;
  private readonly files = new Set<string>();
  private readonly format: { color: boolean; cwd: string };

  constructor(private readonly io: CliIo) {
    this.format = { color: stderrColor(io), cwd: io.cwd };
  }

  diagnostic(d: Diagnostic): void {
    this.add(d.file, formatDiagnostic(d, this.format));
  }

  fileError(file: string, message: string): void {
    this.add(file, formatFileError(file, message, this.format));
  }

  /** Prints the summary if there were errors; returns whether there were. */
  finish(): boolean {
    if (this.errorCount > 0) this.io.stderr.write(`${formatSummary(this.errorCount, this.files.size)}\n`);
    return this.errorCount > 0;
  }

  private add(file: string, text: string): void {
    this.errorCount++;
    this.files.add(file);
    this.io.stderr.write(`${text}\n\n`);
  }
}
