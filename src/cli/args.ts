import { createRequire } from "node:module";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { InternalError } from "../diagnostics.js";
import { ExitCode } from "./exit.js";
import type { Output } from "./io.js";
import { LOG_LEVELS, type LogLevel } from "./log.js";
import { derivativeKinds, parseDerivatives, type DerivativeKind } from "../config/derivatives.js";

/** write the outputs; check (list stale ones and fail); list-different (print their paths and fail); emit-ir (print the IR). */
export type Mode = "write" | "check" | "list-different" | "emit-ir";

/** The flags of a generating run (`adgen [options] <files...>`). */
export interface RunFlags {
  mode: Mode;
  logLevel: LogLevel;
  /** false: one line per diagnostic (`--pretty false`). */
  pretty: boolean;
  /** `--strict`: a function of a named file that cannot be differentiated is an error rather than left out. */
  strict?: boolean;
  /** `--color` / `--no-color`; undefined leaves it to picocolors' detection. */
  color?: boolean;
  /** `-p`: the tsconfig.json (or its directory). */
  project?: string;
  /** `--config`: the configuration file. */
  config?: string;
  /** `--watch`: regenerate on every change until stopped. */
  watch: boolean;
  /** `--derivatives grad,hvp`: the derivative functions each function gets (else the configuration's, else grad). */
  derivatives?: DerivativeKind[];
}

export interface VerifyFlags {
  /** Regenerate stale outputs first (`--no-generate` turns this off). */
  generate: boolean;
  json: boolean;
  rtol: number;
  seed: number;
  /** Array length of random inputs. */
  size: number;
  /** Random samples per function. */
  samples: number;
  /** `--derivatives`: what regenerating writes (else the configuration's, else grad). */
  derivatives?: DerivativeKind[];
}

export interface ExplainFlags {
  fn?: string;
  at?: string;
  sample?: number;
  format?: "text" | "svg" | "dot" | "mermaid" | "html";
  output?: string;
  unroll: number;
  helpers: "auto" | "expanded" | "collapsed";
  /** The step-size study instead of the graph. */
  fd: boolean;
  /** The input the step-size study varies (`x`, `w[2]`, `model.b`). */
  input?: string;
}

/** What the command line asks for: a run over some files, a verification, an explanation, or an immediate exit (help, usage error). */
export type Invocation =
  | { kind: "run"; patterns: string[]; flags: RunFlags }
  | { kind: "verify"; patterns: string[]; flags: VerifyFlags }
  | { kind: "explain"; patterns: string[]; flags: ExplainFlags }
  | { kind: "exit"; code: ExitCode };

const HELP_FOOTER = `
Each <name>.ts is compiled to <name>.grad.ts in the same directory. Outputs
whose content would not change are left untouched, and an existing
<name>.grad.ts that adgen did not generate is never overwritten.

Inputs are .ts, .mts and .cts files; <name>.mts gives <name>.grad.mts and
<name>.cts gives <name>.grad.cts. JavaScript inputs (.js, .mjs, .cjs, typed
by JSDoc) give JavaScript beside them: <name>.js gives <name>.grad.js, in
the source's module format (ES module or CommonJS). In a file a glob (or the configuration's
include, or the tsconfig) matched, functions that cannot be differentiated
are skipped unless tagged @adgen or @wrt; in a named file they are errors.
--emit-ir prints the IR and writes no files; --check, --list-different,
--emit-ir and --watch exclude each other.

Exit codes: 0 success; 1 diagnostics, stale outputs (--check,
--list-different) or a refused overwrite; 2 usage or internal error.

Environment: NO_COLOR disables colour and FORCE_COLOR forces it (otherwise
colour is on for a terminal, or when CI is set); ADGEN_DEBUG prints the
stack trace of an internal error.`;

const VERIFY_HELP_FOOTER = `
First regenerates stale outputs, as adgen <files> does (not with
--no-generate). Then, for every function <name> of <file>.ts that adgen
differentiates, compares <file>.grad.ts with central differences of <name>
(Richardson-extrapolated, error O(h^4)) at sample inputs: the source's
exported <name>Samples, else "<name>" in <file>.samples.json beside it, else
random inputs (numbers uniform in [-2, 2], arrays of --size elements).

<name>Grad: value must equal <name>'s result exactly and the arguments must
be unchanged; grad must hold exactly the parameters adgen differentiates
(@wrt, or those the result depends on), each in its parameter's shape.
<name>GradInto: from zeroed buffers it must give exactly Grad's gradient;
from buffers preset to non-zero numbers it must add Grad's gradient to them.
<name>Vjp: every number of value must equal <name>'s result exactly; grad
is compared with seed^T J for the basis seeds (one per output, up to 16
outputs) and dense random seeds (--seed).

A component passes when |ad - fd| <= rtol * |fd| + 16 e, e the estimated
error of fd itself (|R(h) - R(h/2)| + 3 eps |f| / h): no absolute floor, so
a function of any scale is held to the same relative standard. Samples at
which the function throws or is not finite are skipped; a function with no
usable sample fails.

Exit codes: 0 every gradient passes; 1 a gradient fails, a file cannot be
verified or generated; 2 usage or internal error.`;

