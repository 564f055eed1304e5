/**
 * Forward mode over what the reverse sweep emits (so that the tangent of a
 * gradient, a Hessian-vector product, is one more forward sweep): a value
 * pushed on the tape is pushed with its tangent after it, and popped in the
 * opposite order (the tape is a stack); a stashed value is stashed with its
 * tangent; a `reserve` serves the copy of its loop, whose trips now push
 * the tangents too (the printer counts a trip's pushes). With several lanes,
 * a value is pushed or stashed with one tangent per lane, in lane order.
 */
import { InternalError } from "../../diagnostics.js";
import { Structural, type Op, type Value } from "../../ir/types.js";
import type { ForwardSweep } from "./sweep.js";

/** The copies of ops that refer to each other: a push's pop, a stash's recall, a reserve's loop. */
export class TapeLinks {
  /** A push of the source -> its copy and the copy's tangent twins, one per lane (none when the value is not varied). */
  readonly copies = new Map<Op, { primal: Op; tangents: Op[] }>();
  /** A stash of the source -> what its recall reads: the copies' stashes, or values at hand everywhere (parameters, constants). */
  readonly stashes = new Map<Op, { primal: Op | Value; tangents: (Op | Value)[] }>();
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
  const tangents = t.varied.has(op.operands[0]!) ? t.eachLane(() => t.b.push(t.tangentOrZero(v))) : [];
  t.links.copies.set(op, { primal, tangents });
}

export function forwardPop(t: ForwardSweep, op: Op): void {
  const pushed = op.partner && t.links.copies.get(op.partner);
  if (!pushed) throw new InternalError("a pop without the push it takes back");
  const source = op.results[0]!;
  // Last in, first out: the tangents were pushed after the value, lane by lane.
  const tangents = [...pushed.tangents].reverse().map((push) => {
    const tangent = t.b.pop(push.operands[0]!);
    pair(push, tangent.def!);
    return tangent;
  }).reverse();
  const value = t.b.pop(pushed.primal.operands[0]!);
  value.name = source.name;
  value.nameKind = source.nameKind;
  pair(pushed.primal, value.def!);
  if (op.index) value.def!.index = true;
  t.mapping.set(source, value);
  if (tangents.length) t.eachLane((lane) => t.setTangent(source, value, tangents[lane]));
}

/** A value the whole function sees (a parameter or a constant) needs no stash: the recall reads it again. */
const atHand = (v: Value) => !v.def || v.def.kind === Structural.Const;
const stash = (t: ForwardSweep, v: Value): Op | Value => (atHand(v) ? v : t.b.stash(v));
const recall = (t: ForwardSweep, s: Op | Value): Value => ("kind" in s ? t.b.recall(s) : s);

export function forwardStash(t: ForwardSweep, op: Op): void {
  const v = t.get(op.operands[0]!);
  const primal = stash(t, v);
  const tangents = t.varied.has(op.operands[0]!) ? t.eachLane(() => stash(t, t.tangentOrZero(v))) : [];
  t.links.stashes.set(op, { primal, tangents });
}

export function forwardRecall(t: ForwardSweep, op: Op): void {
  const stashed = op.partner && t.links.stashes.get(op.partner);
  if (!stashed) throw new InternalError("a recall without its stash");
  const source = op.results[0]!;
  const value = recall(t, stashed.primal);
  t.mapping.set(source, value);
  if (stashed.tangents.length) t.eachLane((lane) => t.setTangent(source, value, recall(t, stashed.tangents[lane]!)));
}

export function forwardReserve(t: ForwardSweep, op: Op): void {
  const reserve = t.b.insert(t.b.makeOp(op.kind, [t.get(op.operands[0]!)], []));
  if (op.partner) t.links.reserveFor(op.partner, reserve);
}

function pair(push: Op, pop: Op): void {
  push.partner = pop;
  pop.partner = push;
}
