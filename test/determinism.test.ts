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
