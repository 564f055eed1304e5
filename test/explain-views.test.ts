/**
 * How explain shows loops, helpers and arrays, and the step-size study. A
 * loop is one node with its trip count; --unroll N lays out its first N
 * trips; collapsed helper calls are one node per call, with their own graph
 * for the HTML page; an array input shows its length. The step-size study's
 * best errors are what its rows say, the central and Richardson estimates at
 * a moderate step agree with adgen's derivative as the oracle does, and its
 * plot is well-formed SVG.
 */
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, test } from "vitest";
import { explain, type ExplainOptions, type Explanation } from "../src/explain/explain.js";
import { METHODS, stepStudy } from "../src/explain/fd.js";
import { renderHtml } from "../src/explain/html.js";
import { renderPlot } from "../src/explain/plot.js";

const TIMEOUT = 60_000;

async function explained(file: string, options: ExplainOptions): Promise<Explanation> {
  const result = await explain(file, options);
  if (!("explanation" in result)) throw new Error(`${file} has diagnostics`);
  return result.explanation;
}

describe("loops", () => {
  test("a loop is one node holding its body, with its trip count", async () => {
    const e = await explained("fixtures/loops.ts", { fn: "power", at: "x=1.3,n=5" });
    const loops = e.graph.nodes.filter((n) => n.kind === "loop");
    expect(loops).toHaveLength(1);
    expect(loops[0]!.detail[0]).toBe("5 trips");
    expect(loops[0]!.detail).toContain("p *= x;");
    expect(loops[0]!.outputs.map((o) => o.name)).toEqual(["p"]);
    expect(e.graph.inputs.find((i) => i.label === "x")!.total).toBeCloseTo(5 * 1.3 ** 4, 12);
  }, TIMEOUT);

  test("--unroll 2 lays out the first two trips and keeps the rest as one node", async () => {
    const e = await explained("fixtures/loops.ts", { fn: "power", at: "x=1.3,n=5", unroll: 2 });
    const loop = e.graph.nodes.find((n) => n.kind === "loop")!;
    expect(loop.detail[0]).toBe("trips 3 to 5");
    expect(e.graph.nodes.filter((n) => n.trip === "trip 1").length).toBeGreaterThan(0);
    expect(e.graph.nodes.filter((n) => n.trip === "trip 2").length).toBeGreaterThan(0);
    // x is used once per laid-out trip and once by the rest of the loop: three paths.
    const x = e.graph.inputs.find((i) => i.label === "x")!;
    expect(x.leaves).toHaveLength(3);
    expect(x.total).toBeCloseTo(5 * 1.3 ** 4, 12);
    expect(e.check.pass).toBe(true);
  }, TIMEOUT);

  test("--unroll past the trip count lays out the whole loop", async () => {
    const e = await explained("fixtures/loops.ts", { fn: "power", at: "x=1.3,n=3", unroll: 10 });
    expect(e.graph.nodes.some((n) => n.kind === "loop")).toBe(false);
    expect(e.graph.inputs.find((i) => i.label === "x")!.leaves).toHaveLength(3);
  }, TIMEOUT);
});

describe("helpers and arrays", () => {
  test("collapsed, each helper call is one node with its own graph, shown in the page", async () => {
    const e = await explained("fixtures/calls.ts", { fn: "pathLength", expand: "never" });
    const calls = e.graph.nodes.filter((n) => n.kind === "helper");
    expect(calls.map((n) => n.text)).toEqual(["distance(…)", "distance(…)"]);
    for (const call of calls) expect(call.inner!.nodes.some((n) => n.text.startsWith("Math.sqrt("))).toBe(true);
    expect(renderHtml(e)).toContain(`id="helper-${calls[0]!.id}"`);
    expect(e.check.pass).toBe(true);
  }, TIMEOUT);

  test("expanded (and by default for a small function) every primitive op is a node", async () => {
    const e = await explained("fixtures/calls.ts", { fn: "pathLength" });
    expect(e.graph.nodes.some((n) => n.kind === "helper")).toBe(false);
    expect(e.graph.nodes.filter((n) => n.operation === "sqrt")).toHaveLength(2);
  }, TIMEOUT);

  test("an array input shows its length, and its adjoint has its shape", async () => {
    const e = await explained("fixtures/vectors.ts", { fn: "dot", at: "a=[1,2,3],b=[4,5,6]" });
    const a = e.graph.nodes.find((n) => n.kind === "input" && n.text === "a")!;
    expect(a.detail).toEqual(["length 3"]);
    expect(e.graph.inputs.map((i) => [i.label, i.total])).toEqual([["a", [4, 5, 6]], ["b", [1, 2, 3]]]);
  }, TIMEOUT);
});

describe("the step-size study", () => {
  test("seed at x = 2: the forward difference truncates, the central one is exact for a quadratic up to rounding", async () => {
    const e = await explained("fixtures/seed.ts", { at: "x=2" });
    const study = stepStudy(e, undefined);
    expect(study.input).toBe("x");
    expect(study.exact).toBe(5);
    const at = (h: number, m: string) => study.rows.find((r) => r.h === h && r.method === m)!;
    // (f(x + h) - f(x)) / h = 2x + 1 + h for this f: the truncation error is h itself.
    expect(at(0.1, "forward").error).toBeCloseTo(0.1, 12);
    for (const m of METHODS) {
      const rows = study.rows.filter((r) => r.method === m);
      expect(study.best[m].error).toBe(Math.min(...rows.map((r) => r.error)));
    }
    // Rounding takes over at small h: at 1e-15 every method is far off.
    for (const m of METHODS) expect(at(1e-15, m).error).toBeGreaterThan(1e-3);
    expect(study.sentence).toContain("for all 1 input they cost 2, 2 and 4 evaluations");
  }, TIMEOUT);

  test("on a transcendental function the estimates approach adgen's derivative as the oracle's do, and the plot is SVG", async () => {
    const e = await explained("fixtures/math-trig.ts", { fn: "sinCos" });
    const study = stepStudy(e, undefined);
    expect(study.best.richardson.error).toBeLessThan(1e-10);
    expect(study.best.central.error).toBeLessThan(1e-8);
    expect(study.best.forward.error).toBeGreaterThan(study.best.central.error);
    const svg = await renderPlot(study, e.fn.name);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain("Richardson-extrapolated central difference");
    expect(svg).toContain("best h = ");
  }, TIMEOUT);

  test("--input picks an array element", async () => {
    const e = await explained("fixtures/vectors.ts", { fn: "dot", at: "a=[1,2,3],b=[4,5,6]" });
    const study = stepStudy(e, "b[2]");
    expect(study.input).toBe("b[2]");
    expect(study.exact).toBe(3);
    expect(study.best.central.error).toBeLessThan(1e-9);
  }, TIMEOUT);
});
