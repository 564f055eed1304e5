/**
 * When a loop's reverse may be fused into the loop itself.
 *
 * Reverse mode normally runs a loop's reverse as a second loop, last trip
 * first, after everything the function computes later has been reversed; the
 * values a trip's reverse needs are taped or computed again. For a sum over
 * independent terms (`loss += term(i)`) that is wasted work: the adjoint of
 * the sum is the same in every trip and known before the loop runs, and each
 * trip's reverse only adds into gradients. Such a loop's reverse can run at
 * the end of each trip, with the trip's values at hand (what a hand-written
 * gradient does). The order in which the trips add their contributions
 * changes, which changes nothing but rounding.
 *
 * A loop is fused when (checked here, on the forward sweep):
 *
 * - every state component that carries a derivative is an accumulator: its
 *   argument reaches the yielded value through `+` and `-` (or the same kind
 *   of state of a nested loop, or both branches of an `if`) and is used
 *   nowhere else, so its adjoint passes through each trip unchanged; and the
 *   adjoint of its result can be had when the loop starts (the reverse of
 *   what follows the loop computes it from constants and parameters: `1 / n`
 *   for a mean);
 * - an array the loop writes, when it has a shadow, is scratch space of one
 *   trip, so no adjoint reaches it from outside the trip: either made in the
 *   trip, or one array with no other name, written and read only at constant
 *   indices at the top of the body, each element written before it is read,
 *   and read nowhere after the loop starts other than in it;
 * - an array it reads, when it has a shadow, is not written after the loop
 *   starts: that write's reverse would take the adjoint the fused trips
 *   already added to the element.
 */
import type { Shadows } from "../ir/primitives.js";
import { Structural, type Op, type Region, type Value } from "../ir/types.js";
import { definedInside, terminator, walkOps } from "../ir/walk.js";
import type { AliasClasses } from "./activity.js";

export interface FusionContext {
  /** The gradient function's body, holding the forward sweep built so far. */
  body: Region;
  /** The function's results: arrays among them are read after every loop (a VJP seeds their shadows). */
  results: Value[];
  /** Whether a value from the reverse sweep can be had inside the loop (a constant, `1 / n`). */
  atEntry: (v: Value) => boolean;
  classes: AliasClasses;
  shadow: Shadows;
}

/** Whether the reverse of `loop` may run inside it; `carried` are its state components with derivatives. */
export function fusable(loop: Op, carried: number[], seeds: (Value | undefined)[], ctx: FusionContext): boolean {
  for (const j of carried) {
    const seed = seeds[j];
    if (seed && !ctx.atEntry(seed)) return false;
    if (!accumulates(loop, j)) return false;
  }
  return memoryAllows(loop, ctx);
}

/** Whether state component j of a `while` only accumulates: its argument reaches the yielded value by `+`/`-` alone. */
function accumulates(loop: Op, j: number): boolean {
  const body = loop.regions[1]!;
  return passesOn(body, body.args[j]!, terminator(body).operands[j]!);
}

/**
 * Whether `v` reaches `target` in `region` through ops that pass its adjoint
 * on unchanged and use it nowhere else: `v + t`, `t + v`, `v - t`, the same
 * state of a nested accumulating loop, or the same result of an `if` each of
 * whose branches passes it on; and `target` is only yielded.
 */
function passesOn(region: Region, v: Value, target: Value): boolean {
  while (v !== target) {
    const users = usersOf(region, v);
    const [user] = users;
    if (!user) return false;
    const branch = enclosingIf(region, user);
    if (branch) {
      if (!users.every((u) => enclosingIf(region, u) === branch)) return false;
      const k = branch.results.findIndex((_, i) => branch.regions.every((r) => passesOn(r, v, terminator(r).operands[i]!)));
      if (k < 0) return false;
      v = branch.results[k]!;
      continue;
    }
    if (users.length !== 1 || user.parent !== region) return false;
    if (user.kind === "add" || (user.kind === "sub" && user.operands[0] === v)) v = user.results[0]!;
    else if (user.kind === Structural.While && accumulates(user, user.operands.indexOf(v))) v = user.results[user.operands.indexOf(v)]!;
    else return false;
  }
  return usersOf(region, target).length === 1;
}

/** The `if` at the top of `region` that holds `op` inside one of its branches, if any. */
function enclosingIf(region: Region, op: Op): Op | undefined {
  for (let r = op.parent; r?.owner; r = r.owner.parent) {
    if (r.owner.parent === region) return r.owner.kind === Structural.If ? r.owner : undefined;
  }
  return undefined;
}

