/**
 * Out of SSA: decides how each IR value appears in TypeScript.
 *
 * - Constants print as literals; a pure value used once, in the same region
 *   and the same source-line group, is inlined into its user's expression
 *   (values the user named are always kept as variables).
 * - Every other value gets a variable. A value may take over the variable of
 *   a value that dies where it is defined, when the two hold versions of the
 *   same source variable or adjoint: `s = s * x`, `dx += ...`. The results of
 *   an `if` take over the variable of a same-named value they replace, and a
 *   value a branch yields is written straight into the result's variable.
 *
 * Liveness is exact for structured code: a read is reachable from a point if
 * it comes later in program order and not in the other branch of an `if`.
 */
import { primitiveOf } from "../ir/primitives.js";
import { Structural, type Func, type Op, type Value } from "../ir/types.js";
import { definedInside, terminator, walkOps } from "../ir/walk.js";
import { Names } from "./names.js";

export interface Variable {
  name: string;
  /** Written more than once: declared with `let`. */
  reassigned: boolean;
}

export interface Allocation {
  /** Values printed inside their single user's expression. */
  inlined: Set<Value>;
  /** The variable of every other non-constant value (parameters included). */
  variable: Map<Value, Variable>;
  /** Fresh variables to declare before each `if`, with their initial constant if a branch yields one. */
  declarations: Map<Op, { variable: Variable; init: Value | undefined; result: Value }[]>;
  /** Loop state variables to declare before each loop, with their initial values. */
  loopInits: Map<Op, { variable: Variable; init: Value }[]>;
  /** The counter variable of each `repeat`. */
  repeatCounters: Map<Op, string>;
  /** The name of the caller's gradient buffers (`grad`, unless a parameter has that name). */
  gradName: string;
  /** Each source parameter's name in the generated code: its own, unless the module or generated code needs it. */
  paramNames: Map<string, string>;
  /** The generated function's own locals: the tapes in use, their tops, and the pool counter. */
  locals: Readonly<Record<LocalName, string>>;
  /** For names made while printing (temporaries of a parallel copy). */
  names: Names;
}

/** Locals every generated function may declare, by their usual name. */
const localNames = ["tape", "top", "indices", "itop", "decisions", "dtop", "pooled"] as const;
export type LocalName = (typeof localNames)[number];

const isLoop = (op: Op) => op.kind === Structural.While || op.kind === Structural.Repeat;

interface Position {
  index: number;
  /** The enclosing `if` ops and which branch the position is in. */
  branches: Map<Op, number>;
}

