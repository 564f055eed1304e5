import path from "node:path";
import pc from "picocolors";
import type { Diagnostic } from "../diagnostics.js";

export interface FormatOptions {
  /** ANSI colours (default false); never with `pretty: false`. */
  color?: boolean;
  /** Directory that printed paths are relative to; defaults to process.cwd(). */
  cwd?: string;
  /** false: one line per diagnostic, as `tsc --pretty false` prints (default true). */
  pretty?: boolean;
}

/**
 * A diagnostic in the shape of `tsc --pretty`: the location line, a blank
 * line, the source line behind a line-number gutter, and the span underlined
 * with `~` (a single `^` for a one-character span). With `pretty: false`, the
 * one line `file(line,col): error ADGnnnn: message`.
 */
export function formatDiagnostic(d: Diagnostic, opts: FormatOptions = {}): string {
  if (opts.pretty === false) return `${displayPath(d.file, opts.cwd)}(${d.line},${d.column}): error ${d.code}: ${d.message}`;
  const c = pc.createColors(opts.color ?? false);
  const location = `${c.cyan(displayPath(d.file, opts.cwd))}:${c.yellow(String(d.line))}:${c.yellow(String(d.column))}`;
  const header = `${location} - ${c.red("error")} ${c.gray(d.code)}: ${d.message}`;

  const source = d.sourceLine.replace(/\t/g, " ").trimEnd();
  const start = d.column - 1;
  const length = Math.max(1, Math.min(d.length, source.length - start));
  const gutter = String(d.line);
  const marker = length === 1 ? "^" : "~".repeat(length);
  const sourceRow = `${c.inverse(gutter)} ${source}`;
  const markerRow = `${c.inverse(" ".repeat(gutter.length))} ${" ".repeat(start)}${c.red(marker)}`;
  return [header, "", sourceRow, markerRow].join("\n");
}

/** An error about a whole file, e.g. an output adgen refuses to overwrite. */
export function formatFileError(file: string, message: string, opts: FormatOptions = {}): string {
  if (opts.pretty === false) return `${displayPath(file, opts.cwd)}: error: ${message}`;
  const c = pc.createColors(opts.color ?? false);
  return `${c.cyan(displayPath(file, opts.cwd))} - ${c.red("error")}: ${message}`;
}

/** `Found 2 errors in 1 file.` */
export function formatSummary(errorCount: number, fileCount: number): string {
  return `Found ${plural(errorCount, "error")} in ${plural(fileCount, "file")}.`;
}

/** A path as the user should see it: relative to the working directory, with `/` separators. */
export function displayPath(file: string, cwd = process.cwd()): string {
  return path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join("/");
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
