/**
 * Checking one fuzzed file: generate() must accept it, its output must
 * type-check under --strict with noUnusedLocals (no dead code), and at every
 * input the generated `<name>Grad` must return exactly the source's value and,
 * away from kinks, the oracle's partial derivatives (run in a child process,
 * sandbox.ts, so that a gradient that never returns is stopped). A program with an
 * expected outcome (outcome.ts) may or must be rejected instead, with a
 * located diagnostic.
 */
import fc from "fast-check";
import { generate } from "../../src/generate.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { isKnown } from "./known-bugs.js";
import { diagnosticProblem, format, type Expectation } from "./outcome.js";
import type { ProgramShape } from "./shapes.js";
import { renderBatch, renderProgram, type EntrySignature, type RenderedProgram } from "./render.js";
import { runChecks } from "./sandbox.js";
import { typeErrors } from "./typecheck.js";
import { FUZZED_DERIVATIVES } from "./modes.js";

/** An exported function of the file and the arguments to check it at. */
export interface Case {
  entry: EntrySignature;
  inputs: unknown[][];
}

export interface Failure {
  /** The entry that fails; absent when the file as a whole does (diagnostics, a crash, type errors). */
  entry?: string;
  /** The arguments it fails at, when the failure depends on them. */
  input?: unknown[];
  message: string;
}

export interface Report {
  /** Partial derivatives that matched the oracle. */
  checked: number;
  /** Partial derivatives not compared: at a kink, or where the function is not finite. */
  skipped: number;
  failures: Failure[];
  /** The generated module, when there is one. */
  generated?: string;
  /** Programs rejected with a located diagnostic, as their expected outcome allows. */
  rejected: number;
  /** How long generate() took, in milliseconds. */
  compileMs?: number;
  /** The compile time of each large program (family-large.ts). */
  timings?: Timing[];
}

export interface Timing {
  entry: string;
  kind: string;
  size: number;
  ms: number;
}

/** What a file is held to beyond the numeric check. */
export interface CheckOptions {
  expect?: Expectation;
  /** Generate `<name>Jvp` and `<name>Hvp` too and check them (modes.ts). */
  modes?: boolean;
}

export async function checkFile(path: string, text: string, cases: Case[], options: CheckOptions = {}): Promise<Report> {
  const started = performance.now();
  const compiled = await compile(path, text, options);
  const compileMs = performance.now() - started;
  const report: Report = { checked: 0, skipped: 0, failures: [], generated: compiled.generatedText, rejected: 0, compileMs };
  if ("rejected" in compiled) {
    report.rejected += 1;
    return report;
  }
  if ("failure" in compiled) {
    // A program adgen rejects may be the fuzzer's fault: one TypeScript rejects too.
    const errors = options.expect ? [] : typeErrors(new Map([["/fuzz/programs.ts", text]]));
    const blame =
      errors.length > 0 ? `the fuzzed program is not valid TypeScript, a fuzzer bug:\n${errors.join("\n")}\n` : "";
    report.failures.push({ message: blame + compiled.failure });
    return report;
  }
  const result = await runChecks(text, compiled.generatedText, cases, options.modes === true);
  report.checked += result.checked;
  report.skipped += result.skipped;
  report.failures.push(...result.failures);
  return report;
}

/**
 * The programs the way the fuzzer checks them: those that must compile, as
 * one file; each one with an expected outcome as a file of its own.
 */
export async function checkPrograms(programs: RenderedProgram[]): Promise<Report> {
  const together = programs.filter((p) => !p.alone);
  // The programs of the supported subset are checked in every mode; those checked alone (large ones, expected diagnostics) by their gradient.
  const reports = together.length > 0 ? [await checkFile("fuzz/programs.ts", fileText(together), together, { modes: true })] : [];
  const timings: Timing[] = [];
  for (const p of programs.filter((q) => q.alone)) {
    const report = await checkFile(`fuzz/${p.entry.name}.ts`, p.text, [p], { expect: p.expect });
    report.failures.forEach((f) => (f.entry ??= p.entry.name));
    reports.push(report);
    if (p.large) timings.push({ entry: p.entry.name, ...p.large, ms: report.compileMs ?? 0 });
  }
  return {
    checked: reports.reduce((n, r) => n + r.checked, 0),
    skipped: reports.reduce((n, r) => n + r.skipped, 0),
    failures: reports.flatMap((r) => r.failures),
    generated: reports.find((r) => r.failures.length > 0)?.generated ?? reports[0]?.generated,
    rejected: reports.reduce((n, r) => n + r.rejected, 0),
    timings,
  };
}

