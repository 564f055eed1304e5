/**
 * Checking one fuzzed file: generate() must accept it, its output must
 * type-check under --strict with noUnusedLocals (no dead code), and at every
 * input the generated `<name>Grad` must return exactly the source's value and,
 * away from kinks, the oracle's partial derivatives (run in a child process,
 * sandbox.ts, so that a gradient that never returns is stopped).
 */
import fc from "fast-check";
import { generate } from "../../src/generate.js";
import { isKnown } from "./known-bugs.js";
import { batchArbitrary } from "./programs.js";
import { renderBatch, type EntrySignature, type RenderedProgram } from "./render.js";
import { runChecks } from "./sandbox.js";
import { typeErrors } from "./typecheck.js";

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
}

export async function checkFile(path: string, text: string, cases: Case[]): Promise<Report> {
  const compiled = await compile(path, text);
  const report: Report = { checked: 0, skipped: 0, failures: [], generated: compiled.generatedText };
  if ("failure" in compiled) {
    // A program adgen rejects may be the fuzzer's fault: one TypeScript rejects too.
    const errors = typeErrors(new Map([["/fuzz/programs.ts", text]]));
    const blame =
      errors.length > 0 ? `the fuzzed program is not valid TypeScript, a fuzzer bug:\n${errors.join("\n")}\n` : "";
    report.failures.push({ message: blame + compiled.failure });
    return report;
  }
  const result = await runChecks(text, compiled.generatedText, cases);
  report.checked += result.checked;
  report.skipped += result.skipped;
  report.failures.push(...result.failures);
  return report;
}

/** The programs as one file, the way the fuzzer checks them. */
export const checkPrograms = (programs: RenderedProgram[]): Promise<Report> =>
  checkFile("fuzz/programs.ts", fileText(programs), programs);

export const fileText = (programs: RenderedProgram[]): string => programs.map((p) => p.text).join("\n");

/** The failures that are not a known open bug (known-bugs.ts). */
export const newFailures = (report: Report): Failure[] => report.failures.filter((f) => !isKnown(f, report));

/**
 * The property both runners check: every program of a batch of `size`
 * differentiates like the oracle, or fails only by a known bug. `onReport`
 * sees every batch, also while fast-check shrinks a failing one.
 */
export function batchProperty(
  size: number,
  onReport: (programs: RenderedProgram[], report: Report) => void = () => {},
) {
  return fc.asyncProperty(batchArbitrary(size), async (shapes) => {
    const programs = renderBatch(shapes);
    const report = await checkPrograms(programs);
    onReport(programs, report);
    const failures = newFailures(report);
    if (failures.length > 0) throw new Error(describeFailures(fileText(programs), { ...report, failures }));
  });
}

function describeFailures(text: string, report: Report): string {
  return [
    ...failureLines(report.failures),
    "",
    "program:",
    text,
    ...(report.generated ? ["generated:", report.generated] : []),
  ].join("\n");
}

export const failureLines = (failures: Failure[]): string[] =>
  failures.map((f) => `${f.entry ?? "the file"}${f.input ? `(${f.input.map(String).join(", ")})` : ""}: ${f.message}`);

type Compiled = { generatedText: string } | { failure: string; generatedText?: string };

async function compile(path: string, text: string): Promise<Compiled> {
  let result;
  try {
    result = await generate([{ path, text }]);
  } catch (e) {
    return { failure: `generate() threw: ${e instanceof Error ? e.stack : String(e)}` };
  }
  if (result.diagnostics.length > 0) {
    const lines = result.diagnostics.map(
      (d) => `${d.file}:${d.line}:${d.column} - error ${d.code}: ${d.message}\n    ${d.sourceLine}`,
    );
    return { failure: `diagnostics on a program the fuzzer considers inside the subset:\n${lines.join("\n")}` };
  }
  const generatedText = result.outputs[0]?.text;
  if (generatedText === undefined) return { failure: "generate() returned neither output nor diagnostics" };
  const errors = typeErrors(new Map([["/fuzz/programs.grad.ts", generatedText]]), { noUnusedLocals: true });
  if (errors.length > 0) {
    return {
      failure: `the generated module does not type-check with strict and noUnusedLocals:\n${errors.join("\n")}`,
      generatedText,
    };
  }
  return { generatedText };
}
