/**
 * The picture model of an explanation: nodes (each use of an input, each
 * primitive op, each loop, each collapsed helper call), edges from the
 * values to the nodes that read them with the adjoint each edge carries back,
 * and names: the source's where a value has one, else A, B, C, ... in the
 * order the values are made (a node's inputs before the node). The backward
 * pass's steps and the inputs' sums are read off this model (steps.ts).
 */
import type { BackwardPass } from "./backward.js";
import type { PrimRecord, Runtime, Slot, Trace } from "./evaluate.js";
import { parameterLabel } from "./inputs.js";
import { flatten, groupHelpers, innerOf, type Item } from "./items.js";
import { primitiveInfo, type CompiledFunction, type FunctionScope, type Param } from "./pipeline.js";
import { buildSteps, type InputSum, type Step } from "./steps.js";
import { addAt, addRuntime, formatValue, shapeOf, zerosShaped } from "./values.js";

export type Expand = "auto" | "always" | "never";

/** With `expand: "auto"`, helpers are collapsed when the function shows more ops than this. */
export const COLLAPSE_ABOVE = 40;

export interface NodeOutput {
  name: string;
  slot: Slot;
  value: string;
  /** The adjoint d(result)/d(this value), formatted; absent when no path leads from it to the result. */
  adjoint?: string;
  adjointValue?: Runtime;
}

export interface GraphNode {
  id: string;
  name: string;
  kind: "input" | "op" | "loop" | "helper";
  /** What it is: the parameter (`x`), the operation in TypeScript (`A * B`), the loop's or call's first line. */
  text: string;
  /** More lines: a loop's trip count and body, an array's length. */
  detail: string[];
  outputs: NodeOutput[];
  line?: number;
  /** The op's primitive (`mul`), for an op. */
  operation?: string;
  /** An op of an unrolled loop trip. */
  trip?: string;
  result?: boolean;
  /** For a collapsed helper: its own graph. */
  inner?: ExplainGraph;
  /** For an input: its parameter's index. */
  param?: number;
  /** Adjoints this node adds into an array input it reaches through an alias (a row `X[i]` read earlier), not as its own input. */
  reaches?: { param: number; amount: Runtime }[];
}

export interface GraphEdge {
  from: string;
  /** The name of the value it carries (an output of `from`). */
  value: string;
  to: string;
  operand: number;
  /** The adjoint it passes back to the value (for an array input, its elements' adjoints). */
  amount?: Runtime;
  /** For a pure op: d(to)/d(value). */
  local?: number;
}

export interface ExplainGraph {
  title: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** The symbol of the differentiated result in dE/dX (the result's name; the function's for a vector result). */
  numerator: string;
  steps: Step[];
  inputs: InputSum[];
}

export interface GraphOptions {
  unroll: number;
  expand: Expand;
}

export function buildGraph(fn: CompiledFunction, trace: Trace, backward: BackwardPass, scopes: FunctionScope[], options: GraphOptions): ExplainGraph {
  let items = flatten(trace.records, options.unroll);
  const entry = scopes.find((s) => s.name === fn.name && fn.primal.loc?.file === s.file);
  const collapse = options.expand === "never" || (options.expand === "auto" && items.length > COLLAPSE_ABOVE);
  if (collapse) items = groupHelpers(items, scopes, entry);
  const namer = new Namer(fn.primal.params.map(parameterLabel));
  const title = `${fn.name}(${fn.primal.params.map((p, i) => `${parameterLabel(p)} = ${formatValue(trace.params[i]!.value)}`).join(", ")})`;
  const graph = new GraphBuilder(fn.primal.params, trace, backward, namer).build(items, new Map(), trace.results);
  const numerator = fn.vectorValued ? fn.name : graph.nodes.find((n) => n.result)?.outputs[0]?.name ?? fn.name;
  const { steps, inputs } = buildSteps(graph, numerator, fn.primal.params, trace, fn.vectorValued);
  return { title, ...graph, numerator, steps, inputs };
}

/** Letters A, B, ..., Z, AA, AB, ... and versioned source names (`s`, `s_1`), never a parameter's label. */
export class Namer {
  private letters = 0;
  private readonly taken: Set<string>;

  constructor(reserved: string[]) {
    this.taken = new Set(reserved);
  }

  letter(): string {
    for (;;) {
      let n = this.letters++;
      let name = "";
      do {
        name = String.fromCharCode(65 + (n % 26)) + name;
        n = Math.floor(n / 26) - 1;
      } while (n >= 0);
      if (!this.taken.has(name)) return this.claim(name);
    }
  }

  source(hint: string): string {
    for (let k = 0; ; k++) {
      const name = k === 0 ? hint : `${hint}_${k}`;
      if (!this.taken.has(name)) return this.claim(name);
    }
  }

  private claim(name: string): string {
    this.taken.add(name);
    return name;
  }
}

