/**
 * The standalone fuzzer: `npm run fuzz -- --runs N --seed S --family F`.
 *
 * Checks N random programs (rounded up to whole batches of BATCH_SIZE) of
 * the families F (a comma-separated list of families.ts's names, or `all`,
 * the default, which draws each batch's family by weight) and prints
 * `N programs, M failures`, the programs of each family, how many failures
 * each known bug explained, and the compile times of large programs. The
 * families (families.ts has the details):
 *
 * - `base` (weight 10): the supported subset;
 * - `conditions` (4): helpers that write an element, push or write a field,
 *   called in `while`, `do ... while` and `for` conditions;
 * - `names` (4): names the generated module uses itself (`value`, `grad`,
 *   `tape`, `f0GradInto`, `dx`, `v__next`, `Math`, ...);
 * - `constants` (3): module constants of every kind, some that adgen may
 *   reject (then only with a diagnostic inside the initialiser);
 * - `large` (1): sums of thousands of terms, deep Horner forms, long `if`
 *   chains and deep nesting, each compiled alone and timed;
 * - `unsupported` (2): one construct adgen rejects, which passes only with a
 *   located diagnostic.
 * - `features` (4): the newer constructs, several to a program (closures,
 *   functions as arguments, classes, arrays of objects and tuples, recursion,
 *   string-literal types, numbers as conditions, tables, assignments as
 *   values, `var`, loop conditions with effects), with generated names.
 *
 * On a failure fast-check shrinks the failing batch; the smallest failing
 * program is printed and kept as a regression fixture in fixtures/fuzz/,
 * and the exit code is 1. Usage errors exit with 2; a run that ends before
 * it finishes (a step that never completed) exits with 3.
 */
import { relative } from "node:path";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { batchProperty, checkPrograms, failureLines, fileText, newFailures, type Report, type Timing } from "./check.js";
import { compileTimes } from "./timings.js";
import { familyBatches, familyNames } from "./families.js";
import { writeRegressionFixture } from "./fixtures.js";
import { knownBugOf } from "./known-bugs.js";
import type { ProgramShape } from "./shapes.js";
import { renderBatch, renderProgram, type RenderedProgram } from "./render.js";

const BATCH_SIZE = 10;
const PROGRESS_EVERY = 100;

class UsageError extends Error {}

function options(): { runs: number; seed: number; families: string[] } {
  const { values } = parseArgs({
    options: { runs: { type: "string", default: "1000" }, seed: { type: "string" }, family: { type: "string", default: "all" } },
  });
  const runs = Number(values.runs);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const families = values.family.split(",");
  const known = families.every((f) => f === "all" || familyNames.includes(f));
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || !known) {
    throw new UsageError(
      "usage: npm run fuzz -- [--runs N] [--seed S] [--family F[,F...]]\n" +
        `  (N >= 1 programs, S an integer seed, F one of all, ${familyNames.join(", ")})`,
    );
  }
  return { runs, seed, families };
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

interface Totals {
  programs: number;
  checked: number;
  skipped: number;
  known: number;
  rejected: number;
  byFamily: Map<string, number>;
  /** Failures by known bug (its fixture). */
  knownBy: Map<string, number>;
  timings: Timing[];
}

function tally(totals: Totals, shapes: ProgramShape[], report: Report): void {
  totals.programs += shapes.length;
  totals.checked += report.checked;
  totals.skipped += report.skipped;
  for (const failure of report.failures) {
    const bug = knownBugOf(failure, report);
    if (!bug) continue;
    totals.known += 1;
    totals.knownBy.set(bug.fixture, (totals.knownBy.get(bug.fixture) ?? 0) + 1);
  }
  totals.rejected += report.rejected;
  totals.timings.push(...(report.timings ?? []));
  for (const s of shapes) totals.byFamily.set(s.family ?? "base", (totals.byFamily.get(s.family ?? "base") ?? 0) + 1);
}

async function main(): Promise<number> {
  const { runs, seed, families } = options();
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const totals: Totals = { programs: 0, checked: 0, skipped: 0, known: 0, rejected: 0, byFamily: new Map(), knownBy: new Map(), timings: [] };
  let shrinking = false;
  const property = batchProperty(familyBatches(families, BATCH_SIZE), (shapes, report) => {
    if (shrinking) return;
    tally(totals, shapes, report);
    if (newFailures(report).length > 0) {
      shrinking = true;
      console.log(`failure after ${totals.programs} programs; shrinking...`);
    } else if (totals.programs % PROGRESS_EVERY === 0) {
      console.log(`${totals.programs} programs (${seconds()} s)`);
    }
  });
  console.log(`fuzzing ${runs} programs of ${families.join(", ")}, seed ${seed}`);
  const details = await fc.check(property, { seed, numRuns: Math.ceil(runs / BATCH_SIZE) });
  if (details.failed) await reportFailure(details.counterexample?.[0], details.errorInstance, seed, runs, families);
  const byFamily = [...totals.byFamily].map(([f, n]) => `${n} ${f}`).join(", ");
  console.log(
    `${totals.programs} programs, ${details.failed ? 1 : 0} failures (seed ${seed}, ${seconds()} s; ${byFamily}; ` +
      `${totals.checked} partial derivatives matched the oracle, ${totals.skipped} skipped at kinks, ` +
      `${totals.rejected} programs rejected with a located diagnostic as expected, ` +
      `${totals.known} failures by known bugs)`,
  );
  for (const [fixture, n] of totals.knownBy) console.log(`  known bug ${fixture}: ${n} failures`);
  for (const line of compileTimes(totals.timings)) console.log(line);
  return details.failed ? 1 : 0;
}

async function reportFailure(
  shapes: ProgramShape[] | undefined,
  error: unknown,
  seed: number,
  runs: number,
  families: string[],
): Promise<void> {
  if (!shapes) {
    console.log(error instanceof Error ? error.stack : String(error));
    return;
  }
  const { programs, report } = await reduce(shapes);
  console.log(["", "FAILURE", ...failureLines(report.failures), "", "program:", fileText(programs)].join("\n"));
  if (report.generated) console.log(["generated:", report.generated].join("\n"));
  const origin = `npm run fuzz -- --seed ${seed} --runs ${runs} --family ${families.join(",")}`;
  const file = writeRegressionFixture(programs, report.failures, origin);
  console.log(`reproducer written to ${relative(process.cwd(), file)}`);
}

// Node exits when nothing is left to wait for, even while a promise is pending: a step whose promise
// never settled would end the run with exit code 0 and no report. Make that a failure that says so.
let finished = false;
process.on("exit", () => {
  if (finished) return;
  console.error("the fuzzer stopped before it finished: a step it was waiting for never completed (no result, no report)");
  process.exitCode = 3;
});

main().then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError || String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
    finished = true;
    console.error(usage ? (error as Error).message : error);
    process.exitCode = 2;
  },
);
