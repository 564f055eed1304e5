/**
 * Compile time: seconds for adgen's `generate()` (dist/, so build first) on the whole fixture set, on
 * two generated 1,000-line sources (one long straight-line function, many small functions), and on
 * a long expression and deep nesting at two sizes each (to show growth is linear), all in one process. The first generation in a process also loads the TypeScript compiler and prettier;
 * it is reported apart from the median of later repetitions. `npm run bench:compile` prints them;
 * `npm run bench` runs this file in a process of its own (`--json`) and adds them to its output and
 * results.json.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generate, type GenerateInput } from "../dist/index.js";
import { longSum, nestedReturns } from "./harness/scale.js";
import { median } from "./harness/timing.js";

export interface CompileTime {
  input: string;
  lines: number;
  /** The first generation in this process (for the first input: includes loading the compiler). */
  firstSeconds: number;
  /** Median of the repetitions after it. */
  seconds: number;
}

const REPETITIONS = 2;
const fixturesDir = fileURLToPath(new URL("../fixtures/", import.meta.url));

export async function measureCompileTimes(): Promise<CompileTime[]> {
  const fixtures = readdirSync(fixturesDir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".grad.ts"))
    .sort()
    .map((f) => `${fixturesDir}${f}`);
  const inputs: [string, GenerateInput[]][] = [
    [`fixtures/*.ts (${fixtures.length} files)`, fixtures],
    ["straight-line function", [{ path: "straight.ts", text: straightLineSource(1000) }]],
    ["100 small functions", [{ path: "many.ts", text: manyFunctionsSource(100) }]],
    // Twice the size should take about twice the time.
    ["sum of 1,000 terms", [{ path: "sum1000.ts", text: longSum(1000) }]],
    ["sum of 2,000 terms", [{ path: "sum2000.ts", text: longSum(2000) }]],
    ["100 nested ifs with returns", [{ path: "nested100.ts", text: nestedReturns(100) }]],
    ["200 nested ifs with returns", [{ path: "nested200.ts", text: nestedReturns(200) }]],
  ];
  const results: CompileTime[] = [];
  for (const [input, files] of inputs) {
    const times: number[] = [];
    for (let r = 0; r <= REPETITIONS; r++) times.push(await timeGenerate(files));
    results.push({ input, lines: countLines(files), firstSeconds: times[0], seconds: median(times.slice(1)) });
  }
  return results;
}

async function timeGenerate(files: GenerateInput[]): Promise<number> {
  const start = performance.now();
  const result = await generate(files);
  const seconds = (performance.now() - start) / 1000;
  if (result.diagnostics.length > 0) throw new Error(`adgen rejected a compile-time input: ${result.diagnostics[0].message}`);
  return seconds;
}

function countLines(files: GenerateInput[]): number {
  return files.reduce((n, f) => n + (typeof f === "string" ? readFileSync(f, "utf8") : f.text ?? readFileSync(f.path, "utf8")).split("\n").length, 0);
}

/** One exported function of `lines` lines: a chain of distinct scalar statements over an input vector. */
export function straightLineSource(lines: number): string {
  const body: string[] = ["  const v0 = x[0];", "  const v1 = x[1];"];
  const forms = [
    (k: number, j: number) => `v${k - 1} * x[${j}] + Math.sin(v${k - 2})`,
    (k: number, j: number) => `Math.exp(-0.01 * v${k - 1} * v${k - 1}) + x[${j}] * v${k - 2}`,
    (k: number) => `v${k - 1} / (1 + v${k - 2} * v${k - 2})`,
    (k: number, j: number) => `Math.tanh(v${k - 1} + x[${j}]) - 0.5 * v${k - 2}`,
    (k: number, j: number) => `Math.sqrt(1 + v${k - 1} * v${k - 1}) * x[${j}]`,
  ];
  // Header, two first lines, the return and the closing brace make up the rest of the count.
  const statements = lines - 5;
  for (let k = 2; k < statements + 2; k++) body.push(`  const v${k} = ${forms[k % forms.length](k, k % 16)};`);
  const last = statements + 1;
  return [
    "export function straight(x: readonly number[]): number {",
    ...body,
    `  return v${last} + v${last - 1};`,
    "}",
    "",
  ].join("\n");
}

/** `count` exported functions of about 10 lines each, with loops, branches and arrays, all distinct. */
export function manyFunctionsSource(count: number): string {
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const a = 1 + (k % 7) / 10;
    out.push(
      `export function f${k}(x: readonly number[], y: number): number {`,
      `  let s = ${k} * y;`,
      `  for (let i = 0; i + 1 < x.length; i++) {`,
      `    const d = x[i + 1] - ${a} * x[i] * y;`,
      k % 2 === 0 ? `    s += d > 0 ? d * d : Math.log1p(d * d);` : `    s += Math.sin(d) * Math.exp(-${a} * d * d);`,
      `  }`,
      `  const t = Math.tanh(s) + ${k % 3} * y * y;`,
      `  return t * t;`,
      `}`,
      ``,
    );
  }
  return out.join("\n");
}

export function formatCompileTimes(times: readonly CompileTime[]): string {
  const rows = times.map((t) => `${t.input.padEnd(30)} ${String(t.lines).padStart(6)} lines  ${t.firstSeconds.toFixed(2).padStart(6)} s first  ${t.seconds.toFixed(2).padStart(6)} s after`);
  return ["Compile time (adgen generate(), one process):", ...rows].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const times = await measureCompileTimes();
  console.log(process.argv.includes("--json") ? JSON.stringify(times) : formatCompileTimes(times));
}
