/**
 * The tape grows linearly with the number of time steps and with nothing
 * else: the simulation fixture is run with T = 10, 100 and 1000 steps under
 * an instrumented copy of its generated gradient that records the largest
 * tape position reached.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { repoRoot } from "./helpers/fixtures.js";
import { gradcheck } from "../src/verify/index.js";

type Grad = (x0: number[], k: number, damping: number, dt: number, T: number) => { value: number };

/** The generated module, with `tapePeak()` added: the most entries on the number and index tapes at once since the last call. */
async function instrumented(): Promise<{ springEnergyGrad: Grad; tapePeak: () => number }> {
  const text = readFileSync(join(repoRoot, "fixtures/simulation.grad.ts"), "utf8");
  const counting = text
    .replaceAll("tape[top++] = ", "tape[((values = Math.max(values, top + 1)), top++)] = ")
    .replaceAll("indices[itop++] = ", "indices[((indexes = Math.max(indexes, itop + 1)), itop++)] = ");
  expect(counting).not.toBe(text);
  const dir = join(repoRoot, ".vitest-tmp");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "simulation-tape.ts");
  const peak = "let values = 0;\nlet indexes = 0;\nexport function tapePeak(): number {\n  const p = values + indexes;\n  values = indexes = 0;\n  return p;\n}\n";
  writeFileSync(file, `${counting}\n${peak}`);
  return import(file);
}

test("the simulation's tape grows linearly with the number of steps", async () => {
  const { springEnergyGrad, tapePeak } = await instrumented();
  const x0 = [0.1, -0.2, 0.3];
  const peaks = [10, 100, 1000].map((T) => {
    springEnergyGrad(x0, 2, 0.1, 0.01, T);
    return tapePeak();
  });
  const [p10, p100, p1000] = peaks as [number, number, number];
  // Exactly linear: p(T) = perStep * T + fixed.
  expect(p1000 - p100).toBe(10 * (p100 - p10));
  const perStep = (p100 - p10) / 90;
  // Per step, as the loops' tape comments say: for each of the 3 masses 4 numbers in the
  // force loop and 2 in the update loop. Loop counters and the inner trip counts are
  // computed again in the reverse sweep, not taped.
  expect(perStep).toBe(4 * 3 + 2 * 3);
  expect(p10 - 10 * perStep).toBe(p1000 - 1000 * perStep);
});

/** The text of `export function <name>GradInto(...)` up to the next top-level function. */
function gradIntoText(module: string, name: string): string {
  const start = module.indexOf(`export function ${name}GradInto(`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = module.indexOf("\n}\n", start);
  return module.slice(start, end);
}

test.each([
  ["sumOfTerms", true],
  ["meanSquare", true],
  ["hingeLoss", true],
  ["scaledInBranch", false],
  ["scratchPerTrip", true],
  ["freshScratch", true],
  ["keptFromLastTrip", false],
  ["scratchReadAfter", false],
  ["carriedThroughArray", false],
  // Their small arrays are numbers (opt/scalarize.ts); the slices below keep the near misses.
  ["writtenAfter", true],
  ["writtenAfterSlice", false],
  ["logOfSum", false],
  ["sumThroughArray", true],
  ["sumThroughSlice", false],
  ["doubleBuffer", false],
  ["recurrence", false],
  ["sumAndProduct", false],
])("fixtures/fusion.ts: %s's loop reverse is fused into the loop: %s", (name, fused) => {
  const text = gradIntoText(readFileSync(join(repoRoot, "fixtures/fusion.grad.ts"), "utf8"), name as string);
  // A separate reverse loop counts its trips down at the top level of the function (a fused
  // loop's trips may still hold the backward loops of loops inside them).
  const backwardLoop = /^ {2}for \(let \w+ = \w+; \w+ > 0; \w+--\)/m.test(text);
  expect(backwardLoop).toBe(!fused);
});

test("a tape that grows far past its first size, with room made before each loop, still gives the exact gradient", async () => {
  const { springEnergy } = await import("../fixtures/simulation.js");
  const { springEnergyGrad } = await import("../fixtures/simulation.grad.js");
  // 2,000 steps of 3 masses tape 36,000 numbers; the tape starts with room for 1,024. (dt is left
  // out: over 2,000 steps central differences in it lose the digits the comparison needs.)
  const T = 2000;
  const f = (x0: number[], k: number, damping: number) => springEnergy(x0, k, damping, 0.01, T);
  const fGrad = (x0: number[], k: number, damping: number) => {
    const { value, grad } = springEnergyGrad(x0, k, damping, 0.01, T);
    return { value, grad: { x0: grad.x0, k: grad.k, damping: grad.damping } };
  };
  const report = gradcheck(f, fGrad, [[[0.1, -0.2, 0.3], 2, 0.1]], { parameters: ["x0", "k", "damping"], throwOnFailure: false });
  expect(report.pass).toBe(true);
  expect(report.checked).toBe(1);
});
