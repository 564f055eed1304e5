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
 *   gradient adgen makes later can be held to the oracle there;
 * - it uses at least two idioms outside adgen's subset, every idiom is used
 *   by at least two functions, and fixtures/real/README.md shows the idiom
 *   tables test/real/idioms.ts finds;
 * - adgen's verdict on it (accepted, rejected with which codes, skipped,
 *   crashed) is the one fixtures/real/STATUS.json records, in either
 *   direction: a function that starts to compile fails this test until the
 *   record is updated (`UPDATE_STATUS=1 npx vitest run test/real.test.ts`
 *   rewrites it and the README's tables; review the diff). Its diagnostics lie in code it reaches, and a
 *   function adgen accepts has its generated gradient held to the oracle.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { repoRoot } from "./helpers/fixtures.js";
import { listCorpus, readCorpusFile, type CorpusFile, type CorpusFunction } from "./real/corpus.js";
import { checkGradient, importGenerated } from "./real/gradients.js";
import { loaded, loadExports, resultNumbers, type Exports } from "./real/load.js";
import { conditioning, differentiatedCoordinates, scalarised } from "./real/numeric.js";
import { IDIOMS, type Idiom } from "./real/idioms.js";
import { corpusProgram, typeErrors } from "./real/program.js";
import { idiomsByFunction, renderTables, withTables } from "./real/tables.js";
import { attribute, comparable, judgeFile, judgeFunction, readStatus, strayDiagnostics, writeStatus, type Judgement, type StatusRecord, type Verdict } from "./real/status.js";

const WELL_CONDITIONED = 1e-6;
const GENERATE_TIMEOUT_MS = 30_000;
const UPDATE = process.env.UPDATE_STATUS === "1";
const corpus = listCorpus();
const recorded = readStatus();
const observed: StatusRecord = {};

/** With UPDATE_STATUS=1: the verdicts seen, over the recorded ones for functions a filtered run did not judge. */
afterAll(() => {
  if (!UPDATE) return;
  const entries = corpus.map((file) => {
    const verdicts = file.functions.flatMap((fn) => {
      const verdict = observed[file.path]?.[fn.name] ?? recorded[file.path]?.[fn.name];
      return verdict ? [[fn.name, verdict] as const] : [];
    });
    return [file.path, Object.fromEntries(verdicts)] as const;
  });
  writeStatus(Object.fromEntries(entries));
});

test("fixtures/real/STATUS.json records exactly the corpus's functions", () => {
  const names = (record: StatusRecord) => Object.entries(record).flatMap(([file, fns]) => Object.keys(fns).map((fn) => `${file}: ${fn}`)).sort();
  const corpusNames = corpus.flatMap((file) => file.functions.map((fn) => `${file.path}: ${fn.name}`)).sort();
  if (!UPDATE) expect(names(recorded)).toEqual(corpusNames);
});

/**
 * adgen's verdict on each function of `file`: the same as `expected` gives,
 * diagnostics only in code the function reaches, every diagnostic of the
 * whole file in code of a function not accepted, and for an accepted
 * function a generated gradient that matches the oracle.
 */
function describeVerdicts(file: CorpusFile, load: () => Promise<Exports>, expected: (name: string) => Verdict | undefined, record: boolean): void {
  const judgements = new Map<string, Promise<Judgement>>();
  const judged = (fn: CorpusFunction) => judgements.get(fn.name) ?? judgements.set(fn.name, judgeFunction(file, fn)).get(fn.name)!;
  for (const fn of file.functions) {
    test(`${fn.name}: adgen's verdict is the recorded one`, async () => {
      const judgement = await judged(fn);
      if (record) (observed[file.path] ??= {})[fn.name] = judgement.verdict;
      expect(strayDiagnostics(file, fn, judgement).map((d) => `${d.code} ${d.line}:${d.column}`), "diagnostics outside the code it reaches").toEqual([]);
      if (!UPDATE) expect(comparable(judgement.verdict), JSON.stringify(judgement.verdict)).toEqual(comparable(expected(fn.name)));
      if (judgement.output !== undefined) {
        const { f, samples } = loaded(await load(), fn);
        checkGradient(fn, f, samples, await importGenerated(`${file.path.replace(/\W/g, "_")}.${fn.name}`, judgement.output, judgement.extension));
      }
    }, GENERATE_TIMEOUT_MS);
  }
  test("each diagnostic of the whole file lies in a function that is not accepted", async () => {
    const whole = await judgeFile(file);
    for (const d of whole.diagnostics) {
      const owners = attribute(file, d);
      expect(owners.length, `${d.code} ${d.line}:${d.column} ${d.message}`).toBeGreaterThan(0);
      for (const owner of owners) expect((await judged(owner)).verdict.status, `${owner.name} holds ${d.code} ${d.line}:${d.column}`).not.toBe("accepted");
    }
  }, GENERATE_TIMEOUT_MS);
}

const program = corpusProgram(corpus.map((file) => file.absolute));

test("the corpus type-checks (strict, JavaScript through JSDoc)", () => {
  expect(typeErrors(program)).toEqual([]);
}, 30_000);

describe("idioms", () => {
  const byFunction = idiomsByFunction(corpus, program);

  test("every function uses at least two idioms outside the subset", () => {
    for (const [name, idioms] of byFunction) expect(idioms.size, `${name}: ${[...idioms].join(", ")}`).toBeGreaterThanOrEqual(2);
  });

  test("every idiom is used by at least two functions", () => {
    for (const idiom of Object.keys(IDIOMS) as Idiom[]) {
      const users = [...byFunction].filter(([, set]) => set.has(idiom)).map(([name]) => name);
      expect(users.length, `${idiom}: ${users.join("; ")}`).toBeGreaterThanOrEqual(2);
    }
  });

  test("fixtures/real/README.md shows the idiom tables the corpus gives", () => {
    const readmePath = join(repoRoot, "fixtures/real/README.md");
    const readme = readFileSync(readmePath, "utf8");
    const fresh = withTables(readme, renderTables(corpus, byFunction));
    if (UPDATE) writeFileSync(readmePath, fresh);
    else expect(readme).toBe(fresh);
  });
});

test("every exported function has two or three samples, and the corpus has at least 36 functions", async () => {
  let count = 0;
  for (const file of corpus) {
    const exports = await loadExports(file);
    for (const fn of file.functions) expect(loaded(exports, fn).samples.length, `${file.path}: ${fn.name}`).toBeOneOf([2, 3]);
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
    describe("adgen today", () => describeVerdicts(file, () => loadExports(file), (name) => recorded[file.path]?.[name], true));
  });
}

describe("test/real/control.ts: the checks above on functions inside the subset", () => {
  const file = readCorpusFile(join(repoRoot, "test/real/control.ts"), "test/real/control.ts");
  const expected: Record<string, Verdict> = {
    weightedSquares: { status: "accepted" },
    polar: { status: "accepted" },
    viaTry: { status: "rejected", codes: ["ADG1001"], first: "" },
  };
  describeVerdicts(file, () => loadExports(file), (name) => expected[name], false);

  test("a wrong gradient or value fails the gradient check", async () => {
    const fn = file.functions.find((f) => f.name === "weightedSquares")!;
    const { f, samples } = loaded(await loadExports(file), fn);
    const judgement = await judgeFunction(file, fn);
    const generated = await importGenerated("control-wrong", judgement.output!);
    const right = generated.weightedSquaresGrad as (...args: unknown[]) => { value: number; grad: { xs: number[]; w: number } };
    expect(() => checkGradient(fn, f, samples, generated)).not.toThrow();
    const offBy = (dw: number, dv: number) => ({
      weightedSquaresGrad: (...args: unknown[]) => {
        const { value, grad } = right(...args);
        return { value: value + dv, grad: { ...grad, w: grad.w + dw } };
      },
    });
    expect(() => checkGradient(fn, f, samples, offBy(1e-3, 0))).toThrow(/grad\.w/);
    expect(() => checkGradient(fn, f, samples, offBy(0, 1e-9))).toThrow(/value/);
  }, GENERATE_TIMEOUT_MS);
});