export const fileText = (programs: RenderedProgram[]): string => programs.map((p) => p.text).join("\n");

/** The failures that are not a known open bug (known-bugs.ts). */
export const newFailures = (report: Report): Failure[] => report.failures.filter((f) => !isKnown(f, report));

/**
 * The property both runners check: every program of a batch differentiates
 * like the oracle (or meets its expected outcome), or fails only by a known
 * bug. `onReport` sees every batch, also while fast-check shrinks a failing one.
 *
 * Shrinking a batch compiles it again at each step. When the first failure
 * comes from one program that also fails in a file of its own, later runs
 * (the shrinking steps) check that program alone, which is ten times faster;
 * a failure that needs the whole file (two programs' names meeting) shrinks
 * whole batches.
 */
export function batchProperty(
  batches: fc.Arbitrary<ProgramShape[]>,
  onReport: (shapes: ProgramShape[], report: Report) => void = () => {},
) {
  let focus: number | undefined;
  // While shrinking around one program, whether each of its texts failed (most steps shrink the others).
  const failed = new Map<string, Report | undefined>();
  return fc.asyncProperty(batches, async (shapes) => {
    if (focus !== undefined) {
      const program = renderProgram(shapes[focus]!);
      if (!failed.has(program.text)) {
        const report = await checkPrograms([program]);
        onReport(shapes, report);
        failed.set(program.text, newFailures(report).length > 0 ? report : undefined);
      }
      const report = failed.get(program.text);
      if (report) throw new Error(describeFailures([program], report));
      return;
    }
    const programs = renderBatch(shapes);
    const report = await checkPrograms(programs);
    onReport(shapes, report);
    const failures = newFailures(report);
    if (failures.length === 0) return;
    focus = await failingAlone(shapes, programs, failures);
    throw new Error(describeFailures(programs, { ...report, failures }));
  });
}

/** The index of the first failing program that fails in a file of its own too, if any. */
async function failingAlone(shapes: ProgramShape[], programs: RenderedProgram[], failures: Failure[]): Promise<number | undefined> {
  for (const [i, program] of programs.entries()) {
    if (!failures.some((f) => f.entry === program.entry.name)) continue;
    const alone = await checkPrograms([renderProgram(shapes[i]!)]);
    if (newFailures(alone).length > 0) return i;
  }
  return undefined;
}

function describeFailures(programs: RenderedProgram[], report: Report): string {
  return [
    ...failureLines(report.failures),
    "",
    "program:",
    fileText(programs),
    ...(report.generated ? ["generated:", report.generated] : []),
  ].join("\n");
}

export const failureLines = (failures: Failure[]): string[] =>
  failures.map((f) => `${f.entry ?? "the file"}${f.input ? `(${f.input.map(String).join(", ")})` : ""}: ${f.message}`);

interface Accepted {
  generatedText: string;
}

type Compiled = Accepted | { failure: string; generatedText?: string } | { rejected: true; generatedText?: undefined };

async function compile(path: string, text: string, { expect, modes }: CheckOptions): Promise<Compiled> {
  let result;
  try {
    result = await generate([{ path, text }], modes ? { derivatives: FUZZED_DERIVATIVES } : {});
  } catch (e) {
    return { failure: `generate() threw: ${e instanceof Error ? e.stack : String(e)}` };
  }
  if (result.diagnostics.length > 0) return rejection(path, text, result.diagnostics, expect);
  const generatedText = result.outputs[0]?.text;
  if (generatedText === undefined) return { failure: "generate() returned neither output nor diagnostics" };
  if (expect?.outcome === "diagnostic") {
    return { failure: `adgen accepted the program, though it must reject ${expect.what}`, generatedText };
  }
  const errors = typeErrors(new Map([["/fuzz/programs.grad.ts", generatedText]]), { noUnusedLocals: true });
  if (errors.length > 0) {
    return {
      failure: `the generated module does not type-check with strict and noUnusedLocals:\n${errors.join("\n")}`,
      generatedText,
    };
  }
  return { generatedText };
}

/** Diagnostics: the expected outcome when they are located where `expect` says, else a failure. */
function rejection(path: string, text: string, diagnostics: Diagnostic[], expect?: Expectation): Compiled {
  if (!expect) {
    return { failure: `diagnostics on a program the fuzzer considers inside the subset:\n${diagnostics.map(format).join("\n")}` };
  }
  const problem = diagnosticProblem(path, text, diagnostics, expect);
  return problem === undefined ? { rejected: true } : { failure: `expected a located diagnostic: ${problem}` };
}
