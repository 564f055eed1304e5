/**
 * Running fuzzed code where a call that never returns can be stopped: jobs
 * go to a child process (runner.ts, loaded through tsx) one at a time; when
 * one takes longer than its time limit the child is killed, the job fails
 * naming the call it was in, and the next job starts a new child. A child
 * process rather than a worker thread, because Node runs a module loader
 * (tsx) given by `--import` in a child process exactly as in the parent.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Case } from "./check.js";
import type { JobResult, Progress, RunnerMessage } from "./runner.js";

/** How long the numeric check of one file may take: far longer than any terminating program needs. */
export const RUN_TIMEOUT_MS = 30_000;

const runner = fileURLToPath(new URL("./runner.ts", import.meta.url));
let child: ChildProcess | undefined;
let nextId = 0;

function start(): ChildProcess {
  const started = fork(runner, [], { execArgv: ["--import", "tsx"], serialization: "advanced", stdio: "inherit" });
  started.on("exit", () => {
    if (child === started) child = undefined;
  });
  return started;
}

/** Checks `cases` of the source and generated modules in the child; a timeout becomes a failure of the call it stopped. */
export function runChecks(source: string, generated: string, cases: Case[], modes: boolean, timeoutMs = RUN_TIMEOUT_MS): Promise<JobResult> {
  child ??= start();
  const current = child;
  const id = nextId++;
  let last: Progress | undefined;
  return new Promise((resolve) => {
    const finish = (result: JobResult) => {
      clearTimeout(timer);
      current.off("message", listen);
      current.off("exit", exited);
      current.unref();
      current.channel?.unref();
      resolve(result);
    };
    const listen = (message: RunnerMessage) => {
      if (message.id !== id) return;
      if ("progress" in message) last = message.progress;
      else finish(message.result);
    };
    const exited = () => finish({ checked: 0, skipped: 0, failures: [stopped(last, "the runner exited")] });
    const timer = setTimeout(() => {
      if (child === current) child = undefined;
      current.kill("SIGKILL");
      finish({ checked: 0, skipped: 0, failures: [stopped(last, `it did not return within ${timeoutMs / 1000} s`)] });
    }, timeoutMs);
    current.on("message", listen);
    current.on("exit", exited);
    current.ref();
    current.channel?.ref();
    current.send({ id, source, generated, cases, modes });
  });
}

function stopped(at: Progress | undefined, why: string) {
  if (!at) return { message: `checking stopped before its first call: ${why}` };
  const what = { source: "the source", gradient: "the gradient", oracle: "the source near this input (the oracle)", modes: "the Jvp or Hvp" }[at.stage];
  return { entry: at.entry, input: at.input, message: `${what} was stopped: ${why}` };
}
