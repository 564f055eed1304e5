/**
 * Explain on every fixture: for each exported function with `<f>Samples`, at
 * its first sample, explain runs without error (how long it takes is not
 * asserted: a timed test fails on a loaded machine); the evaluator's value is the function's own, bit for bit; the
 * adjoints it reaches at the inputs (both the backward pass's and the sums
 * the explanation prints) equal the generated gradient's to 1e-12 relative,
 * the generated module coming fresh from generate() and loaded from a
 * temporary file; and the SVG, DOT, Mermaid and HTML outputs are well formed
 * (a real XML validator and HTML parser, not patterns).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { XMLValidator } from "fast-xml-parser";
import { Parser } from "htmlparser2";
import { tsImport } from "tsx/esm/api";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CHECK_RTOL, onesLike, relativeDifference } from "../src/explain/check.js";
import { renderDot, renderMermaid } from "../src/explain/dot.js";
import { explain, type Explanation } from "../src/explain/explain.js";
import { renderHtml } from "../src/explain/html.js";
import { gradientEntry } from "../src/explain/inputs.js";
import { renderSvg } from "../src/explain/svg.js";
import { formatText } from "../src/explain/text.js";
import { generate } from "../src/generate.js";
import { exportedFunctions, importModule, listFixtures, type Module } from "./helpers/fixtures.js";

const TIMEOUT = 60_000;

const scratch = mkdtempSync(path.join(os.tmpdir(), "adgen-explain-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
// The first explanation in a process loads TypeScript, prettier and tsx; that is not what the time limit measures.
beforeAll(async () => void (await explain("fixtures/seed.ts")), TIMEOUT);

/** The fixture's gradient module, generated now and loaded from a temporary file (its relative imports made absolute). */
async function freshGradient(fixture: ReturnType<typeof listFixtures>[number]): Promise<Module> {
  const result = await generate([fixture.input]);
  const text = result.outputs[0]!.text.replace(/from "(\.\.?\/[^"]*)"/g, (_, spec: string) =>
    `from ${JSON.stringify(pathToFileURL(path.resolve(path.dirname(fixture.sourceFile), spec)).href)}`);
  const file = path.join(scratch, path.basename(fixture.gradFile));
  writeFileSync(file, text);
  return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Module;
}

/** Tags htmlparser2 had to close itself, or closings without an opening: empty for a well-formed page. */
function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const voids = new Set(["meta", "br", "img", "input", "link", "hr"]);
  const parser: Parser = new Parser({
    onopentag: (name) => void (voids.has(name) || open.push(name)),
    onclosetag: (name, implied) => {
      if (voids.has(name)) return;
      // A self-closing tag (`<rect ... />`, in the inline SVG) is reported as an implied close too.
      const selfClosing = html.slice(parser.startIndex, parser.endIndex + 1).endsWith("/>");
      if (implied && !selfClosing) problems.push(`<${name}> closed implicitly`);
      if (open.pop() !== name) problems.push(`</${name}> does not close the open element`);
    },
  }, { xmlMode: false, recognizeSelfClosing: true });
  parser.write(html);
  parser.end();
  if (open.length) problems.push(`unclosed: ${open.join(", ")}`);
  return problems;
}

function expectWellFormed(e: Explanation): void {
  const svg = renderSvg(e.graph);
  expect(XMLValidator.validate(svg)).toBe(true);
  const html = renderHtml(e);
  expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
  expect(htmlProblems(html)).toEqual([]);
  for (const inline of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) expect(XMLValidator.validate(inline)).toBe(true);
  expect(html).not.toMatch(/\b(src|href)=/); // self-contained: nothing to load
  const dot = renderDot(e.graph);
  expect(dot.split("\n").filter((l) => / -> /.test(l))).toHaveLength(e.graph.edges.length);
  const mermaid = renderMermaid(e.graph);
  expect(mermaid.split("\n").filter((l) => /-->|-\.->/.test(l))).toHaveLength(e.graph.edges.length);
  expect(formatText(e, "f.ts")).toContain("Check against the generated gradient");
}

for (const fixture of listFixtures()) {
  const source = await importModule(fixture.sourceFile);
  // `adgen explain` shows functions; methods of classes (fn.member) are not among them yet.
  const functions = exportedFunctions(fixture).filter((fn) => !fn.member && Array.isArray(source[`${fn.name}Samples`]));
  let generated: Promise<Module> | undefined;
  describe(`explain ${fixture.path}`, () => {
    test.each(functions.map((fn) => fn.name))("%s", async (name) => {
      const result = await explain(fixture.path, { fn: name });
      if (!("explanation" in result)) throw new Error(`diagnostics: ${result.diagnostics.map((d) => d.message).join("; ")}`);
      const e = result.explanation;

      const sample = structuredClone((source[`${name}Samples`] as unknown[][])[0]!);
      const value = (source[e.fn.exportName] as (...a: unknown[]) => unknown)(...structuredClone(sample));
      if (!e.fn.vectorValued) expect(Object.is(e.trace.results[0]!.value, value)).toBe(true);

      const module = await (generated ??= freshGradient(fixture));
      const seed = e.fn.vectorValued ? [onesLike(value)] : [];
      const fnGrad = module[`${name}${e.fn.vectorValued ? "Vjp" : "Grad"}`] as (...a: unknown[]) => { grad: Record<string, unknown> };
      const { grad } = fnGrad(...structuredClone(sample), ...seed);
      let compared = 0;
      e.fn.primal.params.forEach((p, i) => {
        const expected = gradientEntry(grad, p);
        if (expected === undefined) return;
        compared++;
        const shown = e.graph.inputs.find((s) => s.param === i)!.total;
        expect(relativeDifference(e.backward.gradient[i]!, expected as never), `backward ${p.name}`).toBeLessThanOrEqual(CHECK_RTOL);
        expect(relativeDifference(shown, expected as never), `shown ${p.name}`).toBeLessThanOrEqual(CHECK_RTOL);
      });
      expect(compared).toBeGreaterThan(0);
      expect(e.check.pass).toBe(true);
      expectWellFormed(e);
    }, TIMEOUT);
  });
}
