/**
 * The graph as Graphviz DOT and as a Mermaid flowchart (which GitHub renders
 * in Markdown): the same nodes, values, adjoints and edge labels as the SVG.
 */
import type { ExplainGraph, GraphEdge } from "./graph.js";
import { boxLines } from "./layout.js";

function edgeText(e: GraphEdge): string {
  if (e.amount === undefined) return "";
  return typeof e.amount === "number" ? String(e.amount) : JSON.stringify(e.amount).replace(/,/g, ", ");
}

const dotString = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

export function renderDot(graph: ExplainGraph): string {
  const lines = [
    `digraph ${dotString(graph.title)} {`,
    "  rankdir=BT;",
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="monospace", fontsize=11];',
    '  edge [fontname="monospace", fontsize=10, fontcolor="#b03a2e"];',
  ];
  for (const n of graph.nodes) {
    const label = boxLines(n, graph.numerator).map((l) => l.text).join("\n");
    const fill = n.kind === "input" ? "#eef7ee" : n.kind === "op" ? "#ffffff" : "#eef2fb";
    lines.push(`  ${n.id} [label=${dotString(label)}, fillcolor="${fill}"${n.result ? ", penwidth=2.5" : ""}];`);
  }
  for (const e of graph.edges) {
    const label = edgeText(e);
    lines.push(`  ${e.from} -> ${e.to}${label ? ` [label=${dotString(label)}]` : " [style=dashed]"};`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** Mermaid labels: quotes and angle brackets as entities, lines joined by <br/>. */
const mermaidText = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "#quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function renderMermaid(graph: ExplainGraph): string {
  const lines = ["flowchart BT"];
  for (const n of graph.nodes) {
    const label = boxLines(n, graph.numerator).map((l) => mermaidText(l.text)).join("<br/>");
    lines.push(`  ${n.id}["${label}"]`);
  }
  for (const e of graph.edges) {
    const label = edgeText(e);
    lines.push(label ? `  ${e.from} -- "${mermaidText(label)}" --> ${e.to}` : `  ${e.from} -.-> ${e.to}`);
  }
  const inputs = graph.nodes.filter((n) => n.kind === "input").map((n) => n.id);
  const groups = graph.nodes.filter((n) => n.kind === "loop" || n.kind === "helper").map((n) => n.id);
  lines.push("  classDef input fill:#eef7ee,stroke:#4a4a4a;", "  classDef group fill:#eef2fb,stroke:#4a4a4a,stroke-dasharray:5 3;");
  if (inputs.length) lines.push(`  class ${inputs.join(",")} input;`);
  if (groups.length) lines.push(`  class ${groups.join(",")} group;`);
  return lines.join("\n") + "\n";
}
