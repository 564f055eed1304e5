/**
 * Output is deterministic: the same input gives byte-identical output,
 * whatever was generated before it in the same process.
 */
import { expect, test } from "vitest";
import { generate } from "../src/generate.js";
import { listFixtures } from "./helpers/fixtures.js";

test("generating every fixture twice, in opposite orders, gives identical text", async () => {
  const inputs = listFixtures().map((f) => f.input);
  const forward = await generate(inputs, { emitIr: true });
  const backward = await generate([...inputs].reverse(), { emitIr: true });
  const byPath = (r: typeof forward) => new Map(r.outputs.map((o) => [o.sourcePath, o.text]));
  const irByPath = (r: typeof forward) => new Map(r.ir.map((o) => [o.sourcePath, o.text]));
  expect(byPath(backward)).toEqual(byPath(forward));
  expect(irByPath(backward)).toEqual(irByPath(forward));
  expect(forward.outputs).toHaveLength(inputs.length);
}, 60_000);

test("a script (no imports or exports) given alongside a module does not lend it its global declarations", async () => {
  const script = { path: "globals.ts", text: "function square(x: number): number {\n  return x * x;\n}\n" };
  const module = { path: "uses.ts", text: "export function f(x: number): number {\n  return square(x);\n}\n" };
  const alone = await generate([module]);
  const together = await generate([script, module]);
  expect(alone.diagnostics.length).toBeGreaterThan(0);
  expect(together.diagnostics).toEqual(alone.diagnostics);
  expect(together.outputs).toEqual([]);
});
