/**
 * The expected-outcome check, beside the numeric one: a program that uses a
 * construct outside the subset (unsupported.ts), or a module constant adgen
 * may not support (constants.ts), passes only if adgen either rejects it with
 * a located diagnostic or (where the program allows it) differentiates it
 * exactly. A crash, a thrown exception, a diagnostic without a place in the
 * source, or one that points nowhere near the construct, fails.
 */
import type { Diagnostic } from "../../src/diagnostics.js";

/** Columns `from` (1-based) up to `to` (exclusive) of `line`; a whole line has `to` Infinity. */
export interface Span {
  line: number;
  from: number;
  to: number;
}

export interface Expectation {
  /** `diagnostic`: adgen must reject the program; `either`: reject it, or differentiate it exactly. */
  outcome: "diagnostic" | "either";
  /** Where a diagnostic must point: at least one diagnostic starts inside one of these. */
  spans: Span[];
  /** What the program holds, for messages (`a 'switch'`, `const f_K1 = Math.random()`). */
  what: string;
}

/** Codes a rejection may carry: adgen's own, or TypeScript's errors in adgen's format. */
const CODE = /^(ADG1\d{3}|TS\d{4,5})$/;

/** Why `diagnostics` are not the located rejection `expect` asks for, or undefined when they are. */
export function diagnosticProblem(
  path: string,
  text: string,
  diagnostics: Diagnostic[],
  expect: Expectation,
): string | undefined {
  const lines = text.split("\n");
  const misplaced = diagnostics.filter((d) => {
    const line = lines[d.line - 1];
    return (
      !CODE.test(d.code) ||
      d.file !== path ||
      line === undefined ||
      d.column < 1 ||
      d.column > line.length + 1 ||
      d.sourceLine !== line
    );
  });
  if (misplaced.length > 0) return `diagnostics not located in ${path}:\n${misplaced.map(format).join("\n")}`;
  const inside = diagnostics.some((d) => expect.spans.some((s) => d.line === s.line && d.column >= s.from && d.column < s.to));
  if (!inside) {
    const where = expect.spans.map((s) => `${s.line}:${s.from}`).join(", ");
    return `no diagnostic inside ${expect.what} (at ${where}); adgen reported:\n${diagnostics.map(format).join("\n")}`;
  }
  return undefined;
}

export const format = (d: Diagnostic): string =>
  `${d.file}:${d.line}:${d.column} - error ${d.code}: ${d.message}\n    ${d.sourceLine}`;

/** Whole-line spans of the lines marked with `marker`. */
export function markedSpans(text: string, marker: string): Span[] {
  return text
    .split("\n")
    .flatMap((line, i) => (line.includes(marker) ? [{ line: i + 1, from: 1, to: Infinity }] : []));
}
