import { generate } from "../generate.js";

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything the CLI touches besides the file system; tests replace parts of it. */
export interface CliIo {
  stdout: Output;
  stderr: Output;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Colour forced on or off (`--color`, `--no-color`); otherwise detected per stream. */
  color?: boolean;
  generate: typeof generate;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, generate };
}

/**
 * Whether to colour what goes to `stream`, by picocolors' detection rule
 * (`picocolors.isColorSupported`) applied to this CLI's environment and
 * streams, so that tests can inject them: never with NO_COLOR; always with
 * FORCE_COLOR; else when the stream is a terminal (TERM not `dumb`) or CI is
 * set. picocolors looks at stdout only; here each stream's own terminal
 * counts, so `adgen src/*.ts > log` still colours errors on a terminal.
 */
function detectColor(io: CliIo, stream: Output): boolean {
  if (io.color !== undefined) return io.color;
  if (io.env.NO_COLOR) return false;
  return !!io.env.FORCE_COLOR || (stream.isTTY === true && io.env.TERM !== "dumb") || !!io.env.CI;
}

/** Whether errors on stderr are coloured. */
export function stderrColor(io: CliIo): boolean {
  return detectColor(io, io.stderr);
}

/** Whether stdout is coloured. */
export function stdoutColor(io: CliIo): boolean {
  return detectColor(io, io.stdout);
}
