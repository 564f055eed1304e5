/**
 * `npm run bench`: regenerates the gradients of bench/*.ts, checks every gradient, times the primal,
 * adgen's gradient, the hand-written one, central finite differences, TensorFlow.js and Rose in one process,
 * prints a table, then the checkpointing benchmark (harness/checkpoint.ts), times compilation (./compile.ts),
 * and writes bench/results.json.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type CompileTime, formatCompileTimes } from "./compile.js";
import { suite } from "./harness/cases.js";
import { checkCase } from "./harness/check.js";
import { checkpointBenchmark, formatCheckpoint, type CheckpointResult } from "./harness/checkpoint.js";
import { centralDifferences, numberSlots } from "./harness/fd.js";
import { generateGradients } from "./harness/generate.js";
import { curveFitJacobian, formatForward, forwardRecord, forwardRows, hessianInHvps, jaxRows, type ForwardRecord } from "./harness/forward.js";
import { type CaseResult, formatTable, resultsJson, summarise } from "./harness/report.js";
import { initTfjs } from "./harness/tfjs.js";
import { estimate, measure, median, pairedRatio, type Subject, type TimingOptions } from "./harness/timing.js";
import type { BenchCase, GradFn } from "./harness/types.js";

const options: TimingOptions = { rounds: 31, batchMs: 20, warmupMs: 300 };
/** Finite differences are timed directly when one gradient by them is estimated to take at most this long. */
const FD_MEASURE_LIMIT_MS = 25;

async function main(): Promise<void> {
  await initTfjs();
  // `npm run bench -- lstm ba` runs only the benchmarks named, skips compile times and leaves results.json alone.
  // `npm run bench -- forward` runs only the forward-mode and second-order rows.
  const only = process.argv.slice(2);
  const all = await suite();
  // `npm run bench -- forward` and `npm run bench -- checkpoint` run only that section and record it alone in results.json.
  if (only.length === 1 && only[0] === "forward") {
    recordSection("forward", await forwardSection(all, [], new Date()));
    return;
  }
  if (only.length === 1 && only[0] === "checkpoint") {
    recordSection("checkpointing", await checkpointSection(new Date()));
    return;
  }
  const cases = all.filter((c) => only.length === 0 || only.includes(c.name));
  log("generating gradients with adgen ...");
  const failures = generateGradients(cases.map((c) => c.name));
  const results: Result[] = [];
  for (const c of cases) {
    log(`${c.name} ...`);
    const failure = failures.get(c.name);
    results.push(failure ? skip(c, `adgen could not differentiate bench/${c.name}.ts:\n${failure}`) : await runCase(c));
  }
  const summary = summarise(results);
  const date = new Date();
  console.log(formatTable(results, summary, date));
  for (const r of results) {
    if (r.into) console.log(`GradInto (into the caller's buffers), ${r.name}: ${r.into.overPrimal.toPrecision(3)} x primal, ${r.into.overGrad.toPrecision(3)} x Grad`);
  }
  const forward = await forwardSection(cases, results, date);
  if (only.length > 0) return;
  const checkpointing = await checkpointSection(date);
  log("compile time ...");
  const compileTimes = measureCompileTimesApart();
  console.log(`\n${formatCompileTimes(compileTimes)}`);
  const settings = { ...options, fdMeasureLimitMs: FD_MEASURE_LIMIT_MS };
  writeFileSync(new URL("results.json", import.meta.url), resultsJson(results, summary, date, settings, compileTimes, { forward, checkpointing }));
}

/** Replaces one section of results.json, keeping the others. */
function recordSection(key: string, section: object): void {
  const file = new URL("results.json", import.meta.url);
  const record = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  writeFileSync(file, `${JSON.stringify({ ...record, [key]: section }, null, 2)}\n`);
}

/** The mass-spring chain over 100,000 steps, taped and checkpointed (harness/checkpoint.ts). */
async function checkpointSection(date: Date): Promise<CheckpointResult & { date: string }> {
  log("checkpointing ...");
  const failure = generateGradients(["checkpoint"]).get("checkpoint");
  if (failure) throw new Error(`adgen could not differentiate bench/checkpoint.ts:\n${failure}`);
  const result = await checkpointBenchmark(options);
  console.log(`\n${formatCheckpoint(result, date)}`);
  return { date: date.toISOString(), ...result };
}

/** The forward-mode and second-order rows (harness/forward.ts), printed; their record for results.json. */
async function forwardSection(cases: readonly BenchCase[], results: readonly CaseResult[], date: Date): Promise<ForwardRecord> {
  log("forward mode and second order ...");
  const record = forwardRecord(date, await forwardRows(cases, options), await curveFitJacobian(options), await hessianInHvps(options), await jaxRows(options));
  console.log(`\n${formatForward(record, results)}`);
  return record;
}

/** A result with adgen's `<name>GradInto` timed too: ratios to the primal and to `<name>Grad`. */
type Result = CaseResult & { into?: { msPerCall: number; overPrimal: number; overGrad: number } };

