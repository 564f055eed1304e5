import { Command, CommanderError, Option } from "commander";
import { InternalError } from "../diagnostics.js";
import { ExitCode } from "./exit.js";
import type { Output } from "./io.js";

export type Mode = "write" | "check" | "emit-ir";

/** What the command line asks for: a run over some files, or an immediate exit (help, usage error). */
export type Invocation = { kind: "run"; patterns: string[]; mode: Mode } | { kind: "exit"; code: ExitCode };

const HELP_FOOTER = `
Each <name>.ts is compiled to <name>.grad.ts in the same directory. Outputs
whose content would not change are left untouched, and an existing
<name>.grad.ts that adgen did not generate is never overwritten.

--emit-ir prints the IR and writes no files; it cannot be combined with --check.

Exit codes: 0 success; 1 diagnostics, stale outputs (--check) or a refused
overwrite; 2 usage or internal error.

Environment: NO_COLOR disables colour; ADGEN_DEBUG prints the stack trace of
an internal error.`;

/**
 * Parse `argv` (without the node and script paths). Help and usage errors are
 * written to `stdout`/`stderr` here; usage errors are a single line.
 */
export function parseArgs(argv: string[], stdout: Output, stderr: Output): Invocation {
  let invocation: Invocation | undefined;
  const program = new Command("adgen")
    .description("Generate reverse-mode gradients of the exported numeric functions in TypeScript files.")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
      outputError: (text, write) => write(`adgen: ${oneLine(text)}\n`),
    })
    .helpCommand(false)
    .argument("<files...>", "TypeScript source files or globs")
    .option("--check", "write nothing; list outputs that are stale or missing and exit 1 if there are any")
    .addOption(new Option("--emit-ir", "print the IR of every differentiated function instead of writing files").conflicts("check"))
    .addHelpText("after", HELP_FOOTER)
    .action((patterns: string[], options: { check?: boolean; emitIr?: boolean }) => {
      const mode = options.check ? "check" : options.emitIr ? "emit-ir" : "write";
      invocation = { kind: "run", patterns, mode };
    });
  program
    .command("verify")
    .description("check the generated gradients against numerical differentiation (not yet implemented)")
    .argument("<files...>", "TypeScript source files or globs")
    .action(() => program.error("error: 'verify' is not yet implemented", { exitCode: ExitCode.Usage }));

  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { kind: "exit", code: error.exitCode === 0 ? ExitCode.Success : ExitCode.Usage };
  }
  if (!invocation) throw new InternalError("the command line was parsed without running a command");
  return invocation;
}

/** Commander puts suggestions such as "(Did you mean --check?)" on a line of their own. */
function oneLine(text: string): string {
  return text.trim().split("\n").join(" ");
}
