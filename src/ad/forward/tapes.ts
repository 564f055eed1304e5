/**
 * Forward mode over what the reverse sweep emits (so that the tangent of a
 * gradient, a Hessian-vector product, is one more forward sweep): a value
 * pushed on the tape is pushed with its tangent after it, and popped in the
 * opposite order (the tape is a stack); a stashed value is stashed with its
 * tangent; a `reserve` serves the copy of its loop, whose trips now push
 * the tangents too (the printer counts a trip's pushes).
 */
import { InternalError } from "../../diagnostics.js";
import { Structural, type Op, type Value } from "../../ir/types.js";
import type { ForwardSweep } from "./sweep.js";

/** The copies of ops that refer to each other: a push's pop, a stash's recall, a reserve's loop. */
export class TapeLinks {
  /** A push or stash of the source -> its copy and the copy's tangent twin. */
  readonly copies = new Map<Op, { primal: Op; tangent?: Op }>();
  /** A stash of the source -> what its recall reads: the copies' stashes, or values at hand everywhere (parameters, constants). */
  readonly stashes = new Map<Op, { primal: Op | Value; tangent?: Op | Value }>();
  /** Copied reserves waiting for the copy of their loop. */
  private readonly reserves = new Map<Op, Op[]>();

  loopCopied(source: Op, copy: Op): void {
    for (const reserve of this.reserves.get(source) ?? []) reserve.partner = copy;
    this.reserves.delete(source);
  }

  reserveFor(loop: Op, reserve: Op): void {
    this.reserves.set(loop, [...(this.reserves.get(loop) ?? []), reserve]);
  }
}

export function forwardPush(t: ForwardSweep, op: Op): void {
  const v = t.get(op.operands[0]!);
  const primal = t.b.push(v);
  if (op.index) primal.index = true;
  const tangent = t.varied.has(op.operands[0]!) ? t.b.push(t.tangentOrZero(v)) : undefined;
  t.links.copies.set(op, { primal, ...(tangent ? { tangent } : {}) });
}

export function forwardPop(t: ForwardSweep, op: Op): void {
  const pushed = op.partner && t.links.copies.get(op.partner);
  if (!pushed) throw new InternalError("a pop without the push it takes back");
  const source = op.results[0]!;
  // Last in, first out: the tangent was pushed after the value.
  const tangent = pushed.tangent && t.b.pop(pushed.tangent.operands[0]!);
  const value = t.b.pop(pushed.primal.operands[0]!);
  value.name = source.name;
  value.nameKind = source.nameKind;
  pair(pushed.primal, value.def!);
  if (op.index) value.def!.index = true;
  if (pushed.tangent && tangent) pair(pushed.tangent, tangent.def!);
  t.mapping.set(source, value);
  t.setTangent(source, value, tangent);
}

/** A value the whole function sees (a parameter or a constant) needs no stash: the recall reads it again. */
const atHand = (v: Value) => !v.def || v.def.kind === Structural.Const;
const stash = (t: ForwardSweep, v: Value): Op | Value => (atHand(v) ? v : t.b.stash(v));
const recall = (t: ForwardSweep, s: Op | Value): Value => ("kind" in s ? t.b.recall(s) : s);

export function forwardStash(t: ForwardSweep, op: Op): void {
  const v = t.get(op.operands[0]!);
  const primal = stash(t, v);
  const tangent = t.varied.has(op.operands[0]!) ? stash(t, t.tangentOrZero(v)) : undefined;
  t.links.stashes.set(op, { primal, ...(tangent ? { tangent } : {}) });
}

export function forwardRecall(t: ForwardSweep, op: Op): void {
  const stashed = op.partner && t.links.stashes.get(op.partner);
  if (!stashed) throw new InternalError("a recall without its stash");
  const source = op.results[0]!;
  const value = recall(t, stashed.primal);
  t.mapping.set(source, value);
  if (stashed.tangent) t.setTangent(source, value, recall(t, stashed.tangent));
}

export function forwardReserve(t: ForwardSweep, op: Op): void {
  const reserve = t.b.insert(t.b.makeOp(op.kind, [t.get(op.operands[0]!)], []));
  if (op.partner) t.links.reserveFor(op.partner, reserve);
}

function pair(push: Op, pop: Op): void {
  push.partner = pop;
  pop.partner = push;
}
