import { loadConfig } from "../config/load.js";
import { type FileReport, unverifiedFile, verifyFile } from "../verify/file.js";
import type { VerifyFlags } from "./args.js";
import { ExitCode } from "./exit.js";
import { type CliIo, stdoutColor } from "./io.js";
import { ErrorReport } from "./report.js";
import { regenerate } from "./run.js";
import { formatJson, formatTable } from "./verify-output.js";

/**
 * `adgen verify`: regenerate stale outputs as `adgen <files>` does (unless
 * `--no-generate`), then check each file's gradients numerically and print a
 * table or, with `--json`, a JSON report. With `--json`, stdout holds only
 * the report, so generation messages go to stderr.
 */
export async function verify(inputs: string[], flags: VerifyFlags, io: CliIo): Promise<ExitCode> {
  const generationIo = flags.json ? { ...io, stdout: io.stderr } : io;
  const errors = new ErrorReport(generationIo);
  // Regenerating writes what `adgen` would: the derivatives of --derivatives, else of the configuration.
  const derivatives = flags.derivatives ?? (flags.generate ? (await loadConfig(io.cwd)).config.derivatives : undefined);
  const upToDate = flags.generate
    ? new Set(await regenerate(inputs, errors, generationIo, derivatives ? { generate: { derivatives } } : {}))
    : undefined;
  errors.finish();

  const options = { rtol: flags.rtol, random: { seed: flags.seed, size: flags.size, count: flags.samples } };
  const files: FileReport[] = [];
  for (const input of inputs) {
    files.push(
      upToDate && !upToDate.has(input)
        ? unverifiedFile(input, "its gradient could not be generated (see the errors above)")
        : await verifyFile(input, options),
    );
  }
  io.stdout.write(flags.json ? formatJson(files, flags, io.cwd) : formatTable(files, { color: stdoutColor(io), cwd: io.cwd }));
  return files.every((file) => file.pass) ? ExitCode.Success : ExitCode.Failure;
}
