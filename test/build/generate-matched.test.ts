/**
 * generate() with inputs a glob matched: functions that cannot be
 * differentiated are skipped and listed, opted-in ones are errors.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../src/generate.js";
import { tempProject } from "./temp.js";

const files = {
  "util.ts": "export function roundPrice(x: number): number {\n  return Number(x.toFixed(2));\n}\n",
  "mixed.ts": "export function energy(x: number, k: number): number {\n  return 0.5 * k * x * x;\n}\n\nexport function clampLabel(x: number): number {\n  return parseInt(String(x), 10);\n}\n",
  "writes.ts": "export function normalise(x: number[]): number {\n  x[0] = 1;\n  return x[0];\n}\n",
  "tagged.ts": "/** @adgen */\nexport function wanted(x: number): number {\n  return Number(x.toFixed(1));\n}\n",
};

describe("generate() with matched inputs", () => {
  it("lists the skipped functions with their diagnostics", async () => {
    const dir = tempProject(files);
    const matched = (name: string) => ({ path: path.join(dir, name), matched: true });
    const result = await generate([matched("mixed.ts"), matched("util.ts"), matched("writes.ts")]);
    expect(result.diagnostics).toEqual([]);
    expect(result.outputs.map((o) => path.basename(o.outputPath))).toEqual(["mixed.grad.ts"]);
    expect(result.outputs[0]!.text).not.toContain("clampLabel");
    expect(result.skipped).toEqual([path.join(dir, "util.ts"), path.join(dir, "writes.ts")]);
    expect(result.skippedFunctions?.map((fn) => [path.basename(fn.sourcePath), fn.name, fn.diagnostics[0]?.code])).toEqual([
      ["mixed.ts", "clampLabel", "ADG1004"],
      ["util.ts", "roundPrice", "ADG1004"],
      ["writes.ts", "normalise", "ADG1012"],
    ]);
  }, 60_000);

  it("reports the diagnostics of a function tagged @adgen, and of every function of an input that is named", async () => {
    const dir = tempProject(files);
    const tagged = await generate([{ path: path.join(dir, "tagged.ts"), matched: true }]);
    expect(tagged.diagnostics.map((d) => d.code)).toContain("ADG1004");
    expect(tagged.skippedFunctions).toEqual([]);
    const named = await generate([path.join(dir, "mixed.ts"), { path: path.join(dir, "writes.ts") }]);
    expect(named.diagnostics.map((d) => [path.basename(d.file), d.code])).toEqual(expect.arrayContaining([["mixed.ts", "ADG1004"], ["writes.ts", "ADG1012"]]));
    expect(named.outputs).toEqual([]);
  }, 60_000);
});