/** `moduleNames`: the generated module's top-level names, which no variable may take. */
export function allocate(f: Func, moduleNames: Iterable<string> = []): Allocation {
  const position = new Map<Op, Position>();
  const endIndex = new Map<Op, number>();
  let counter = 0;
  const number = (ops: Op[], branches: Map<Op, number>): void => {
    for (const op of ops) {
      position.set(op, { index: counter++, branches });
      op.regions.forEach((r, i) => number(r.ops, new Map([...branches, [op, i]])));
      endIndex.set(op, counter - 1);
    }
  };
  number(f.body.ops, new Map());

  const inlined = chooseInlined(f);
  const reads = effectiveReads(f, inlined);
  /** For each if, the values its regions read (at any depth). */
  const readInside = new Map<Op, Value[]>();
  for (const [v, at] of reads) {
    for (const r of at) {
      for (const owner of position.get(r)!.branches.keys()) {
        const list = readInside.get(owner);
        if (list) list.push(v);
        else readInside.set(owner, [v]);
      }
    }
  }
  const reachable = (from: Op, to: Op, v: Value): boolean => {
    const p = position.get(from)!;
    const q = position.get(to)!;
    // A loop around both runs `to` again after `from`, for a value from outside the loop.
    for (const op of p.branches.keys()) {
      if (isLoop(op) && q.branches.has(op) && !definedInside(v, op)) return true;
    }
    if (q.index <= p.index) return false;
    for (const [op, branch] of p.branches) {
      const other = q.branches.get(op);
      if (other !== undefined && other !== branch) return false;
    }
    return true;
  };
  /** Whether nothing reads `v` after `at` (reads by `at` itself, or inside `at`'s regions, do not count). */
  const diesAt = (v: Value, at: Op): boolean =>
    (reads.get(v) ?? []).every((r) => r === at || !reachable(at, r, v) || insideOf(r, at));
  const insideOf = (r: Op, at: Op): boolean => position.get(r)!.branches.has(at) && position.get(r)!.index <= endIndex.get(at)!;

  const names = new Names(moduleNames);
  const variable = new Map<Value, Variable>();
  const params = new Set(f.params.map((p) => p.value));
  const paramNames = new Map<string, string>();
  for (const p of f.signature ?? f.params) paramNames.set(p.name, names.own(p.name));
  for (const p of f.params) variable.set(p.value, { name: p.path ? names.own(p.name) : paramNames.get(p.name)!, reassigned: false });
  const locals = Object.fromEntries(localNames.map((n) => [n, names.fresh(n)])) as Record<LocalName, string>;
  const gradName = names.fresh("grad");
  const declarations = new Map<Op, { variable: Variable; init: Value | undefined; result: Value }[]>();
  const loopInits = new Map<Op, { variable: Variable; init: Value }[]>();
  const repeatCounters = new Map<Op, string>();
  const isConst = (v: Value) => v.def?.kind === Structural.Const;
  // One variable holds one type: `dt` for a parameter t's adjoint and `dt` for an array's shadow stay apart.
  const sameName = (a: Value, b: Value) => a.nameKind !== "temp" && a.nameKind === b.nameKind && a.name === b.name && a.type === b.type;
  const fresh = (v: Value, holders: Map<Variable, Value>): Variable => {
    const x: Variable = { name: names.fresh(v.name), reassigned: false };
    variable.set(v, x);
    holders.set(x, v);
    return x;
  };

  /**
   * The variable of the enclosing `if` result that `v` is yielded as, when `v`
   * can be written straight into it (its current holder is dead by then).
   */
  const yieldTarget = (v: Value, at: Op, holders: Map<Variable, Value>, yieldOp: Op | undefined, owner: Op | undefined): Variable | undefined => {
    const slot = yieldOp && owner ? yieldOp.operands.indexOf(v) : -1;
    if (slot < 0) return undefined;
    const target = variable.get(owner!.results[slot]!)!;
    const holder = holders.get(target);
    return !holder || diesAt(holder, at) ? target : undefined;
  };
  const assign = (v: Value, target: Variable, holders: Map<Variable, Value>): void => {
    target.reassigned = true;
    variable.set(v, target);
    holders.set(target, v);
  };

  const visit = (ops: Op[], holders: Map<Variable, Value>, yieldOp: Op | undefined, owner: Op | undefined): void => {
    for (const op of ops) {
      if (op.kind === Structural.If) {
        visitIf(op, holders, yieldOp, owner);
        continue;
      }
      if (isLoop(op)) {
        visitLoop(op, holders);
        continue;
      }
      if (op.results.length !== 1 || op.kind === Structural.Const) continue;
      const v = op.results[0]!;
      if (inlined.has(v)) continue;
      const target = yieldTarget(v, op, holders, yieldOp, owner);
      if (target) {
        assign(v, target, holders);
        continue;
      }
      const donor = op.operands.find((u) => variable.has(u) && !params.has(u) && sameName(u, v)
        && holders.get(variable.get(u)!) === u && diesAt(u, op));
      if (donor) assign(v, variable.get(donor)!, holders);
      else fresh(v, holders);
    }
  };

  const visitIf = (op: Op, holders: Map<Variable, Value>, yieldOp: Op | undefined, owner: Op | undefined): void => {
    const claimed = new Set<Variable>();
    const declared: { variable: Variable; init: Value | undefined; result: Value }[] = [];
    op.results.forEach((r, j) => {
      const yields = op.regions.map((region) => terminator(region).operands[j]!);
      const target = yieldTarget(r, op, holders, yieldOp, owner);
      // A same-named value the if replaces: yielded as is, or read inside the if (dx += ...).
      const candidates = [...yields, ...(readInside.get(op) ?? [])];
      const donor = candidates.find((u) => variable.has(u) && !params.has(u) && sameName(u, r)
        && holders.get(variable.get(u)!) === u && !claimed.has(variable.get(u)!) && diesAt(u, op)
        && !definedInside(u, op));
      if (target && !claimed.has(target)) {
        claimed.add(target);
        target.reassigned = true;
        variable.set(r, target);
      } else if (donor) {
        claimed.add(variable.get(donor)!);
        variable.get(donor)!.reassigned = true;
        variable.set(r, variable.get(donor)!);
      } else {
        const x = fresh(r, new Map());
        declared.push({ variable: x, init: yields.find(isConst), result: r });
      }
    });
    declarations.set(op, declared);
    op.regions.forEach((region) => visit(region.ops, new Map(holders), terminator(region), op));
    for (const r of op.results) holders.set(variable.get(r)!, r);
  };

  /**
   * A loop's state lives in one variable per component: the regions'
   * arguments, the yielded next values and the results all use it. It takes
   * over the initial value's variable when that value is not read again.
   */
  const visitLoop = (op: Op, holders: Map<Variable, Value>): void => {
    const offset = op.kind === Structural.Repeat ? 1 : 0;
    const inits: { variable: Variable; init: Value }[] = [];
    op.results.forEach((r, j) => {
      const init = op.operands[offset + j]!;
      const x = variable.get(init);
      const reusable = x && !params.has(init) && sameName(init, r) && holders.get(x) === init
        && (reads.get(init) ?? []).every((at) => at === op || !reachable(op, at, init) && !insideOf(at, op));
      let state: Variable;
      if (reusable) {
        state = x;
        state.reassigned = true;
      } else {
        state = { name: names.fresh(r.name), reassigned: true };
        inits.push({ variable: state, init });
      }
      variable.set(r, state);
      for (const region of op.regions) variable.set(region.args[j]!, state);
    });
    loopInits.set(op, inits);
    if (op.kind === Structural.Repeat) repeatCounters.set(op, names.fresh("k"));
    op.regions.forEach((region) => {
      const inner = new Map(holders);
      region.args.forEach((a) => inner.set(variable.get(a)!, a));
      const yieldOp = region === op.regions[op.regions.length - 1] ? terminator(region) : undefined;
      visit(region.ops, inner, yieldOp, yieldOp && op);
    });
    for (const r of op.results) holders.set(variable.get(r)!, r);
  };

  visit(f.body.ops, new Map(), undefined, undefined);
  return { inlined, variable, declarations, loopInits, repeatCounters, gradName, paramNames, locals, names };
}


