import { DiagnosticError } from "../diagnostics.js";
import { GENERATED_HEADER_PREFIX, type GeneratedFile, type GenerateResult } from "../generate.js";
import type { Mode } from "./args.js";
import { ExitCode } from "./exit.js";
import { displayPath } from "./format.js";
import type { CliIo } from "./io.js";
import { ErrorReport } from "./report.js";
import { outputStatus, writeAtomically } from "./write.js";

const REFUSAL = `refusing to overwrite a file that adgen did not generate (it does not start with "${GENERATED_HEADER_PREFIX.trim()}"); move or delete it first`;

/** Generate the gradients of `inputs` (absolute paths) and write, check or print them. */
export async function run(inputs: string[], mode: Mode, io: CliIo): Promise<ExitCode> {
  const report = new ErrorReport(io);
  const result = await generateReporting(inputs, mode, report, io);

  let staleCount = 0;
  if (mode === "emit-ir") printIr(result.ir, inputs.length > 1, io);
  else if (mode === "check") staleCount = await checkOutputs(result.outputs, report, io);
  else await writeOutputs(result.outputs, report, io);

  if (staleCount > 0) io.stderr.write(`adgen: ${staleCount} out-of-date output${staleCount === 1 ? "" : "s"}; run adgen without --check to update\n`);
  const failed = report.finish();
  return failed || staleCount > 0 ? ExitCode.Failure : ExitCode.Success;
}

/**
 * What `adgen <files>` does, reporting errors into `report` without the
 * closing summary. Returns the sources whose gradient file is now up to date.
 */
export async function regenerate(inputs: string[], report: ErrorReport, io: CliIo): Promise<string[]> {
  const result = await generateReporting(inputs, "write", report, io);
  return writeOutputs(result.outputs, report, io);
}

/** Reports the diagnostics; a DiagnosticError thrown by generate() is a user-input problem like any returned diagnostic. */
async function generateReporting(inputs: string[], mode: Mode, report: ErrorReport, io: CliIo): Promise<GenerateResult> {
  let result: GenerateResult;
  try {
    result = await io.generate(inputs, { emitIr: mode === "emit-ir" });
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    result = { outputs: [], diagnostics: error.diagnostics, ir: [], skipped: [] };
  }
  for (const d of result.diagnostics) report.diagnostic(d);
  for (const file of result.skipped ?? []) {
    io.stdout.write(`skipped ${displayPath(file, io.cwd)} (no exported function returns a number)\n`);
  }
  return result;
}

/** Returns the sources whose output is fresh or was written. */
async function writeOutputs(outputs: GeneratedFile[], report: ErrorReport, io: CliIo): Promise<string[]> {
  const upToDate: string[] = [];
  for (const output of outputs) {
    const shown = displayPath(output.outputPath, io.cwd);
    try {
      const status = await outputStatus(output.outputPath, output.text);
      if (status === "foreign") {
        report.fileError(output.outputPath, REFUSAL);
      } else if (status === "fresh") {
        io.stdout.write(`unchanged ${shown}\n`);
        upToDate.push(output.sourcePath);
      } else {
        await writeAtomically(output.outputPath, output.text);
        io.stdout.write(`wrote ${shown}\n`);
        upToDate.push(output.sourcePath);
      }
    } catch (error) {
      report.fileError(output.outputPath, `cannot write: ${(error as Error).message}`);
    }
  }
  return upToDate;
}

/** Lists each stale or missing output on stdout and returns how many there are. */
async function checkOutputs(outputs: GeneratedFile[], report: ErrorReport, io: CliIo): Promise<number> {
  let staleCount = 0;
  for (const output of outputs) {
    try {
      const status = await outputStatus(output.outputPath, output.text);
      if (status === "foreign") {
        report.fileError(output.outputPath, REFUSAL);
      } else if (status !== "fresh") {
        staleCount++;
        io.stdout.write(`${status} ${displayPath(output.outputPath, io.cwd)}\n`);
      }
    } catch (error) {
      report.fileError(output.outputPath, `cannot read: ${(error as Error).message}`);
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
