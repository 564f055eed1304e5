/**
 * The graph as a self-contained SVG, drawn from the dagre layout: boxes with
 * each value and its adjoint, arrows from each value to the nodes that read
 * it, labelled with the adjoint each passes back. Nodes and edges carry ids
 * and data attributes, which the HTML page uses to step through the pass.
 */
import type { ExplainGraph } from "./graph.js";
import { FONT_SIZE, layoutGraph, LINE_HEIGHT, type PlacedEdge, type PlacedNode } from "./layout.js";

const STYLE = `
.node rect { fill: #ffffff; stroke: #4a4a4a; stroke-width: 1; }
.node.input rect { fill: #eef7ee; }
.node.loop rect, .node.helper rect { fill: #eef2fb; stroke-dasharray: 5 3; }
.node.result rect { stroke-width: 2.5; }
.node.current rect { stroke: #d0312d; stroke-width: 3; }
.node .title { font-weight: bold; }
.node .detail { fill: #555555; }
.node .adjoint { fill: #b03a2e; }
.edge path { fill: none; stroke: #777777; stroke-width: 1.2; }
.edge.inactive path { stroke-dasharray: 3 3; stroke: #aaaaaa; }
.edge text { fill: #b03a2e; }
.edge.current path { stroke: #d0312d; stroke-width: 2.5; }
`;

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const n2 = (x: number) => String(Math.round(x * 10) / 10);

export interface SvgOptions {
  /** An id prefix, so that several graphs can share one page. */
  prefix?: string;
}

export function renderSvg(graph: ExplainGraph, options: SvgOptions = {}): string {
  const prefix = options.prefix ?? "";
  const layout = layoutGraph(graph);
  const width = Math.max(layout.width, 120);
  const height = Math.max(layout.height, 40);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(`The computation graph of ${graph.title}, values and adjoints`)}</title>`,
    `<style>${STYLE}</style>`,
    `<defs><marker id="${prefix}arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#777777"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  for (const e of layout.edges) out.push(edgeSvg(e, prefix));
  for (const n of layout.nodes) out.push(nodeSvg(n, prefix));
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function edgeSvg(e: PlacedEdge, prefix: string): string {
  const d = e.points.map((p, i) => `${i === 0 ? "M" : "L"}${n2(p.x)},${n2(p.y)}`).join(" ");
  const label = e.labelAt ? `<text x="${n2(e.labelAt.x)}" y="${n2(e.labelAt.y + 4)}" text-anchor="middle">${escapeXml(e.label)}</text>` : "";
  return `<g class="edge${e.differentiable ? "" : " inactive"}" data-from="${prefix}${e.from}" data-to="${prefix}${e.to}"><path d="${d}" marker-end="url(#${prefix}arrow)"/>${label}</g>`;
}

function nodeSvg(p: PlacedNode, prefix: string): string {
  const { node } = p;
  const classes = ["node", node.kind, ...(node.result ? ["result"] : [])].join(" ");
  const left = p.x - p.width / 2;
  const top = p.y - p.height / 2;
  const texts = p.lines.map((l, i) => `<text class="${l.role}" x="${n2(left + 8)}" y="${n2(top + 8 + (i + 1) * LINE_HEIGHT - 4)}">${escapeXml(l.text)}</text>`);
  return [
    `<g class="${classes}" id="${prefix}node-${node.id}" data-name="${escapeXml(node.name)}">`,
    `<rect x="${n2(left)}" y="${n2(top)}" width="${n2(p.width)}" height="${n2(p.height)}" rx="5"/>`,
    ...texts,
    "</g>",
  ].join("");
}
