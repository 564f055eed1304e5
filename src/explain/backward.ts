/**
 * The backward pass over a trace: from the result's adjoint (1, or a seed of
 * ones on every output of a vector-valued function) back to the inputs, one
 * primitive record at a time in reverse order of execution, with the adjoint
 * rule each primitive has in the primitive table. Pure rules give local
 * derivatives (the rule applied to an adjoint of 1), multiplied by the
 * result's adjoint; memory rules (loads, stores, user-defined adjoints) are
 * run on shadow arrays, one per array of the trace, with the adjoint itself.
 */
import { Evaluator, zerosLike, type Externals, type PrimRecord, type Runtime, type Slot, type Trace } from "./evaluate.js";
import { isArray, primitiveInfo, ruleTemplate, type Op, type RuleTemplate } from "./pipeline.js";

/** What one record passed back to one of its operands. */
export interface Contribution {
  record: PrimRecord;
  operand: number;
  amount: number;
  /** For a pure rule: the local derivative d(result)/d(operand); amount = adjoint of the result x local. */
  local?: number;
}

/** What one record added into the adjoint of an element of an array parameter. */
export interface ShadowDelta {
  record: PrimRecord;
  param: number;
  /** The element's index path: [i] for number[], [i, j] for number[][]. */
  path: number[];
  amount: number;
}

export interface BackwardPass {
  /** The adjoint of every slot that reaches the result; a slot with no path to it has none. */
  adjoint: Map<Slot, number>;
  contributions: Map<PrimRecord, Contribution[]>;
  deltas: Map<PrimRecord, ShadowDelta[]>;
  /** Per IR parameter: its adjoint (a number, or an array of the parameter's shape); undefined for booleans. */
  gradient: (Runtime | undefined)[];
}

export function backwardPass(trace: Trace, externals: Externals): BackwardPass {
  return new Backward(trace, externals).run();
}

class Backward {
  private readonly adjoint = new Map<Slot, number>();
  private readonly shadows = new WeakMap<object, Runtime>();
  private readonly paramShadows = new Map<object, { param: number; path: number[] }>();
  private readonly contributions = new Map<PrimRecord, Contribution[]>();
  private readonly deltas = new Map<PrimRecord, ShadowDelta[]>();
  private readonly templates = new Map<Op, RuleTemplate | undefined>();
  private current: PrimRecord | undefined;

  constructor(private readonly trace: Trace, private readonly externals: Externals) {}

  run(): BackwardPass {
    for (const p of this.trace.params) {
      if (typeof p.value === "object") this.registerParamShadow(this.shadowOf(p.value), p.param!, []);
    }
    this.seed();
    for (let k = this.trace.prims.length - 1; k >= 0; k--) this.reverse(this.trace.prims[k]!);
    const gradient = this.trace.params.map((p) => {
      if (typeof p.value === "boolean") return undefined;
      if (typeof p.value === "number") return this.adjoint.get(p) ?? 0;
      return this.shadowOf(p.value);
    });
    return { adjoint: this.adjoint, contributions: this.contributions, deltas: this.deltas, gradient };
  }

  private seed(): void {
    for (const r of this.trace.results) {
      if (typeof r.value === "number") this.add(r, 1);
      else if (typeof r.value === "object") fillOnes(this.shadowOf(r.value));
    }
  }

  private registerParamShadow(shadow: Runtime, param: number, path: number[]): void {
    this.paramShadows.set(shadow as object, { param, path });
    if (Array.isArray(shadow)) {
      (shadow as unknown[]).forEach((row, i) => {
        if (typeof row === "object") this.registerParamShadow(row as Runtime, param, [...path, i]);
      });
    }
  }

  /** The adjoint array of an array of the trace, made on first use (rows of an array of rows have their own). */
  private shadowOf(array: Runtime): Runtime {
    const key = array as object;
    let s = this.shadows.get(key);
    if (!s) {
      s = Array.isArray(array) && (array as unknown[]).some((x) => typeof x === "object")
        ? ((array as unknown[]).map((row) => (typeof row === "object" ? this.shadowOf(row as Runtime) : 0)) as Runtime)
        : zerosLike(array);
      this.shadows.set(key, s);
    }
    return s;
  }

  private add(s: Slot, amount: number): void {
    this.adjoint.set(s, (this.adjoint.get(s) ?? 0) + amount);
  }

  private template(op: Op): RuleTemplate | undefined {
    if (!this.templates.has(op)) this.templates.set(op, ruleTemplate(op));
    return this.templates.get(op);
  }

  private reverse(r: PrimRecord): void {
    const info = primitiveInfo(r.op);
    const t = this.template(r.op);
    if (!info || !t) return;
    const dy = r.result && typeof r.result.value === "number" ? this.adjoint.get(r.result) : undefined;
    if (info.pure) {
      if (dy === undefined) return;
      const locals = this.apply(r, t, 1);
      locals.forEach((local, i) => {
        if (local !== undefined) this.contribute(r, i, dy * local, local);
      });
      return;
    }
    if (info.memory !== "write" && dy === undefined) return;
    this.current = r;
    const amounts = this.apply(r, t, dy);
    this.current = undefined;
    amounts.forEach((amount, i) => {
      if (amount !== undefined) this.contribute(r, i, amount);
    });
  }

  private contribute(r: PrimRecord, operand: number, amount: number, local?: number): void {
    const s = r.operands[operand]!;
    if (s.constant || typeof s.value !== "number") return;
    this.add(s, amount);
    const list = this.contributions.get(r) ?? [];
    list.push({ record: r, operand, amount, ...(local === undefined ? {} : { local }) });
    this.contributions.set(r, list);
  }

  /** Evaluates a rule template for one record; returns each operand's contribution. */
  private apply(r: PrimRecord, t: RuleTemplate, dy: number | undefined): (number | undefined)[] {
    const ev = new Evaluator(this.externals, { record: false, onStore: (a, i, before, after) => this.stored(a, i, after - before) });
    t.operands.forEach((v, i) => ev.bind(v, ev.slot(r.operands[i]!.value)));
    if (t.result && r.result) ev.bind(t.result, ev.slot(r.result.value));
    if (t.dy) ev.bind(t.dy, ev.slot(dy ?? 0));
    t.shadows.forEach((v, i) => {
      const a = r.operands[i]!.value;
      if (isArray(v.type) && typeof a === "object") ev.bind(v, ev.slot(this.shadowOf(a)));
    });
    ev.region(t.region, []);
    return t.contributions.map((c) => (c ? (ev.get(c).value as number) : undefined));
  }

  private stored(array: object, index: number, amount: number): void {
    const owner = this.paramShadows.get(array);
    if (!owner || !this.current || amount === 0) return;
    const list = this.deltas.get(this.current) ?? [];
    list.push({ record: this.current, param: owner.param, path: [...owner.path, index], amount });
    this.deltas.set(this.current, list);
  }
}

function fillOnes(a: Runtime): void {
  if (a instanceof Float64Array) a.fill(1);
  else if (Array.isArray(a)) (a as unknown[]).forEach((x, i) => (typeof x === "object" ? fillOnes(x as Runtime) : ((a as number[])[i] = 1)));
}
