/** Verifying one source file against the generated module on disk beside it. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { DiagnosticError } from "../diagnostics.js";
import { GENERATED_HEADER_PREFIX, outputPathFor } from "../generate.js";
import { gradcheck, type GradientFunction } from "./gradcheck.js";
import type { GradientIntoFunction } from "./gradinto.js";
import { type RandomOptions, randomSamples } from "./random.js";
import { vjpcheck, type VjpFunction } from "./vjp.js";
import { type ForwardFunctions, withForwardChecks } from "./forward.js";
import type { FunctionReport } from "./report.js";
import { givenSamples, type Module, readSamplesJson, type SampleSource } from "./samples.js";
import { readSignatures, sourceCallable, type Signature } from "./signatures.js";

export interface VerifyOptions {
  rtol: number;
  /** For functions without given samples. */
  random: RandomOptions;
}

export interface VerifiedFunction extends FunctionReport {
  /** Where the samples came from; null when the function could not be checked at all. */
  sampleSource: SampleSource | null;
}

export interface FileReport {
  /** Absolute paths. */
  source: string;
  gradient: string;
  /** Why the file could not be verified at all. */
  error?: string;
  functions: VerifiedFunction[];
  pass: boolean;
}

/** A file that is not verified, e.g. because its gradient could not be generated. */
export function unverifiedFile(source: string, error: string): FileReport {
  return { source, gradient: outputPathFor(source), error, functions: [], pass: false };
}

/**
 * Loads `sourcePath` and its `.grad.ts` with tsx and checks every gradient
 * the source calls for: `<name>Grad` and `<name>GradInto` for a function
 * returning a number, `<name>Vjp` for one returning an array, tuple or
 * object. A derivative missing for a differentiable function, or one
 * without its function, means the gradient file is out of date.
 */
export async function verifyFile(sourcePath: string, options: VerifyOptions): Promise<FileReport> {
  const gradient = outputPathFor(sourcePath);
  if (!existsSync(gradient)) return unverifiedFile(sourcePath, `${path.basename(gradient)} does not exist; run adgen on ${path.basename(sourcePath)} first`);
  let signatures: Signature[];
  let source: Module;
  let generated: Module;
  let json: Record<string, unknown> | undefined;
  try {
    signatures = readSignatures(sourcePath);
    [source, generated, json] = await Promise.all([load(sourcePath), load(gradient), readSamplesJson(sourcePath)]);
  } catch (error) {
    return unverifiedFile(sourcePath, describeError(error));
  }

  const generatedByAdgen = readFileSync(gradient, "utf8").startsWith(GENERATED_HEADER_PREFIX);
  const functions = signatures.map((signature) => verifyFunction(signature, { source, generated, json, options, generatedByAdgen }));
  for (const name of Object.keys(generated)) {
    const primal = name.replace(/(Grad|GradInto|Vjp|Jvp|Hvp|HvpInto|Jacobian|JacobianRows|JacobianColumns|Hessian|HessianLeaves)$/, "");
    if (primal !== name && !signatures.some((s) => s.name === primal)) {
      functions.push(notChecked(primal, options.rtol, `${name} has no differentiable function ${primal} in the source; ${path.basename(gradient)} is out of date`));
    }
  }
  return { source: sourcePath, gradient, functions, pass: functions.every((f) => f.pass) };
}

/** What every function of one file is checked with. */
interface FileContext {
  source: Module;
  generated: Module;
  json: Record<string, unknown> | undefined;
  options: VerifyOptions;
  /** The gradient file starts with adgen's header (it was generated, and maybe edited since). */
  generatedByAdgen: boolean;
}

