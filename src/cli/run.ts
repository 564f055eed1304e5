import { DiagnosticError } from "../diagnostics.js";
import { GENERATED_HEADER_PREFIX, type GeneratedFile, type GenerateOptions, type GenerateResult } from "../generate.js";
import type { Mode } from "./args.js";
import { ExitCode } from "./exit.js";
import { displayPath } from "./format.js";
import type { CliIo } from "./io.js";
import { Log, type LogLevel, shows } from "./log.js";
import { ErrorReport } from "./report.js";
import { reportSkipped, withRegressions } from "./skipped.js";
import { check, write, type WrittenFile } from "./write.js";

const REFUSAL = `refusing to overwrite a file that adgen did not generate (it does not start with "${GENERATED_HEADER_PREFIX.trim()}"); move or delete it first`;

/** How a run prints and what it asks of generate(). */
export interface RunOptions {
  logLevel?: LogLevel;
  /** false: one line per diagnostic. */
  pretty?: boolean;
  /** Passed on to generate() (formatting, compiler options). */
  generate?: Omit<GenerateOptions, "emitIr" | "progress">;
}

/** An absolute path, or one with whether a glob matched it (see `GenerateInput`). */
export type RunInput = string | { path: string; matched?: boolean };

/** Generate the gradients of `inputs` and write, check or print them. */
export async function run(inputs: RunInput[], mode: Mode, io: CliIo, options: RunOptions = {}): Promise<ExitCode> {
  const report = new ErrorReport(io, options);
  const log = new Log(io, options.logLevel);
  const result = await generateReporting(inputs, mode, report, io, options);

  let staleCount = 0;
  if (mode === "emit-ir") printIr(result.ir, inputs.length > 1, io);
  else if (mode === "write") logWritten(await writeOutputs(result.outputs, report), log, io);
  else staleCount = await checkOutputs(result.outputs, mode, report, io, log);

  if (staleCount > 0 && mode === "check") log.warn(`adgen: ${staleCount} out-of-date output${staleCount === 1 ? "" : "s"}; run adgen without --check to update`);
  const failed = report.finish();
  return failed || staleCount > 0 ? ExitCode.Failure : ExitCode.Success;
}

/**
 * What `adgen <files>` does, reporting errors into `report` without the
 * closing summary. Returns the sources whose gradient file is now up to date.
 */
export async function regenerate(inputs: RunInput[], report: ErrorReport, io: CliIo, options: RunOptions = {}): Promise<string[]> {
  const { written } = await generateAndWrite(inputs, report, io, options);
  logWritten(written, new Log(io, options.logLevel), io);
  return written.filter((file) => file.status === "wrote" || file.status === "unchanged").map((file) => file.sourcePath);
}

/** Generates and writes the outputs, reporting errors into `report`; returns what generate() and write() gave. */
export async function generateAndWrite(inputs: RunInput[], report: ErrorReport, io: CliIo, options: RunOptions = {}): Promise<{ result: GenerateResult; written: WrittenFile[] }> {
  const result = await generateReporting(inputs, "write", report, io, options);
  return { result, written: await writeOutputs(result.outputs, report) };
}

/** Reports the diagnostics; a DiagnosticError thrown by generate() is a user-input problem like any returned diagnostic. */
async function generateReporting(inputs: RunInput[], mode: Mode, report: ErrorReport, io: CliIo, options: RunOptions): Promise<GenerateResult> {
  const log = new Log(io, options.logLevel);
  const progress = progressLine(inputs.length, io, options.logLevel ?? "log");
  let result: GenerateResult;
  try {
    result = await io.generate(inputs, { ...options.generate, emitIr: mode === "emit-ir", ...(progress ? { progress: progress.show } : {}) });
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    result = { outputs: [], diagnostics: error.diagnostics, ir: [], skipped: [] };
  } finally {
    progress?.clear();
  }
  result = await withRegressions(result);
  for (const d of result.diagnostics) report.diagnostic(d);
  reportSkipped(inputs, result, log, io);
  return result;
}

/**
 * On a terminal, a run over several files shows `[3/41] src/loss.ts` on
 * stderr while it works, rewritten in place and cleared at the end.
 */
function progressLine(total: number, io: CliIo, level: LogLevel): { show: (done: number, total: number, file: string) => void; clear: () => void } | undefined {
  if (total < 2 || io.stderr.isTTY !== true || !shows(level, "log")) return undefined;
  let shown = false;
  return {
    show: (done, count, file) => {
      shown = true;
      io.stderr.write(`\r\u001b[K[${done + 1}/${count}] ${displayPath(file, io.cwd)}`);
    },
    clear: () => {
      if (shown) io.stderr.write("\r\u001b[K");
    },
  };
}

/** Writes the outputs and reports the refusals and failures. */
async function writeOutputs(outputs: GeneratedFile[], report: ErrorReport): Promise<WrittenFile[]> {
  const written = await write(outputs);
  for (const file of written) {
    if (file.status === "refused") report.fileError(file.outputPath, REFUSAL);
    else if (file.status === "error") report.fileError(file.outputPath, `cannot write: ${file.error}`);
  }
  return written;
}

/** `wrote x` / `unchanged y` for each output written or found current. */
export function logWritten(written: WrittenFile[], log: Log, io: CliIo): void {
  for (const file of written) {
    if (file.status === "wrote" || file.status === "unchanged") log.log(`${file.status} ${displayPath(file.outputPath, io.cwd)}`);
  }
}

/**
 * Lists each stale or missing output and returns how many there are: with
 * --check as `stale x` / `missing y`, with --list-different as bare paths
 * (the command's result, printed unless the log level is silent).
 */
async function checkOutputs(outputs: GeneratedFile[], mode: Mode, report: ErrorReport, io: CliIo, log: Log): Promise<number> {
  let staleCount = 0;
  for (const file of await check(outputs)) {
    const shown = displayPath(file.outputPath, io.cwd);
    if (file.status === "foreign") report.fileError(file.outputPath, REFUSAL);
    else if (file.status === "error") report.fileError(file.outputPath, `cannot read: ${file.error}`);
    else if (file.status !== "fresh") {
      staleCount++;
      if (mode === "list-different") {
        if (log.level !== "silent") io.stdout.write(`${shown}\n`);
      } else log.log(`${file.status} ${shown}`);
    }
  }
  return staleCount;
}

/** With several inputs, each IR is headed `==> path <==`, as `head` does. */
function printIr(ir: GenerateResult["ir"], withHeaders: boolean, io: CliIo): void {
  const blocks = ir.map(({ sourcePath, text }) => {
    const body = text.endsWith("\n") ? text : `${text}\n`;
    return withHeaders ? `==> ${displayPath(sourcePath, io.cwd)} <==\n${body}` : body;
  });
  io.stdout.write(blocks.join("\n"));
}
