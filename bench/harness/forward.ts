/**
 * The forward-mode and second-order rows of `npm run bench`, in one process with the primal:
 *
 * - per benchmark, adgen's `<name>Jvp` / primal, `<name>Hvp` / primal and Hvp / Grad (the tangent
 *   is random, in the gradient's shape; the modules are generated into bench/<name>.<kinds>.fwd.ts);
 * - the Jacobian of a curve-fit residual (m = 1000 residuals, 5 parameters, by forward mode) / the
 *   residual function;
 * - the Hessian of the 20-parameter Rosenbrock function / one `HvpInto` (so "20 Hvp costs" is 20);
 * - jax-js (WebAssembly, float64, jitted) for the benchmarks it expresses: grad, jvp and hessian over
 *   the primal, beside TF.js's and Rose's grad from the main table.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generate } from "../../src/generate.js";
import { curveResiduals } from "../curvefit.js";
import { rosenbrock } from "../rosenbrock.js";
import { initJax, jaxRosenbrock } from "./jaxjs.js";
import { Random } from "./random.js";
import type { CaseResult } from "./report.js";
import { measure, median, pairedRatio, type Subject, type TimingOptions } from "./timing.js";
import type { BenchCase } from "./types.js";

type Fn = (...args: unknown[]) => any;
type Module = Record<string, Fn>;

/** The forward-mode rows of one benchmark. */
export interface ForwardResult {
  name: string;
  jvpOverPrimal?: number;
  hvpOverPrimal?: number;
  hvpOverGrad?: number;
  skipped?: string;
}

/** A tree shaped like `like` with random numbers in [-1, 1]. */
function randomLike(like: unknown, random: Random): unknown {
  if (typeof like === "number") return random.uniform(-1, 1);
  if (like instanceof Float64Array) return Float64Array.from(like, () => random.uniform(-1, 1));
  if (Array.isArray(like)) return like.map((v) => randomLike(v, random));
  return Object.fromEntries(Object.entries(like as object).map(([k, v]) => [k, randomLike(v, random)]));
}

/** Generates `bench/<name>.ts` with the derivatives `kinds` into bench/<name>.<kinds>.fwd.ts and loads it. */
async function derivatives(name: string, kinds: string[]): Promise<Module | string> {
  const source = fileURLToPath(new URL(`../${name}.ts`, import.meta.url));
  const result = await generate([source], { derivatives: kinds as never });
  if (result.diagnostics.length) return result.diagnostics.map((d: { message: string }) => d.message).join("; ");
  // One file per list: a module URL is imported once per process.
  const file = new URL(`../${name}.${kinds.join("-")}.fwd.ts`, import.meta.url);
  writeFileSync(file, result.outputs[0]!.text);
  return (await import(file.href)) as Module;
}

/** Ratios of each subject to the first, paired round by round. */
function ratiosToFirst(subjects: Subject[], options: TimingOptions): number[] {
  const rounds = measure(subjects, options);
  return rounds.map((r) => pairedRatio(r, rounds[0]!));
}

export async function forwardRows(cases: readonly BenchCase[], options: TimingOptions): Promise<ForwardResult[]> {
  const random = new Random(7);
  const rows: ForwardResult[] = [];
  for (const c of cases) {
    const m = await derivatives(c.name, ["grad", "jvp", "hvp"]);
    if (typeof m === "string") {
      rows.push({ name: c.name, skipped: m });
      continue;
    }
    const name = c.primal.name;
    const { grad } = m[`${name}Grad`]!(...c.args);
    const tangent = randomLike(grad, random);
    const subjects: Subject[] = [
      { label: `${c.name} primal`, run: () => c.primal(...c.args) },
      { label: `${c.name} Jvp`, run: () => m[`${name}Jvp`]!(...c.args, tangent).value },
      { label: `${c.name} Hvp`, run: () => m[`${name}Hvp`]!(...c.args, tangent).value },
      { label: `${c.name} Grad`, run: () => m[`${name}Grad`]!(...c.args).value },
    ];
    const [, jvp, hvp, gradRatio] = ratiosToFirst(subjects, options);
    rows.push({ name: c.name, jvpOverPrimal: jvp!, hvpOverPrimal: hvp!, hvpOverGrad: hvp! / gradRatio! });
  }
  return rows;
}

