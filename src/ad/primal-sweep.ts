/**
 * The primal sweep of a gradient (reverse mode's first pass): the primal's
 * ops rebuilt through the builder (the same operations in the same order),
 * plus the shadow arrays:
 * every array whose alias class is active gets adjoint memory of the same
 * shape, created where the array is (zeros for a parameter or an
 * allocation, the matching alias for a row), and carried along wherever the
 * array flows (through `if` results and loop state).
 */
import { InternalError } from "../diagnostics.js";
import type { Builder } from "../ir/builder.js";
import { primitiveOf } from "../ir/primitives.js";
import { isArray, Structural, type Op, type Region, type Value } from "../ir/types.js";
import type { Activity } from "./activity.js";
import { lengthBeforeLoop, storeInBounds } from "./bounds.js";
import { adjointName, nameLike } from "./names.js";

export class PrimalSweep {
  /** Primal value -> its copy in the gradient function. */
  readonly mapping = new Map<Value, Value>();
  /** Array value of the gradient function -> its shadow. */
  readonly shadows = new Map<Value, Value>();

  constructor(private readonly b: Builder, private readonly activity: Activity) {}

  get(v: Value): Value {
    const m = this.mapping.get(v);
    if (!m) throw new InternalError(`value ${v.name || v.id} used before its definition`);
    return m;
  }

  readonly shadowOf = (v: Value): Value | undefined => this.shadows.get(v);

  /** Whether a primal array value needs a shadow. */
  needsShadow(v: Value): boolean {
    return isArray(v.type) && this.activity.activeArray(v);
  }

  /** The shadow of a copied array, or zeros of its shape when it has none. */
  private shadowOrZeros(v: Value): Value {
    return this.shadows.get(v) ?? this.b.prim("zeros", [v]);
  }

  /** Gives a parameter (already copied) its shadow. */
  shadowParameter(primal: Value): void {
    if (!this.needsShadow(primal)) return;
    const copy = this.get(primal);
    this.shadows.set(copy, named(this.b.prim("zeros", [copy]), adjointName(copy)));
  }

  /** Rebuilds `src`'s ops (all but the terminator); returns the terminator. */
  region(src: Region): Op {
    const b = this.b;
    for (const op of src.ops) {
      b.loc = op.loc;
      if (op.kind === Structural.Return || op.kind === Structural.Yield) return op;
      if (op.kind === Structural.Const) this.mapping.set(op.results[0]!, b.const(op.literal!));
      else if (op.kind === Structural.If) this.ifOp(op);
      else if (op.kind === Structural.While) this.whileOp(op);
      else this.primitive(op);
    }
    throw new InternalError("region without terminator");
  }

  private primitive(op: Op): void {
    const b = this.b;
    const p = primitiveOf(op)!;
    const operands = op.operands.map((v) => this.get(v));
    const result = b.again(op, operands);
    const primalResult = op.results[0];
    if (primalResult) this.mapping.set(primalResult, nameLike(result, primalResult));
    if (!p.shadow) return;
    if (p.memory === "alloc" && !(primalResult && this.needsShadow(primalResult))) return;
    const inBounds = op.kind === "store" && (storeInBounds(op) || this.grownBefore.has(op));
    const shadow = p.shadow(b, operands, primalResult && result, this.shadowOf, { inBounds });
    if (shadow && primalResult) this.shadows.set(result, named(shadow, adjointName(result)));
  }

  /** Array results of an `if` carry their shadows as extra results. */
  private ifOp(op: Op): void {
    const b = this.b;
    const shadowed = op.results.filter((r) => this.needsShadow(r));
    const copy = b.ifOp(this.get(op.operands[0]!), [...op.results, ...shadowed].map((r) => r.type));
    op.regions.forEach((region, i) =>
      b.inRegion(copy.regions[i]!, () => {
        const end = this.region(region);
        b.loc = op.loc;
        const values = end.operands.map((v) => this.get(v));
        const shadows = op.results.flatMap((r, j) => (this.needsShadow(r) ? [this.shadowOrZeros(values[j]!)] : []));
        b.yield([...values, ...shadows]);
      }));
    op.results.forEach((r, j) => this.mapping.set(r, copyName(copy.results[j]!, r)));
    let k = op.results.length;
    for (const r of op.results) {
      if (!this.needsShadow(r)) continue;
      const result = this.get(r);
      this.shadows.set(result, copyName(copy.results[k++]!, { name: adjointName(result), nameKind: "adjoint" }));
    }
  }

  /** Stores whose shadow was grown to the length they may reach before their loop (see `lengthBeforeLoop`). */
  private readonly grownBefore = new Set<Op>();

  /**
   * Before a counted loop whose trips write numbers past the end of an array
   * from before the loop (up to its bound): the shadow grown to that bound
   * once, so the trips need not mirror their writes into it.
   */
  private growShadowsBefore(loop: Op): void {
    const b = this.b;
    for (const store of loop.regions[1]!.ops) {
      if (store.kind !== "store" || store.operands[2]!.type !== "f64" || store.operands[0]!.type !== "f64[]" || storeInBounds(store)) continue;
      const found = lengthBeforeLoop(store);
      const shadow = found && this.shadows.get(this.get(store.operands[0]!));
      if (!found || !shadow) continue;
      const start = b.prim("len", [shadow]);
      b.countedLoop(b.sub(this.get(found.bound), start), (k) => b.prim("append", [shadow, b.add(start, k), b.const(0)]));
      this.grownBefore.add(store);
    }
  }

  /** Array state of a loop carries its shadow as extra state. */
  private whileOp(op: Op): void {
    const b = this.b;
    this.growShadowsBefore(op);
    const init = op.operands.map((v) => this.get(v));
    const shadowed = op.results.map((r, j) => (this.needsShadow(r) ? j : -1)).filter((j) => j >= 0);
    const copy = b.whileOp([...init, ...shadowed.map((j) => this.shadowOrZeros(init[j]!))]);
    if (op.checkpoint !== undefined) copy.checkpoint = op.checkpoint;
    const n = op.results.length;
    const link = (values: Value[], copies: Value[]) => {
      values.forEach((v, j) => this.mapping.set(v, copyName(copies[j]!, v)));
      shadowed.forEach((j, s) => this.shadows.set(copies[j]!, copyName(copies[n + s]!, { name: adjointName(copies[j]!), nameKind: "adjoint" })));
    };
    op.regions.forEach((region, i) => {
      const target = copy.regions[i]!;
      link(region.args, target.args);
      b.inRegion(target, () => {
        const end = this.region(region);
        b.loc = op.loc;
        const values = end.operands.map((v) => this.get(v));
        b.yield(i === 0 ? values : [...values, ...shadowed.map((j) => this.shadowOrZeros(values[j]!))]);
      });
    });
    link(op.results, copy.results);
  }
}

function named(v: Value, name: string): Value {
  if (v.nameKind === "temp") {
    v.name = name;
    v.nameKind = "adjoint";
  }
  return v;
}

function copyName(v: Value, like: { name: string; nameKind: Value["nameKind"] }): Value {
  v.name = like.name;
  v.nameKind = like.nameKind;
  return v;
}
