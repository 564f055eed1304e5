/**
 * The standalone fuzzer: `npm run fuzz -- --runs N --seed S`.
 *
 * Checks N random programs (rounded up to whole files of BATCH_SIZE) and prints
 * `N programs, M failures`. On a failure fast-check shrinks the failing file;
 * the smallest failing program is printed and kept as a regression fixture in
 * fixtures/fuzz/, and the exit code is 1. Usage errors exit with 2.
 */
import { relative } from "node:path";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { batchProperty, checkPrograms, failureLines, fileText, newFailures, type Report } from "./check.js";
import { writeRegressionFixture } from "./fixtures.js";
import type { ProgramShape } from "./shapes.js";
import { renderBatch, renderProgram, type RenderedProgram } from "./render.js";

const BATCH_SIZE = 10;
const PROGRESS_EVERY = 100;

class UsageError extends Error {}

function options(): { runs: number; seed: number } {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "1000" }, seed: { type: "string" } } });
  const runs = Number(values.runs);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
    throw new UsageError("usage: npm run fuzz -- [--runs N] [--seed S]   (N >= 1 programs, S an integer seed)");
  }
  return { runs, seed };
}

/**
 * The failing program alone when it fails alone (so a fixture holds one
 * program), else the whole shrunk file; the report keeps new failures only.
 */
async function reduce(shapes: ProgramShape[]): Promise<{ programs: RenderedProgram[]; report: Report }> {
  const check = async (programs: RenderedProgram[]) => {
    const report = await checkPrograms(programs);
    return { programs, report: { ...report, failures: newFailures(report) } };
  };
  const batch = await check(renderBatch(shapes));
  for (const [i, shape] of shapes.entries()) {
    const name = batch.programs[i]!.entry.name;
    if (!batch.report.failures.some((f) => f.entry === undefined || f.entry === name)) continue;
    const alone = await check([renderProgram(shape)]);
    if (alone.report.failures.length > 0) return alone;
  }
  return batch;
}

async function main(): Promise<number> {
  const { runs, seed } = options();
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const totals = { programs: 0, checked: 0, skipped: 0, known: 0 };
  let shrinking = false;
  const property = batchProperty(BATCH_SIZE, (programs, report) => {
    if (shrinking) return;
    totals.programs += programs.length;
    totals.checked += report.checked;
    totals.skipped += report.skipped;
    totals.known += report.failures.length - newFailures(report).length;
    if (newFailures(report).length > 0) {
      shrinking = true;
      console.log(`failure after ${totals.programs} programs; shrinking...`);
    } else if (totals.programs % PROGRESS_EVERY === 0) {
      console.log(`${totals.programs} programs (${seconds()} s)`);
    }
  });
  console.log(`fuzzing ${runs} programs, seed ${seed}`);
  const details = await fc.check(property, { seed, numRuns: Math.ceil(runs / BATCH_SIZE) });
  if (details.failed) await reportFailure(details.counterexample?.[0], details.errorInstance, seed, runs);
  console.log(
    `${totals.programs} programs, ${details.failed ? 1 : 0} failures (seed ${seed}, ${seconds()} s; ` +
      `${totals.checked} partial derivatives matched the oracle, ${totals.skipped} skipped at kinks, ` +
      `${totals.known} failures by known bugs)`,
  );
  return details.failed ? 1 : 0;
}

async function reportFailure(
  shapes: ProgramShape[] | undefined,
  error: unknown,
  seed: number,
  runs: number,
): Promise<void> {
  if (!shapes) {
    console.log(error instanceof Error ? error.stack : String(error));
    return;
  }
  const { programs, report } = await reduce(shapes);
  console.log(["", "FAILURE", ...failureLines(report.failures), "", "program:", fileText(programs)].join("\n"));
  if (report.generated) console.log(["generated:", report.generated].join("\n"));
  const file = writeRegressionFixture(programs, report.failures, `npm run fuzz -- --seed ${seed} --runs ${runs}`);
  console.log(`reproducer written to ${relative(process.cwd(), file)}`);
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const usage =
      error instanceof UsageError || String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
    console.error(usage ? (error as Error).message : error);
    process.exitCode = 2;
  },
);
