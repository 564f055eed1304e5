/**
 * Regression fixtures: every failure the fuzzer finds is kept as
 * `fixtures/fuzz/<hash>.ts`, the program followed by `<name>Samples` (the
 * failing arguments) and, when the default `@wrt` must leave parameters out,
 * `<name>LeftOut`. test/fuzz.test.ts replays every fixture: a new one fails
 * until it is triaged; `// Status: open` marks a confirmed compiler bug not
 * fixed yet, whose replay is expected to fail; `fixed` ones must pass.
 *
 * A program with an expected outcome (outcome.ts) keeps it in a header line
 * `// Expect: {"outcome": ..., "spans": [[line, from, to], ...], "what": ...}`
 * (lines of the fixture file; `to` null for a whole line); replays hold it
 * to that as the fuzzer did.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { failureLines, fileText, type Case, type CheckOptions, type Failure } from "./check.js";
import type { Expectation } from "./outcome.js";
import { loadModule } from "./load.js";
import type { EntrySignature, Parameter, RenderedProgram } from "./render.js";

const directory = fileURLToPath(new URL("../../fixtures/fuzz/", import.meta.url));

export interface RegressionFixture {
  /** Repository-relative path. */
  path: string;
  text: string;
  /** Marked `// Status: open`: a known compiler bug, expected to fail until it is fixed. */
  open: boolean;
  cases: Case[];
  /** The expected outcome, from the `Expect:` line. */
  options: CheckOptions;
}

export async function listRegressionFixtures(): Promise<RegressionFixture[]> {
  if (!existsSync(directory)) return [];
  const names = readdirSync(directory).filter((name) => name.endsWith(".ts") && !name.endsWith(".grad.ts"));
  return Promise.all(
    names.sort().map(async (name) => {
      const text = readFileSync(join(directory, name), "utf8");
      return {
        path: `fixtures/fuzz/${name}`,
        text,
        open: /^\/\/ Status: open\b/m.test(text),
        cases: await readCases(text),
        options: readOptions(text),
      };
    }),
  );
}

/** Writes the programs with the failing inputs as a fixture; returns its path. Inputs of an entry without failing inputs are all kept. */
export function writeRegressionFixture(programs: RenderedProgram[], failures: Failure[], origin: string): string {
  const program = fileText(programs);
  const exports = programs.flatMap(({ entry, inputs }) => {
    const failing = failures.filter((f) => f.entry === entry.name && f.input).map((f) => f.input!);
    const samples = [...new Set((failing.length > 0 ? failing : inputs).map(argumentList))];
    return [
      `export const ${entry.name}Samples: Parameters<typeof ${entry.name}>[] = [${samples.join(", ")}];`,
      ...(entry.wrt || entry.leftOut.length === 0
        ? []
        : [`export const ${entry.name}LeftOut = ${JSON.stringify(entry.leftOut)};`]),
    ];
  });
  const alone = programs.length === 1 ? programs[0] : undefined;
  const header = [
    `// Found by the fuzzer (${origin}) on ${new Date().toISOString().slice(0, 10)}.`,
    "// Status: new. Triage: a compiler bug gets `open` and a FINDINGS.md entry; a fuzzer bug is fixed and this file goes.",
    ...failureLines(failures)
      .flatMap((line) => line.split("\n"))
      .slice(0, 12)
      .map((line) => `//   ${line.slice(0, 300)}`),
  ];
  // The program starts after the header, the option line and a blank line.
  const shift = header.length + 2;
  const spans = alone?.expect?.spans.map((s) => [s.line + shift, s.from, Number.isFinite(s.to) ? s.to : null]);
  header.push(`// Expect: ${alone?.expect ? JSON.stringify({ ...alone.expect, spans }) : "null"}`);
  const text = [...header, "", program, ...exports, ""].join("\n");
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${createHash("sha256").update(program).digest("hex").slice(0, 8)}.ts`);
  writeFileSync(path, text);
  return path;
}

/** `[0.5, true, [1, 2], new Float64Array([3]), { p: 1 }]`, with every number written so that it reads back exactly. */
function argumentList(args: ArrayLike<unknown>): string {
  return `[${Array.from(args, argumentText).join(", ")}]`;
}

function argumentText(a: unknown): string {
  if (a instanceof Float64Array) return `new Float64Array(${argumentList(a)})`;
  if (Array.isArray(a)) return argumentList(a);
  if (typeof a === "object" && a !== null) {
    return `{ ${Object.entries(a).map(([key, value]) => `${key}: ${argumentText(value)}`).join(", ")} }`;
  }
  return Object.is(a, -0) ? "-0" : String(a);
}

/** The `Expect:` header line. */
function readOptions(text: string): CheckOptions {
  const line = (key: string) => JSON.parse(new RegExp(`^// ${key}: (.*)$`, "m").exec(text)?.[1] ?? "null");
  const expect = line("Expect") as (Omit<Expectation, "spans"> & { spans: [number, number, number | null][] }) | null;
  return {
    ...(expect && { expect: { ...expect, spans: expect.spans.map(([l, from, to]) => ({ line: l, from, to: to ?? Infinity })) } }),
  };
}

/**
 * The exported functions that have `<name>Samples`, with their signatures
 * read from the source; none when the module throws as it loads (a program
 * adgen must reject because it does).
 */
async function readCases(text: string): Promise<Case[]> {
  let module;
  try {
    module = await loadModule(text);
  } catch {
    return [];
  }
  const source = ts.createSourceFile("fixture.ts", text, ts.ScriptTarget.ES2022, true);
  return source.statements.filter(ts.isFunctionDeclaration).flatMap((fn) => {
    const name = fn.name?.text;
    const inputs = name && (module[`${name}Samples`] as unknown[][] | undefined);
    if (!name || !inputs) return [];
    const params: Parameter[] = fn.parameters.map((p) => ({
      name: p.name.getText(source),
      type: (p.type?.getText(source) ?? "number") as Parameter["type"],
    }));
    const tag = ts.getJSDocTags(fn).find((t) => t.tagName.text === "wrt");
    const wrt = typeof tag?.comment === "string" ? tag.comment.split(/[\s,]+/).filter(Boolean) : undefined;
    const entry: EntrySignature = {
      name,
      params,
      ...(wrt && { wrt }),
      leftOut: (module[`${name}LeftOut`] as string[] | undefined) ?? [],
    };
    return [{ entry, inputs }];
  });
}
