/**
 * Loops tagged `@checkpoint` (fixtures/checkpoint.ts; each function there has
 * an untagged twin): the gradient is bit for bit the one without
 * checkpointing; the peak tape memory, counted entry by entry in an
 * instrumented copy of the generated code, is at most 1/50 of the taped
 * loop's on the 100,000-step mass-spring chain; and a tag that cannot apply
 * is one located ADG1016 saying what to write instead.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { instrumentedModule } from "../bench/harness/tape-peak.js";
import { Codes } from "../src/diagnostics.js";
import { generate } from "../src/generate.js";
import { importModule, repoRoot } from "./helpers/fixtures.js";

type Grad = (...args: unknown[]) => { value: number; grad: Record<string, number | number[]> };
const fixture = join(repoRoot, "fixtures/checkpoint.ts");

/** Every number of a gradient, in a fixed order. */
function numbers(grad: Record<string, number | number[]>): number[] {
  return Object.keys(grad).sort().flatMap((k) => (typeof grad[k] === "number" ? [grad[k] as number] : [...(grad[k] as number[])]));
}

function expectSameBits(a: ReturnType<Grad>, b: ReturnType<Grad>): void {
  expect(Object.is(a.value, b.value), `value ${a.value} vs ${b.value}`).toBe(true);
  const [x, y] = [numbers(a.grad), numbers(b.grad)];
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(Object.is(v, y[i]), `entry ${i}: ${v} vs ${y[i]}`).toBe(true));
}

describe("a checkpointed loop's gradient", () => {
  test("is bit for bit the taped loop's, at every sample and at more trip counts", async () => {
    const g = await importModule(join(repoRoot, "fixtures/checkpoint.grad.ts"));
    const source = await importModule(fixture);
    for (const name of ["springs", "logistic", "relax", "forOf"]) {
      const samples = source[`${name}Samples`] as unknown[][];
      const more = name === "springs" ? [0, 2, 3, 5, 17, 100, 101, 250].map((steps) => [[0.3, -0.2, 0.5], [0.1, 0.4, -0.3], 1.7, 0.6, steps])
        : name === "logistic" ? [0, 1, 2, 3, 4, 7, 9, 64, 65].map((steps) => [0.37, 3.3, steps]) : [];
      for (const args of [...samples, ...more]) {
        expectSameBits((g[`${name}Grad`] as Grad)(...args), (g[`${name}TapedGrad`] as Grad)(...args));
      }
    }
  });

  test("has a Hessian-vector product (forward over reverse through the snapshots) bit for bit the taped loop's", async () => {
    const result = await generate([{ path: "fixtures/checkpoint.ts", text: readFileSync(fixture, "utf8") }], { derivatives: ["grad", "hvp"] });
    expect(result.diagnostics).toEqual([]);
    const m = await instrumentedModule(result.outputs[0]!.text, "checkpoint-hvp");
    type Hvp = (...args: unknown[]) => { value: number; grad: Record<string, number | number[]>; hvp: Record<string, number | number[]> };
    const cases: [string, unknown[], unknown][] = [
      ["springs", [[0.3, -0.2, 0.5], [0.1, 0.4, -0.3], 1.7, 0.6, 23], { x0: [1, 0, -0.5], v0: [0, 0.3, 1], k: 1, c: -0.2 }],
      ["logistic", [0.37, 3.3, 11], { x: 1, r: 0.5 }],
      ["relax", [[0.2, -0.4, 0.7, 0.1], 0.8], { a: [1, 0, 0.2, 1], w: 1 }],
    ];
    for (const [name, args, v] of cases) {
      const a = (m[`${name}Hvp`] as Hvp)(...args, v);
      const b = (m[`${name}TapedHvp`] as Hvp)(...args, v);
      expectSameBits(a, b);
      expectSameBits({ value: a.value, grad: a.hvp }, { value: b.value, grad: b.hvp });
    }
  }, 60_000);

  test("keeps at most 1/50 of the taped loop's tape on the 100,000-step mass-spring chain (entries counted)", async () => {
    const result = await generate([{ path: "fixtures/checkpoint.ts", text: readFileSync(fixture, "utf8") }]);
    expect(result.diagnostics).toEqual([]);
    const m = await instrumentedModule(result.outputs[0]!.text, "checkpoint-peak");
    const args = [[0.3, -0.2, 0.5, 0.1, -0.4], [0.1, 0.4, -0.3, 0.2, 0], 1.3, 0.4, 100_000];
    m.tapePeakTake();
    const taped = (m.springsTapedGrad as Grad)(...args);
    const plain = m.tapePeakTake();
    const checkpointed = (m.springsGrad as Grad)(...args);
    const peak = m.tapePeakTake();
    expectSameBits(checkpointed, taped);
    // Three numbers per mass and step without checkpointing.
    expect(plain).toEqual({ tape: 3 * 5 * 100_000, snapshots: 0 });
    // ceil(sqrt(100000)) = 317 snapshots of the state (step, trips, x, v, force), and 316 steps of tape.
    expect(peak).toEqual({ tape: 3 * 5 * 316, snapshots: 317 * (2 + 3 * 5) });
    expect(peak.tape + peak.snapshots).toBeLessThanOrEqual(plain.tape / 50);
  }, 60_000);
});

