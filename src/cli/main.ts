import { ConfigError } from "../config/tsconfig.js";
import { parseArgs } from "./args.js";
import { ExitCode, UsageError } from "./exit.js";
import { explainCommand } from "./explain.js";
import { displayPath } from "./format.js";
import { type Input, resolveInputs } from "./inputs.js";
import { type CliIo, processIo } from "./io.js";
import { openProject, type Project, projectInputs } from "./project.js";
import { run, type RunOptions } from "./run.js";
import { watch } from "../watch/watch.js";
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
    if (invocation.kind === "verify" || invocation.kind === "explain") {
      inputs = await resolveInputs(invocation.patterns, cli.cwd);
      const paths = inputs.map((input) => input.path);
      if (invocation.kind === "verify") return await verify(paths, invocation.flags, cli);
      return await explainCommand(paths, invocation.flags, cli);
    }
    const { flags } = invocation;
    if (flags.color !== undefined) cli.color = flags.color;
    const project = await openProject(flags, cli.cwd);
    const options = { logLevel: flags.logLevel, pretty: flags.pretty, generate: { ...project.generate, partial: !flags.strict } };
    if (flags.watch) return await watchUntilStopped(invocation.patterns, project, cli, options);
    inputs = await projectInputs(invocation.patterns, project, cli.cwd);
    return await run(inputs, flags.mode, cli, options);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      cli.stderr.write(`adgen: error: ${error.message}\n`);
      return ExitCode.Usage;
    }
    reportInternalError(error, inputs, cli);
    return ExitCode.Internal;
  }
}

/** `--watch`: runs until SIGINT (Ctrl-C) or SIGTERM, then exits 0. */
async function watchUntilStopped(patterns: string[], project: Project, io: CliIo, options: RunOptions): Promise<ExitCode> {
  const watching = watch(patterns, project, io, options);
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await watching.ready;
  await stopped;
  await watching.close();
  return ExitCode.Success;
}

function reportInternalError(error: unknown, inputs: Input[], io: CliIo): void {
  const message = error instanceof Error ? error.message : String(error);
  const files = inputs.map((input) => displayPath(input.path, io.cwd)).join(", ");
  io.stderr.write(`adgen: internal error: ${message}\n`);
  const attach = inputs.length === 0 ? "" : ` with the input file${inputs.length === 1 ? "" : "s"} (${files})`;
  io.stderr.write(`This is a bug in adgen; please report it${attach}.\n`);
  if (io.env.ADGEN_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
}