/** The Jacobian of 1000 curve-fit residuals in 5 parameters against the residual function. */
export async function curveFitJacobian(options: TimingOptions): Promise<number | string> {
  const m = await derivatives("curvefit", ["jacobian"]);
  if (typeof m === "string") return m;
  const random = new Random(11);
  const t = Array.from({ length: 1000 }, (_, i) => i / 100);
  const y = t.map((ti) => 2 * Math.exp(-0.3 * ti) * Math.cos(1.7 * ti + 0.2) + 0.1 + random.uniform(-0.05, 0.05));
  const p = [1.8, 0.25, 1.6, 0.1, 0];
  const [, ratio] = ratiosToFirst([
    { label: "residuals", run: () => curveResiduals(p, t, y)[0]! },
    { label: "Jacobian", run: () => m.curveResidualsJacobian!(p, t, y).jacobian[0][0] },
  ], options);
  return ratio!;
}

/** The Hessian of the 20-parameter Rosenbrock function in Hvp costs (one HvpInto each). */
export async function hessianInHvps(options: TimingOptions): Promise<number | string> {
  const m = await derivatives("rosenbrock", ["hvp", "hessian"]);
  if (typeof m === "string") return m;
  const x = Array.from({ length: 20 }, (_, i) => Math.sin(i));
  const v = { x: x.map((xi) => Math.cos(xi)) };
  const grad = { x: x.map(() => 0) };
  const hvp = { x: x.map(() => 0) };
  const [, ratio] = ratiosToFirst([
    { label: "HvpInto", run: () => m.rosenbrockHvpInto!(x, v, grad, hvp) },
    { label: "Hessian", run: () => m.rosenbrockHessian!(x).value },
  ], options);
  return ratio!;
}

/** jax-js against the primal and adgen on rosenbrock: grad and jvp at n = 1000, hessian at n = 20. */
export async function jaxRows(options: TimingOptions): Promise<Record<string, number> | string> {
  try {
    await initJax();
  } catch (error) {
    return `jax-js does not start: ${(error as Error).message}`;
  }
  const m = await derivatives("rosenbrock", ["grad", "jvp", "hvp", "hessian"]);
  if (typeof m === "string") return m;
  const jax = jaxRosenbrock();
  const random = new Random(13);
  const x = Array.from({ length: 1000 }, () => random.uniform(-2, 2));
  const v = x.map(() => random.uniform(-1, 1));
  const x20 = x.slice(0, 20);
  const [, jaxGrad, jaxJvp, adgenGrad, adgenJvp] = ratiosToFirst([
    { label: "primal", run: () => rosenbrock(x) },
    { label: "jax-js grad", run: () => jax.grad(x)[0]! },
    { label: "jax-js jvp", run: () => jax.jvp(x, v)[0]! },
    { label: "adgen grad", run: () => m.rosenbrockGrad!(x).value },
    { label: "adgen jvp", run: () => m.rosenbrockJvp!(x, { x: v }).value },
  ], options);
  const [, jaxHessian, adgenHessian] = ratiosToFirst([
    { label: "primal 20", run: () => rosenbrock(x20) },
    { label: "jax-js hessian", run: () => jax.hessian(x20)[0]! },
    { label: "adgen hessian", run: () => m.rosenbrockHessian!(x20).value },
  ], options);
  return { jaxGrad: jaxGrad!, jaxJvp: jaxJvp!, jaxHessian: jaxHessian!, adgenGrad: adgenGrad!, adgenJvp: adgenJvp!, adgenHessian: adgenHessian! };
}

