/**
 * The fuzzer's own checks must be able to fail: a program accepted where it
 * must be rejected, a diagnostic away from the construct or outside the
 * source, a gradient that never returns.
 */
import { describe, expect, test } from "vitest";
import type { Diagnostic } from "../../src/diagnostics.js";
import { checkFile, type Case } from "./check.js";
import { diagnosticProblem, type Expectation } from "./outcome.js";
import { runChecks } from "./sandbox.js";
import { compileTimes } from "./timings.js";

const source = "export function f(x: number): number {\n  return x * x;\n}\n";
const cases: Case[] = [{ entry: { name: "f", params: [{ name: "x", type: "number" }], leftOut: [] }, inputs: [[1.5]] }];
const lines = source.split("\n");

const diagnostic = (line: number, column: number, code = "ADG1002"): Diagnostic => ({
  code,
  message: "not supported",
  file: "p.ts",
  line,
  column,
  length: 1,
  sourceLine: lines[line - 1] ?? "",
});

describe("the expected-outcome check", () => {
  const expectation: Expectation = { outcome: "diagnostic", spans: [{ line: 2, from: 10, to: 15 }], what: "x * x" };

  test("a diagnostic inside the span passes; one elsewhere or in a wrong place fails", () => {
    expect(diagnosticProblem("p.ts", source, [diagnostic(2, 12)], expectation)).toBeUndefined();
    expect(diagnosticProblem("p.ts", source, [diagnostic(2, 3)], expectation)).toMatch(/^no diagnostic inside x \* x/);
    expect(diagnosticProblem("p.ts", source, [diagnostic(9, 1)], expectation)).toMatch(/^diagnostics not located/);
    expect(diagnosticProblem("q.ts", source, [diagnostic(2, 12)], expectation)).toMatch(/^diagnostics not located/);
    expect(diagnosticProblem("p.ts", source, [diagnostic(2, 12, "E42")], expectation)).toMatch(/^diagnostics not located/);
    expect(diagnosticProblem("p.ts", source, [diagnostic(2, 12, "TS2448")], expectation)).toBeUndefined();
  });

  test("a program adgen accepts fails when it must be rejected, and is differentiated when either will do", async () => {
    const must = await checkFile("fuzz/p.ts", source, cases, { expect: expectation });
    expect(must.failures.map((f) => f.message)).toEqual(["adgen accepted the program, though it must reject x * x"]);
    const either = await checkFile("fuzz/p.ts", source, cases, { expect: { ...expectation, outcome: "either" } });
    expect(either.failures).toEqual([]);
    expect(either.checked).toBe(1);
  }, 60_000);

  test("a rejected program passes only with its diagnostic in place", async () => {
    const rejected = "export function f(x: number): number {\n  return x + Math.random();\n}\n";
    const inside: Expectation = { outcome: "diagnostic", spans: [{ line: 2, from: 10, to: 27 }], what: "Math.random()" };
    expect((await checkFile("fuzz/p.ts", rejected, cases, { expect: inside })).rejected).toBe(1);
    const elsewhere = { ...inside, spans: [{ line: 1, from: 1, to: 5 }] };
    const report = await checkFile("fuzz/p.ts", rejected, cases, { expect: elsewhere });
    expect(report.failures[0]?.message).toMatch(/^expected a located diagnostic: no diagnostic inside/);
  }, 60_000);
});

test("the sandbox stops a gradient that never returns and names it", async () => {
  const generated = "export function fGrad(x: number) {\n  for (;;) x += 1;\n}\n";
  const result = await runChecks(source, generated, cases, false, 2000);
  expect(result.failures).toEqual([{ entry: "f", input: [1.5], message: "the gradient was stopped: it did not return within 2 s" }]);
  // The next job gets a new runner.
  const next = await runChecks(source, "export function fGrad(x: number) {\n  return { value: x * x, grad: { x: 2 * x } };\n}\n", cases, false);
  expect(next).toEqual({ checked: 1, skipped: 0, failures: [] });
}, 60_000);

test("compile times that grow faster than the size are flagged", () => {
  const times = (f: (n: number) => number) => [100, 300, 1000, 3000].map((size) => ({ entry: "f", kind: "sum", size, ms: f(size) }));
  expect(compileTimes(times((n) => n * 2))[1]).not.toMatch(/SUPERLINEAR/);
  expect(compileTimes(times((n) => n * 2))[1]).toMatch(/exponent 1\.00/);
  expect(compileTimes(times((n) => (n * n) / 100))[1]).toMatch(/exponent 2\.00 SUPERLINEAR/);
  expect(compileTimes(times((n) => n * 3))[1]).toMatch(/1 over 5 s: 3000 in 9000 ms/);
});
