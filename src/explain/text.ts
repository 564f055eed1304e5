/**
 * The text form of an explanation: the operations in order with their names,
 * inputs and values; the backward pass as numbered steps; each input's
 * adjoint as the sum of its paths; and the check against the generated
 * gradient.
 */
import type { Explanation } from "./explain.js";
import type { GraphNode } from "./graph.js";
import { formatValue } from "./values.js";

export function formatText(e: Explanation, displayPath: string): string {
  const g = e.graph;
  const loc = e.fn.primal.loc ? `${displayPath}:${e.fn.primal.loc.line}` : displayPath;
  const lines = [`${g.title}   (${loc})`, "", "Operations, in the order they run:"];
  const rows = g.nodes.map((n) => [n.name, definition(n), values(n), where(n)]);
  lines.push(...table(rows).map((r) => `  ${r}`));
  lines.push("", `Backward pass, from the result ${g.numerator} to the inputs:`);
  for (const s of g.steps) lines.push(`  ${String(s.number).padStart(String(g.steps.length).length)}. ${s.text}`);
  lines.push("", "Each input's adjoint is the sum over its uses:");
  for (const i of g.inputs) lines.push(`  ${i.text}`);
  lines.push("", ...checkLines(e));
  return lines.join("\n") + "\n";
}

function definition(n: GraphNode): string {
  if (n.kind === "input") return `= ${n.text}${n.detail.length ? ` (${n.detail.join(", ")})` : ""}`;
  if (n.kind === "op") return `= ${n.text}`;
  return `= ${n.text} (${n.detail[0]})`;
}

function values(n: GraphNode): string {
  if (n.outputs.length === 0) return "";
  if (n.outputs.length === 1 && n.outputs[0]!.name === n.name) return n.outputs[0]!.value;
  return n.outputs.map((o) => `${o.name} = ${o.value}`).join(", ");
}

function where(n: GraphNode): string {
  const parts = [n.line !== undefined ? `line ${n.line}` : "", n.trip ?? "", n.result ? "result" : ""].filter(Boolean);
  return parts.join(", ");
}

/** Columns padded to their widest cell; trailing space trimmed. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => r[c]!.length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("   ").trimEnd());
}

function checkLines(e: Explanation): string[] {
  const c = e.check;
  const out = [`Check against the generated gradient, ${c.call}:`];
  for (const p of c.parameters) {
    if (p.generated === undefined) {
      out.push(`  ${p.label}: not differentiated by adgen (it only steers control flow or is left out by @wrt)`);
      continue;
    }
    const verdict = p.pass ? (p.difference === 0 ? "equal" : `equal to rounding (relative difference ${p.difference.toExponential(1)})`) : `DIFFERENT (relative difference ${p.difference.toExponential(1)})`;
    out.push(`  grad.${p.label} = ${formatValue(p.generated)}: ${verdict}`);
  }
  return out;
}
