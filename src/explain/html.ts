/**
 * A self-contained HTML page (inline SVG, inline script, nothing loaded from
 * anywhere): the graph, and buttons that step through the backward pass one
 * value at a time, then through the inputs' sums, highlighting the node and
 * showing its adjoint. Collapsed helper calls open their own graph below it.
 */
import type { Explanation } from "./explain.js";
import type { GraphNode } from "./graph.js";
import { escapeXml, renderSvg } from "./svg.js";
import { formatValue } from "./values.js";

/** One stop of the stepper: a value's step, or an input's sum. */
interface Stop {
  nodes: string[];
  name: string;
  of: string;
  adjoint: string;
  text: string;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
pre, code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
#controls { margin: 1em 0; display: flex; gap: 0.75em; align-items: center; }
#current { font-family: ui-monospace, monospace; background: #f6f6f6; padding: 0.6em 0.8em; border-radius: 4px; min-height: 2.6em; }
ol li.current { background: #fde8e6; }
.graph { overflow: auto; border: 1px solid #ddd; padding: 0.5em; }
.node.helper { cursor: pointer; }
`;

export function renderHtml(e: Explanation): string {
  const g = e.graph;
  const stops: Stop[] = [
    ...g.steps.map((s) => ({ nodes: [`g-node-${s.nodeId}`], name: s.name, of: s.of, adjoint: s.adjoint, text: `${s.number}. ${s.text}` })),
    ...g.inputs.map((i) => ({
      nodes: g.nodes.filter((n) => n.kind === "input" && n.param === i.param).map((n) => `g-node-${n.id}`),
      name: i.label, of: `d${g.numerator}/d${i.label}`, adjoint: formatValue(i.total), text: i.text,
    })),
  ];
  const helpers = g.nodes.filter((n): n is GraphNode & { inner: NonNullable<GraphNode["inner"]> } => !!n.inner);
  const data = JSON.stringify(stops).replace(/</g, "\\u003c");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(`adgen explain: ${g.title}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1 class="mono">${escapeXml(g.title)}</h1>
<p>The computation graph, inputs at the bottom and the result at the top: each box holds a value and its adjoint d${escapeXml(g.numerator)}/d(value); each arrow is labelled with the adjoint it carries back.</p>
<div id="controls">
<button id="prev" type="button">Previous</button>
<button id="next" type="button">Next</button>
<span id="counter">0 of ${stops.length}</span>
</div>
<div id="current"><div id="step-text">Press Next to walk the backward pass from ${escapeXml(g.numerator)} to the inputs.</div>
<div>value <span id="step-node" class="mono"></span>, adjoint <span id="step-of" class="mono"></span> = <span id="step-adjoint" class="mono"></span></div></div>
<div class="graph">
${renderSvg(g, { prefix: "g-" }).trim()}
</div>
${helpers.map((n) => `<details id="helper-${n.id}"><summary class="mono">${escapeXml(`${n.name} = ${n.text}`)}: its operations</summary><div class="graph">${renderSvg(n.inner, { prefix: `h${n.id}-` }).trim()}</div></details>`).join("\n")}
<h2>The backward pass</h2>
<ol id="steps">
${stops.map((s, i) => `<li id="stop-${i}" class="mono">${escapeXml(s.text)}</li>`).join("\n")}
</ol>
<h2>Check</h2>
<ul class="mono">
${e.check.parameters.map((p) => `<li>${escapeXml(p.generated === undefined ? `${p.label}: not differentiated by adgen` : `${e.check.call}.grad.${p.label} = ${formatValue(p.generated)}: ${p.pass ? "equal" : "DIFFERENT"}`)}</li>`).join("\n")}
</ul>
<script>
${SCRIPT.replace("__STOPS__", data)}
</script>
</body>
</html>
`;
}

const SCRIPT = `(function () {
  "use strict";
  var stops = __STOPS__;
  var at = 0;
  function byId(id) { return document.getElementById(id); }
  function show() {
    var marked = document.querySelectorAll(".current");
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove("current");
    byId("counter").textContent = at + " of " + stops.length;
    byId("prev").disabled = at === 0;
    byId("next").disabled = at === stops.length;
    if (at === 0) return;
    var s = stops[at - 1];
    byId("step-text").textContent = s.text;
    byId("step-node").textContent = s.name;
    byId("step-of").textContent = s.of;
    byId("step-adjoint").textContent = s.adjoint;
    byId("stop-" + (at - 1)).classList.add("current");
    s.nodes.forEach(function (id) {
      var node = byId(id);
      if (node) node.classList.add("current");
      var edges = document.querySelectorAll('.edge[data-from="' + id.replace("node-", "") + '"]');
      for (var k = 0; k < edges.length; k++) edges[k].classList.add("current");
    });
  }
  byId("next").addEventListener("click", function () { if (at < stops.length) { at++; show(); } });
  byId("prev").addEventListener("click", function () { if (at > 0) { at--; show(); } });
  var helpers = document.querySelectorAll(".node.helper");
  for (var h = 0; h < helpers.length; h++) {
    helpers[h].addEventListener("click", function (event) {
      var id = event.currentTarget.id.replace(/^g-node-/, "");
      var details = byId("helper-" + id);
      if (details) { details.open = !details.open; if (details.open) details.scrollIntoView(); }
    });
  }
  show();
})();`;
