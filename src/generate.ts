/**
 * The programmatic entry point: source text in, generated modules and
 * diagnostics out. It never writes to disk; the CLI is a thin shell over it.
 *
 *   source --(ts-morph)--> AST --(compile.ts)--> TypeScript | diagnostics --(prettier)--> text
 */
import path from "node:path";
import { compileFile } from "./compile.js";
import type { DerivativeKind } from "./config/derivatives.js";
import { readTsconfig } from "./config/tsconfig.js";
import { uniqueDiagnostics, type Diagnostic } from "./diagnostics.js";
import { toJavaScript } from "./emit/javascript.js";
import { moduleFormatOf } from "./frontend/commonjs.js";
import { formatOutput, type PrettierChoice } from "./format-output.js";
import { untaggedMembers, type SkippedFunction } from "./frontend/fence.js";
import { loadSource, preloadSources, projectFiles, useCompilerOptions } from "./frontend/source.js";

/**
 * One input: a path on disk, or a path with its text (nothing is read from
 * disk then). `matched`: the file was found by a glob or an include pattern
 * rather than named, so a function in it that cannot be differentiated is
 * skipped (listed in `skippedFunctions`) unless it is tagged `@adgen` or
 * `@wrt`, and a file left with nothing to differentiate is skipped.
 */
export type GenerateInput = string | { path: string; text?: string; matched?: boolean };

export interface GenerateOptions {
  /** Also return the textual IR (primal and gradient) of every differentiated function. */
  emitIr?: boolean;
  /**
   * How outputs are formatted: `"project"` (default) with the prettier
   * configuration that applies to each output file, or prettier's defaults
   * when there is none; `"defaults"`; or explicit prettier options.
   */
  prettier?: PrettierChoice;
  /**
   * A tsconfig.json whose module resolution (`paths`, `baseUrl`, `module`,
   * `moduleResolution`, ...) and `strict` the inputs are compiled with;
   * without one, adgen's own (NodeNext, strict).
   */
  tsconfig?: string;
  /**
   * The derivative functions each differentiated function gets (default
   * `["grad"]`): `grad`, `jvp`, `hvp`, `jacobian`, `hessian`. A function's
   * `@derivatives` tag wins for it; kinds that do not apply to a function
   * (a Jacobian of a number, a Hessian of a vector) are left out for it.
   */
  derivatives?: readonly DerivativeKind[];
  /**
   * In an input named rather than matched: a function that cannot be
   * differentiated is left out (listed in `skippedFunctions`, `named`) when
   * another function of the file can be, so that one function out of reach
   * does not cost the file its other gradients; when none can, the
   * diagnostics are errors as usual. A function tagged `@adgen` or `@wrt` is
   * never left out. The CLI's default (`--strict` turns it off).
   */
  partial?: boolean;
  /** Called as each input's turn comes (`done` inputs of `total` are finished): the CLI's progress line. */
  progress?: (done: number, total: number, sourcePath: string) => void;
}

export interface GeneratedFile {
  sourcePath: string;
  /** `<dir>/<name>.grad.ts` beside the source (`.grad.mts` for a `.mts`, `.grad.cts` for a `.cts`). */
  outputPath: string;
  /** Complete, prettier-formatted file text (see `GenerateOptions.prettier`), starting with the adgen header. */
  text: string;
}

export interface GenerateResult {
  /** One entry per input that produced no diagnostics. */
  outputs: GeneratedFile[];
  /** All diagnostics, in input order then source order. An input with diagnostics has no output. */
  diagnostics: Diagnostic[];
  /** With `emitIr`: the IR text per input that lowered without diagnostics. */
  ir: { sourcePath: string; text: string }[];
  /** Inputs with no exported function returning a number: nothing to differentiate, no output. */
  skipped: string[];
  /**
   * Per skipped input, the members of its exported classes that return numbers
   * but are not tagged `@adgen` (`Spring.energy`), when it has any: the CLI's
   * note says how to ask for them.
   */
  untaggedMembers?: { sourcePath: string; members: string[] }[];
  /** Per input: the project files it imports, directly or not (what a watcher must watch besides the input). */
  imports?: { sourcePath: string; files: string[] }[];
  /** Functions of `matched` inputs that were skipped because they cannot be differentiated, and why. */
  skippedFunctions?: { sourcePath: string; name: string; diagnostics: Diagnostic[]; named?: boolean }[];
}

