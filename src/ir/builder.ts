/**
 * Builds IR ops into a current region, simplifying as it goes: constant
 * folding (exact operations only), algebraic identities, and common
 * subexpression elimination over the enclosing regions. In `exact` mode
 * (the primal) only identities that hold bit for bit in IEEE 754 are applied
 * (x * 1 = x, but not x + 0 = x, which turns -0 into 0); adjoint code also
 * drops additions of zero.
 */
import { InternalError } from "../diagnostics.js";
import { primitive, primitiveOf, type Primitive } from "./primitives.js";
import type { NameKind, Op, Region, SourceLoc, Type, Value } from "./types.js";
import { Structural } from "./types.js";

export class Builder {
  private nextId = 0;
  private readonly cse = new WeakMap<Region, Map<string, Value>>();
  region: Region;
  loc: SourceLoc | undefined;
  reverse = false;
  exact = true;
  /**
   * Counts inserted writes to memory, wherever they go (ops are inserted in
   * program order, so a write inside a branch or loop body counts before the
   * ops after it); reads are merged only within one count.
   */
  private writes = 0;
  /** The outermost region whose values common subexpressions may reuse (see `confined`). */
  private boundary: Region | undefined;
  /** Regions whose new ops go before their terminator rather than at the end (see `confined`). */
  private readonly beforeEnd = new Set<Region>();
  /** Values computed in another region that the primitives built now may reuse (see `reusing`). */
  private offered: ReadonlyMap<string, Value> | undefined;

  constructor(region: Region) {
    this.region = region;
  }

  newValue(type: Type, name = "", nameKind: NameKind = "temp", def?: Op): Value {
    return { id: this.nextId++, type, name, nameKind, def };
  }

  /** A new argument of `region`. */
  argument(region: Region, type: Type, name = "", nameKind: NameKind = "temp"): Value {
    const v = this.newValue(type, name, nameKind);
    v.region = region;
    return v;
  }

  /** Continue numbering values after those of an existing function. */
  reserveIds(count: number): void {
    this.nextId = Math.max(this.nextId, count);
  }

  /** Run `fn` with ops inserted into `region`, then restore the insertion point. */
  inRegion<T>(region: Region, fn: () => T): T {
    const saved = this.region;
    this.region = region;
    try {
      return fn();
    } finally {
      this.region = saved;
    }
  }

  /**
   * Runs `fn` adding ops to a finished region (an earlier loop body), before
   * its terminator. Common subexpressions are looked up in `region` and the
   * regions inside it only: values remembered in enclosing regions, which
   * have grown past it, may be defined after it.
   */
  confined<T>(region: Region, fn: () => T): T {
    const saved = this.boundary;
    this.boundary = region;
    this.beforeEnd.add(region);
    try {
      return this.inRegion(region, fn);
    } finally {
      this.boundary = saved;
      this.beforeEnd.delete(region);
    }
  }

  /**
   * Runs `fn` with ops going into a new region of their own, which is
   * returned (with fn's result) for the caller to place: no common
   * subexpression is shared with the regions around it.
   */
  detached<T>(fn: () => T): { ops: Op[]; result: T } {
    const region = emptyRegion(undefined);
    const result = this.inRegion(region, fn);
    return { ops: region.ops, result };
  }

  /**
   * Runs `fn` with `offered` (values by `reuseKey`) reused by the primitives
   * it builds, as common subexpressions are: the caller vouches that they are
   * in scope wherever `fn` builds.
   */
  reusing<T>(offered: ReadonlyMap<string, Value>, fn: () => T): T {
    const saved = this.offered;
    this.offered = offered;
    try {
      return fn();
    } finally {
      this.offered = saved;
    }
  }

  /**
   * Removes the ops of the current region from index `from` on (with their
   * regions) and forgets every common subexpression they defined, so that
   * nothing built later reuses their values.
   */
  discard(from: number): void {
    const removed = new Set<Value>();
    const collect = (ops: Op[]) => {
      for (const op of ops) {
        for (const v of op.results) removed.add(v);
        for (const r of op.regions) collect(r.ops);
      }
    };
    collect(this.region.ops.splice(from));
    for (let r: Region | undefined = this.region; r; r = r.owner?.parent) {
      const m = this.cse.get(r);
      if (m) for (const [key, v] of m) if (removed.has(v)) m.delete(key);
    }
  }

  insert(op: Op): Op {
    if (primitiveOf(op)?.memory === "write") this.writes++;
    op.parent = this.region;
    op.loc ??= this.loc;
    if (this.reverse) op.reverse = true;
    if (this.beforeEnd.has(this.region)) this.region.ops.splice(this.region.ops.length - 1, 0, op);
    else this.region.ops.push(op);
    return op;
  }

