/**
 * Formatting generated modules with prettier. Prettier's parser recurses once
 * per level of nesting, so a source with a few hundred nested `if`s or a sum
 * of a thousand terms (which the generated code keeps, to compute the same
 * operations in the same order) overflows the default stack. Such a module is
 * formatted again in a worker thread with a stack large enough for it;
 * everything else is formatted in the calling thread, with no worker started.
 */
import { Worker } from "node:worker_threads";
import prettier, { type Options } from "prettier";

/** The worker's stack: enough for about ten thousand levels of nesting. */
const DEEP_STACK_MB = 512;

export async function formatModule(code: string, options: Options): Promise<string> {
  try {
    return await prettier.format(code, options);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return formatWithDeepStack(code, options);
  }
}

/** The worker's script (CommonJS, evaluated): imports prettier from where this module finds it. */
const workerScript = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.prettier)
  .then((m) => (m.default ?? m).format(workerData.code, workerData.options))
  .then((text) => parentPort.postMessage({ text }), (error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

function formatWithDeepStack(code: string, options: Options): Promise<string> {
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
