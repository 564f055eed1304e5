import { parseArgs } from "./args.js";
import { ExitCode, UsageError } from "./exit.js";
import { displayPath } from "./format.js";
import { type Input, resolveInputs } from "./inputs.js";
import { type CliIo, processIo } from "./io.js";
import { run } from "./run.js";
import { verify } from "./verify.js";

/**
 * The adgen command line: `argv` without the node and script paths. Returns
 * the exit code; never throws. `io` replaces the process streams, working
 * directory, environment or generate() implementation (tests use this).
 */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<ExitCode> {
  const cli: CliIo = { ...processIo(), ...io };
  let inputs: Input[] = [];
  try {
    const invocation = parseArgs(argv, cli.stdout, cli.stderr);
    if (invocation.kind === "exit") return invocation.code;
    inputs = await resolveInputs(invocation.patterns, cli.cwd);
    if (invocation.kind === "verify") return await verify(inputs.map((input) => input.path), invocation.flags, cli);
    if (invocation.flags.color !== undefined) cli.color = invocation.flags.color;
    const { mode, logLevel, pretty } = invocation.flags;
    return await run(inputs, mode, cli, { logLevel, pretty });
  } catch (error) {
    if (error instanceof UsageError) {
      cli.stderr.write(`adgen: error: ${error.message}\n`);
      return ExitCode.Usage;
    }
    reportInternalError(error, inputs, cli);
    return ExitCode.Internal;
  }
}

function reportInternalError(error: unknown, inputs: Input[], io: CliIo): void {
  const message = error instanceof Error ? error.message : String(error);
  const files = inputs.map((input) => displayPath(input.path, io.cwd)).join(", ");
  io.stderr.write(`adgen: internal error: ${message}\n`);
  const attach = inputs.length === 0 ? "" : ` with the input file${inputs.length === 1 ? "" : "s"} (${files})`;
  io.stderr.write(`This is a bug in adgen; please report it${attach}.\n`);
  if (io.env.ADGEN_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
}