/** The source of the fixture's function `name` (up to its closing brace). */
function fixtureFunction(name: string): string {
  const text = readFileSync(fixture, "utf8");
  const start = text.indexOf(`export function ${name}(`);
  return text.slice(start, text.indexOf("\n}\n", start) + 2);
}

/** The fixture's `springs` and `logistic`, as `<name>S<s>` tagged `@checkpoint s` for each s (0: the tag without a number), and untagged. */
function tagged(snapshots: number[]): string {
  const out = [fixtureFunction("springsTaped"), fixtureFunction("logisticTaped")];
  for (const s of snapshots) {
    const tag = s ? `@checkpoint ${s} */` : "@checkpoint */";
    out.push(fixtureFunction("springs").replace("springs(", `springsS${s}(`).replace("@checkpoint */", tag));
    out.push(fixtureFunction("logistic").replace("logistic(", `logisticS${s}(`).replace("@checkpoint 3 */", tag));
  }
  return out.join("\n");
}

/** C(s + r, s): the trips s snapshots reverse running each trip at most r times again (Griewank's beta). */
function beta(s: number, r: number): number {
  let b = 1;
  for (let i = 1; i <= r; i++) b = (b * (s + i)) / i;
  return b;
}

/**
 * Counts, in a copy of generated code, every run of a checkpointed loop's
 * trip (its `trips` counter stepping), by trip: the forward sweep's, the
 * recomputed ones and the taped one; records the snapshot stores the calls
 * take; and exports the schedule's decision.
 */
function countTrips(code: string): string {
  const counted = code.replace(/\b(trips(?:_\d+)?) \+= 1;/g, "$1 = tripRun($1) + 1;")
    .replace("function pooledFloats(", "function pooledFloatsUnrecorded(");
  return `${counted}\nexport const scheduleStep = revolveStep;
/** The Float64Arrays the calls took from their pools (here the snapshot stores and schedules), in order. */
export const storesMade: Float64Array[] = [];
function pooledFloats(pool: Float64Array[], slot: number, n: number): Float64Array {
  const store = pooledFloatsUnrecorded(pool, slot, n);
  storesMade.push(store);
  return store;
}
const tripRuns = new Map<number, number>();
function tripRun(trip: number): number {
  tripRuns.set(trip, (tripRuns.get(trip) ?? 0) + 1);
  return trip;
}
/** The runs of each trip since the last call, and a fresh start. */
export function tripRunsTake(): Map<number, number> {
  const taken = new Map(tripRuns);
  tripRuns.clear();
  return taken;
}\n`;
}

