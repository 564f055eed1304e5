/**
 * Functions and files of inputs a glob matched that were skipped because
 * there is nothing to differentiate in them. They are skipped quietly, with
 * one exception: a function whose gradient the file's current output holds
 * could be differentiated before, so the user means it (typically it is
 * being edited, as under --watch); its diagnostics are errors, and that
 * file's output is left as it is, as for any file with diagnostics.
 */
import { readFile } from "node:fs/promises";
import { GENERATED_HEADER_PREFIX, type GenerateResult, outputPathFor } from "../generate.js";
import { displayPath } from "./format.js";
import type { CliIo } from "./io.js";
import type { Log } from "./log.js";
import type { RunInput } from "./run.js";

/** `result` with the diagnostics of skipped functions whose gradients the outputs on disk hold moved into its diagnostics. */
export async function withRegressions(result: GenerateResult): Promise<GenerateResult> {
  const skipped = result.skippedFunctions ?? [];
  const regressed: typeof skipped = [];
  for (const fn of skipped) {
    const existing = await readFile(outputPathFor(fn.sourcePath), "utf8").catch(() => "");
    if (existing.startsWith(GENERATED_HEADER_PREFIX) && new RegExp(`^export function ${fn.name}(Grad|Vjp)\\b`, "m").test(existing)) regressed.push(fn);
  }
  if (regressed.length === 0) return result;
  const failed = new Set(regressed.map((fn) => fn.sourcePath));
  return {
    ...result,
    outputs: result.outputs.filter((output) => !failed.has(output.sourcePath)),
    diagnostics: [...result.diagnostics, ...regressed.flatMap((fn) => fn.diagnostics)],
    skipped: result.skipped.filter((file) => !failed.has(file)),
    skippedFunctions: skipped.filter((fn) => !regressed.includes(fn)),
  };
}

/**
 * Files with nothing to differentiate: noted for a file the user named, and
 * only at --log-level debug for one a glob matched, as are the functions
 * skipped there, each with its first diagnostic.
 */
export function reportSkipped(inputs: RunInput[], result: GenerateResult, log: Log, io: CliIo): void {
  const matched = new Set(inputs.flatMap((input) => (typeof input !== "string" && input.matched ? [input.path] : [])));
  for (const { sourcePath, name, diagnostics, named } of result.skippedFunctions ?? []) {
    const d = diagnostics[0];
    const why = d ? `: ${d.code} at ${displayPath(d.file, io.cwd)}:${d.line}:${d.column}: ${d.message}` : "";
    // Left out of a file the user named while its other functions were differentiated: a warning.
    if (named) log.warn(`warning: left out ${name} of ${displayPath(sourcePath, io.cwd)}${why} (the file's other functions have their gradients; --strict makes this an error)`);
    else log.debug(`skipped ${name} in ${displayPath(sourcePath, io.cwd)}${why}`);
  }
  for (const file of result.skipped) {
    const members = result.untaggedMembers?.find((entry) => entry.sourcePath === file)?.members ?? [];
    const why = result.skippedFunctions?.some((fn) => fn.sourcePath === file)
      ? "no function can be differentiated"
      : members.length
        ? `no exported function returns a number; the methods of an exported class are differentiated when they ask to be: tag ${listed(members)} /** @adgen */, or the class for all its public ones`
        : "no exported function returns a number";
    const line = `skipped ${displayPath(file, io.cwd)} (${why})`;
    if (matched.has(file)) log.debug(line);
    else log.log(line);
  }
}

/** `'A.f'`, `'A.f' and 'A.g'`, `'A.f', 'A.g', 'A.h' and 2 more`. */
function listed(members: string[]): string {
  const shown = members.slice(0, 3).map((m) => `'${m}'`);
  if (members.length > 3) return `${shown.join(", ")} and ${members.length - 3} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}` : shown[0]!;
}
