/**
 * `<name>HvpInto` allocates nothing after warm-up on a function whose primal
 * allocates nothing (bench/rosenbrock.ts, bench/logistic.ts): measured in a
 * separate Node process with --expose-gc and a large fixed new space, from
 * the heap bytes its calls leave behind (the least over several rounds), as
 * test/alloc.test.ts measures GradInto. `<name>Hvp`, which makes its result,
 * is measured beside it, so that the measurement is seen to see allocations.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";
import { generate } from "../src/generate.js";
import { repoRoot } from "./helpers/fixtures.js";

const dir = join(repoRoot, ".vitest-tmp", "alloc-hvp");

const driver = `
const [modulePath, name, argsPath] = process.argv.slice(2);
const m = await import(modulePath);
const args = JSON.parse((await import("node:fs")).readFileSync(argsPath, "utf8"));
const v = JSON.parse(process.env.V);
const { grad } = m[name + "Hvp"](...args, v);
const like = (x) => (typeof x === "number" ? 0 : x.map(like));
const g = Object.fromEntries(Object.entries(grad).map(([k, x]) => [k, like(x)]));
const h = Object.fromEntries(Object.entries(grad).map(([k, x]) => [k, like(x)]));
const hvpInto = m[name + "HvpInto"];
const hvpFresh = m[name + "Hvp"];
const intoArgs = [...args, v, g, h];
const freshArgs = [...args, v];
const into = () => hvpInto(...intoArgs);
const fresh = () => hvpFresh(...freshArgs).value;
async function bytesPerCall(run) {
  for (let i = 0; i < 2000; i++) run();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) run();
    best = Math.min(best, (process.memoryUsage().heapUsed - before) / 200);
  }
  return best;
}
console.log(JSON.stringify({ into: await bytesPerCall(into), fresh: await bytesPerCall(fresh) }));
`;

const vector = (n: number, phase = 0): number[] => Array.from({ length: n }, (_, i) => Math.sin(i + phase));

const cases = [
  { file: "rosenbrock", name: "rosenbrock", args: [vector(1000)], v: { x: vector(1000, 3) } },
  {
    file: "logistic", name: "logisticLoss",
    args: [vector(20, 0.5).map((x) => 0.3 * x), 0.1, Array.from({ length: 1000 }, (_, i) => vector(20, 20 * i)), Array.from({ length: 1000 }, (_, i) => (i % 3 ? 1 : -1)), 0.01],
    v: { w: vector(20, 7), b: 0.5 },
  },
];

for (const c of cases) {
  test(`${c.name}HvpInto (bench/${c.file}.ts) allocates nothing after warm-up; ${c.name}Hvp allocates its result`, async () => {
    const path = `bench/${c.file}.ts`;
    const result = await generate([{ path, text: readFileSync(join(repoRoot, path), "utf8") }], { derivatives: ["hvp"] });
    expect(result.diagnostics).toEqual([]);
    mkdirSync(dir, { recursive: true });
    const js = ts.transpileModule(result.outputs[0]!.text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, `${c.file}.mjs`), js);
    writeFileSync(join(dir, `${c.file}.args.json`), JSON.stringify(c.args));
    writeFileSync(join(dir, "driver.mjs"), driver);
    const run = spawnSync(process.execPath, ["--expose-gc", "--min-semi-space-size=64", "--max-semi-space-size=64", join(dir, "driver.mjs"), join(dir, `${c.file}.mjs`), c.name, join(dir, `${c.file}.args.json`)], {
      encoding: "utf8", env: { ...process.env, V: JSON.stringify(c.v) },
    });
    expect(run.stderr).toBe("");
    const { into, fresh } = JSON.parse(run.stdout) as { into: number; fresh: number };
    // Hvp makes its gradient and its Hvp, 8 bytes per number at least.
    const numbers = Object.values(c.v).reduce<number>((n, x) => n + (typeof x === "number" ? 1 : x.length), 0);
    expect(fresh).toBeGreaterThan(8 * 2 * numbers);
    expect(into).toBeLessThan(64);
  }, 60_000);
}
