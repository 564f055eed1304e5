/**
 * A stop-gradient that needs nothing of adgen at run time: any function
 * declared with the JSDoc tag `@stopGradient` (in the same file, or imported
 * from the project) is one, like `stopGradient` from adgen/runtime. Checked
 * against the numerical derivative of the function with the stopped value
 * frozen, and against a look-alike without the tag, which is differentiated
 * through.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { tsImport } from "tsx/esm/api";
import { describe, expect, it } from "vitest";
import { generate } from "../../src/generate.js";
import { gradcheck } from "../../src/verify/index.js";
import { tempProject } from "./temp.js";

const marker = "/** @stopGradient */\nexport function stopGradient<T>(x: T): T {\n  return x;\n}\n";
const detached = (importLine: string) =>
  `${importLine}\nexport function detached(x: number): number {\n  const target = stopGradient(x * x);\n  return (x - target) * (x - target);\n}\n`;
/** d/dx of (x - c)^2 with c = x0^2 frozen: 2 (x - x0^2). */
const frozen = (x0: number) => (x: number) => (x - x0 * x0) * (x - x0 * x0);
const samples: [number][] = [[0.3], [1.7], [-2]];

type Gradient = (x: number) => { value: number; grad: { x: number } };

async function compile(files: Record<string, string>): Promise<{ detached: (x: number) => number; detachedGrad: Gradient }> {
  const dir = tempProject(files);
  const result = await generate([path.join(dir, "loss.ts")]);
  expect(result.diagnostics).toEqual([]);
  writeFileSync(result.outputs[0]!.outputPath, result.outputs[0]!.text);
  // The generated module imports nothing: neither the marker nor adgen.
  expect(result.outputs[0]!.text).not.toMatch(/^import /m);
  const source = (await tsImport(path.join(dir, "loss.ts"), import.meta.url)) as { detached: (x: number) => number };
  const gradient = (await tsImport(result.outputs[0]!.outputPath, import.meta.url)) as { detachedGrad: Gradient };
  return { detached: source.detached, detachedGrad: gradient.detachedGrad };
}

describe("a @stopGradient marker of the project's own", () => {
  it.each([
    ["imported from another file", { "stop.ts": marker, "loss.ts": detached('import { stopGradient } from "./stop.js";\n') }],
    ["declared in the same file", { "loss.ts": detached(marker) }],
  ])("%s stops the derivative", async (_, files) => {
    const { detached: f, detachedGrad } = await compile(files);
    expect(gradcheck(f, detachedGrad, samples, { frozen, throwOnFailure: false }).pass).toBe(true);
    expect(detachedGrad(1.7).grad.x).toBeCloseTo(2 * (1.7 - 1.7 * 1.7), 12);
  }, 60_000);

  it("needs the tag: an untagged identity is differentiated through", async () => {
    const untagged = "export function stopGradient(x: number): number {\n  return x;\n}\n";
    const { detached: f, detachedGrad } = await compile({ "stop.ts": untagged, "loss.ts": detached('import { stopGradient } from "./stop.js";\n') });
    // (x - x^2)^2 differentiated whole: 2 (x - x^2)(1 - 2x).
    expect(gradcheck(f, detachedGrad, samples, { throwOnFailure: false }).pass).toBe(true);
    expect(detachedGrad(1.7).grad.x).toBeCloseTo(2 * (1.7 - 1.7 * 1.7) * (1 - 2 * 1.7), 12);
  }, 60_000);
});
