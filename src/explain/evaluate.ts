/**
 * An evaluator over the primal IR that records what it runs: every value a
 * primitive makes is a slot of the trace, and every primitive run is a record
 * naming its operand and result slots. Loop state, branch results and region
 * arguments make no slot of their own: they are the slots of the values they
 * stand for, so the trace is exactly the graph of primitive operations at
 * this point, which the backward pass (backward.ts) walks.
 *
 * The same evaluator runs the adjoint rules' templates (pipeline.ts) with
 * `record: false`.
 */
import { Kind, mathPrimitives, type Op, type Region, type Value } from "./pipeline.js";
import { primitiveOf } from "../ir/primitives.js";

export type Runtime = number | boolean | number[] | Float64Array | number[][];

export interface Slot {
  readonly id: number;
  value: Runtime;
  /** The record that made it; undefined for a parameter or a constant. */
  def?: PrimRecord;
  /** For a parameter: its index. */
  param?: number;
  constant?: boolean;
  /** The IR value that names it where it is made. */
  ir?: Value;
}

export interface PrimRecord {
  kind: "prim";
  op: Op;
  operands: Slot[];
  result: Slot | undefined;
  /** Position in the order of execution. */
  index: number;
}

export interface IfRecord {
  kind: "if";
  op: Op;
  taken: 0 | 1;
  records: TraceRecord[];
}

export interface LoopRecord {
  kind: "loop";
  op: Op;
  /** The records of each trip: its condition, then its body. */
  trips: TraceRecord[][];
  /** The records of the last evaluation of the condition, which ended the loop. */
  exit: TraceRecord[];
  results: Slot[];
}

export type TraceRecord = PrimRecord | IfRecord | LoopRecord;

export interface Trace {
  params: Slot[];
  records: TraceRecord[];
  /** Every primitive record, in the order of execution. */
  prims: PrimRecord[];
  results: Slot[];
}

/** Functions adgen cannot see into, by the name their `call:` primitive has. */
export type Externals = ReadonlyMap<string, (...args: unknown[]) => unknown>;

/** More primitive runs than this is taken for a loop that does not end. */
const MAX_RECORDS = 2_000_000;

export class EvaluationError extends Error {}

/** The primitives whose operation is a Math function of the same name. */
const math = Math as unknown as Record<string, (...a: number[]) => number>;

type N = number;
type Arr = number[] & Float64Array;
const operations: Record<string, (...a: any[]) => Runtime | undefined> = {
  add: (a: N, b: N) => a + b,
  sub: (a: N, b: N) => a - b,
  mul: (a: N, b: N) => a * b,
  div: (a: N, b: N) => a / b,
  rem: (a: N, b: N) => a % b,
  neg: (a: N) => -a,
  pow: (a: N, b: N) => a ** b,
  lt: (a: N, b: N) => a < b,
  le: (a: N, b: N) => a <= b,
  gt: (a: N, b: N) => a > b,
  ge: (a: N, b: N) => a >= b,
  eq: (a: N, b: N) => a === b,
  ne: (a: N, b: N) => a !== b,
  and: (a: boolean, b: boolean) => a && b,
  or: (a: boolean, b: boolean) => a || b,
  not: (a: boolean) => !a,
  nograd: (a: N) => a,
  select: (c: boolean, a: N, b: N) => (c ? a : b),
  len: (a: Arr) => a.length,
  load: (a: Arr, i: N) => a[i],
  store: (a: Arr, i: N, v: N) => {
    a[i] = v;
    return undefined;
  },
  append: (a: Arr, _k: N, v: N) => {
    a.push(v);
    return undefined;
  },
  alloc: (n: N) => new Array<number>(n).fill(0),
  falloc: (n: N) => new Float64Array(n),
  nalloc: () => [],
  empty: () => [],
  fempty: () => new Float64Array(0),
  zeros: (a: Runtime) => zerosLike(a),
};

/** Zeros shaped like an array (rows get rows of zeros). */
export function zerosLike(a: Runtime): Runtime {
  if (a instanceof Float64Array) return new Float64Array(a.length);
  if (Array.isArray(a)) return (a as unknown[]).map((item) => (Array.isArray(item) || item instanceof Float64Array ? zerosLike(item as Runtime) : 0)) as Runtime;
  return 0;
}

/** Observes writes into arrays while rules run (the backward pass watches the parameters' shadows). */
export type StoreHook = (array: object, index: number, before: number, after: number) => void;

export class Evaluator {
  private nextId = 0;
  readonly prims: PrimRecord[] = [];
  private readonly env = new Map<Value, Slot>();

  constructor(private readonly externals: Externals, private readonly options: { record: boolean; onStore?: StoreHook }) {}

