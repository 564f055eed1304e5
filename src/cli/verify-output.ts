import pc from "picocolors";
import type { FileReport, VerifiedFunction } from "../verify/file.js";
import { formatError, formatNote, parameterFailures } from "../verify/report.js";
import type { VerifyFlags } from "./args.js";
import { displayPath, type FormatOptions, plural } from "./format.js";

interface Summary {
  files: number;
  unverifiedFiles: number;
  functions: number;
  passed: number;
  failed: number;
  skippedSamples: number;
}

const HEADER = ["function", "parameter", "samples", "max abs error", "error/allowed", "worst", "result"];

type Colors = ReturnType<typeof pc.createColors>;

/** Per file: a table with one row per function and parameter, then what failed or was skipped; last, the summary line. */
export function formatTable(files: FileReport[], opts: FormatOptions): string {
  const c = pc.createColors(opts.color);
  const blocks = files.map((file) => {
    const title = c.bold(displayPath(file.source, opts.cwd));
    if (file.error) return `${title}\n  ${c.red("FAIL")} ${file.error}`;
    if (file.functions.length === 0) return `${title}\n  no functions to differentiate`;
    const notes = file.functions.flatMap((fn) => functionNotes(fn, c));
    return [title, ...table(file.functions.flatMap(functionRows), c), ...(notes.length ? ["", ...notes] : [])].join("\n");
  });
  return `${blocks.join("\n\n")}\n\n${summaryLine(summarize(files))}\n`;
}

/**
 * One row per parameter; a function with none (it failed before any
 * comparison) still gets a row. A parameter grad leaves out, compared as 0
 * when adgen cannot say what it differentiates, is marked.
 */
function functionRows(fn: VerifiedFunction): string[][] {
  const result = (pass: boolean) => (pass ? "PASS" : "FAIL");
  if (fn.parameters.length === 0) return [[fn.function, "-", samplesCell(fn.checked, fn), "-", "-", "-", result(fn.pass)]];
  return fn.parameters.map((p) => [
    fn.function,
    p.leftOut ? `${p.parameter} (not in grad)` : p.parameter,
    samplesCell(p.samples, fn),
    p.samples ? formatError(p.maxAbsError) : "-",
    p.samples ? formatError(p.maxErrorRatio) : "-",
    p.worst ? `${p.worst.coordinate}, sample ${p.worst.sample}` : "-",
    result(p.pass),
  ]);
}

/** The header and `rows` in aligned columns, indented by two spaces. */
function table(rows: string[][], c: Colors): string[] {
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const colour = (cell: string) => (cell === "PASS" ? c.green(cell) : cell === "FAIL" ? c.red(cell) : cell);
  const render = (row: string[]) => `  ${row.map((cell, i) => colour(i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")}`;
  return [c.dim(render(HEADER)), ...rows.map(render)];
}

/** What failed, with the gradient and numerical values, and which samples were skipped. */
function functionNotes(fn: VerifiedFunction, c: Colors): string[] {
  return [
    ...fn.parameters.flatMap((p) => parameterFailures(p).map((line) => `  ${c.red("FAIL")} ${fn.function}: ${line}`)),
    ...fn.failures.map((note) => `  ${c.red("FAIL")} ${fn.function}: ${formatNote(note)}`),
    ...fn.skipped.map((note) => `  ${c.yellow("skipped")} ${fn.function}: ${formatNote(note)}`),
  ];
}

/** The report as one JSON document (see the README for its shape); NaN and infinities are written as strings. */
export function formatJson(files: FileReport[], flags: VerifyFlags, cwd: string): string {
  const summary = summarize(files);
  const document = {
    pass: files.every((file) => file.pass),
    options: { rtol: flags.rtol, seed: flags.seed, size: flags.size, samples: flags.samples, generate: flags.generate },
    files: files.map((file) => ({
      source: displayPath(file.source, cwd),
      gradient: displayPath(file.gradient, cwd),
      pass: file.pass,
      error: file.error,
      functions: file.functions,
    })),
    summary,
  };
  const replacer = (_key: string, value: unknown) => {
    if (value === undefined) return null;
    return typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
  };
  return `${JSON.stringify(document, replacer, 2)}\n`;
}

function samplesCell(count: number, fn: VerifiedFunction): string {
  return fn.sampleSource === "random" ? `${count} random` : String(count);
}

function summarize(files: FileReport[]): Summary {
  const functions = files.flatMap((file) => file.functions);
  const passed = functions.filter((fn) => fn.pass).length;
  return {
    files: files.length,
    unverifiedFiles: files.filter((file) => file.error !== undefined).length,
    functions: functions.length,
    passed,
    failed: functions.length - passed,
    skippedSamples: functions.reduce((sum, fn) => sum + fn.skipped.length, 0),
  };
}

/** `4 functions in 2 files: 3 passed, 1 failed; 1 file not verified; 2 samples skipped.` */
function summaryLine(s: Summary): string {
  const parts = [`${plural(s.functions, "function")} in ${plural(s.files, "file")}: ${s.passed} passed, ${s.failed} failed`];
  if (s.unverifiedFiles) parts.push(`${plural(s.unverifiedFiles, "file")} not verified`);
  if (s.skippedSamples) parts.push(`${plural(s.skippedSamples, "sample")} skipped`);
  return `${parts.join("; ")}.`;
}
