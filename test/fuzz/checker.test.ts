/**
 * The fuzzer's own checks must be able to fail: a gradient that never
 * returns must be stopped and named.
 */
import { expect, test } from "vitest";
import type { Case } from "./check.js";
import { runChecks } from "./sandbox.js";

const source = "export function f(x: number): number {\n  return x * x;\n}\n";
const cases: Case[] = [{ entry: { name: "f", params: [{ name: "x", type: "number" }], leftOut: [] }, inputs: [[1.5]] }];

test("the sandbox stops a gradient that never returns and names it", async () => {
  const generated = "export function fGrad(x: number) {\n  for (;;) x += 1;\n}\n";
  const result = await runChecks(source, generated, cases, 2000);
  expect(result.failures).toEqual([{ entry: "f", input: [1.5], message: "the gradient was stopped: it did not return within 2 s" }]);
  // The next job gets a new runner.
  const next = await runChecks(source, "export function fGrad(x: number) {\n  return { value: x * x, grad: { x: 2 * x } };\n}\n", cases);
  expect(next).toEqual({ checked: 1, skipped: 0, failures: [] });
}, 60_000);
