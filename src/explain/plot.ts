/**
 * The step-size study as a log-log SVG plot, with Vega-Lite (a declarative
 * grammar of graphics whose compiler and renderer run in Node without a DOM:
 * `new vega.View(..., { renderer: "none" }).toSVG()`). Measured errors are
 * solid lines, one per method; dashed guides of slope 1, 2 and 4 (truncation)
 * and -1 (rounding) show the two regimes; each method's best h is marked,
 * and the sentence under the plot names the best errors and the costs.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { formatStep, METHOD_NAMES, METHODS, STEPS, type FdStudy, type Method } from "./fd.js";

/** Errors of exactly 0 cannot sit on a log scale; they are drawn at this floor. */
const FLOOR = 1e-17;
const ORDER: Record<Method, number> = { forward: 1, central: 2, richardson: 4 };

export async function renderPlot(study: FdStudy, functionName: string): Promise<string> {
  const view = new vega.View(vega.parse(compile(plotSpec(study, functionName)).spec), { renderer: "none" });
  return `${(await view.toSVG()).trim()}\n`;
}

export function plotSpec(study: FdStudy, functionName: string): TopLevelSpec {
  const label = (m: Method) => METHOD_NAMES[m];
  const measured = study.rows.map((r) => ({ h: r.h, error: Math.max(r.error, FLOOR), method: label(r.method) }));
  const guides = METHODS.flatMap((m) => {
    const best = study.best[m];
    const at = (h: number) => (h >= best.h ? best.error * (h / best.h) ** ORDER[m] : best.error * (best.h / h));
    return STEPS.map((h) => ({ h, error: Math.max(at(h), FLOOR), method: label(m) }))
      .filter((p) => p.error < 1e2);
  });
  const best = METHODS.map((m) => ({ h: study.best[m].h, error: Math.max(study.best[m].error, FLOOR), method: label(m), text: `best h = ${formatStep(study.best[m].h)}` }));
  const color = { field: "method", type: "nominal", title: null, sort: METHODS.map(label), legend: { orient: "top-left", labelLimit: 600 } };
  const x = { field: "h", type: "quantitative", scale: { type: "log", domain: [1e-15, 1e-1] }, axis: { format: ".0e", title: "step h", tickCount: 8 } };
  const y = { field: "error", type: "quantitative", scale: { type: "log", domain: [FLOOR, 1e2] }, axis: { format: ".0e", title: `|error| of d${functionName}/d${study.input}` } };
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 560,
    height: 340,
    background: "white",
    title: { text: wrap(study.sentence, 95), orient: "bottom", anchor: "start", fontSize: 11, fontWeight: "normal", offset: 12 },
    layer: [
      { data: { values: guides }, mark: { type: "line", strokeDash: [4, 4], strokeWidth: 1, opacity: 0.55, clip: true }, encoding: { x, y, color } },
      { data: { values: measured }, mark: { type: "line", strokeWidth: 2, point: { size: 14 }, clip: true }, encoding: { x, y, color } },
      { data: { values: best }, mark: { type: "point", shape: "circle", size: 140, filled: false, strokeWidth: 2 }, encoding: { x, y, color } },
      { data: { values: best }, mark: { type: "text", dy: -14, fontSize: 10 }, encoding: { x, y, text: { field: "text" }, color } },
    ],
  };
  return spec as unknown as TopLevelSpec;
}

/** Lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
