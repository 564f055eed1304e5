/**
 * Generated files pass the checks a user's project may hold them to
 * (test/conformance/checks.ts): TypeScript under `strict` and the flags
 * projects add to it, and ESLint with typescript-eslint's recommended
 * config. The checks are shown to bite first, on known-bad samples, one per
 * flag and rule.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { lintProblems, typeProblems, type CheckedFile } from "./conformance/checks.js";
import { badSamples, clean } from "./conformance/samples.js";
import { repoRoot } from "./helpers/fixtures.js";

/** Samples sit among the fixtures (in memory only), so that they can import a fixture. */
const samplePath = (name: string) => join(repoRoot, "fixtures", `conformance-${name}.grad.ts`);

describe("the checks report what breaks them", () => {
  const samples: CheckedFile[] = badSamples.map((s, i) => ({ path: samplePath(String(i)), text: s.text }));
  const cleanFile: CheckedFile = { path: samplePath("clean"), text: clean };
  const problems = (async () => {
    const files = [...samples, cleanFile];
    return [...typeProblems(files, repoRoot), ...(await lintProblems(files, repoRoot))];
  })();

  test("a clean sample has no problems", async () => {
    expect((await problems).filter((p) => p.startsWith("fixtures/conformance-clean."))).toEqual([]);
  }, 60_000);

  for (const [i, sample] of badSamples.entries()) {
    test(sample.check, async () => {
      const own = (await problems).filter((p) => p.startsWith(`fixtures/conformance-${i}.grad.ts:`));
      expect(own.some((p) => p.includes(` ${sample.reports} `)), own.join("\n") || "no problems reported").toBe(true);
    }, 60_000);
  }
});
