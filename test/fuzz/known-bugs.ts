/**
 * Open compiler bugs the fuzzer has found (test/fuzz/FINDINGS.md). A failure
 * that matches one is counted as known instead of failing the run, so that
 * the fuzzer keeps looking for new bugs and the fixed-seed test stays green;
 * the bug's fixture in fixtures/fuzz/ (marked `// Status: open`) replays it as
 * an expected failure until it is fixed, and then its entry here goes.
 */
import type { Failure, Report } from "./check.js";

export interface KnownBug {
  fixture: string;
  summary: string;
  /** A line of the generated module's type errors that this bug explains. */
  typeError?: RegExp;
  /** Whether `failure`, one of `report`'s, is this bug (with `typeError`: a further condition on each such line). */
  matches?(failure: Failure, report: Report, line?: string): boolean;
}

export const knownBugs: KnownBug[] = [
  {
    fixture: "fixtures/fuzz/5bb48298.ts",
    summary: "a documented restriction: an object a `?:` chose for another name may not have its fields written afterwards (ADG1002)",
    matches: (failure) => failure.message.includes("ADG1002: ") && failure.message.includes("may share its fields"),
  },
];

/** The known bug that explains `failure`, if any; type errors are explained when every one of them is (by the first). */
export function knownBugOf(failure: Failure, report: Report): KnownBug | undefined {
  if (failure.message.startsWith("the generated module does not type-check")) {
    const lines = failure.message.split("\n").slice(1);
    const bugs = lines.map((line) =>
      knownBugs.find((bug) => bug.typeError?.test(line) && (bug.matches?.(failure, report, line) ?? true)),
    );
    return bugs.every((bug) => bug !== undefined) ? bugs[0] : undefined;
  }
  return knownBugs.find((bug) => !bug.typeError && (bug.matches?.(failure, report) ?? false));
}

export const isKnown = (failure: Failure, report: Report): boolean => knownBugOf(failure, report) !== undefined;
