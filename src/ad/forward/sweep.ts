/**
 * Forward mode's walk: one sweep over a function's ops in program order
 * that rebuilds each op (the same operations in the same order, so values
 * are bit-identical) and beside it the op's tangent, by the op's rule: a
 * primitive's `tangent` (numbers) or `tangentMemory` (arrays) in its row of
 * the primitive table, a structured op's in `controlFlow` (control.ts for
 * `if`, `while` and `repeat`; tapes.ts for what the reverse sweep emits:
 * pushes and pops, stashes and recalls, reserves). No tape: tangents travel
 * with their values.
 */
import { InternalError } from "../../diagnostics.js";
import type { Builder } from "../../ir/builder.js";
import { primitiveOf } from "../../ir/primitives.js";
import { isArray, Structural, type Op, type Region, type Value } from "../../ir/types.js";
import { walkOps } from "../../ir/walk.js";
import { nameLike } from "../names.js";
import { forwardIf, forwardLoop } from "./control.js";
import { forwardPop, forwardPush, forwardRecall, forwardReserve, forwardStash, TapeLinks } from "./tapes.js";
import { userRuleTangent } from "./user-rules.js";
import type { Varied } from "./varied.js";

/**
 * Thrown where a tangent would have to pass through a call of a function
 * adgen cannot see into (the reverse sweep of a user-defined adjoint may
 * call one: its tangent is a second derivative nobody gave).
 */
export class UntracedCall extends Error {
  constructor(readonly op: Op, readonly callee: string, readonly recursive = false) {
    super(`no tangent through ${callee}`);
  }
}

/** The forward rule of a structured op. */
export type ForwardRule = (t: ForwardSweep, op: Op) => void;

const controlFlow: Partial<Record<string, ForwardRule>> = {
  [Structural.If]: forwardIf,
  [Structural.While]: forwardLoop,
  [Structural.Repeat]: forwardLoop,
  [Structural.Push]: forwardPush,
  [Structural.Pop]: forwardPop,
  [Structural.Stash]: forwardStash,
  [Structural.Recall]: forwardRecall,
  [Structural.Reserve]: forwardReserve,
};

/** `x` -> `xDot`, `dx` -> `dxDot`: a tangent's name hint (the dot of Newton's notation). */
export function tangentName(v: Value): string {
  return `${v.name || "t"}Dot`;
}

export class ForwardSweep {
  /** Value of the source function -> its copy. */
  readonly mapping = new Map<Value, Value>();
  /** Copied value -> its tangent (a number's, or the tangent array of an array); absent for zero. */
  readonly tangents = new Map<Value, Value>();
  readonly links = new TapeLinks();

  /** Values used only as the value a user-defined adjoint is given (operand 0 of a `rule:` op), whose tangent the rule makes. */
  private readonly ruleValues: Set<Value>;

  constructor(readonly b: Builder, readonly varied: Varied, source: Region) {
    const uses = new Map<Value, boolean>();
    for (const op of walkOps(source)) {
      const rule = !!primitiveOf(op)?.userRule;
      op.operands.forEach((v, i) => uses.set(v, (uses.get(v) ?? true) && rule && i === 0));
    }
    this.ruleValues = new Set([...uses].filter(([, only]) => only).map(([v]) => v));
  }

  get(v: Value): Value {
    const m = this.mapping.get(v);
    // A constant may be defined after its first use in program order (the builder shares one per region): made again here.
    if (!m && v.def?.kind === Structural.Const) return this.b.const(v.def.literal!);
    if (!m) throw new InternalError(`value ${v.name || v.id} used before its definition`);
    return m;
  }

  /** The tangent of a copied value, undefined for zero. */
  readonly tangentOf = (v: Value): Value | undefined => this.tangents.get(v);

  /** Records the tangent of `copy`, the copy of `source`, when `source` is varied. */
  setTangent(source: Value, copy: Value, tangent: Value | undefined): void {
    // A constant's tangent is 0 (the builder shares constants: recording one would give it to every use).
    if (!tangent || !this.varied.has(source) || copy.def?.kind === Structural.Const) return;
    if (tangent.nameKind === "temp" && tangent.def?.kind !== Structural.Const) {
      tangent.name = tangentName(copy);
      tangent.nameKind = "adjoint";
    }
    this.tangents.set(copy, tangent);
  }

  /** The tangent of a copied value, or zero (0, or zeros of the array's shape) where it has none. */
  tangentOrZero(copy: Value): Value {
    const t = this.tangents.get(copy);
    if (t) return t;
    return isArray(copy.type) ? this.b.prim("zeros", [copy]) : this.b.const(0);
  }

  /** Maps a source value to its copy, naming the copy after it. */
  link(source: Value, copy: Value): Value {
    this.mapping.set(source, nameLike(copy, source));
    return copy;
  }

  /** Rebuilds `src`'s ops with their tangents (all but the terminator); returns the terminator. */
  region(src: Region): Op {
    const b = this.b;
    for (const op of src.ops) {
      b.loc = op.loc;
      b.reverse = op.reverse ?? false;
      if (op.kind === Structural.Return || op.kind === Structural.Yield) return op;
      const rule = controlFlow[op.kind];
      if (rule) rule(this, op);
      else if (op.kind === Structural.Const) this.mapping.set(op.results[0]!, b.const(op.literal!));
      else if (primitiveOf(op)?.memory) this.memory(op);
      else this.primitive(op);
    }
    throw new InternalError("region without terminator");
  }

  private primitive(op: Op): void {
    const b = this.b;
    const p = primitiveOf(op)!;
    const x = op.operands.map((v) => this.get(v));
    const y = this.link(op.results[0]!, b.again(op, x));
    const dx = x.map(this.tangentOf);
    if (!p.tangent || !dx.some(Boolean) || !this.varied.has(op.results[0]!)) return;
    b.exact = false;
    this.setTangent(op.results[0]!, y, p.tangent(b, x, y, dx));
    b.exact = true;
  }

  private memory(op: Op): void {
    const b = this.b;
    const p = primitiveOf(op)!;
    const x = op.operands.map((v) => this.get(v));
    const source = op.results[0];
    const y = b.again(op, x);
    const result = source && this.link(source, y);
    const varied = !!source && this.varied.has(source);
    b.exact = false;
    // A call adgen cannot see into has no tangent: fine for the value a user rule differentiates, an error where one is needed.
    if (p.external && source && !this.ruleValues.has(source) && op.operands.some((v) => this.varied.has(v))) throw new UntracedCall(op, p.external.hint);
    if (p.userRule) {
      if (varied) this.setTangent(source, result!, userRuleTangent(this, p.userRule, x, result!));
    } else if (p.tangentMemory) {
      // An allocation gets a tangent array only when its class is varied; reads and writes follow the tangents they find.
      if (p.memory !== "alloc" || varied) {
        const t = p.tangentMemory(b, x, result, this.tangentOf);
        if (source) this.setTangent(source, result!, t);
      }
    } else if (p.memory === "alloc" && varied) {
      // zeros, empty: the tangent is made the same way.
      this.setTangent(source, result!, b.again(op, x));
    }
    b.exact = true;
  }
}