describe("the binomial schedule of '@checkpoint s'", () => {
  const snapshots = [1, 2, 3, 10, 0, 200];
  const module = (async () => {
    const result = await generate([{ path: "tagged.ts", text: tagged(snapshots) }]);
    expect(result.diagnostics).toEqual([]);
    return instrumentedModule(countTrips(result.outputs[0]!.text), "checkpoint-binomial");
  })();

  test("gives the taped loop's gradient bit for bit, for 1, 2, 3, sqrt(T), the default and at least T snapshots", async () => {
    const m = await module;
    for (const steps of [0, 1, 2, 7, 13, 97, 100, 101]) {
      for (const s of snapshots) {
        const chain = [[0.3, -0.2, 0.5], [0.1, 0.4, -0.3], 1.7, 0.6, steps];
        expectSameBits((m[`springsS${s}Grad`] as Grad)(...chain), (m.springsTapedGrad as Grad)(...chain));
        const recurrence = [0.37, 3.3, steps];
        expectSameBits((m[`logisticS${s}Grad`] as Grad)(...recurrence), (m.logisticTapedGrad as Grad)(...recurrence));
      }
    }
  }, 60_000);

  test("keeps s snapshots and one trip's tape, and runs each trip again at most r times, r the fewest with C(s + r, s) >= T", async () => {
    const m = await module;
    const take = m.tripRunsTake as () => Map<number, number>;
    // Each s at short trip counts, and a few snapshots over 100,000 trips.
    const cases = [1, 2, 7, 13, 100, 101].flatMap((steps) => [1, 2, 3, 10].map((s) => [s, steps] as const));
    for (const [s, steps] of [...cases, [10, 100_000] as const, [3, 100_000] as const]) {
      m.tapePeakTake();
      take();
      (m[`springsS${s}Grad`] as Grad)([0.3, -0.2, 0.5], [0.1, 0.4, -0.3], 1.7, 0.6, steps);
      // Three numbers per mass taped for one trip; a snapshot holds step, trips, and x, v and force for 3 masses.
      expect(m.tapePeakTake()).toEqual({ tape: 3 * 3, snapshots: Math.min(s, steps) * (2 + 3 * 3) });
      const runs = take();
      expect([...runs.keys()].sort((a, b) => a - b)).toEqual([...Array(steps).keys()]);
      let r = 0;
      while (beta(s, r) < steps) r++;
      // Every trip runs once untaped in the forward sweep and once taped in the reverse sweep.
      const again = [...runs.values()].map((n) => n - 2);
      expect(again.reduce((a, b) => Math.min(a, b)), `s = ${s}, T = ${steps}`).toBeGreaterThanOrEqual(0);
      expect(again.reduce((a, b) => Math.max(a, b)), `s = ${s}, T = ${steps}`).toBeLessThanOrEqual(r);
      // Griewank's least total for T trips with s snapshots, when all of them are run again (the forward sweep's are not).
      const total = again.reduce((a, b) => a + b, 0);
      expect(total, `s = ${s}, T = ${steps}`).toBeLessThanOrEqual(r === 0 ? 0 : r * steps - beta(s + 1, r - 1));
    }
  }, 60_000);

  test("reuses its snapshot store and schedule across calls of the same size", async () => {
    const m = await module;
    const made = m.storesMade as Float64Array[];
    const call = (steps: number) => (m.springsS10Grad as Grad)([0.3, -0.2, 0.5], [0.1, 0.4, -0.3], 1.7, 0.6, steps);
    made.length = 0;
    const first = call(50);
    const [store, schedule] = made.splice(0);
    expect(store!.length).toBe(10 * (2 + 3 * 3));
    expectSameBits(call(50), first);
    expect(made[0]).toBe(store);
    expect(made[1]).toBe(schedule);
    // Another trip count: a store of another size.
    call(5);
    expect(made[2]).not.toBe(store);
    expect(made[2]!.length).toBe(5 * (2 + 3 * 3));
  });

  test("places each snapshot where the fewest trips are recomputed in all (against a search of every place)", async () => {
    const step = (await module).scheduleStep as (n: number, free: number) => number;
    // least[f][n]: the fewest trips run again to reverse n trips from a snapshot with f more slots free.
    const least: number[][] = [];
    for (let f = 0; f <= 5; f++) {
      least.push([0, 0]);
      for (let n = 2; n <= 200; n++) {
        let best = f === 0 ? (n * (n - 1)) / 2 : Infinity;
        for (let m = 1; f > 0 && m < n; m++) best = Math.min(best, m + least[f - 1]![n - m]! + least[f]![m]!);
        least[f]!.push(best);
      }
    }
    const cost = (n: number, f: number): number => {
      if (n <= 1) return 0;
      const m = step(n, f);
      if (m >= n) return (n * (n - 1)) / 2;
      expect(m).toBeGreaterThanOrEqual(1);
      return m + cost(n - m, f - 1) + cost(m, f);
    };
    for (let f = 0; f <= 5; f++) for (let n = 1; n <= 200; n++) expect(cost(n, f), `n = ${n}, free = ${f}`).toBe(least[f]![n]);
  }, 60_000);
});

