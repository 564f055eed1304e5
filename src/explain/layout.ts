/**
 * Lays the graph out with dagre (@dagrejs/dagre, the layered "Sugiyama"
 * layout Graphviz's dot also uses, maintained and dependency-free): inputs at
 * the bottom, the result at the top. Each node is a box of text lines; the
 * sizes come from the text at a fixed-width font, so no DOM is needed.
 */
import dagre from "@dagrejs/dagre";
import type { ExplainGraph, GraphNode } from "./graph.js";

export const FONT_SIZE = 12;
export const CHAR_WIDTH = 7.3;
export const LINE_HEIGHT = 16;
const PADDING = 8;

export interface BoxLine {
  text: string;
  role: "title" | "value" | "adjoint" | "detail";
}

export interface PlacedNode {
  node: GraphNode;
  lines: BoxLine[];
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  label: string;
  points: { x: number; y: number }[];
  labelAt?: { x: number; y: number };
  /** Carries a derivative back (solid), or not (dashed: indices, conditions, counts). */
  differentiable: boolean;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** The text lines of a node's box. */
export function boxLines(n: GraphNode, numerator: string): BoxLine[] {
  const lines: BoxLine[] = [];
  const single = n.outputs.length === 1 && n.outputs[0]!.name === n.name;
  lines.push({ text: `${n.name} = ${n.text}`, role: "title" });
  for (const d of n.detail) lines.push({ text: d, role: "detail" });
  if (n.trip) lines.push({ text: n.trip, role: "detail" });
  for (const o of n.outputs) {
    lines.push({ text: single ? `value ${o.value}` : `${o.name} = ${o.value}`, role: "value" });
    if (o.adjoint !== undefined && numerator) lines.push({ text: `d${numerator}/d${o.name} = ${o.adjoint}`, role: "adjoint" });
  }
  return lines;
}

export function layoutGraph(graph: ExplainGraph): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "BT", nodesep: 24, ranksep: 40, edgesep: 12, marginx: 12, marginy: 12 });
  const lines = new Map(graph.nodes.map((n) => [n.id, boxLines(n, graph.numerator)]));
  for (const n of graph.nodes) {
    const ls = lines.get(n.id)!;
    g.setNode(n.id, { width: Math.max(...ls.map((l) => l.text.length)) * CHAR_WIDTH + 2 * PADDING, height: ls.length * LINE_HEIGHT + 2 * PADDING - 4 });
  }
  const labels = graph.edges.map((e) => (e.amount === undefined ? "" : edgeLabel(e.amount)));
  graph.edges.forEach((e, i) => {
    const label = labels[i]!;
    g.setEdge(e.from, e.to, { width: label.length * CHAR_WIDTH, height: label ? LINE_HEIGHT : 0, labelpos: "c" }, `e${i}`);
  });
  dagre.layout(g);
  const nodes = graph.nodes.map((node) => {
    const placed = g.node(node.id);
    return { node, lines: lines.get(node.id)!, x: placed.x, y: placed.y, width: placed.width, height: placed.height };
  });
  const edges = graph.edges.map((e, i) => {
    const placed = g.edge(e.from, e.to, `e${i}`);
    const label = labels[i]!;
    return {
      from: e.from, to: e.to, label, points: placed.points ?? [], differentiable: e.amount !== undefined,
      ...(label && placed.x !== undefined ? { labelAt: { x: placed.x, y: placed.y! } } : {}),
    };
  });
  const size = g.graph();
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), nodes, edges };
}

/** An edge's label: the adjoint it carries back. */
function edgeLabel(amount: NonNullable<ExplainGraph["edges"][number]["amount"]>): string {
  const text = typeof amount === "number" ? String(amount) : JSON.stringify(amount).replace(/,/g, ", ");
  return text.length > 40 ? `${text.slice(0, 38)}…` : text;
}