const EXPLAIN_HELP_FOOTER = `
Runs the function at the point and lists its primitive operations, named A,
B, C, ... (or by the source's names), with their values; then the backward
pass as numbered steps (each value's adjoint from its users' adjoints and the
local derivatives), each input's adjoint as the sum over its uses, and the
check against the generated gradient. The picture formats draw the same
graph, inputs at the bottom; the HTML page steps through the backward pass.

Exit codes: 0 the explanation agrees with the generated gradient; 1
diagnostics or a disagreement; 2 usage or internal error.`;

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
    .version(packageVersion(), "-v, --version", "print the version and exit")
    .argument("[files...]", "TypeScript source files or globs (default: include of adgen.config.ts, else the tsconfig's files)");
  addRunOptions(program).action((patterns: string[], options: RunOptionValues) => {
    invocation = { kind: "run", patterns, flags: runFlags(options) };
  });
  program
    .command("verify")
    .description("check the generated gradients against numerical differentiation")
    .argument("<files...>", "TypeScript source files or globs")
    .option("--no-generate", "verify the *.grad.ts files on disk as they are, without regenerating stale ones")
    .option("--json", "print a machine-readable report instead of the table")
    .addOption(new Option("--rtol <x>", "relative tolerance (see below)").argParser(positiveNumber).default(1e-6, "1e-6"))
    .option("--seed <n>", "seed of the random inputs and VJP seeds", integer, 1)
    .option("--size <n>", "length of random array inputs", positiveInteger, 5)
    .option("--samples <n>", "random samples per function without given samples", positiveInteger, 5)
    .addOption(derivativesOption())
    .addHelpText("after", VERIFY_HELP_FOOTER)
    .action((patterns: string[], flags: VerifyFlags) => {
      // Commander gives `--derivatives` after `verify` to the top-level option of that name.
      const derivatives = flags.derivatives ?? (program.opts() as { derivatives?: DerivativeKind[] }).derivatives;
      invocation = { kind: "verify", patterns, flags: { ...flags, json: flags.json ?? false, ...(derivatives ? { derivatives } : {}) } };
    });

  program
    .command("explain")
    .description("show a function's computation graph and its backward pass at a point, step by step")
    .argument("<file>", "a TypeScript source file")
    .option("--fn <name>", "the function to explain (default: the first differentiable one)")
    .option("--at <point>", "the point, e.g. x=2,y=0.5 or w=[1,2] (missing names are taken from the first sample)")
    .option("--sample <n>", "use sample n of <fn>Samples as the point (default 0)", nonNegativeInteger)
    .addOption(new Option("--format <format>", "text, svg, dot, mermaid or html (default text; svg with --fd)").choices(["text", "svg", "dot", "mermaid", "html"]))
    .option("-o, --output <file>", "write to a file instead of stdout")
    .option("--unroll <n>", "lay out the first n trips of each loop as operations", nonNegativeInteger, 0)
    .addOption(new Option("--helpers <mode>", "inlined helper calls as one node each: auto (when the graph is large), collapsed or expanded").choices(["auto", "collapsed", "expanded"]).default("auto"))
    .option("--fd", "instead: the error of finite differences against the exact derivative, for h from 1e-1 to 1e-15")
    .option("--input <name>", "the input --fd varies (x, w[2], model.b; default the first)")
    .addHelpText("after", EXPLAIN_HELP_FOOTER)
    .action((file: string, flags: Omit<ExplainFlags, "fd"> & { fd?: boolean }) => {
      invocation = { kind: "explain", patterns: [file], flags: { ...flags, fd: flags.fd ?? false } };
    });

  try {
    program.parse(withPrettyValue(argv), { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { kind: "exit", code: error.exitCode === 0 ? ExitCode.Success : ExitCode.Usage };
  }
  if (!invocation) throw new InternalError("the command line was parsed without running a command");
  return invocation;
}

interface RunOptionValues {
  check?: boolean;
  listDifferent?: boolean;
  emitIr?: boolean;
  logLevel?: LogLevel;
  quiet?: boolean;
  pretty: boolean;
  strict?: boolean;
  color?: boolean;
  project?: string;
  config?: string;
  watch?: boolean;
  derivatives?: DerivativeKind[];
}

/** `--derivatives grad,jvp,hvp,jacobian,hessian`: a list of kinds, checked as it is read. */
function derivativesOption(): Option {
  return new Option("--derivatives <list>", `the derivative functions to generate: ${derivativeKinds.join(", ")} (default grad; a @derivatives tag wins for its function)`)
    .argParser((text: string) => {
      const parsed = parseDerivatives(text);
      if ("unknown" in parsed) throw new InvalidArgumentError(`'${parsed.unknown}' is not one of ${derivativeKinds.join(", ")}.`);
      if (parsed.kinds.length === 0) throw new InvalidArgumentError("Expected a list such as grad,hvp.");
      return parsed.kinds;
    });
}

function addRunOptions(program: Command): Command {
  const modes = ["check", "listDifferent", "emitIr"];
  const others = (mode: string) => modes.filter((m) => m !== mode);
  return program
    .addOption(new Option("--check", "write nothing; list outputs that are stale or missing and exit 1 if there are any").conflicts(others("check")))
    .addOption(new Option("-l, --list-different", "write nothing; print the paths of outputs that would change and exit 1 if there are any").conflicts(others("listDifferent")))
    .addOption(new Option("--emit-ir", "print the IR of every differentiated function instead of writing files").conflicts(others("emitIr")))
    .addOption(new Option("-w, --watch", "write the outputs, then regenerate them when an input or a file it imports changes, until stopped").conflicts(modes))
    .addOption(new Option("--log-level <level>", "what to print; debug also says why files and functions a glob matched were skipped").choices(LOG_LEVELS).conflicts("quiet"))
    .option("-q, --quiet", "print only warnings and errors (--log-level warn)")
    .option("--strict", "a function of a named file that cannot be differentiated is an error, not left out with a warning")
    .addOption(new Option("--pretty <bool>", "false: one line per diagnostic, file(line,col): error ADGnnnn: message").argParser(boolean).default(true))
    .option("-p, --project <tsconfig>", "the tsconfig.json (or its directory) for module resolution, strict and the default files")
    .option("--config <file>", "the configuration file (default: adgen.config.ts or another, found from the working directory up)")
    .addOption(derivativesOption())
    .option("--color", "colour the output (as FORCE_COLOR)")
    .option("--no-color", "do not colour the output (as NO_COLOR)")
    .addHelpText("after", HELP_FOOTER);
}

function runFlags(options: RunOptionValues): RunFlags {
  const mode = options.check ? "check" : options.listDifferent ? "list-different" : options.emitIr ? "emit-ir" : "write";
  const logLevel = options.logLevel ?? (options.quiet ? "warn" : "log");
  const { pretty, color, project, config, derivatives } = options;
  return { mode, logLevel, pretty, watch: options.watch === true, strict: options.strict === true, ...(color === undefined ? {} : { color }), ...(project ? { project } : {}),
    ...(config ? { config } : {}), ...(derivatives ? { derivatives } : {}) };
}

/** `--pretty` alone means `--pretty true`, as for tsc. */
function withPrettyValue(argv: string[]): string[] {
  return argv.flatMap((arg, i) => (arg === "--pretty" && !["true", "false"].includes(argv[i + 1] ?? "") ? [arg, "true"] : [arg]));
}

function boolean(text: string): boolean {
  if (text === "true") return true;
  if (text === "false") return false;
  throw new InvalidArgumentError("Expected true or false.");
}

/** The version in adgen's package.json (two levels above this module, in src/cli and in dist/cli alike). */
function packageVersion(): string {
  return (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!(value > 0 && Number.isFinite(value))) throw new InvalidArgumentError("Expected a positive number.");
  return value;
}

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || text.trim() === "") throw new InvalidArgumentError("Expected an integer.");
  return value;
}

function nonNegativeInteger(text: string): number {
  const value = integer(text);
  if (value < 0) throw new InvalidArgumentError("Expected a non-negative integer.");
  return value;
}

function positiveInteger(text: string): number {
  const value = integer(text);
  if (value < 1) throw new InvalidArgumentError("Expected a positive integer.");
  return value;
}

/** Commander puts suggestions such as "(Did you mean --check?)" on a line of their own. */
function oneLine(text: string): string {
  return text.trim().split("\n").join(" ");
}
