/**
 * Running the CLI in tests: in-process through main() with a fake compiler
 * (or the real one), or the built dist/cli.js as a child process.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { main } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/io.js";
import { GENERATED_HEADER_PREFIX, type GenerateResult } from "../../src/generate.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { repoRoot } from "./temp.js";

/** What the fake generate() writes for a source: the header, then the source itself. */
export function generatedText(sourcePath: string, source: string): string {
  return `${GENERATED_HEADER_PREFIX}${path.basename(sourcePath)}. DO NOT EDIT.\n${source}`;
}

export function diagnosticAt(file: string, source: string, offset: number): Diagnostic {
  const before = source.slice(0, offset).split("\n");
  const line = before.length;
  return {
    code: "ADG1009",
    message: "cannot find name 'bad'",
    file,
    line,
    column: before[line - 1]!.length + 1,
    length: 3,
    sourceLine: source.split("\n")[line - 1]!,
  };
}

/**
 * Stands in for the compiler: a source containing `bad` gets a diagnostic
 * there and no output; any other source gets generatedText().
 */
export const fakeGenerate: CliIo["generate"] = async (inputs, options) => {
  const result: GenerateResult = { outputs: [], diagnostics: [], ir: [], skipped: [] };
  for (const [done, input] of inputs.entries()) {
    const sourcePath = typeof input === "string" ? input : input.path;
    options?.progress?.(done, inputs.length, sourcePath);
    const source = typeof input === "string" ? readFileSync(input, "utf8") : (input.text ?? readFileSync(input.path, "utf8"));
    const bad = source.indexOf("bad");
    if (bad >= 0) {
      result.diagnostics.push(diagnosticAt(sourcePath, source, bad));
      continue;
    }
    result.outputs.push({ sourcePath, outputPath: sourcePath.replace(/\.([mc]?)ts$/, ".grad.$1ts"), text: generatedText(sourcePath, source) });
    if (options?.emitIr) result.ir.push({ sourcePath, text: `ir of ${path.basename(sourcePath)}` });
  }
  return result;
};

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export type RunIo = Partial<CliIo> & { stderrIsTTY?: boolean };

/** Runs the CLI in-process in `cwd`, with the fake generate() unless `io` brings another. */
export async function adgen(cwd: string, argv: string[], { stderrIsTTY = false, ...io }: RunIo = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    cwd,
    env: {},
    generate: fakeGenerate,
    ...io,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: stderrIsTTY },
  });
  return { code, stdout, stderr };
}

export const builtCli = path.join(repoRoot, "dist", "cli.js");

/** Environment variables that switch colour on or off, removed so that a test decides them. */
const COLOR_VARIABLES = ["NO_COLOR", "FORCE_COLOR", "CI", "TERM"];

/** Runs dist/cli.js (built by the test setup) in `cwd` with `env` on top of the process's environment minus the colour switches. */
export function spawnCli(cwd: string, args: string[], env: Record<string, string> = { NO_COLOR: "1" }) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !COLOR_VARIABLES.includes(name)));
  return spawnSync(process.execPath, [builtCli, ...args], { cwd, encoding: "utf8", env: { ...base, ...env } });
}