/** The forward section as results.json keeps it: the rows, their medians and the targets beside each figure. */
export interface ForwardRecord {
  date: string;
  rows: ForwardResult[];
  median: { jvpOverPrimal?: number; hvpOverPrimal?: number; hvpOverGrad?: number };
  /** The curve-fit Jacobian / the residuals, or why it was not measured. */
  curveFitJacobian: number | string;
  /** The 20-parameter Rosenbrock Hessian in HvpInto costs, or why it was not measured. */
  hessianInHvps: number | string;
  jax: Record<string, number> | string;
  targets: { medianJvpOverPrimal: number; medianHvpOverPrimal: number; curveFitJacobian: number; hessianInHvps: number };
}

export function forwardRecord(date: Date, rows: ForwardResult[], curveFitJacobian: number | string, hessianInHvps: number | string,
  jax: Record<string, number> | string): ForwardRecord {
  const timed = rows.filter((r) => r.jvpOverPrimal !== undefined);
  const medianOf = (key: "jvpOverPrimal" | "hvpOverPrimal" | "hvpOverGrad") => (timed.length ? median(timed.map((r) => r[key]!)) : undefined);
  return {
    date: date.toISOString(),
    rows,
    median: { jvpOverPrimal: medianOf("jvpOverPrimal"), hvpOverPrimal: medianOf("hvpOverPrimal"), hvpOverGrad: medianOf("hvpOverGrad") },
    curveFitJacobian,
    hessianInHvps,
    jax,
    targets: { medianJvpOverPrimal: 2, medianHvpOverPrimal: 6, curveFitJacobian: 10, hessianInHvps: 25 },
  };
}

/** The lines printed after the main table. */
export function formatForward(record: ForwardRecord, main: readonly CaseResult[]): string {
  const { rows, median: mid, curveFitJacobian: curve, hessianInHvps: hessian, jax, targets } = record;
  const fmt = (x: number | undefined) => (x === undefined ? "-" : x.toPrecision(3));
  const lines = [
    `Forward mode and second order (ratios in one process; targets: median Jvp/primal <= ${targets.medianJvpOverPrimal}, median Hvp/primal <= ${targets.medianHvpOverPrimal})`,
    "  benchmark   Jvp/primal  Hvp/primal  Hvp/Grad",
    ...rows.map((r) => (r.skipped ? `  ${r.name.padEnd(10)}  skipped: ${r.skipped}` : `  ${r.name.padEnd(10)}  ${fmt(r.jvpOverPrimal).padEnd(10)}  ${fmt(r.hvpOverPrimal).padEnd(10)}  ${fmt(r.hvpOverGrad)}`)),
    `  median      ${fmt(mid.jvpOverPrimal).padEnd(10)}  ${fmt(mid.hvpOverPrimal).padEnd(10)}  ${fmt(mid.hvpOverGrad)}`,
    `Jacobian of 1000 curve-fit residuals in 5 parameters (forward mode): ${typeof curve === "number" ? `${fmt(curve)} x the residuals (target <= ${targets.curveFitJacobian})` : curve}`,
    `Hessian of the 20-parameter Rosenbrock function: ${typeof hessian === "number" ? `${fmt(hessian)} Hvp costs (target <= ${targets.hessianInHvps})` : hessian}`,
  ];
  const rosen = main.find((r) => r.name === "rosenbrock")?.ratios;
  if (typeof jax === "string") lines.push(`jax-js: ${jax}`);
  else lines.push(
    "rosenbrock against jax-js (WebAssembly, float64, jit), x primal:",
    `  grad (n = 1000):   adgen ${fmt(jax.adgenGrad)}, jax-js ${fmt(jax.jaxGrad)}, TF.js ${fmt(rosen?.tfjs)}, Rose ${fmt(rosen?.rose)}`,
    `  jvp (n = 1000):    adgen ${fmt(jax.adgenJvp)}, jax-js ${fmt(jax.jaxJvp)}`,
    `  hessian (n = 20):  adgen ${fmt(jax.adgenHessian)}, jax-js ${fmt(jax.jaxHessian)}`,
  );
  return lines.join("\n");
}
