/**
 * Generated files pass the checks a user's project may hold them to
 * (test/conformance/checks.ts): TypeScript under `strict` and the flags
 * projects add to it, and ESLint with typescript-eslint's recommended
 * config. Every generated file of the repository (test/conformance/outputs.ts)
 * is checked, in one TypeScript program and one ESLint instance together
 * with known-bad samples, one per flag and rule, which show that the checks
 * report what breaks them.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { lintProblems, typeProblems, type CheckedFile, type Problem } from "./conformance/checks.js";
import { irCaseModule } from "./conformance/ir-cases.js";
import { generatedFiles } from "./conformance/outputs.js";
import { badSamples, clean } from "./conformance/samples.js";
import { repoRoot } from "./helpers/fixtures.js";

/** Samples sit among the fixtures (in memory only), so that they can import a fixture. */
const samplePath = (name: string) => join(repoRoot, "fixtures", `conformance-${name}.grad.ts`);
const samples: CheckedFile[] = [
  ...badSamples.map((s, i) => ({ path: samplePath(String(i)), text: s.text })),
  { path: samplePath("clean"), text: clean },
];
const { files, missing } = await generatedFiles();
const irCase: CheckedFile = { path: join(repoRoot, "fixtures", "conformance-ir.grad.ts"), text: irCaseModule() };
const all = [...samples, irCase, ...files];
const types = typeProblems(all, repoRoot);
const lint = await lintProblems(all, repoRoot);

/** The problems reported in the files whose repository path starts with `prefix`. */
const problemsIn = (problems: Problem[], prefix: string) => problems.filter((p) => p.startsWith(prefix));

describe("the checks report what breaks them", () => {
  test("a clean sample has no problems", () => {
    expect(problemsIn([...types, ...lint], "fixtures/conformance-clean.")).toEqual([]);
  });

  for (const [i, sample] of badSamples.entries()) {
    test(sample.check, () => {
      const own = problemsIn([...types, ...lint], `fixtures/conformance-${i}.grad.ts:`);
      expect(own.some((p) => p.includes(` ${sample.reports} `)), own.join("\n") || "no problems reported").toBe(true);
    });
  }
});

test("what no fixture reaches, printed from IR: a negated inlined test, a constant condition, a reverse loop doing nothing", () => {
  // The constructs are there, printed without `!!`, `if (true)` or an empty block.
  expect(irCase.text).toContain("if ((x > n)) {");
  expect(irCase.text).toMatch(/\{\n\s*k = x \* x;\n\s*\}/);
  expect(irCase.text).toContain("// nothing to reverse in these trips");
  expect(problemsIn([...types, ...lint], "fixtures/conformance-ir.")).toEqual([]);
});

describe("every generated file of the repository passes the checks", () => {
  const outside = (problems: Problem[]) => problems.filter((p) => !p.startsWith("fixtures/conformance-"));

  test("every source gives its file", () => {
    expect(missing).toEqual([]);
    // The committed fixtures, the benchmarks, the fuzzer's fixtures and at least one function of the corpus.
    for (const dir of ["fixtures/", "bench/", "fixtures/fuzz/", "fixtures/real/"]) {
      const inDir = files.filter((f) => f.path.startsWith(join(repoRoot, dir)) && !f.path.slice(join(repoRoot, dir).length).includes("/"));
      expect(inDir.length, dir).toBeGreaterThan(0);
    }
  });

  test("TypeScript: strict and the flags above, in one program", () => {
    expect(outside(types)).toEqual([]);
  });

  test("ESLint: typescript-eslint's recommended config", () => {
    expect(outside(lint)).toEqual([]);
  });
});