  slot(value: Runtime, extra: Partial<Slot> = {}): Slot {
    return { id: this.nextId++, value, ...extra };
  }

  bind(v: Value, s: Slot): void {
    this.env.set(v, s);
  }

  get(v: Value): Slot {
    const s = this.env.get(v);
    if (!s) throw new EvaluationError(`value %${v.name || v.id} is read before it is defined`);
    return s;
  }

  /** Runs a region's ops; returns the slots its terminator yields (none for a region without one). */
  region(r: Region, out: TraceRecord[]): Slot[] {
    for (const op of r.ops) {
      if (op.kind === Kind.Yield || op.kind === Kind.Return) return op.operands.map((v) => this.get(v));
      this.op(op, out);
    }
    return [];
  }

  private op(op: Op, out: TraceRecord[]): void {
    if (op.kind === Kind.Const) {
      this.bind(op.results[0]!, this.slot(op.literal!, { constant: true, ir: op.results[0]! }));
    } else if (op.kind === Kind.If) {
      const taken = this.get(op.operands[0]!).value ? 0 : 1;
      const record: IfRecord = { kind: "if", op, taken, records: [] };
      out.push(record);
      const yielded = this.region(op.regions[taken]!, record.records);
      op.results.forEach((v, i) => this.bind(v, yielded[i]!));
    } else if (op.kind === Kind.While) {
      this.loop(op, out);
    } else {
      this.primitive(op, out);
    }
  }

  private loop(op: Op, out: TraceRecord[]): void {
    const [cond, body] = op.regions as [Region, Region];
    const record: LoopRecord = { kind: "loop", op, trips: [], exit: [], results: [] };
    out.push(record);
    let state = op.operands.map((v) => this.get(v));
    for (;;) {
      const trip: TraceRecord[] = [];
      cond.args.forEach((v, i) => this.bind(v, state[i]!));
      const [go] = this.region(cond, trip);
      if (!go!.value) {
        record.exit = trip;
        break;
      }
      body.args.forEach((v, i) => this.bind(v, state[i]!));
      state = this.region(body, trip);
      record.trips.push(trip);
    }
    record.results = state;
    op.results.forEach((v, i) => this.bind(v, state[i]!));
  }

  private primitive(op: Op, out: TraceRecord[]): void {
    const operands = op.operands.map((v) => this.get(v));
    const value = this.apply(op, operands.map((s) => s.value));
    const y = op.results[0];
    const result = y ? this.slot(value!, { ir: y }) : undefined;
    if (y) this.bind(y, result!);
    if (!this.options.record) return;
    const record: PrimRecord = { kind: "prim", op, operands, result, index: this.prims.length };
    if (result) result.def = record;
    this.prims.push(record);
    out.push(record);
    if (this.prims.length > MAX_RECORDS) throw new EvaluationError(`more than ${MAX_RECORDS} operations ran; explain needs a smaller input`);
  }

  private apply(op: Op, args: Runtime[]): Runtime | undefined {
    const kind = op.kind;
    if (kind === "store" && this.options.onStore) {
      const [a, i, v] = args as [Arr, number, number];
      this.options.onStore(a, i, a[i] ?? 0, v);
    }
    const f = operations[kind];
    if (f) return f(...args);
    if (mathPrimitives.has(kind)) return math[kind]!(...(args as number[]));
    if (kind.startsWith("rule:")) return args[0];
    if (kind.startsWith("call:")) {
      const fn = this.externals.get(op.primitive?.external?.key ?? kind);
      if (!fn) throw new EvaluationError(`cannot call ${kind.slice(5)}: explain could not load it`);
      return fn(...args) as Runtime;
    }
    // Every other pure primitive computes what its row of the table says.
    const row = primitiveOf(op);
    if (row?.apply) return row.apply(...(args as (number | boolean)[]));
    throw new EvaluationError(`explain cannot evaluate the operation ${kind}`);
  }
}

/** A deep copy of an argument, so that evaluation never touches the caller's arrays. */
export function copyRuntime(v: Runtime): Runtime {
  if (v instanceof Float64Array) return v.slice();
  if (Array.isArray(v)) return (v as unknown[]).map((item) => (typeof item === "number" ? item : copyRuntime(item as Runtime))) as Runtime;
  return v;
}

/** Runs a primal function at `args` (one value per IR parameter) and records its trace. */
export function traceFunction(body: Region, paramValues: Value[], args: Runtime[], externals: Externals): Trace {
  const ev = new Evaluator(externals, { record: true });
  const params = args.map((a, i) => ev.slot(copyRuntime(a), { param: i, ir: paramValues[i]! }));
  paramValues.forEach((v, i) => ev.bind(v, params[i]!));
  const records: TraceRecord[] = [];
  const results = ev.region(body, records);
  return { params, records, prims: ev.prims, results };
}