  const(literal: number | boolean): Value {
    const key = `const ${typeof literal} ${Object.is(literal, -0) ? "-0" : String(literal)}`;
    const found = this.lookup(key);
    if (found) return found;
    const op = this.makeOp(Structural.Const, [], [typeof literal === "boolean" ? "bool" : "f64"]);
    op.literal = literal;
    this.insert(op);
    this.remember(key, op.results[0]!);
    return op.results[0]!;
  }

  /** A primitive operation, simplified: a built-in one by name, or one made from the user's source. */
  prim(which: string | Primitive, operands: Value[]): Value {
    const p = typeof which === "string" ? primitive(which) : which;
    if (!p) throw new InternalError(`unknown primitive ${String(which)}`);
    const kind = p.name;
    // A primitive made from the user's source is identified by what it calls, not its printed name.
    const identity = p.external ? `${kind}#${p.external.key}` : kind;
    if (p.arity !== "variadic" && p.arity !== operands.length) {
      throw new InternalError(`${kind} takes ${p.arity} operands, got ${operands.length}`);
    }
    if (p.memory) {
      // A read is merged only with the same read earlier in the same region and no
      // write in between (in that region or one nested in it); nothing else is merged.
      const key = `${identity} ${operands.map((v) => v.id).join(" ")} @${this.writes}`;
      const reused = p.memory === "read" ? this.cse.get(this.region)?.get(key) : undefined;
      if (reused) return reused;
      const made = this.makeOp(kind, operands, p.statement ? [] : [p.resultTypeOf?.(operands) ?? p.resultType]);
      if (typeof which !== "string") made.primitive = which;
      const op = this.insert(made);
      if (p.memory === "read") this.remember(key, op.results[0]!);
      return op.results[0] ?? operands[0]!;
    }
    const simplified = this.simplify(kind, operands);
    if (simplified) return simplified;
    const key = `${identity} ${operands.map((v) => v.id).join(" ")}`;
    const found = this.lookup(key) ?? this.offered?.get(key);
    if (found) return found;
    const made = this.makeOp(kind, operands, [p.resultType]);
    if (typeof which !== "string") made.primitive = which;
    const op = this.insert(made);
    this.remember(key, op.results[0]!);
    return op.results[0]!;
  }

  /** The operation `op` performs, again, on other operands. */
  again(op: Op, operands: Value[]): Value {
    return this.prim(op.primitive ?? op.kind, operands);
  }

  add(a: Value, b: Value): Value { return this.prim("add", [a, b]); }
  sub(a: Value, b: Value): Value { return this.prim("sub", [a, b]); }
  mul(a: Value, b: Value): Value { return this.prim("mul", [a, b]); }
  div(a: Value, b: Value): Value { return this.prim("div", [a, b]); }
  neg(a: Value): Value { return this.prim("neg", [a]); }
  select(c: Value, a: Value, b: Value): Value { return this.prim("select", [c, a, b]); }

  /** An `if` op with empty then/else regions; fill them with inRegion and end each with yield(). */
  ifOp(cond: Value, resultTypes: Type[]): Op {
    const op = this.makeOp(Structural.If, [cond], resultTypes);
    op.regions = [emptyRegion(op), emptyRegion(op)];
    return this.insert(op);
  }

  /** A `while` op with empty cond and body regions whose arguments are the loop state. */
  whileOp(init: Value[]): Op {
    const op = this.makeOp(Structural.While, init, init.map((v) => v.type));
    op.regions = [this.stateRegion(op, init), this.stateRegion(op, init)];
    return this.insert(op);
  }

  /** A `while` op running `body(k)` for k = 0 .. n-1 (the loops of fill, slice and whole-array adjoints). */
  countedLoop(n: Value, body: (k: Value) => void): void {
    const op = this.whileOp([this.const(0)]);
    const [cond, loop] = op.regions as [Region, Region];
    for (const v of [cond.args[0]!, loop.args[0]!, op.results[0]!]) v.name = "k";
    this.inRegion(cond, () => this.yield([this.prim("lt", [cond.args[0]!, n])]));
    this.inRegion(loop, () => {
      body(loop.args[0]!);
      this.yield([this.add(loop.args[0]!, this.const(1))]);
    });
  }

  /** A `repeat` op: runs its body `count` times over the state. */
  repeatOp(count: Value, init: Value[]): Op {
    const op = this.makeOp(Structural.Repeat, [count, ...init], init.map((v) => v.type));
    op.regions = [this.stateRegion(op, init)];
    return this.insert(op);
  }

  private stateRegion(owner: Op, like: Value[]): Region {
    const region = emptyRegion(owner);
    region.args = like.map((v) => this.argument(region, v.type, v.name, v.nameKind));
    return region;
  }