export { GENERATED_HEADER_PREFIX } from "./emit/module.js";

/**
 * `dir/loss.ts` -> `dir/loss.grad.ts`, `loss.mts` -> `loss.grad.mts`, `loss.cts` -> `loss.grad.cts`;
 * a JavaScript source's gradient is JavaScript: `loss.js` -> `loss.grad.js`, `.mjs` -> `.grad.mjs`, `.cjs` -> `.grad.cjs`.
 */
export function outputPathFor(sourcePath: string): string {
  const ext = path.extname(sourcePath);
  const kept = [".mts", ".cts", ".js", ".mjs", ".cjs"].includes(ext) ? ext : ".ts";
  return `${sourcePath.slice(0, sourcePath.length - ext.length)}.grad${kept}`;
}

/** Whether a source is JavaScript, so that its gradient module is too. */
function isJavaScript(sourcePath: string): boolean {
  return /\.[mc]?js$/.test(sourcePath);
}

/** Differentiate the exported number-returning functions of each input. Never touches the disk except to read inputs. */
export async function generate(inputs: GenerateInput[], options: GenerateOptions = {}): Promise<GenerateResult> {
  const result: GenerateResult = { outputs: [], diagnostics: [], ir: [], skipped: [], imports: [], skippedFunctions: [] };
  useCompilerOptions(options.tsconfig ? readTsconfig(options.tsconfig).options : {});
  const matched = inputs.map((input) => typeof input !== "string" && input.matched === true);
  const sources = preloadSources(inputs.map((input) => (typeof input === "string" ? { path: input } : input)));
  for (const [done, { path: sourcePath, text: sourceText }] of sources.entries()) {
    options.progress?.(done, sources.length, sourcePath);
    const skipped: SkippedFunction[] | undefined = matched[done] || options.partial ? [] : undefined;
    const sf = loadSource(sourcePath, sourceText);
    result.imports!.push({ sourcePath, files: projectFiles(sf).slice(1).map((file) => file.getFilePath()) });
    const compiled = compileFile(sourcePath, sf, skipped, options.derivatives ? { derivatives: options.derivatives } : {});
    if (!matched[done] && skipped?.length && !("diagnostics" in compiled) && compiled.functions === 0) {
      // A named file none of whose functions can be differentiated: its diagnostics are errors.
      result.diagnostics.push(...uniqueDiagnostics(skipped.flatMap((fn) => fn.diagnostics)));
      continue;
    }
    for (const fn of skipped ?? []) result.skippedFunctions!.push({ sourcePath, ...fn, ...(matched[done] ? {} : { named: true }) });
    if ("diagnostics" in compiled) {
      result.diagnostics.push(...compiled.diagnostics);
      continue;
    }
    if (options.emitIr) result.ir.push({ sourcePath, text: compiled.ir });
    if (compiled.functions === 0) {
      result.skipped.push(sourcePath);
      const members = untaggedMembers(sf);
      if (members.length) (result.untaggedMembers ??= []).push({ sourcePath, members });
      continue;
    }
    const code = isJavaScript(sourcePath) ? toJavaScript(compiled.code, moduleFormatOf(sf)) : compiled.code;
    const text = await formatOutput(code, outputPathFor(sourcePath), options.prettier);
    result.outputs.push({ sourcePath, outputPath: outputPathFor(sourcePath), text });
  }
  return result;
}
