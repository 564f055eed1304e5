/**
 * Checking one fuzzed file: generate() must accept it, its output must
 * type-check under --strict with noUnusedLocals (no dead code), and at every
 * input the generated `<name>Grad` must return exactly the source's value and,
 * away from kinks, the oracle's partial derivatives.
 */
import fc from "fast-check";
import { generate } from "../../src/generate.js";
import { checkInput, type GradFunction, type SourceFunction } from "./compare.js";
import type { DerivativeKind } from "../../src/config/derivatives.js";
import { checkModes } from "./modes.js";
import { isKnown } from "./known-bugs.js";
import { loadModule, type Module } from "./load.js";
import { batchArbitrary } from "./programs.js";
import { renderBatch, type EntrySignature, type RenderedProgram } from "./render.js";
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

/** `modes`: also generate and check each entry's Jvp and Hvp (modes.ts). */
export interface CheckOptions {
  modes?: boolean;
}

export async function checkFile(path: string, text: string, cases: Case[], options: CheckOptions = {}): Promise<Report> {
  const compiled = await compile(path, text, options.modes ? ["grad", "jvp", "hvp"] : undefined);
  const report: Report = { checked: 0, skipped: 0, failures: [], generated: compiled.generatedText };
  if ("failure" in compiled) {
    // A program adgen rejects may be the fuzzer's fault: one TypeScript rejects too.
    const errors = typeErrors(new Map([["/fuzz/programs.ts", text]]));
    const blame =
      errors.length > 0 ? `the fuzzed program is not valid TypeScript, a fuzzer bug:\n${errors.join("\n")}\n` : "";
    report.failures.push({ message: blame + compiled.failure });
    return report;
  }
  for (const { entry, inputs } of cases) {
    const f = compiled.source[entry.name] as SourceFunction;
    const g = compiled.generated[`${entry.name}Grad`] as GradFunction | undefined;
    if (typeof g !== "function") {
      report.failures.push({ entry: entry.name, message: `the generated module exports no ${entry.name}Grad` });
      continue;
    }
    for (const input of inputs) {
      try {
        checkInput(f, g, entry, input, report);
        if (options.modes) checkModes(g, compiled.generated[`${entry.name}Jvp`] as never, compiled.generated[`${entry.name}Hvp`] as never, entry, input, report);
      } catch (e) {
        report.failures.push({
          entry: entry.name,
          input,
          message: `threw ${e instanceof Error ? e.stack : String(e)}`,
        });
      }
    }
  }
  return report;
}

/** The programs as one file, the way the fuzzer checks them. */
export const checkPrograms = (programs: RenderedProgram[], options: CheckOptions = {}): Promise<Report> =>
  checkFile("fuzz/programs.ts", fileText(programs), programs, options);

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
  options: CheckOptions = {},
) {
  return fc.asyncProperty(batchArbitrary(size), async (shapes) => {
    const programs = renderBatch(shapes);
    const report = await checkPrograms(programs, options);
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

type Compiled =
  { source: Module; generated: Module; generatedText: string } | { failure: string; generatedText?: string };

async function compile(path: string, text: string, derivatives?: DerivativeKind[]): Promise<Compiled> {
  let result;
  try {
    result = await generate([{ path, text }], derivatives ? { derivatives } : {});
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
  let source;
  try {
    source = await loadModule(text);
  } catch (e) {
    return { failure: `the fuzzed source does not load, a fuzzer bug: ${String(e)}` };
  }
  try {
    return { source, generated: await loadModule(generatedText), generatedText };
  } catch (e) {
    return { failure: `the generated module does not load: ${String(e)}`, generatedText };
  }
}