/** The ops that read `v` inside `region`, one entry per operand position. */
function usersOf(region: Region, v: Value): Op[] {
  return [...walkOps(region)].flatMap((op) => op.operands.filter((x) => x === v).map(() => op));
}

/** The array rules above, for the arrays with shadows. */
function memoryAllows(loop: Op, ctx: FusionContext): boolean {
  const { after, inside } = forwardOpsAround(loop, ctx.body);
  const body = loop.regions[1]!;
  const classOf = (a: Value) => ctx.classes.find(a);
  const written = new Set<Value>();
  const read = new Set<Value>();
  for (const op of inside) {
    if (op.kind === "store" || op.kind === "append") {
      if (ctx.shadow(op.operands[0]!)) written.add(classOf(op.operands[0]!));
    } else if (op.kind !== "len") for (const a of op.operands) if (ctx.shadow(a)) read.add(classOf(a));
  }
  const members = membersOf(ctx, written);
  for (const c of written) {
    // A trip's new arrays: no later trip and nothing after the loop can see them (an array
    // kept in loop state or stored into an outer array shares its class with a value from outside).
    if ([...members.get(c)!].every((v) => definedInside(v, loop))) continue;
    // Otherwise one array, read and written through that one value: stores through an alias
    // (a row, a choice between arrays) could fill an element another name reads.
    if (members.get(c)!.size !== 1) return false;
    const stored = new Set<number | boolean>();
    const inClass = (a: Value) => ctx.shadow(a) !== undefined && classOf(a) === c;
    for (const op of body.ops) {
      if (!op.operands.some(inClass)) continue;
      // Only as the array of a read, write or length (not passed to a rule, not stored as a row).
      if (!inClass(op.operands[0]!) || op.operands.slice(1).some(inClass)) return false;
      const index = op.operands[1]?.def?.literal;
      if (op.kind === "len") continue;
      if ((op.kind !== "store" && op.kind !== "load") || index === undefined) return false;
      if (op.kind === "store") stored.add(index);
      else if (!stored.has(index)) return false;
    }
    // Anywhere inside the loop, the class is touched only by the top-level ops just checked.
    for (const op of inside) {
      if (op.parent !== body && op.operands.some(inClass)) return false;
    }
  }
  if (ctx.results.some((r) => ctx.shadow(r) && written.has(classOf(r)))) return false;
  for (const op of after) {
    const isWrite = op.kind === "store" || op.kind === "append";
    for (const [k, a] of op.operands.entries()) {
      if (!ctx.shadow(a)) continue;
      const c = classOf(a);
      if (written.has(c) && !isWrite && op.kind !== "len" && op.kind !== "zeros") return false;
      if (read.has(c) && isWrite && k === 0) return false;
    }
  }
  return true;
}

/** The values of each alias class in `classes`: arguments, operands and results anywhere in the function. */
function membersOf(ctx: FusionContext, classes: Set<Value>): Map<Value, Set<Value>> {
  const members = new Map([...classes].map((c) => [c, new Set<Value>()]));
  const visit = (v: Value) => members.get(ctx.classes.find(v))?.add(v);
  const walk = (r: Region): void => {
    r.args.forEach(visit);
    for (const op of r.ops) {
      op.operands.forEach(visit);
      op.results.forEach(visit);
      op.regions.forEach(walk);
    }
  };
  walk(ctx.body);
  return members;
}

/**
 * The forward sweep's ops inside `loop`, and those that may run after it
 * starts: the ops after it in program order and, when it is nested in loops,
 * every op of those loops. Reverse-sweep ops (and what they hold) are left out.
 */
function forwardOpsAround(loop: Op, body: Region): { inside: Op[]; after: Op[] } {
  const order = forwardOps(body.ops);
  const inside = forwardOps(loop.regions.flatMap((r) => r.ops));
  const after = new Set(order.slice(order.indexOf(loop) + 1 + inside.length));
  for (let r = loop.parent; r?.owner; r = r.owner.parent) {
    if (r.owner.kind === Structural.While) for (const op of forwardOps(r.owner.regions.flatMap((g) => g.ops))) after.add(op);
  }
  const within = new Set([loop, ...inside]);
  return { inside, after: [...after].filter((op) => !within.has(op)) };
}

/** `ops` and the ops of their regions in program order, without reverse-sweep ops. */
function forwardOps(ops: Op[]): Op[] {
  return ops.filter((op) => !op.reverse).flatMap((op) => [op, ...forwardOps(op.regions.flatMap((r) => r.ops))]);
}
