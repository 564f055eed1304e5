/**
 * The corpus of fixtures/real/: numeric functions written the way public
 * TypeScript and JavaScript code writes them, most outside adgen's subset
 * today. For every file and every exported function:
 *
 * - the corpus type-checks (strict; JavaScript through its JSDoc types);
 * - the function is finite at each of its samples and leaves its arguments
 *   unchanged;
 * - its numerical gradient is well-conditioned at each sample: two levels
 *   of the oracle's Richardson extrapolation agree to 1e-6, so that a
 *   gradient adgen makes later can be held to the oracle there.
 */
import { describe, expect, test } from "vitest";
import { listCorpus } from "./real/corpus.js";
import { loaded, loadExports, resultNumbers } from "./real/load.js";
import { conditioning, differentiatedCoordinates, scalarised } from "./real/numeric.js";
import { corpusProgram, typeErrors } from "./real/program.js";

const WELL_CONDITIONED = 1e-6;
const corpus = listCorpus();

test("the corpus type-checks (strict, JavaScript through JSDoc)", () => {
  expect(typeErrors(corpusProgram(corpus.map((file) => file.absolute)))).toEqual([]);
}, 30_000);

test("every exported function has samples, and the corpus has at least 36 functions", async () => {
  let count = 0;
  for (const file of corpus) {
    const exports = await loadExports(file);
    for (const fn of file.functions) expect(() => loaded(exports, fn), `${file.path}: ${fn.name}`).not.toThrow();
    count += file.functions.length;
  }
  expect(count).toBeGreaterThanOrEqual(36);
});

for (const file of corpus) {
  describe(file.path, () => {
    for (const fn of file.functions) {
      describe(fn.name, () => {
        test("finite at its samples, arguments unchanged", async () => {
          const { f, samples } = loaded(await loadExports(file), fn);
          samples.forEach((sample, i) => {
            const before = structuredClone(sample);
            const value = f(...sample);
            expect(sample, `sample ${i}: arguments changed`).toStrictEqual(before);
            expect(resultNumbers(value).every(Number.isFinite), `sample ${i}: ${JSON.stringify(value)}`).toBe(true);
          });
        });

        test("numerical gradient well-conditioned at its samples", async () => {
          const { f, samples } = loaded(await loadExports(file), fn);
          samples.forEach((sample, i) => {
            const g = scalarised(f, sample);
            const coordinates = differentiatedCoordinates(fn, sample);
            expect(coordinates.length, `sample ${i} has numbers to differentiate`).toBeGreaterThan(0);
            for (const at of coordinates) {
              const c = conditioning(g, sample, at);
              expect(c.disagreement, `sample ${i}, [${at.join(", ")}]: ${c.oracle} vs ${c.finer}`).toBeLessThanOrEqual(WELL_CONDITIONED);
            }
          });
        });
      });
    }
  });
}
