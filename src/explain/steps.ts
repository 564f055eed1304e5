/**
 * The backward pass as numbered steps, read off the picture model: starting
 * from dE/dE = 1 at the result, each node's users are visited from the last
 * to the first, and a value's step comes once every node reading it has
 * passed its adjoint back:
 *
 *   dE/dC = dE/dE * dE/dC = 1 x 1 = 1
 *
 * (the user's adjoint times the local derivative, summed over the users).
 * Then each input's adjoint is the sum over its uses (the leaves):
 *
 *   dE/dx = dE/dA + dE/dB + dE/dD = 2 + 2 + 1 = 5
 */
import type { Runtime, Trace } from "./evaluate.js";
import type { GraphEdge, GraphNode, NodeOutput } from "./graph.js";
import { parameterLabel } from "./inputs.js";
import type { Param } from "./pipeline.js";
import { addRuntime, formatValue, zerosShaped } from "./values.js";

export interface Step {
  /** 1-based. */
  number: number;
  /** The value whose adjoint this step finds. */
  name: string;
  nodeId: string;
  /** `dE/dC`. */
  of: string;
  /** `dE/dE * dE/dC` (empty for the seed). */
  symbolic: string;
  /** `1 x 1`. */
  numeric: string;
  adjoint: string;
  adjointValue: Runtime;
  /** The whole step as one line. */
  text: string;
}

export interface InputSum {
  label: string;
  param: number;
  /** The names of the uses that carry a derivative. */
  leaves: string[];
  total: Runtime;
  text: string;
}

export function buildSteps(
  graph: { nodes: GraphNode[]; edges: GraphEdge[] },
  numerator: string,
  params: Param[],
  trace: Trace,
  vector: boolean,
): { steps: Step[]; inputs: InputSum[] } {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const values = new Map<string, { node: GraphNode; output: NodeOutput }>();
  for (const node of graph.nodes) for (const output of node.outputs) values.set(output.name, { node, output });
  const users = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) users.set(e.value, [...(users.get(e.value) ?? []), e]);
  const remaining = new Map([...users].map(([name, edges]) => [name, edges.length]));
  const d = (x: string) => `d${numerator}/d${x}`;
  const steps: Step[] = [];
  const push = (name: string, symbolic: string, numeric: string, value: Runtime) => {
    const { node } = values.get(name)!;
    const adjoint = formatValue(value);
    const text = !symbolic ? `${d(name)} = ${adjoint}` : numeric === adjoint ? `${d(name)} = ${symbolic} = ${adjoint}` : `${d(name)} = ${symbolic} = ${numeric} = ${adjoint}`;
    steps.push({ number: steps.length + 1, name, nodeId: node.id, of: d(name), symbolic, numeric, adjoint, adjointValue: value, text });
  };

  const results = new Set(trace.results);
  for (const node of graph.nodes) {
    for (const o of node.outputs) if (results.has(o.slot) && !users.has(o.name) && o.adjointValue !== undefined) push(o.name, "", "", o.adjointValue);
  }
  const emit = (name: string) => {
    const { output } = values.get(name)!;
    const terms = (users.get(name) ?? []).filter((e) => e.amount !== undefined).map((e) => term(e, byId.get(e.to)!, name, d));
    if (terms.length === 0 || output.adjointValue === undefined) return;
    if (results.has(output.slot)) terms.unshift({ symbolic: vector ? "1 (seed)" : "1", numeric: "1" });
    push(name, terms.map((t) => t.symbolic).join(" + "), terms.map((t) => t.numeric).join(" + "), output.adjointValue);
  };
  const incoming = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    for (const e of (incoming.get(graph.nodes[k]!.id) ?? []).sort((a, b) => a.operand - b.operand)) {
      const left = remaining.get(e.value)! - 1;
      remaining.set(e.value, left);
      if (left === 0) emit(e.value);
    }
  }
  return { steps, inputs: inputSums(graph.nodes, params, trace, d, numerator) };
}

function term(e: GraphEdge, user: GraphNode, name: string, d: (x: string) => string): { symbolic: string; numeric: string } {
  if (e.local !== undefined) {
    const userAdjoint = user.outputs[0]?.adjointValue;
    return { symbolic: `${d(user.name)} * d${user.name}/d${name}`, numeric: `${formatValue(userAdjoint)} x ${formatValue(e.local)}` };
  }
  return { symbolic: `[through ${user.name}]`, numeric: formatValue(e.amount) };
}

function inputSums(nodes: GraphNode[], params: Param[], trace: Trace, d: (x: string) => string, numerator: string): InputSum[] {
  return params.flatMap((p, i): InputSum[] => {
    const value = trace.params[i]!.value;
    if (typeof value === "boolean") return [];
    const label = parameterLabel(p);
    const leaves = nodes.filter((n) => n.kind === "input" && n.param === i && n.outputs[0]!.adjointValue !== undefined);
    const aliases = nodes.flatMap((n) => (n.reaches ?? []).filter((r) => r.param === i).map((r) => ({ node: n, amount: r.amount })));
    const terms = [
      ...leaves.map((n) => ({ symbol: d(n.name), amount: n.outputs[0]!.adjointValue! })),
      ...aliases.map((a) => ({ symbol: `[through ${a.node.name}]`, amount: a.amount })),
    ];
    if (terms.length === 0) {
      const total = zerosShaped(value);
      return [{ label, param: i, leaves: [], total, text: `${d(label)} = ${formatValue(total)} (no path leads from ${label} to ${numerator})` }];
    }
    const total = terms.map((t) => t.amount).reduce((a, b) => addRuntime(a, b));
    const text = terms.length === 1
      ? `${d(label)} = ${terms[0]!.symbol} = ${formatValue(total)}`
      : `${d(label)} = ${terms.map((t) => t.symbol).join(" + ")} = ${terms.map((t) => formatValue(t.amount)).join(" + ")} = ${formatValue(total)}`;
    return [{ label, param: i, leaves: leaves.map((n) => n.name), total, text }];
  });
}
