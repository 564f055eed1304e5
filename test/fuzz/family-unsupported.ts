/**
 * Family `unsupported`: a program of the subset with one construct adgen
 * rejects put first in its entry (or, for function shapes, a helper before
 * it that the entry calls): `switch`, `try`, `var`, labels, `for...in`,
 * assignments and `++` as values, bitwise operators, strings, closures,
 * classes, `throw`, calls to anything but Math and the project, `new Map`,
 * spread and rest, `in`, `typeof`, recursion, optional, default and generic
 * parameters, `async`, and more. The construct works on a copy of a
 * parameter (`let q0 = x;`).
 *
 * The program is checked alone and passes only if adgen rejects it with a
 * located diagnostic (outcome.ts) on one of the construct's lines, marked
 * with MARKER. Constructs adgen may accept (`either`: some it came to
 * support, such as bitwise operators, `var`, assignments and `++` as values,
 * optional and default parameters, closures, nested functions, `map`,
 * `slice(start)`, spread, `switch`, `throw`, module-level objects and
 * `let`s never reassigned) must then be differentiated exactly.
 */
import fc from "fast-check";
import { markedSpans, type Expectation } from "./outcome.js";
import type { Parameter } from "./render.js";

const MARKER = "// outside the subset";

interface Construct {
  /** Statements at the start of the entry, given the copy `q` of a number parameter and the helper prefix `f`. */
  lines: (q: string, f: string) => string[];
  /** Module-level functions before the entry. */
  module?: (f: string) => string[];
  outcome?: Expectation["outcome"];
}

