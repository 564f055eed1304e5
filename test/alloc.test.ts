/**
 * After warm-up, `<name>GradInto` allocates nothing on functions whose primal
 * allocates nothing, while `<name>Grad` allocates its result; on a function
 * whose primal allocates arrays, GradInto allocates only what the primal does
 * (the shadows come from pools). Measured on the Rosenbrock,
 * logistic-regression and mass-spring benchmarks (the last with 100 steps instead of 1000), and on
 * the natural-style ones (ba-natural, dense-natural, ik-natural, at small sizes), in a
 * separate Node process (test/helpers/heap-driver.mjs) started with
 * --expose-gc and a large fixed new space, from the heap bytes each call
 * leaves behind. No timing is involved.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";
import { generate } from "../src/generate.js";
import { repoRoot } from "./helpers/fixtures.js";

interface Measurement {
  bytesPerCall: number;
  collections: number;
}

/**
 * Heap bytes per call the driver may see although the gradient allocates
 * nothing: the driver's own bookkeeping (a `process.memoryUsage()` result
 * per round, spread over its calls) and the heap number a returned double may
 * be boxed in.
 */
const NEARLY_NOTHING = 64;

const dir = join(repoRoot, ".vitest-tmp", "alloc");

/** Writes TypeScript text as a plain JavaScript module the driver can import. */
function writeModule(text: string, file: string): string {
  const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  mkdirSync(dir, { recursive: true });
  const out = join(dir, file);
  writeFileSync(out, js);
  return out;
}

/** Generates bench/<file>.ts; writes the gradient module and the source as JavaScript. */
async function generatedModule(file: string): Promise<void> {
  const path = `bench/${file}.ts`;
  const text = readFileSync(join(repoRoot, path), "utf8");
  const result = await generate([{ path, text }]);
  expect(result.diagnostics).toEqual([]);
  writeModule(result.outputs[0]!.text, `${file}.grad.mjs`);
  writeModule(text, `${file}.mjs`);
}

interface Measurements {
  into: Measurement;
  grad: Measurement;
  primal: Measurement;
  gradientEntries: number;
}

