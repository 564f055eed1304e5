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

type Grad = (x0: number[], k: number, damping: number, dt: number, T: number) => { value: number };

/** The generated module, with `tapePeak()` added: the most numbers on the tape at once since the last call. */
async function instrumented(): Promise<{ springEnergyGrad: Grad; tapePeak: () => number }> {
  const text = readFileSync(join(repoRoot, "fixtures/simulation.grad.ts"), "utf8");
  const counting = text.replaceAll("tape[top++] = ", "tape[((peak = Math.max(peak, top + 1)), top++)] = ");
  expect(counting).not.toBe(text);
  const dir = join(repoRoot, ".vitest-tmp");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "simulation-tape.ts");
  writeFileSync(file, `${counting}\nlet peak = 0;\nexport function tapePeak(): number {\n  const p = peak;\n  peak = 0;\n  return p;\n}\n`);
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
  // Per step: 6 numbers for each of the 3 masses in the force loop, 3 in the update loop, and 2 trip counts.
  expect(perStep).toBe(6 * 3 + 3 * 3 + 2);
  expect(p10 - 10 * perStep).toBe(p1000 - 1000 * perStep);
});
