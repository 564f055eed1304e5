/**
 * The tables of fixtures/real/README.md that are computed from the corpus:
 * the idioms each file uses, and how many functions use each idiom. The
 * README keeps them between marker comments; the test requires them to be
 * what the corpus gives (UPDATE_STATUS=1 rewrites them).
 */
import type ts from "typescript";
import type { CorpusFile } from "./corpus.js";
import { IDIOMS, idiomsOf, type Idiom } from "./idioms.js";

export const START = "<!-- idioms: computed by test/real.test.ts -->";
export const END = "<!-- /idioms -->";

/** Each corpus function's idioms, keyed `file: function`. */
export function idiomsByFunction(corpus: CorpusFile[], program: ts.Program): Map<string, Set<Idiom>> {
  const result = new Map<string, Set<Idiom>>();
  for (const file of corpus) for (const fn of file.functions) result.set(`${file.path}: ${fn.name}`, idiomsOf(file, fn, program));
  return result;
}

const ordered = (set: Set<Idiom>) => (Object.keys(IDIOMS) as Idiom[]).filter((i) => set.has(i));

export function renderTables(corpus: CorpusFile[], byFunction: Map<string, Set<Idiom>>): string {
  const lines = ["| file | functions | idioms |", "| --- | --- | --- |"];
  for (const file of corpus) {
    const used = new Set(file.functions.flatMap((fn) => [...byFunction.get(`${file.path}: ${fn.name}`)!]));
    const name = file.path.slice("fixtures/real/".length);
    lines.push(`| \`${name}\` | ${file.functions.map((fn) => fn.name).join(", ")} | ${ordered(used).map((i) => IDIOMS[i]).join(", ")} |`);
  }
  lines.push("", "| idiom | functions using it |", "| --- | --- |");
  for (const idiom of Object.keys(IDIOMS) as Idiom[]) {
    const count = [...byFunction.values()].filter((set) => set.has(idiom)).length;
    lines.push(`| ${IDIOMS[idiom]} | ${count} |`);
  }
  return [START, ...lines, END].join("\n");
}

/** The README with its computed section replaced. */
export function withTables(readme: string, tables: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error("fixtures/real/README.md has no idiom tables section");
  return readme.slice(0, start) + tables + readme.slice(end + END.length);
}
