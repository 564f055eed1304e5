/**
 * The child process that runs fuzzed code (sandbox.ts starts it): it loads a
 * source module and its generated gradient module and checks every case
 * (compare.ts), reporting which call it is in before each, so that a call
 * that never returns (a gradient that loops forever) can be stopped from
 * outside and named.
 */
import type { Case, Failure } from "./check.js";
import { checkInput, type GradFunction, type SourceFunction, type Stage } from "./compare.js";
import { loadModule } from "./load.js";
import { checkModes } from "./modes.js";

export interface Job {
  id: number;
  source: string;
  generated: string;
  cases: Case[];
  /** The module has `<name>Jvp` and `<name>Hvp` too (modes.ts). */
  modes: boolean;
}

export interface JobResult {
  checked: number;
  skipped: number;
  failures: Failure[];
}

/** Where a job is: the entry, input and stage of the call it runs. */
export interface Progress {
  entry: string;
  input: unknown[];
  stage: Stage;
}

export type RunnerMessage = { id: number; progress: Progress } | { id: number; result: JobResult };

async function run(job: Job, progress: (p: Progress) => void): Promise<JobResult> {
  const result: JobResult = { checked: 0, skipped: 0, failures: [] };
  let source;
  try {
    source = await loadModule(job.source);
  } catch (e) {
    return { ...result, failures: [{ message: `the fuzzed source does not load, a fuzzer bug: ${String(e)}` }] };
  }
  let generated;
  try {
    generated = await loadModule(job.generated);
  } catch (e) {
    return { ...result, failures: [{ message: `the generated module does not load: ${String(e)}` }] };
  }
  for (const { entry, inputs } of job.cases) {
    const f = source[entry.name] as SourceFunction;
    const g = generated[`${entry.name}Grad`] as GradFunction | undefined;
    if (typeof g !== "function") {
      result.failures.push({ entry: entry.name, message: `the generated module exports no ${entry.name}Grad` });
      continue;
    }
    for (const input of inputs) {
      try {
        const skipped = result.skipped;
        checkInput(f, g, entry, input, result, (stage) => progress({ entry: entry.name, input, stage }));
        if (job.modes && result.failures.length === 0) {
          progress({ entry: entry.name, input, stage: "modes" });
          result.failures.push(...checkModes(f, g, generated, entry, input, result.skipped > skipped));
        }
      } catch (e) {
        result.failures.push({ entry: entry.name, input, message: `threw ${e instanceof Error ? e.stack : String(e)}` });
      }
    }
  }
  return result;
}

process.on("message", (job: Job) => {
  const send = (message: RunnerMessage) => process.send!(message);
  run(job, (progress) => send({ id: job.id, progress })).then(
    (result) => send({ id: job.id, result }),
    (e: unknown) => send({ id: job.id, result: { checked: 0, skipped: 0, failures: [{ message: `the runner failed: ${String(e)}` }] } }),
  );
});
