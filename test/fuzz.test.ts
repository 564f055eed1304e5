/**
 * The random-program fuzzer (test/fuzz/) with a fixed seed, and a replay of
 * every regression fixture it has written to fixtures/fuzz/. For longer runs:
 * `npm run fuzz -- --runs 5000`.
 */
import fc from "fast-check";
import { expect, test } from "vitest";
import { batchProperty, checkFile, failureLines, fileText, type Report } from "./fuzz/check.js";
import { listRegressionFixtures } from "./fuzz/fixtures.js";
import { knownBugs } from "./fuzz/known-bugs.js";
import { batchArbitrary } from "./fuzz/programs.js";
import { renderBatch } from "./fuzz/render.js";
import { typeErrors } from "./fuzz/typecheck.js";

const SEED = 20261127;
const BATCH_SIZE = 10;
const BATCHES = 25;
/** Batches checked in every mode: a few, so that npm test stays short. */
const MODE_BATCHES = 4;
const TIMEOUT_MS = 300_000;

test(
  "the fuzzer writes valid TypeScript",
  () => {
    const files = fc.sample(batchArbitrary(BATCH_SIZE), { seed: SEED, numRuns: 5 });
    const sources = new Map(files.map((shapes, i) => [`/fuzz/batch${i}.ts`, fileText(renderBatch(shapes))]));
    expect(typeErrors(sources)).toEqual([]);
  },
  TIMEOUT_MS,
);

test(
  `${BATCH_SIZE * BATCHES} random programs: values exact, gradients match the oracle`,
  async () => {
    const totals = { checked: 0, skipped: 0 };
    const tally = (report: Report) => {
      totals.checked += report.checked;
      totals.skipped += report.skipped;
    };
    await fc.assert(
      batchProperty(BATCH_SIZE, (_, report) => tally(report)),
      { seed: SEED, numRuns: BATCHES },
    );
    // Guards the fuzzer itself: programs depend on their parameters, and few inputs land on kinks.
    expect(totals.checked).toBeGreaterThan(BATCH_SIZE * BATCHES);
    expect(totals.skipped).toBeLessThan(totals.checked / 10);
  },
  TIMEOUT_MS,
);

test(
  "random programs in forward mode and second order: Jvp by the dot-product test, Hvp against differences of the gradient",
  async () => {
    const totals = { checked: 0, skipped: 0 };
    await fc.assert(
      batchProperty(BATCH_SIZE, (_, report) => {
        totals.checked += report.checked;
        totals.skipped += report.skipped;
      }, { modes: true }),
      { seed: SEED + 1, numRuns: MODE_BATCHES },
    );
    expect(totals.checked).toBeGreaterThan(BATCH_SIZE * MODE_BATCHES);
  },
  TIMEOUT_MS,
);

const fixtures = await listRegressionFixtures();

test("every known bug has an open fixture", () => {
  const open = fixtures.filter((f) => f.open).map((f) => f.path);
  expect(open).toEqual(expect.arrayContaining(knownBugs.map((bug) => bug.fixture)));
});

for (const fixture of fixtures) {
  const replay = fixture.open ? test.fails : test;
  replay(
    `${fixture.path} replays${fixture.open ? " (open compiler bug, see test/fuzz/FINDINGS.md)" : ""}`,
    async () => {
      const report = await checkFile(fixture.path, fixture.text, fixture.cases);
      expect(failureLines(report.failures)).toEqual([]);
      expect(report.skipped, "a sample at a kink proves nothing").toBe(0);
    },
    TIMEOUT_MS,
  );
}