const lines = (...ls: string[]) => ls.join("\n");
const loop = (body: string[], head = "for (let t = 0; t < n; t++) {", params = "x: number, n: number") => lines(
  `export function f(${params}): number {`, "  let y = x;", "  /** @checkpoint */", `  ${head}`, ...body.map((l) => `    ${l}`), "  }", "  return y;", "}");

const rejected: { name: string; source: string; at: string; message: string }[] = [
  { name: "a number of snapshots that is not a whole number", source: loop(["y = y * x;"]).replace("@checkpoint", "@checkpoint 2.5"), at: "/** @checkpoint", message: "'@checkpoint 20'" },
  { name: "a break", source: loop(["if (y > 10) break;", "y = y * x;"]), at: "/** @checkpoint", message: "write the exit as the loop's condition" },
  { name: "a return", source: loop(["if (y > 10) return y;", "y = y * x;"]), at: "/** @checkpoint", message: "return after the loop" },
  { name: "a do ... while", source: lines("export function f(x: number, n: number): number {", "  let y = x;", "  let t = 0;", "  /** @checkpoint */", "  do {", "    y = y * x;", "    t++;", "  } while (t < n);", "  return y;", "}"), at: "/** @checkpoint", message: "write it as 'for (let i = 0; i < n; i++)'" },
  { name: "a loop of a helper", source: lines("function g(x: number, n: number): number {", "  let y = x;", "  /** @checkpoint */", "  for (let t = 0; t < n; t++) y = y * x;", "  return y;", "}", "export function f(x: number, n: number): number {", "  return g(x, n);", "}"), at: "/** @checkpoint", message: "move the loop into that function" },
  { name: "a loop inside another loop", source: lines("export function f(x: number, n: number): number {", "  let y = x;", "  for (let s = 0; s < 3; s++) {", "    /** @checkpoint */", "    for (let t = 0; t < n; t++) y = Math.sin(y * x);", "  }", "  return y;", "}"), at: "/** @checkpoint", message: "put it on the outer loop" },
  { name: "a trip count not known when the loop starts", source: loop(["y = Math.sin(y) * x;"], "while (y > 0.1) {"), at: "while (y > 0.1)", message: "must be known when it starts" },
  { name: "an early return before the loop", source: loop(["y = Math.sin(y * x);"]).replace("  let y = x;", "  if (x > 5) return 0;\n  let y = x;"), at: "for (let t = 0", message: "return after the loop instead" },
  { name: "a push to an array from before the loop", source: lines("export function f(x: number, n: number): number {", "  const out: number[] = [];", "  let y = x;", "  /** @checkpoint */", "  for (let t = 0; t < n; t++) {", "    y = Math.sin(y * x);", "    out.push(y);", "  }", "  return out[n - 1] * y;", "}"), at: "for (let t = 0", message: "not push to them" },
  { name: "a boolean carried from trip to trip", source: loop(["up = !up;", "y = up ? Math.sin(y * x) : y * x;"]).replace("  let y = x;", "  let y = x;\n  let up = false;"), at: "for (let t = 0", message: "is a boolean" },
];

/** 1-based line and column of the only occurrence of `snippet` in `source`. */
function positionOf(source: string, snippet: string): { line: number; column: number } {
  const offset = source.indexOf(snippet);
  if (offset < 0 || source.lastIndexOf(snippet) !== offset) throw new Error(`'${snippet}' must occur exactly once in:\n${source}`);
  const before = source.slice(0, offset).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

describe("a tag that cannot apply", () => {
  test.each(rejected)("ADG1016: $name", async ({ source, at, message }) => {
    const result = await generate([{ path: "case.ts", text: source }]);
    const { line, column } = positionOf(source, at);
    expect(result.outputs).toEqual([]);
    expect(result.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([[Codes.BadCheckpoint, line, column]]);
    expect(result.diagnostics[0]!.message).toContain(message);
    expect(result.diagnostics[0]!.sourceLine.trim()).toBe(source.split("\n")[line - 1]!.trim());
  });

  test("a loop whose trips tape nothing, or that only sums terms, is reversed as without the tag", async () => {
    const source = lines("export function f(x: readonly number[], w: number): number {", "  let s = 0;", "  /** @checkpoint */",
      "  for (let i = 0; i < x.length; i++) s += x[i] * w;", "  return s;", "}");
    const result = await generate([{ path: "case.ts", text: source }]);
    expect(result.diagnostics).toEqual([]);
    expect(result.outputs[0]!.text).not.toContain("snapshots");
  });
});