/** Pure values used once, by an op of the same region and source-line group, are inlined into it. */
function chooseInlined(f: Func): Set<Value> {
  const users = new Map<Value, Op[]>();
  for (const op of walkOps(f.body)) {
    // `a.push(v)` does not print the index it lands at (an operand for the reverse sweep).
    const printed = op.kind === "append" ? [op.operands[0]!, op.operands[2]!] : op.operands;
    for (const v of printed) users.set(v, [...(users.get(v) ?? []), op]);
  }
  const inlined = new Set<Value>();
  /** Inlined values whose expression reads array memory: they must not move past a write. */
  const readsMemory = new Set<Value>();
  for (const op of walkOps(f.body)) {
    const p = primitiveOf(op);
    if (!p || op.results.length !== 1 || p.memory === "alloc") continue;
    const v = op.results[0]!;
    const u = users.get(v) ?? [];
    if (u.length === 0) {
      inlined.add(v); // nothing prints it: not a statement of its own either
      continue;
    }
    if (u.length !== 1 || v.nameKind === "source") continue;
    const user = u[0]!;
    if (user.parent !== op.parent) continue;
    if (user.kind === Structural.Return) continue;
    // `x !== 0 || x === 0.5` does not type-check (x is narrowed to 0 on the right), and
    // simplification can produce it (from `Math.min(x) !== 0 * 1`): keep such tests apart.
    if ((op.kind === "eq" || op.kind === "ne") && (user.kind === "and" || user.kind === "or")) continue;
    const reads = p.memory === "read" || op.operands.some((x) => readsMemory.has(x));
    if (reads && writesBetween(op, user)) continue;
    const structural = user.kind === Structural.Yield || user.kind === Structural.If;
    const sameGroup = !op.reverse ? !user.reverse : user.reverse === true && user.loc?.line === op.loc?.line;
    if (structural || sameGroup) {
      inlined.add(v);
      if (reads) readsMemory.add(v);
    }
  }
  return inlined;
}

/** Whether an op between `from` and `to` (same region) may write array memory. */
function writesBetween(from: Op, to: Op): boolean {
  const ops = from.parent!.ops;
  return ops.slice(ops.indexOf(from) + 1, ops.indexOf(to)).some(writesMemory);
}

function writesMemory(op: Op): boolean {
  return primitiveOf(op)?.memory === "write" || op.regions.some((r) => r.ops.some(writesMemory));
}

/** For each value, the ops that read it once inlined expressions are placed at their users. */
function effectiveReads(f: Func, inlined: Set<Value>): Map<Value, Op[]> {
  const reads = new Map<Value, Op[]>();
  const read = (v: Value, at: Op): void => {
    if (inlined.has(v)) {
      for (const w of v.def!.operands) read(w, at);
      return;
    }
    const list = reads.get(v);
    if (list) list.push(at);
    else reads.set(v, [at]);
  };
  for (const op of walkOps(f.body)) {
    if (op.results.length === 1 && inlined.has(op.results[0]!)) continue;
    for (const v of op.operands) read(v, op);
  }
  return reads;
}
