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
  generate: typeof generate;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, generate };
}

/** Colour on stderr only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function stderrColor(io: CliIo): boolean {
  return io.stderr.isTTY === true && !io.env.NO_COLOR;
}

/** The same rule for stdout. */
export function stdoutColor(io: CliIo): boolean {
  return io.stdout.isTTY === true && !io.env.NO_COLOR;
}
