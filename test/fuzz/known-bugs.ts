/**
 * Open compiler bugs the fuzzer has found (test/fuzz/FINDINGS.md). A failure
 * that matches one is counted as known instead of failing the run, so that
 * the fuzzer keeps looking for new bugs and the fixed-seed test stays green;
 * the bug's fixture in fixtures/fuzz/ (marked `// Status: open`) replays it as
 * an expected failure until it is fixed, and then its entry here goes.
 */
import type { Failure, Report } from "./check.js";

interface KnownBug {
  fixture: string;
  summary: string;
  /** A line of the generated module's type errors that this bug explains. */
  typeError?: RegExp;
  /** Otherwise: whether `failure`, one of `report`'s, is this bug. */
  matches?(failure: Failure, report: Report): boolean;
}

export const knownBugs: KnownBug[] = [
  {
    fixture: "fixtures/fuzz/a60169f4.ts",
    summary: "nested loops: a variable the inner loop assigns but nothing reads stays in the output (TS6133)",
    typeError: / TS6133 '\w+' is declared but its value is never read/,
  },
  {
    fixture: "fixtures/fuzz/ad595c77.ts",
    summary: "a tuple parameter's elements carried through a loop with break get the names `0` and `1` (`let 0 = t1;`)",
    matches: (failure) =>
      failure.message.startsWith("generate() threw") && /let \d+ = /.test(failure.message),
  },
  {
    fixture: "fixtures/fuzz/fc82c682.ts",
    summary: "an object chosen by `?:`: its array field's adjoint and a number's adjoint both get the name `dt`",
    typeError: / TS2322 Type 'number(\[\])?' is not assignable to type 'number(\[\])?'| TS236[235] /,
  },
  {
    fixture: "fixtures/fuzz/5bb48298.ts",
    summary: "writing an object after a branch in which a `?:` chose it for another name is rejected (ADG1002)",
    matches: (failure) => failure.message.includes("ADG1002: ") && failure.message.includes("may share its fields"),
  },
];

/** Whether a known bug explains `failure`; type errors are explained when every one of them is. */
export function isKnown(failure: Failure, report: Report): boolean {
  if (failure.message.startsWith("the generated module does not type-check")) {
    const lines = failure.message.split("\n").slice(1);
    return lines.every((line) => knownBugs.some((bug) => bug.typeError?.test(line)));
  }
  return knownBugs.some((bug) => bug.matches?.(failure, report) ?? false);
}
