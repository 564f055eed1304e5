/**
 * Long and deep sources: a sum of thousands of terms, a Horner form hundreds
 * of levels deep, and `if`s nested a hundred deep, with and without early
 * returns. Each compiles (no stack overflow, in the compiler or in prettier),
 * its generated file stays about as long as its source, and its gradient is
 * exact: the value bit for bit, the derivatives against the oracle. Compile
 * times are measured by `npm run bench:compile`, not here.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { generate } from "../src/generate.js";
import { importModule } from "./helpers/fixtures.js";
import { expectGradClose, numericEstimate } from "./oracle.js";
import { deepIfs, hornerForm, longSum, nestedReturns } from "../bench/harness/scale.js";

type Fn = (...args: number[]) => number;
type GradFn = (...args: number[]) => { value: number; grad: Record<string, number> };

/**
 * Each source at size n and n / 2: the generated code must grow linearly, at
 * most `GROWTH` times as many statements for twice the size. (Statements, not
 * lines: prettier wraps deeply indented lines more often.)
 */
const GROWTH = 2.3;

const cases: { name: string; source: (n: number) => string; n: number; params: string[]; args: number[] }[] = [
  { name: "a sum of 1,200 terms", source: longSum, n: 1200, params: ["x"], args: [0.7] },
  { name: "a Horner form 300 deep", source: hornerForm, n: 300, params: ["x", "a0"], args: [0.5, 0.3] },
  { name: "120 nested ifs", source: deepIfs, n: 120, params: ["x"], args: [150.5] },
  { name: "100 nested ifs with early returns", source: nestedReturns, n: 100, params: ["x"], args: [40] },
];

describe("long and deep sources", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "adgen-scale-"));
  const compile = async (name: string, source: string) => {
    const file = path.join(dir, `${name}.ts`);
    writeFileSync(file, source);
    const result = await generate([file]);
    expect(result.diagnostics).toEqual([]);
    const output = result.outputs[0]!;
    writeFileSync(output.outputPath, output.text);
    return { file, output: output.outputPath, statements: output.text.split(";").length };
  };
  for (const c of cases) {
    test(c.name, async () => {
      const stem = c.name.replace(/\W+/g, "-");
      const half = await compile(`${stem}-half`, c.source(c.n / 2));
      const full = await compile(stem, c.source(c.n));
      expect(full.statements / half.statements).toBeLessThan(GROWTH);
      const f = (await importModule(full.file)).f as Fn;
      const { value, grad } = ((await importModule(full.output)).fGrad as GradFn)(...c.args);
      expect(Object.is(value, f(...c.args))).toBe(true);
      c.params.forEach((name, i) => expectGradClose(grad[name], numericEstimate(f, c.args, [i]), { label: `d/d${name}` }));
    }, 60_000);
  }
});