function verifyFunction(signature: Signature, context: FileContext): VerifiedFunction {
  const { source, generated, json, options } = context;
  const { name } = signature;
  const f = sourceCallable(source, signature);
  if (typeof f !== "function") return notChecked(name, options.rtol, `the source module exports no function ${signature.exportName}`);
  // The source's result says which derivative adgen makes; a module exporting the other kind is out of date.
  const expected = signature.vector ? `${name}Vjp` : `${name}Grad`;
  const derivative = generated[expected];
  const forward = forwardFunctionsOf(generated, name);
  // Without the gradient (generated with --derivatives that leave it out), the other derivatives are checked alone.
  if (typeof derivative !== "function" && Object.keys(forward).length === 0) {
    return notChecked(name, options.rtol, `the gradient module exports no ${expected}; it is out of date`);
  }
  const given = givenSamples(name, source, json) ?? { source: "random" as const, ...randomSamples(name, signature.parameters, options.random) };
  if ("error" in given) return { ...notChecked(name, options.rtol, given.error), sampleSource: given.source };
  const report = reverseReport(f as (...args: unknown[]) => unknown, derivative, given.samples, signature, context);
  if (!signature.wrt) return { ...report, sampleSource: given.source };
  const frozen = source[`${name}Frozen`] as ((...args: unknown[]) => (...args: unknown[]) => number) | undefined;
  const checked = withForwardChecks(report, f as (...args: unknown[]) => unknown,
    { ...forward, ...(typeof derivative === "function" ? { reverse: derivative as (...args: unknown[]) => unknown } : {}) }, given.samples, {
      name, rtol: options.rtol, parameters: signature.parameters.map((p) => p.name), wrt: signature.wrt, vector: signature.vector, seed: options.random.seed,
      ...(typeof frozen === "function" ? { frozen } : {}),
    });
  return { ...checked, sampleSource: given.source };
}

/** The Jvp, Hvp, Jacobian and Hessian the module exports for `name`. */
function forwardFunctionsOf(generated: Module, name: string): ForwardFunctions {
  const found: ForwardFunctions = {};
  for (const [key, suffix] of [["jvp", "Jvp"], ["hvp", "Hvp"], ["hessian", "Hessian"], ["jacobian", "Jacobian"]] as const) {
    const fn = generated[`${name}${suffix}`];
    if (typeof fn === "function") found[key] = fn as (...args: unknown[]) => unknown;
  }
  return found;
}

/** The gradient's or VJP's check, or an empty report when the module has neither. */
function reverseReport(f: (...args: unknown[]) => unknown, derivative: unknown, samples: unknown[][], signature: Signature, context: FileContext): FunctionReport {
  const { source, generated, options } = context;
  const { name } = signature;
  if (typeof derivative !== "function") {
    return { function: name, rtol: options.rtol, samples: samples.length, checked: 0, skipped: [], failures: [], parameters: [], pass: true };
  }
  // `<name>Frozen(...sample)` returns the function to differentiate there: a number for Grad, the result's shape for Vjp.
  const frozen = source[`${name}Frozen`] as ((...args: unknown[]) => (...args: unknown[]) => number) | undefined;
  const common = {
    name,
    rtol: options.rtol,
    parameters: signature.parameters.map((p) => p.name),
    ...(signature.wrt ? { wrt: signature.wrt } : {}),
    throwOnFailure: false,
    ...(typeof frozen === "function" ? { frozen } : {}),
  };
  if (signature.vector) return vjpcheck(f, derivative as VjpFunction<unknown[]>, samples, { ...common, seed: options.random.seed });
  const into = generated[`${name}GradInto`];
  const gradInto = typeof into === "function" ? { gradInto: into as GradientIntoFunction<unknown[]> } : {};
  const report = gradcheck(f as (...args: unknown[]) => number, derivative as GradientFunction<unknown[]>, samples, { ...common, ...gradInto });
  // adgen writes GradInto beside every Grad; only a gradient file written by hand may lack it.
  if (typeof into !== "function" && context.generatedByAdgen) {
    report.failures.push({ message: `the gradient module exports no ${name}GradInto; it is out of date` });
    report.pass = false;
  }
  return report;
}

/** A function that fails before any sample is compared. */
function notChecked(name: string, rtol: number, message: string): VerifiedFunction {
  return { function: name, rtol, samples: 0, checked: 0, skipped: [], failures: [{ message }], parameters: [], pass: false, sampleSource: null };
}

async function load(file: string): Promise<Module> {
  return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Module;
}

function describeError(error: unknown): string {
  if (error instanceof DiagnosticError) return error.diagnostics.map((d) => `${path.basename(d.file)}:${d.line}:${d.column}: ${d.message}`).join("; ");
  return error instanceof Error ? error.message : String(error);
}
