/**
 * Forward mode's walk: one sweep over a function's ops in program order
 * that rebuilds each op (the same operations in the same order, so values
 * are bit-identical) and beside it the op's tangent, by the op's rule: a
 * primitive's `tangent` (numbers) or `tangentMemory` (arrays) in its row of
 * the primitive table, a structured op's in `controlFlow` (control.ts for
 * `if`, `while` and `repeat`; tapes.ts for what the reverse sweep emits:
 * pushes and pops, stashes and recalls, reserves). No tape: tangents travel
 * with their values.
 *
 * The sweep carries one tangent per value, or several (lanes: the vector
 * mode of the Jacobian's and the Hessian's blocks of columns): the primal
 * op is rebuilt once, and its rule runs once per lane on that lane's
 * tangents, so each lane computes exactly what a sweep with one tangent
 * would, while the primal work and the control flow are shared.
 */
import { InternalError } from "../../diagnostics.js";
import type { Builder } from "../../ir/builder.js";
import { primitiveOf } from "../../ir/primitives.js";
import { isArray, Structural, type Op, type Region, type Value } from "../../ir/types.js";
import { walkOps } from "../../ir/walk.js";
import { nameLike } from "../names.js";
import { forwardIf, forwardLoop } from "./control.js";
import { forwardRecursiveCall } from "./recursive.js";
import { forwardPop, forwardPush, forwardRecall, forwardReserve, forwardStash, TapeLinks } from "./tapes.js";
import { userRuleTangent } from "./user-rules.js";
import type { Varied } from "./varied.js";

/**
 * Thrown where a tangent would have to pass through a call of a function
 * adgen cannot see into (the reverse sweep of a user-defined adjoint may
 * call one: its tangent is a second derivative nobody gave).
 */
export class UntracedCall extends Error {
  constructor(readonly op: Op, readonly callee: string) {
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

/** `x` -> `xDot`, `dx` -> `dxDot`: a tangent's name hint (the dot of Newton's notation); `xDot2` for lane 2 of several. */
export function tangentName(v: Value, lane?: number): string {
  return `${v.name || "t"}Dot${lane ?? ""}`;
}

export class ForwardSweep {
  /** Value of the source function -> its copy. */
  readonly mapping = new Map<Value, Value>();
  /** Per lane: copied value -> its tangent (a number's, or the tangent array of an array); absent for zero. */
  private readonly laneTangents: Map<Value, Value>[];
  /** The lane the tangent queries and records below are about. */
  lane = 0;
  readonly links = new TapeLinks();

  /** Values used only as the value a user-defined adjoint is given (operand 0 of a `rule:` op), whose tangent the rule makes. */
  private readonly ruleValues: Set<Value>;

  /**
   * Whether the tangents of the partial derivatives a recursive function's
   * call returns are made (forward mode over a gradient, which reads them;
   * ad/forward/recursive.ts).
   */
  throughRecursive = false;

  constructor(readonly b: Builder, readonly varied: Varied, source: Region, readonly lanes = 1) {
    this.laneTangents = Array.from({ length: lanes }, () => new Map<Value, Value>());
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

  /** The current lane's tangents. */
  get tangents(): Map<Value, Value> {
    return this.laneTangents[this.lane]!;
  }

  /** Runs `f` once per lane, in order, with that lane current; returns what each gave. */
  eachLane<T>(f: (lane: number) => T): T[] {
    const out: T[] = [];
    for (let j = 0; j < this.lanes; j++) {
      this.lane = j;
      out.push(f(j));
    }
    this.lane = 0;
    return out;
  }

  /** A tangent's name in the current lane (no lane number when there is one lane). */
  tangentName(v: Value): string {
    return tangentName(v, this.lanes > 1 ? this.lane : undefined);
  }

  /** The tangent of a copied value, undefined for zero. */
  readonly tangentOf = (v: Value): Value | undefined => this.tangents.get(v);

  /** Records the tangent of `copy`, the copy of `source`, when `source` is varied. */
  setTangent(source: Value, copy: Value, tangent: Value | undefined): void {
    // A constant's tangent is 0 (the builder shares constants: recording one would give it to every use).
    if (!tangent || !this.varied.has(source) || copy.def?.kind === Structural.Const) return;
    if (tangent.nameKind === "temp" && tangent.def?.kind !== Structural.Const) {
      tangent.name = this.tangentName(copy);
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
    if (!p.tangent || !this.varied.has(op.results[0]!)) return;
    this.eachLane(() => {
      const dx = x.map(this.tangentOf);
      if (!dx.some(Boolean)) return;
      b.exact = false;
      this.setTangent(op.results[0]!, y, p.tangent!(b, x, y, dx));
      b.exact = true;
    });
  }

  private memory(op: Op): void {
    const b = this.b;
    const p = primitiveOf(op)!;
    if (this.throughRecursive && p.external?.source.kind === "recursive" && this.varied.has(op.results[0]!)) {
      forwardRecursiveCall(this, op, p.external);
      return;
    }
    const x = op.operands.map((v) => this.get(v));
    const source = op.results[0];
    const y = b.again(op, x);
    const result = source && this.link(source, y);
    const varied = !!source && this.varied.has(source);
    b.exact = false;
    // A call adgen cannot see into has no tangent: fine for the value a user rule differentiates, an error where one is needed.
    if (p.external && source && !this.ruleValues.has(source) && op.operands.some((v) => this.varied.has(v))) throw new UntracedCall(op, p.external.hint);
    if (p.userRule) {
      if (varied) userRuleTangent(this, p.userRule, x, result!).forEach((t, j) => {
        this.lane = j;
        this.setTangent(source, result!, t);
        this.lane = 0;
      });
    } else if (p.tangentMemory) {
      // An allocation gets a tangent array only when its class is varied; reads and writes follow the tangents they find.
      if (p.memory !== "alloc" || varied) {
        this.eachLane(() => {
          const t = p.tangentMemory!(b, x, result, this.tangentOf);
          if (source) this.setTangent(source, result!, t);
        });
      }
    } else if (p.memory === "alloc" && varied) {
      // zeros, empty: the tangent is made the same way.
      this.eachLane(() => this.setTangent(source, result!, b.again(op, x)));
    }
    b.exact = true;
  }
}