async function runCase(c: BenchCase): Promise<Result> {
  const adgen = await loadGradient(c);
  if (typeof adgen === "string") return skip(c, adgen);
  const into = await loadInto(c, adgen);
  const problem = checkCase(c, adgen);
  if (problem) return skip(c, problem);

  const wrt = Object.keys(adgen(...c.args).grad).map((name) => c.parameters.indexOf(name));
  const slots = numberSlots(c.args, wrt);
  const primal: Subject = { label: `${c.name} primal`, run: () => c.primal(...c.args) };
  const fdMeasured = 2 * slots.length * estimate(primal, options) <= FD_MEASURE_LIMIT_MS;
  const subjects: Record<string, Subject> = {
    primal,
    adgen: gradientSubject(`${c.name} adgen`, adgen, c.args),
    ...(into && { into }),
    ...(c.hand && { hand: gradientSubject(`${c.name} hand-written`, c.hand, c.args) }),
    ...(fdMeasured && { fd: { label: `${c.name} finite differences`, run: () => centralDifferences(c.primal, c.args, slots)[0] } }),
    ...(c.tfjs && { tfjs: gradientSubject(`${c.name} TensorFlow.js`, c.tfjs.grad, c.tfjs.args) }),
    ...(c.rose && { rose: gradientSubject(`${c.name} Rose`, c.rose.grad, c.rose.args) }),
  };
  const samples = measure(Object.values(subjects), options);
  const rounds: Record<string, number[] | undefined> = Object.fromEntries(Object.keys(subjects).map((key, i) => [key, samples[i]]));
  const time = (key: string): number | undefined => rounds[key] && median(rounds[key]);
  const ratio = (key: string, base: string): number | undefined => rounds[key] && rounds[base] && pairedRatio(rounds[key], rounds[base]);
  const primalMs = time("primal")!;
  return {
    name: c.name,
    size: c.size,
    parameters: slots.length,
    msPerCall: { primal: primalMs, adgen: time("adgen")!, hand: time("hand"), fd: time("fd") ?? 2 * slots.length * primalMs, tfjs: time("tfjs"), rose: time("rose") },
    fdMethod: fdMeasured ? "measured" : "estimated",
    ratios: {
      adgen: ratio("adgen", "primal")!,
      hand: ratio("hand", "primal"),
      adgenOverHand: ratio("adgen", "hand"),
      fd: ratio("fd", "primal") ?? 2 * slots.length,
      tfjs: ratio("tfjs", "primal"),
      rose: ratio("rose", "primal"),
    },
    ...(into && { into: { msPerCall: time("into")!, overPrimal: ratio("into", "primal")!, overGrad: ratio("into", "adgen")! } }),
  };
}

/** Compile times from a process of their own, with V8's default flags (see package.json for this one's). */
function measureCompileTimesApart(): CompileTime[] {
  const script = fileURLToPath(new URL("compile.ts", import.meta.url));
  const root = fileURLToPath(new URL("..", import.meta.url));
  const run = spawnSync(process.execPath, ["--import", "tsx", script, "--json"], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`bench/compile.ts failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as CompileTime[];
}

/** adgen's `<name>GradInto`, adding into zeroed buffers shaped like `<name>Grad`'s result (never reset: it accumulates). */
async function loadInto(c: BenchCase, adgen: GradFn): Promise<Subject | undefined> {
  const module = (await import(new URL(`${c.name}.grad.ts`, import.meta.url).href)) as Record<string, unknown>;
  const into = module[`${c.primal.name}GradInto`];
  if (typeof into !== "function") return undefined;
  const zeroed = (v: unknown): unknown =>
    typeof v === "number" ? 0 : v instanceof Float64Array ? new Float64Array(v.length) : Array.isArray(v) && Array.isArray(v[0]) ? v.map(zeroed) : new Array<number>((v as number[]).length).fill(0);
  const buffers = Object.fromEntries(Object.entries(adgen(...c.args).grad).map(([k, v]) => [k, zeroed(v)]));
  const args = [...c.args, buffers];
  return { label: `${c.name} adgen GradInto`, run: () => (into as (...a: unknown[]) => number)(...args) };
}

/** adgen's `<name>Grad` from bench/<name>.grad.ts, or why it cannot be had. */
async function loadGradient(c: BenchCase): Promise<GradFn | string> {
  const exportName = `${c.primal.name}Grad`;
  const module = (await import(new URL(`${c.name}.grad.ts`, import.meta.url).href)) as Record<string, unknown>;
  const grad = module[exportName];
  return typeof grad === "function" ? (grad as GradFn) : `bench/${c.name}.grad.ts does not export ${exportName}`;
}

function gradientSubject(label: string, grad: GradFn, args: unknown[]): Subject {
  return { label, run: () => grad(...args).value };
}

function skip(c: BenchCase, reason: string): CaseResult {
  log(`  skipped: ${reason}`);
  return { name: c.name, size: c.size, skipped: reason };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

await main();
