/**
 * Formatting of generated files with prettier, so that `prettier --check`
 * passes on them in the user's repository: by default with the prettier
 * configuration that applies to the output file (resolved as the prettier CLI
 * does: `.prettierrc*`, `prettier.config.*`, the `prettier` key of
 * package.json, overrides, `.editorconfig`), and with prettier's defaults
 * when there is none.
 *
 * Prettier's parser recurses once per level of nesting, so a source with a
 * few hundred nested `if`s (which the generated code keeps, to compute the
 * same operations in the same order) overflows the default stack. Such a
 * module is formatted again in a worker thread with a stack large enough for
 * it; everything else is formatted in the calling thread, with no worker.
 */
import { Worker } from "node:worker_threads";
import prettier from "prettier";

/**
 * How generated files are formatted: `"project"` (the default) with the
 * prettier configuration resolved for the output file, or prettier's
 * defaults when none applies; `"defaults"` with prettier's defaults whatever
 * the project says; or the given prettier options.
 */
export type PrettierChoice = "project" | "defaults" | prettier.Options;

/** The options prettier formats the file at `outputPath` with, under `choice`. */
export async function prettierOptionsFor(outputPath: string, choice: PrettierChoice = "project"): Promise<prettier.Options> {
  if (choice === "defaults") return {};
  if (choice !== "project") return choice;
  // The prettier CLI reads .editorconfig too, so `prettier --check` does; the API only when asked.
  return (await prettier.resolveConfig(outputPath, { editorconfig: true })) ?? {};
}

/** `code` formatted as the file at `outputPath` under `choice`. */
export async function formatOutput(code: string, outputPath: string, choice: PrettierChoice = "project"): Promise<string> {
  const options = await prettierOptionsFor(outputPath, choice);
  // With a .ts filepath prettier skips guessing whether the text is JSX, which is slow on long files.
  // Its babel-ts parser gives the same output as its typescript parser a third faster; with plugins
  // (which may hook into the typescript parser) or a parser of the user's choice, prettier picks as
  // `prettier --check` does.
  const parser = options.parser ?? (options.plugins?.length ? undefined : "babel-ts");
  const formatting = { ...options, ...(parser ? { parser } : {}), filepath: outputPath };
  try {
    return await prettier.format(code, formatting);
  } catch (error) {
    if (!(error instanceof RangeError) || formatting.plugins?.length) throw error;
    return formatWithDeepStack(code, formatting);
  }
}

/** The worker's stack: enough for about ten thousand levels of nesting. */
const DEEP_STACK_MB = 512;

/** The worker's script (CommonJS, evaluated): imports prettier from where this module finds it. */
const workerScript = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.prettier)
  .then((m) => (m.default ?? m).format(workerData.code, workerData.options))
  .then((text) => parentPort.postMessage({ text }), (error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

function formatWithDeepStack(code: string, options: prettier.Options): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript, {
      eval: true,
      workerData: { code, options, prettier: import.meta.resolve("prettier") },
      resourceLimits: { stackSizeMb: DEEP_STACK_MB },
    });
    worker.once("message", (m: { text?: string; error?: string }) => {
      void worker.terminate();
      if (m.text !== undefined) resolve(m.text);
      else reject(new Error(`prettier could not format the generated module: ${m.error}`));
    });
    worker.once("error", reject);
  });
}