function measure(file: string, name: string, args: unknown[], calls = { warmup: 2000, measured: 200 }): Measurements {
  const argsFile = join(dir, `${file}.args.json`);
  writeFileSync(argsFile, JSON.stringify(args));
  const driver = join(repoRoot, "test/helpers/heap-driver.mjs");
  const flags = ["--expose-gc", "--min-semi-space-size=64", "--max-semi-space-size=64"];
  const run = spawnSync(process.execPath, [...flags, driver, join(dir, `${file}.grad.mjs`), name, argsFile, join(dir, `${file}.mjs`)], {
    encoding: "utf8",
    env: { ...process.env, WARMUP: String(calls.warmup), CALLS: String(calls.measured) },
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as Measurements;
}

/** Reproducible numbers in [-1, 1] without a generator: sin of the position. */
const vector = (n: number, phase = 0): number[] => Array.from({ length: n }, (_, i) => Math.sin(i + phase));

const cases = [
  { file: "rosenbrock", name: "rosenbrock", args: () => [vector(1000)] },
  {
    file: "logistic",
    name: "logisticLoss",
    args: () => [
      vector(20, 0.5).map((v) => 0.3 * v),
      0.1,
      Array.from({ length: 1000 }, (_, i) => vector(20, 20 * i)),
      Array.from({ length: 1000 }, (_, i) => (i % 3 ? 1 : -1)),
      0.01,
    ],
  },
];

for (const c of cases) {
  test(`${c.name}GradInto (bench/${c.file}.ts) allocates nothing after warm-up; ${c.name}Grad allocates its result`, async () => {
    await generatedModule(c.file);
    const { into, grad, gradientEntries } = measure(c.file, c.name, c.args());
    // The measurement sees allocations: Grad's gradient arrays, 8 bytes per number at least.
    expect(grad.bytesPerCall).toBeGreaterThan(8 * gradientEntries);
    expect(into.bytesPerCall).toBeLessThan(NEARLY_NOTHING);
    expect(into.collections).toBe(0);
  }, 60_000);
}

test("springChainGradInto (bench/springs.ts) allocates what the primal allocates, not the shadows of its arrays", async () => {
  await generatedModule("springs");
  const masses = 100;
  const args = [vector(masses).map((v) => 0.5 * v), vector(masses, 1).map((v) => 0.1 * v), 10, 2, 0.1, 0.01, 100, vector(masses, 2).map((v) => 0.2 * v)];
  const { into, grad, primal, gradientEntries } = measure("springs", "springChain", args, { warmup: 300, measured: 50 });
  // The primal makes its state arrays; Grad makes its result besides (the primal's own figure
  // varies by several hundred bytes between runs, so Grad is compared with GradInto).
  expect(primal.bytesPerCall).toBeGreaterThan(8 * 3 * masses);
  expect(grad.bytesPerCall).toBeGreaterThan(into.bytesPerCall + 8 * gradientEntries);
  // GradInto leaves (nearly) only the primal's arrays: under a tenth of what Grad adds to them
  // (measured: primal 2.6 kB, Grad 4.4 kB, GradInto 2.6 kB per call; 5.1 kB without the pools).
  expect(into.bytesPerCall - primal.bytesPerCall).toBeLessThan((grad.bytesPerCall - primal.bytesPerCall) / 10);
}, 60_000);

/** Rows of reproducible numbers, each scaled and shifted. */
const rows = (n: number, width: number, phase: number, scale = 1, shift = 0): number[][] =>
  Array.from({ length: n }, (_, i) => vector(width, phase + width * i).map((v) => scale * v + shift));

/**
 * Natural-style benchmarks: helpers taking and returning small arrays. Their arrays become numbers
 * (opt/scalarize.ts), so GradInto allocates nothing at all, where the primal may allocate its literals.
 */
const naturalCases = [
  {
    file: "ba-natural",
    name: "baNatural",
    args: () => {
      // Camera 0 has no rotation (the other branch of Rodrigues' formula); points 6-10 in front.
      const cams = rows(3, 11, 0, 0.2).map((row, i) => row.map((v, j) => (j < 3 && i === 0 ? 0 : j === 6 ? 1 + 0.1 * v : v)));
      const X = rows(12, 3, 5).map(([x, y, z]) => [x!, y!, 8 + z!]);
      const obs = Array.from({ length: 24 }, (_, k) => [k % 3, k % 12]);
      return [cams, X, vector(24, 3).map((v) => 1 + 0.3 * v), obs, rows(24, 2, 7, 0.5)];
    },
  },
  { file: "dense-natural", name: "denseNatural", args: () => [rows(3, 3, 0), vector(3, 1), rows(2, 3, 2), vector(2, 3), rows(50, 3, 4), rows(50, 2, 5)] },
  { file: "ik-natural", name: "ikNatural", args: () => [rows(20, 6, 0), vector(6, 1).map((v) => 1 + 0.4 * v), rows(20, 2, 2, 3), 0.1] },
];

for (const c of naturalCases) {
  test(`${c.name}GradInto (bench/${c.file}.ts) allocates nothing after warm-up, no more than its function`, async () => {
    await generatedModule(c.file);
    const { into, grad, primal, gradientEntries } = measure(c.file, c.name, c.args());
    expect(grad.bytesPerCall).toBeGreaterThan(8 * gradientEntries);
    expect(into.bytesPerCall).toBeLessThan(NEARLY_NOTHING);
    expect(into.bytesPerCall).toBeLessThanOrEqual(Math.max(primal.bytesPerCall, 0) + NEARLY_NOTHING);
    expect(into.collections).toBe(0);
  }, 60_000);
}
