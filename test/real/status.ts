/**
 * What adgen makes of each corpus function today, and the record of it in
 * fixtures/real/STATUS.json.
 *
 * adgen compiles a file as a whole: one rejected function leaves the whole
 * file without output. To have a verdict per function, each function is
 * compiled from a variant of its file in which it alone is exported (the
 * others keep their code, as helpers it may call); the variant keeps every
 * line and column, so its diagnostics are located in the file itself. Each
 * of those diagnostics must lie in code the function reaches, and each
 * diagnostic of the whole file must lie in code of a function that is not
 * accepted: the attribution is checked both ways.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { extname, join } from "node:path";
import type { Diagnostic } from "../../src/diagnostics.js";
import { generate } from "../../src/generate.js";
import { contains, corpusDir, isolate, reach, type CorpusFile, type CorpusFunction } from "./corpus.js";

/** accepted: a gradient is generated; rejected: diagnostics; skipped: neither (adgen passes it over); crashed: generate() threw. */
export type Verdict =
  | { status: "accepted" }
  | { status: "skipped" }
  | { status: "rejected"; codes: string[]; first: string }
  | { status: "crashed"; error: string };

export interface Judgement {
  verdict: Verdict;
  diagnostics: Diagnostic[];
  /** The generated module's text, when accepted. */
  output?: string;
  /** Its file extension (`.ts`; `.js`, `.mjs` or `.cjs`, JavaScript, for a JavaScript source). */
  extension?: string;
}

export const statusFile = join(corpusDir, "STATUS.json");

/** Per file path, per function name. */
export type StatusRecord = Record<string, Record<string, Verdict>>;

const describeDiagnostic = (d: Diagnostic) => `${d.code} ${d.line}:${d.column} ${d.message}`;

async function run(path: string, text: string): Promise<Judgement> {
  try {
    const result = await generate([{ path, text }]);
    const { diagnostics } = result;
    if (diagnostics.length > 0) {
      const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
      return { verdict: { status: "rejected", codes, first: describeDiagnostic(diagnostics[0]!) }, diagnostics };
    }
    if (result.outputs.length === 0) return { verdict: { status: "skipped" }, diagnostics };
    const { text: output, outputPath } = result.outputs[0]!;
    return { verdict: { status: "accepted" }, diagnostics, output, extension: extname(outputPath) };
  } catch (e) {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { verdict: { status: "crashed", error: error.split("\n")[0]! }, diagnostics: [] };
  }
}

/** The verdict on one function, compiled with only it exported. */
export function judgeFunction(file: CorpusFile, fn: CorpusFunction): Promise<Judgement> {
  const dot = file.path.lastIndexOf(".");
  return run(`${file.path.slice(0, dot)}.only-${fn.name}${file.path.slice(dot)}`, isolate(file, fn));
}

/** The verdict on the file as it is. */
export function judgeFile(file: CorpusFile): Promise<Judgement> {
  return run(file.path, file.text);
}

/** The isolated diagnostics of `fn` that lie outside the code it reaches (a misattribution: should be none). */
export function strayDiagnostics(file: CorpusFile, fn: CorpusFunction, judgement: Judgement): Diagnostic[] {
  const reached = reach(file, fn);
  return judgement.diagnostics.filter((d) => !contains(file, reached, d.line, d.column));
}

/** The functions whose reached code holds the diagnostic. */
export function attribute(file: CorpusFile, d: Diagnostic): CorpusFunction[] {
  // A rule for exported functions only (ADG1011: an optional parameter without a default) concerns the function it is on, not its callers.
  if (d.code === "ADG1011") {
    const own = file.functions.filter((fn) => contains(file, [fn.node], d.line, d.column));
    if (own.length > 0) return own;
  }
  return file.functions.filter((fn) => contains(file, reach(file, fn), d.line, d.column));
}

export function readStatus(): StatusRecord {
  return existsSync(statusFile) ? (JSON.parse(readFileSync(statusFile, "utf8")) as StatusRecord) : {};
}

export function writeStatus(record: StatusRecord): void {
  const sorted = Object.fromEntries(Object.keys(record).sort().map((file) => [file, record[file]!]));
  writeFileSync(statusFile, `${JSON.stringify(sorted, null, 2)}\n`);
}

/**
 * What must match the record: the status, and for a rejection the set of
 * codes (the first diagnostic's text is kept for readers, not compared; so
 * is a crash's message).
 */
export function comparable(verdict: Verdict | undefined): unknown {
  if (verdict === undefined) return undefined;
  return verdict.status === "rejected" ? { status: verdict.status, codes: verdict.codes } : { status: verdict.status };
}