interface Read {
  slot: Slot;
  operand: number;
}

class GraphBuilder {
  private nextId = 0;

  constructor(private readonly params: Param[], private readonly trace: Trace, private readonly backward: BackwardPass, private readonly namer: Namer) {}

  /** The graph of `items`; values made outside them are inputs, named by `outer` (or their parameter). */
  build(items: Item[], outer: Map<Slot, string>, results: Slot[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    const producer = new Map<Slot, { node: GraphNode; name: string }>();
    const reads = items.map((item) => readsOf(item));
    items.forEach((item, k) => {
      const inputs = reads[k]!.map((read) => producer.get(read.slot) ?? this.leaf(read.slot, outer, nodes));
      const node = this.node(item, reads, k, results, outer, inputs.map((i) => i.name));
      reads[k]!.forEach((read, j) => {
        const from = inputs[j]!;
        const edge: GraphEdge = { from: from.node.id, value: from.name, to: node.id, operand: read.operand, ...this.amountOf(item, read) };
        edges.push(edge);
        if (from.node.kind === "input") this.setLeafAdjoint(from.node, edge.amount);
      });
      const reaches = this.aliasDeltas(item, reads[k]!);
      if (reaches.length) node.reaches = reaches;
      nodes.push(node);
      for (const o of node.outputs) producer.set(o.slot, { node, name: o.name });
    });
    for (const r of results) {
      const made = producer.get(r);
      const found = made ?? this.leaf(r, outer, nodes);
      found.node.result = true;
      // A result that is an input itself (`return x`): its only path is the seed.
      if (!made && typeof r.value !== "boolean") this.setLeafAdjoint(found.node, typeof r.value === "number" ? 1 : onesShaped(r.value));
    }
    return { nodes, edges };
  }

  private leaf(slot: Slot, outer: Map<Slot, string>, nodes: GraphNode[]): { node: GraphNode; name: string } {
    const param = slot.param !== undefined ? this.params[slot.param] : undefined;
    const name = this.namer.letter();
    const text = outer.get(slot) ?? (param ? parameterLabel(param) : formatValue(slot.value));
    const shape = shapeOf(slot.value);
    const node: GraphNode = {
      id: `n${this.nextId++}`, name, kind: "input", text, detail: shape ? [shape] : [],
      outputs: [{ name, slot, value: formatValue(slot.value) }], ...(slot.param !== undefined ? { param: slot.param } : {}),
    };
    nodes.push(node);
    return { node, name };
  }

  private setLeafAdjoint(node: GraphNode, amount: Runtime | undefined): void {
    if (amount === undefined) return;
    const out = node.outputs[0]!;
    out.adjointValue = out.adjointValue === undefined ? amount : addRuntime(out.adjointValue, amount);
    out.adjoint = formatValue(out.adjointValue);
  }

  private node(item: Item, reads: Read[][], k: number, results: Slot[], outer: Map<Slot, string>, inputNames: string[]): GraphNode {
    const id = `n${this.nextId++}`;
    if (item.kind === "prim") return this.opNode(id, item.record, reads[k]!, inputNames, item.trip);
    const name = this.namer.letter();
    const later = new Set([...reads.slice(k + 1).flat().map((r) => r.slot), ...results]);
    const made = new Set(innerOf(item).map((r) => r.result).filter((s): s is Slot => !!s));
    const outputs = [...made].filter((s) => later.has(s)).map((s) => this.output(s, this.nameOf(s)));
    const line = item.kind === "loop" ? item.record.op.loc?.line : undefined;
    if (item.kind === "loop") {
      const loc = item.record.op.loc;
      const trips = item.firstTrip > 0 ? `trips ${item.firstTrip + 1} to ${item.firstTrip + item.trips}` : `${item.trips} trip${item.trips === 1 ? "" : "s"}`;
      return {
        id, name, kind: "loop", text: loc ? `loop: ${loc.text.replace(/\s*\{$/, "")}` : "loop", detail: [trips, ...bodyLines(item.record.op)],
        outputs, ...(line ? { line } : {}), ...(item.trip ? { trip: item.trip } : {}),
      };
    }
    const innerNames = new Map(outer);
    for (const read of reads[k]!) if (!innerNames.has(read.slot)) innerNames.set(read.slot, this.labelOf(read.slot));
    const inner = this.build(item.items, innerNames, outputs.map((o) => o.slot));
    const graph: ExplainGraph = { title: `${item.name}(…)`, ...inner, numerator: "", steps: [], inputs: [] };
    return { id, name, kind: "helper", text: `${item.name}(…)`, detail: [`${item.inner.length} operations`], outputs, inner: graph };
  }

  private opNode(id: string, r: PrimRecord, reads: Read[], inputNames: string[], trip: string | undefined): GraphNode {
    const operandText = r.operands.map((s) => (s.constant ? formatValue(s.value) : "?"));
    reads.forEach((read, j) => (operandText[read.operand] = inputNames[j]!));
    const name = r.result ? this.nameOf(r.result) : this.namer.letter();
    return {
      id, name, kind: "op", text: primitiveInfo(r.op)!.text(operandText), detail: [], outputs: r.result ? [this.output(r.result, name)] : [],
      operation: r.op.kind, ...(r.op.loc ? { line: r.op.loc.line } : {}), ...(trip ? { trip } : {}),
    };
  }

  private output(slot: Slot, name: string): NodeOutput {
    const adjoint = typeof slot.value === "number" ? this.backward.adjoint.get(slot) : undefined;
    return { name, slot, value: formatValue(slot.value), ...(adjoint === undefined ? {} : { adjoint: formatValue(adjoint), adjointValue: adjoint }) };
  }

  private readonly names = new Map<Slot, string>();

  private nameOf(slot: Slot): string {
    let name = this.names.get(slot);
    if (!name) {
      name = slot.ir?.nameKind === "source" && slot.ir.name ? this.namer.source(slot.ir.name) : this.namer.letter();
      this.names.set(slot, name);
    }
    return name;
  }

  private labelOf(slot: Slot): string {
    return this.names.get(slot) ?? (slot.param !== undefined ? parameterLabel(this.params[slot.param]!) : formatValue(slot.value));
  }

  /** What an item adds into array parameters it does not read as inputs (through a row or alias made elsewhere). */
  private aliasDeltas(item: Item, reads: Read[]): { param: number; amount: Runtime }[] {
    const direct = new Set(reads.map((r) => r.slot.param).filter((p) => p !== undefined));
    const byParam = new Map<number, Runtime>();
    for (const r of innerOf(item)) {
      for (const d of this.backward.deltas.get(r) ?? []) {
        if (direct.has(d.param)) continue;
        if (!byParam.has(d.param)) byParam.set(d.param, zerosShaped(this.trace.params[d.param]!.value));
        addAt(byParam.get(d.param)!, d.path, d.amount);
      }
    }
    return [...byParam].map(([param, amount]) => ({ param, amount }));
  }

  /** The adjoint an item passes back along one of its reads, and the local derivative for a pure op. */
  private amountOf(item: Item, read: Read): { amount?: Runtime; local?: number } {
    const records = innerOf(item);
    if (typeof read.slot.value === "object") {
      if (read.slot.param === undefined) return {};
      let total: Runtime | undefined;
      for (const r of records) {
        for (const d of this.backward.deltas.get(r) ?? []) {
          if (d.param !== read.slot.param) continue;
          total ??= zerosShaped(read.slot.value);
          addAt(total, d.path, d.amount);
        }
      }
      return total === undefined ? {} : { amount: total };
    }
    let amount: number | undefined;
    let local: number | undefined;
    for (const r of records) {
      for (const c of this.backward.contributions.get(r) ?? []) {
        if (r.operands[c.operand] !== read.slot || (item.kind === "prim" && c.operand !== read.operand)) continue;
        amount = (amount ?? 0) + c.amount;
        local = item.kind === "prim" ? c.local : undefined;
      }
    }
    return { ...(amount === undefined ? {} : { amount }), ...(local === undefined ? {} : { local }) };
  }
}

function onesShaped(v: Runtime): Runtime {
  if (typeof v !== "object") return 1;
  return Array.from(v as ArrayLike<Runtime>).map(onesShaped) as Runtime;
}

/** What an item reads from outside itself: each operand of an op; each distinct outside value a loop or call reads. */
function readsOf(item: Item): Read[] {
  if (item.kind === "prim") return item.record.operands.map((slot, operand) => ({ slot, operand })).filter((r) => !r.slot.constant);
  const inner = new Set(item.inner);
  const seen = new Set<Slot>();
  const reads: Read[] = [];
  for (const r of item.inner) {
    for (const slot of r.operands) {
      if (slot.constant || seen.has(slot) || (slot.def && inner.has(slot.def))) continue;
      seen.add(slot);
      reads.push({ slot, operand: reads.length });
    }
  }
  return reads;
}

/** The source lines of a loop's body, in order, at most six. */
function bodyLines(op: PrimRecord["op"]): string[] {
  const lines = new Map<string, string>();
  const visit = (ops: PrimRecord["op"][]): void => {
    for (const o of ops) {
      if (o.loc && !lines.has(`${o.loc.file}:${o.loc.line}`)) lines.set(`${o.loc.file}:${o.loc.line}`, o.loc.text);
      for (const r of o.regions) visit(r.ops);
    }
  };
  for (const r of op.regions) visit(r.ops);
  const texts = [...lines.values()].filter((t) => t !== op.loc?.text);
  return texts.length > 6 ? [...texts.slice(0, 5), `… ${texts.length - 5} more lines`] : texts;
}