// prettier-ignore
const CONSTRUCTS: Construct[] = [
  { lines: (q) => [`switch (Math.sign(${q})) {`, "  case 1:", `    ${q} += 1;`, "    break;", "  default:", `    ${q} -= 1;`, "}"], outcome: "either" },
  { lines: (q) => ["try {", `  ${q} = Math.sqrt(${q} * ${q});`, "} finally {", `  ${q} += 1;`, "}"] },
  { lines: (q) => [`var q1 = ${q} * 2;`, `${q} += q1;`], outcome: "either" },
  { lines: (q) => ["outer: for (let q1 = 0; q1 < 2; q1++) {", `  if (q1 > ${q}) break outer;`, "}"], outcome: "either" },
  { lines: (q) => ["for (const q1 in { a: 1 }) {", `  ${q} += q1.length;`, "}"] },
  { lines: (q) => [`const q1 = (${q} = ${q} * 2) + 1;`, `${q} += q1;`], outcome: "either" },
  { lines: (q) => [`const q1 = ${q}++;`, `${q} += q1;`], outcome: "either" },
  { lines: (q) => [`${q} = ${q} | 0;`], outcome: "either" },
  { lines: (q) => [`${q} = ~${q};`], outcome: "either" },
  { lines: (q) => [`${q} = ${q} << 1;`], outcome: "either" },
  { lines: (q) => [`${q} = ${q} & 3;`], outcome: "either" },
  { lines: (q) => [`${q} = ${q} >>> 1;`], outcome: "either" },
  { lines: (q) => [`const q1 = "a" + ${q};`, `${q} += q1.length;`] },
  { lines: (q) => ["const q1 = (t: number) => t * 2;", `${q} = q1(${q});`], outcome: "either" },
  { lines: (q) => ["function q1(t: number): number {", "  return t * 2;", "}", `${q} = q1(${q});`], outcome: "either" },
  { lines: (q) => ["class Q1 {", "  v = 1;", "}", `${q} += new Q1().v;`] },
  { lines: (q) => [`if (${q} > 100) throw new Error("too large");`], outcome: "either" },
  { lines: (q) => [`${q} += Math.random();`] },
  { lines: (q) => [`console.log(${q});`] },
  { lines: (q) => [`${q} = Number(${q});`], outcome: "either" },
  { lines: (q) => [`${q} = parseFloat(String(${q}));`] },
  { lines: (q) => ["const q1 = new Map<number, number>();", `q1.set(1, ${q});`] },
  { lines: (q) => [`${q} = Math.max(...[${q}, 1]);`], outcome: "either" },
  { lines: (q) => [`const q1 = [${q}, ...[1, 2]];`, `${q} += q1[0]!;`], outcome: "either" },
  { lines: (q) => [`const { a: q1, ...q2 } = { a: ${q}, b: 1 };`, `${q} += q1 + q2.b;`] },
  { lines: (q) => ['const q1 = "a" in { a: 1 };', `if (q1) ${q} += 1;`] },
  { lines: (q) => [`if (typeof ${q} === "number") ${q} += 1;`] },
  { lines: (q) => ["let q1: number;", `${q} += q1;`] },
  { lines: (q) => [`const q1 = [[[${q}]]];`, `${q} += q1[0]![0]![0]!;`] },
  { lines: (q) => [`const q1 = [${q}, 1].map((t) => t * 2);`, `${q} += q1[0]!;`], outcome: "either" },
  { lines: (q) => [`const q1 = ${q}.toFixed(2);`, `${q} += q1.length;`] },
  { lines: (q) => [`const q1 = [${q}, 1].slice(1);`, `${q} += q1[0]!;`], outcome: "either" },
  { lines: (q) => [`const q1 = ${q} > 0 && ${q};`, `if (q1) ${q} += 1;`] },
  { lines: (q) => ["debugger;", `${q} += 1;`] },
  { lines: (q) => ["block: {", `  if (${q} > 0) break block;`, `  ${q} += 1;`, "}"] },
  { lines: (q) => ["const q1: any = 2;", `${q} += q1;`] },
  { lines: (q) => ["const q1: unknown = 2;", `${q} += q1 as number;`], outcome: "either" },
  { lines: (q) => [`${q} = ${q} ?? 1;`], outcome: "either" },
  { lines: (q) => [`const q1 = { a: ${q} }?.a;`, `${q} += q1;`], outcome: "either" },
  { lines: (q) => [`const q1 = new Float64Array([${q}, 1]);`, `${q} += q1[0]!;`] },
  { lines: (q) => ["const q1 = [1, 2].length;", `${q} += q1;`], outcome: "either" },
  { lines: (q) => [`const q1 = Date.now() > 0 ? ${q} : 1;`, `${q} += q1;`] },
  { lines: (q) => [`const q1 = BigInt(2);`, `${q} += Number(q1);`] },
  { lines: (q) => [`${q} = Math.fround(${q});`], outcome: "either" },
  { lines: (q) => [`${q} = Math.clz32(${q});`] },
  { lines: (q) => [`${q} = Math.imul(${q}, 2);`] },
  { lines: (q) => [`for (const q1 of [1, 2].entries()) ${q} += q1[0];`] },
  { lines: (q) => [`const q1 = [${q}, 1] as const;`, `${q} += q1[0];`], outcome: "either" },
  { lines: (q) => [`const q1 = { a: ${q} };`, "delete (q1 as { a?: number }).a;"] },
  { lines: (q) => [`const q1 = [${q}];`, "q1.length = 0;"] },
  { lines: (q, f) => [`${q} = ${f}_r(${q});`], module: (f) => [`function ${f}_r(t: number): number {`, `  return t > 1 ? ${f}_r(t / 2) : t;`, "}"], outcome: "either" },
  { lines: (q, f) => [`${q} = ${f}_o(${q});`], module: (f) => [`function ${f}_o(t: number, u?: number): number {`, "  return t * (u ?? 1);", "}"], outcome: "either" },
  { lines: (q, f) => [`${q} = ${f}_d(${q});`], module: (f) => [`function ${f}_d(t: number, u = 2): number {`, "  return t * u;", "}"], outcome: "either" },
  { lines: (q, f) => [`${q} = ${f}_g(${q});`], module: (f) => [`function ${f}_g<T>(t: T): T {`, "  return t;", "}"] },
  { lines: (q, f) => [`${q} += ${f}_v(${q}, 1, 2);`], module: (f) => [`function ${f}_v(...t: number[]): number {`, "  return t.length;", "}"] },
  { lines: (q, f) => [`void ${f}_a(${q});`], module: (f) => [`async function ${f}_a(t: number): Promise<number> {`, "  return t;", "}"] },
  { lines: (q, f) => [`${q} += ${f}_s("ab");`], module: (f) => [`function ${f}_s(t: string): number {`, "  return t.length;", "}"] },
  { lines: (q, f) => [`${q} += ${f}_c(${q});`], module: (f) => [`const ${f}_c = (t: number): number => t * 2;`], outcome: "either" },
  { lines: (q, f) => [`${q} += ${f}_m.k;`], module: (f) => [`const ${f}_m = { k: 2 };`], outcome: "either" },
  { lines: (q, f) => [`${q} += ${f}_n;`], module: (f) => [`let ${f}_n = 2;`], outcome: "either" },
];

export const unsupportedArbitrary = fc.record({ construct: fc.nat({ max: CONSTRUCTS.length - 1 }) });

/** The construct's lines for the entry (after module-level lines), and what adgen must do with the program. */
export function unsupportedConstruct(
  shape: { construct: number },
  params: (Parameter & { role?: string })[],
  prefix: string,
): { module: string[]; lines: string[]; expect: (text: string) => Expectation } {
  const construct = CONSTRUCTS[shape.construct % CONSTRUCTS.length]!;
  const x = params.find((p) => p.type === "number" && p.role === "value")!.name;
  const q = "q0";
  const lines = [`let ${q} = ${x};`, ...construct.lines(q, prefix).map(mark), `if (${q} > 1e9) return ${q};`];
  const module = construct.module?.(prefix).map(mark) ?? [];
  const what = [...(construct.module?.(prefix) ?? []), ...construct.lines(q, prefix)].join(" ");
  return {
    module,
    lines,
    expect: (text) => ({ outcome: construct.outcome ?? "diagnostic", spans: markedSpans(text, MARKER), what: `'${what}'` }),
  };
}

const mark = (line: string): string => `${line} ${MARKER}`;
