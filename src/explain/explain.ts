/**
 * `adgen explain`, the programmatic side: a function of a source file at a
 * point, its trace (the primitive operations run there), the backward pass
 * over it, the picture model, and the check against the generated gradient.
 */
import { copyOf } from "../verify/coordinates.js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { backwardPass, type BackwardPass } from "./backward.js";
import { EvaluationError, traceFunction, type Externals, type Runtime, type Trace } from "./evaluate.js";
import { checkGradient, type GradientCheck } from "./check.js";
import { buildGraph, type Expand, type ExplainGraph } from "./graph.js";
import { InputError, irArguments, parseAt } from "./inputs.js";
import { importGenerated, importSource, loadExternals, LoadError, type Module } from "./load.js";
import { compileSource, externalCalls, gradientModuleText, recursiveFunctions, type CompiledFunction, type Diagnostic } from "./pipeline.js";

export interface ExplainOptions {
  /** The function to explain; by default the only (or first) differentiable one. */
  fn?: string;
  /** `x=2,y=0.5`: the point (missing names from the first sample). */
  at?: string;
  /** The index of a `<fn>Samples` entry; by default 0 when there is no `at`. */
  sample?: number;
  /** Expand the first N trips of each loop. */
  unroll?: number;
  /** Whether inlined helpers show as one node each ("auto": when the graph is large). */
  expand?: Expand;
}

export interface Explanation {
  sourcePath: string;
  fn: CompiledFunction;
  /** The source's arguments at the point. */
  args: unknown[];
  trace: Trace;
  backward: BackwardPass;
  graph: ExplainGraph;
  check: GradientCheck;
  /** The source module, loaded (the step-size study calls the function itself). */
  module: Module;
}

/** A problem with the command's request (unknown function, bad point), reported as a usage error. */
export class ExplainError extends Error {}

export type ExplainResult = { explanation: Explanation } | { diagnostics: Diagnostic[] };

/**
 * The generated gradient module of a source text, generated and loaded once
 * per text in a process (explaining several functions of a file, or one at
 * several points, generates it once).
 */
const gradientModules = new Map<string, Promise<{ module: Module } | { diagnostics: Diagnostic[] }>>();

function gradientModule(sourcePath: string, text: string): Promise<{ module: Module } | { diagnostics: Diagnostic[] }> {
  const key = `${path.resolve(sourcePath)}\0${text}`;
  let found = gradientModules.get(key);
  if (!found) {
    found = gradientModuleText(sourcePath, text).then(async (g) => ("diagnostics" in g ? g : { module: await importGenerated(sourcePath, withLocalExports(g.text)) }));
    gradientModules.set(key, found);
  }
  return found;
}

/** The module's text with its functions that are not exported (a recursive function's `<name>Partials`) exported too, for explain to call. */
function withLocalExports(text: string): string {
  const local = [...text.matchAll(/^function (\w+)\(/gm)].map((m) => m[1]!);
  return local.length ? `${text}\nexport { ${local.join(", ")} };\n` : text;
}

export async function explain(sourcePath: string, options: ExplainOptions = {}): Promise<ExplainResult> {
  const text = readFileSync(sourcePath, "utf8");
  const generated = await gradientModule(sourcePath, text);
  if ("diagnostics" in generated) return { diagnostics: generated.diagnostics };
  const compiled = compileSource(sourcePath, text);
  if ("diagnostics" in compiled) return { diagnostics: compiled.diagnostics };
  const fn = chooseFunction(compiled.functions, options.fn);
  try {
    const module = await importSource(sourcePath);
    const args = pointOf(fn, module, options);
    const externals = new Map(await loadExternals(sourcePath, externalCalls(fn.primal)));
    for (const [key, name] of recursiveFunctions(fn.primal)) externals.set(key, generated.module[name] as (...args: unknown[]) => unknown);
    const { trace, backward } = runAt(fn, args, externals);
    const graph = buildGraph(fn, trace, backward, compiled.scopes, { unroll: options.unroll ?? 0, expand: options.expand ?? "auto" });
    const value = (module[fn.exportName] as (...a: unknown[]) => unknown)(...copyOf(args));
    const shown = fn.primal.params.map((_, i) => graph.inputs.find((s) => s.param === i)?.total);
    const check = checkGradient(fn, args, value, shown, generated.module);
    return { explanation: { sourcePath, fn, args, trace, backward, graph, check, module } };
  } catch (e) {
    if (e instanceof InputError || e instanceof LoadError || e instanceof EvaluationError) throw new ExplainError(e.message);
    throw e;
  }
}

/** Runs the function at the source arguments `args` and the backward pass over what ran. */
export function runAt(fn: CompiledFunction, args: unknown[], externals: Externals): { trace: Trace; backward: BackwardPass } {
  const values: Runtime[] = irArguments(fn.primal, fn.parameterNames, args);
  const trace = traceFunction(fn.primal.body, fn.primal.params.map((p) => p.value), values, externals);
  return { trace, backward: backwardPass(trace, externals) };
}

function chooseFunction(functions: CompiledFunction[], name: string | undefined): CompiledFunction {
  if (functions.length === 0) throw new ExplainError("the file has no exported function that returns numbers");
  if (name === undefined) return functions[0]!;
  const found = functions.find((f) => f.name === name);
  if (!found) throw new ExplainError(`no differentiable function '${name}' in the file (there are: ${functions.map((f) => f.name).join(", ")})`);
  return found;
}

/** The source arguments: `--at`, else sample `--sample` (default 0) of `<fn>Samples`. */
function pointOf(fn: CompiledFunction, module: Module, options: ExplainOptions): unknown[] {
  const samples = module[`${fn.name}Samples`];
  const list = Array.isArray(samples) ? (samples as unknown[][]) : undefined;
  const index = options.sample ?? 0;
  if (options.sample !== undefined && !list?.[index]) {
    throw new ExplainError(`${fn.name}Samples has no sample ${index}${list ? ` (it has ${list.length})` : " (the source exports no samples)"}`);
  }
  const sample = list?.[index] ? copyOf(list[index]) : undefined;
  if (options.at !== undefined) return parseAt(options.at, fn.parameterNames, sample);
  if (!sample) throw new ExplainError(`give the point with --at (e.g. --at ${fn.parameterNames.map((n) => `${n}=1`).join(",")}); the source exports no ${fn.name}Samples`);
  return sample;
}
