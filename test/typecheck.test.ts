/**
 * The generated modules, with the sources they sit beside, type-check under
 * --strict. noUnusedLocals also holds the generated code to "no dead code".
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";
import { listFixtures, repoRoot } from "./helpers/fixtures.js";

const options: ts.CompilerOptions = {
  strict: true,
  noUnusedLocals: true,
  noEmit: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  types: [],
  skipLibCheck: true,
};

test("fixtures/*.grad.ts and their sources type-check with strict: true and noUnusedLocals", () => {
  const fixtures = listFixtures();
  const missing = fixtures.filter((f) => !existsSync(f.gradFile)).map((f) => relative(repoRoot, f.gradFile));
  expect(missing, "generated files are missing; run UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts").toEqual([]);

  const program = ts.createProgram(
    fixtures.flatMap((f) => [f.sourceFile, f.gradFile]),
    options,
  );
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => repoRoot,
    getNewLine: () => "\n",
  };
  expect(ts.formatDiagnostics(diagnostics, host)).toBe("");
}, 30_000);

test("the benchmarks type-check under their tsconfig (npx tsc -p bench)", () => {
  const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (name) => name, getCurrentDirectory: () => repoRoot, getNewLine: () => "\n" };
  const parsed = ts.getParsedCommandLineOfConfigFile(`${repoRoot}/bench/tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  expect(parsed?.errors ?? ["bench/tsconfig.json does not parse"]).toEqual([]);
  const program = ts.createProgram(parsed!.fileNames, parsed!.options);
  expect(ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), host)).toBe("");
}, 120_000);
