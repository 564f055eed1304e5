/**
 * Every generated file the repository has a source for, as the checks see
 * it: the committed `fixtures/*.grad.ts` (golden.test.ts keeps them equal to
 * fresh output), and fresh output for the fuzzer's regression fixtures
 * (`fixtures/fuzz/`, but for open bugs), the functions of the corpus adgen accepts
 * (`fixtures/real/`) and the benchmarks (`bench/*.ts` with a `.grad.ts`
 * beside them). Each file is placed where adgen writes it, beside its source.
 * The JavaScript outputs of the corpus's JavaScript files are left out (below).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generate, type GenerateInput } from "../../src/generate.js";
import { listFixtures, repoRoot } from "../helpers/fixtures.js";
import type { CheckedFile } from "./checks.js";

export interface Outputs {
  files: CheckedFile[];
  /** Sources that were expected to give a file and gave none, with the first diagnostic. */
  missing: string[];
}

const sources = (dir: string, pattern: RegExp) =>
  readdirSync(join(repoRoot, dir))
    .filter((name) => pattern.test(name) && !name.includes(".grad."))
    .sort()
    .map((name) => `${dir}/${name}`);

export async function generatedFiles(): Promise<Outputs> {
  const committed = listFixtures().map((f) => ({ path: f.gradFile, text: readFileSync(f.gradFile, "utf8") }));
  // A fuzz fixture marked open is a known compiler bug (test/fuzz/known-bugs.ts): it may crash
  // generate() or produce output that fails these checks, so only the others are generated.
  const isOpen = (path: string) => /^\/\/ Status: open\b/m.test(readFileSync(join(repoRoot, path), "utf8"));
  const fuzz = sources("fixtures/fuzz", /\.ts$/).filter((path) => !isOpen(path));
  const bench = sources("bench", /\.ts$/).filter((path) => existsSync(join(repoRoot, path.replace(/\.ts$/, ".grad.ts"))));
  // Corpus files are given whole; `matched` leaves out the functions adgen cannot differentiate.
  const corpus = sources("fixtures/real", /\.(ts|js|mjs|cjs)$/).map((path) => ({ path, matched: true }));
  const expected = [...fuzz, ...bench];
  // One at a time: generate() works in one shared TypeScript project.
  const fresh = [];
  for (const inputs of [fuzz, bench, corpus] as GenerateInput[][]) fresh.push(await generate(inputs));
  const outputs = fresh.flatMap((r) => r.outputs);
  const produced = new Set(outputs.map((o) => o.sourcePath));
  const diagnostics = fresh.flatMap((r) => r.diagnostics);
  const missing = expected.filter((path) => !produced.has(path)).map((path) => {
    const first = diagnostics.find((d) => d.file.endsWith(path));
    return `${path}: ${first ? `${first.code} ${first.message}` : "no output"}`;
  });
  // A JavaScript source's output is JavaScript, whose types are JSDoc: it cannot carry what these
  // flags ask of TypeScript (a `!` after an element read for noUncheckedIndexedAccess), and is held
  // to checkJs under strict by test/javascript.test.ts instead.
  const typescript = outputs.filter((o) => !/\.[mc]?js$/.test(o.outputPath));
  return { files: [...committed, ...typescript.map((o) => ({ path: join(repoRoot, o.outputPath), text: o.text }))], missing };
}