  push(v: Value): Op {
    return this.insert(this.makeOp(Structural.Push, [v], []));
  }

  pop(like: Value): Value {
    const op = this.makeOp(Structural.Pop, [], [like.type]);
    op.results[0]!.name = like.name;
    op.results[0]!.nameKind = like.nameKind;
    this.insert(op);
    return op.results[0]!;
  }

  /** Keeps `v` for the reverse sweep; `recall` reads it back (see Structural.Stash). */
  stash(v: Value): Op {
    return this.insert(this.makeOp(Structural.Stash, [v], []));
  }

  recall(stash: Op): Value {
    const like = stash.operands[0]!;
    const op = this.makeOp(Structural.Recall, [], [like.type]);
    op.results[0]!.name = like.name;
    op.results[0]!.nameKind = like.nameKind;
    op.partner = stash;
    stash.partner = op;
    this.insert(op);
    return op.results[0]!;
  }

  yield(values: Value[]): Op {
    return this.insert(this.makeOp(Structural.Yield, values, []));
  }

  makeOp(kind: string, operands: Value[], resultTypes: Type[]): Op {
    const op: Op = { kind, operands, results: [], regions: [], parent: undefined };
    op.results = resultTypes.map((t) => this.newValue(t, "", "temp", op));
    return op;
  }

  private lookup(key: string): Value | undefined {
    for (let r: Region | undefined = this.region; r; r = r === this.boundary ? undefined : r.owner?.parent) {
      const v = this.cse.get(r)?.get(key);
      if (v) return v;
    }
    return undefined;
  }

  private remember(key: string, v: Value): void {
    let m = this.cse.get(this.region);
    if (!m) this.cse.set(this.region, (m = new Map()));
    m.set(key, v);
  }

  private simplify(kind: string, x: Value[]): Value | undefined {
    const lit = x.map(constantOf);
    const p = primitive(kind);
    if (p?.folds && p.apply && lit.every((l) => l !== undefined)) return this.const(p.apply(...(lit as (number | boolean)[])));
    const [a, b] = x as [Value, Value];
    const [la, lb] = lit;
    switch (kind) {
      case "mul":
        if (a.def?.kind === "neg") return this.neg(this.mul(a.def.operands[0]!, b));
        if (b.def?.kind === "neg") return this.neg(this.mul(a, b.def.operands[0]!));
        if (lb === 1) return a;
        if (la === 1) return b;
        if (lb === -1) return this.neg(a);
        if (la === -1) return this.neg(b);
        return undefined;
      case "div":
        return lb === 1 ? a : undefined;
      case "sub":
        if (b.def?.kind === "neg") return this.add(a, b.def.operands[0]!);
        if (Object.is(lb, 0) || (!this.exact && isZero(lb))) return a;
        if (!this.exact && isZero(la)) return this.neg(b);
        return undefined;
      case "add":
        // Two equal contributions (x * x sends the same term to both operands): 2 * c, exactly c + c.
        if (!this.exact && a === b) return this.mul(this.const(2), a);
        if (b.def?.kind === "neg") return this.sub(a, b.def.operands[0]!);
        if (a.def?.kind === "neg") return this.sub(b, a.def.operands[0]!);
        if (!this.exact && isZero(lb)) return a;
        if (!this.exact && isZero(la)) return b;
        return undefined;
      case "neg":
        return a.def?.kind === "neg" ? a.def.operands[0] : undefined;
      // Booleans: `&&` and `||` are eager on operands without effects, so a constant decides or drops out.
      case "and":
        if (la === false || lb === false) return this.const(false);
        return la === true ? b : lb === true ? a : undefined;
      case "or":
        if (la === true || lb === true) return this.const(true);
        return la === false ? b : lb === false ? a : undefined;
      case "not":
        return a.def?.kind === "not" ? a.def.operands[0] : undefined;
      case "pow":
        return lb === 1 ? a : undefined;
      case "select": {
        const lc = lit[0];
        if (lc !== undefined) return lc ? x[1] : x[2];
        return x[1] === x[2] ? x[1] : undefined;
      }
      default:
        return undefined;
    }
  }
}

/** The key under which `reusing` offers the result of `op`, a primitive of the table that reads no memory. */
export function reuseKey(op: Op): string {
  return `${op.kind} ${op.operands.map((v) => v.id).join(" ")}`;
}

export function emptyRegion(owner: Op | undefined): Region {
  return { args: [], ops: [], owner };
}

/** The literal a value is known to hold, if it is a constant. */
export function constantOf(v: Value): number | boolean | undefined {
  return v.def?.kind === Structural.Const ? v.def.literal : undefined;
}

function isZero(l: number | boolean | undefined): boolean {
  return typeof l === "number" && l === 0;
}
