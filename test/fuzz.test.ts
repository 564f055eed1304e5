/**
 * The random-program fuzzer (test/fuzz/) with a fixed seed, a few programs
 * of each of its other families (families.ts), and a replay of every
 * regression fixture it has written to fixtures/fuzz/. For longer runs:
 * `npm run fuzz -- --runs 5000`, or one family: `npm run fuzz -- --family
 * conditions --runs 2000`.
 */
import fc from "fast-check";
import { expect, test } from "vitest";
import { batchProperty, checkFile, failureLines, fileText, type Report } from "./fuzz/check.js";
import { listRegressionFixtures } from "./fuzz/fixtures.js";
import { knownBugs } from "./fuzz/known-bugs.js";
import { familyBatches, familyNames } from "./fuzz/families.js";
import { GENERATED } from "./fuzz/family-names.js";
import { batchArbitrary } from "./fuzz/programs.js";
import { renderBatch, type RenderedProgram } from "./fuzz/render.js";
import { typeErrors } from "./fuzz/typecheck.js";

const SEED = 20261127;
const BATCH_SIZE = 10;
const BATCHES = 25;
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
  "every family writes valid TypeScript, but for the constructs it means adgen to reject",
  () => {
    const sources = new Map<string, string>();
    for (const family of familyNames) {
      const batches = fc.sample(familyBatches([family], BATCH_SIZE, true), { seed: SEED, numRuns: 2 });
      batches.forEach((shapes, i) => {
        const programs = renderBatch(shapes);
        sources.set(`/fuzz/${family}${i}.ts`, fileText(programs.filter((p) => !p.alone)));
        programs
          .filter((p) => p.alone && p.expect?.outcome !== "diagnostic" && !p.expect?.what.includes("void 0"))
          .forEach((p, j) => sources.set(`/fuzz/${family}${i}-${j}.ts`, p.text));
      });
    }
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
      batchProperty(batchArbitrary(BATCH_SIZE), (_, report) => tally(report)),
      { seed: SEED, numRuns: BATCHES },
    );
    // Guards the fuzzer itself: programs depend on their parameters, and few inputs land on kinks.
    expect(totals.checked).toBeGreaterThan(BATCH_SIZE * BATCHES);
    expect(totals.skipped).toBeLessThan(totals.checked / 10);
  },
  TIMEOUT_MS,
);

/** What each family's programs must show, so that a generator that stops making them fails. */
const FAMILY_MARKS: Record<string, { text?: RegExp; report?: (r: Report) => boolean }> = {
  // A helper with an effect called in a loop condition.
  conditions: { text: /(while \(|; )[^\n]*\bf\d_e\d\(/ },
  // A declaration (parameter, local, counter or helper) named like the generated module's own names.
  names: { text: new RegExp(`(function |let |const |\\(|, )(${GENERATED.join("|")}|f\\d+Grad\\w*|\\w+__next|d[xyzw]s?|dv\\d+)\\b`) },
  constants: { text: /const f\d_K\d = (Number\.|Math\.|Infinity|NaN|-0\b|\S+\(|f\d_K)/ },
  large: { report: (r) => (r.timings ?? []).length === FAMILY_BATCH },
  unsupported: { report: (r) => r.rejected > 0 },
  // A class, a local arrow function or a switch on a string-literal type.
  features: { text: /(class f\d_|=> |case ")/ },
};
const FAMILY_BATCH = 4;
const FAMILY_SEED = 20261202;

for (const family of familyNames.filter((f) => f !== "base")) {
  test(
    `${FAMILY_BATCH * 2} programs of the family ${family}: exact, or rejected as expected`,
    async () => {
      let marked = false;
      const mark = FAMILY_MARKS[family]!;
      await fc.assert(
        batchProperty(familyBatches([family], FAMILY_BATCH, true), (shapes, report) => {
          const programs: RenderedProgram[] = renderBatch(shapes);
          marked ||= (mark.text?.test(fileText(programs)) ?? true) && (mark.report?.(report) ?? true);
        }),
        { seed: FAMILY_SEED, numRuns: 2 },
      );
      expect(marked, `the family ${family} makes what it is named for`).toBe(true);
    },
    TIMEOUT_MS,
  );
}

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
      const report = await checkFile(fixture.path, fixture.text, fixture.cases, fixture.options);
      expect(failureLines(report.failures)).toEqual([]);
      expect(report.skipped, "a sample at a kink proves nothing").toBe(0);
    },
    TIMEOUT_MS,
  );
}
