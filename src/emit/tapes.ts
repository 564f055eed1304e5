/**
 * How generated code spells the tapes: a typed array per kind of value, kept
 * in a module variable between calls and used through a local reference.
 */
import {  Structural, type Op, type Region } from "../ir/types.js";
import {  type Allocation } from "./allocate.js";
import type { Helper, ModuleIdentifiers } from "./helpers.js";

/**
 * The typed-array tapes: numbers in a Float64Array, indices in an Int32Array,
 * branch decisions in a Uint8Array. Each is kept in a module variable
 * (`store`) between calls; a call reads and writes it through a local
 * reference (`data`), which V8 keeps in a register, where every access to a
 * module-level `let` is a context load with an initialisation check (about
 * a fifth of the time of a loop that mostly tapes).
 */
export interface Tape {
  /** The local reference. */
  data: string;
  /** The module variable. */
  store: string;
  /** The local position. */
  top: string;
  grow: string;
  /** The module declarations it needs: the tape and its grow function (the grow function alone for a tape of the function's own). */
  helpers: Helper[];
  /** The typed array it is. */
  array: "Float64Array" | "Int32Array" | "Uint8Array";
}
export type Tapes = Readonly<Record<"f64" | "i32" | "bool", Tape>>;

/** How a function spells its tapes: its own locals, the module's variables and helpers. */
export function tapesOf(locals: Allocation["locals"], n: ModuleIdentifiers): Tapes {
  return {
    f64: { data: locals.tape, store: n.valueTape, top: locals.top, grow: n.growValues, helpers: ["growValues", "tapeValues"], array: "Float64Array" },
    i32: { data: locals.indices, store: n.indexTape, top: locals.itop, grow: n.growIndices, helpers: ["growIndices", "tapeIndices"], array: "Int32Array" },
    bool: { data: locals.decisions, store: n.decisionTape, top: locals.dtop, grow: n.growDecisions, helpers: ["growDecisions", "tapeDecisions"], array: "Uint8Array" },
  };
}

/**
 * Tapes that are the function's own arrays, not the module's: for a
 * function a call in its own forward sweep may run again (a recursive
 * function's), which would write over the module's tape under its caller.
 */
export function ownTapes(tapes: Tapes): Tapes {
  const own = (t: Tape): Tape => ({ ...t, store: t.data, helpers: [t.helpers[0]!] });
  return { f64: own(tapes.f64), i32: own(tapes.i32), bool: own(tapes.bool) };
}

/** Grows a tape (in the call and between calls) when it has less room than `need` entries. */
export function roomOn(t: Tape, need: string): string {
  const target = t.store === t.data ? t.data : `${t.store} = ${t.data}`;
  return `if (${need} > ${t.data}.length) ${target} = ${t.grow}(${t.data}, ${need});`;
}

/** References to arrays a loop body makes (rows, fresh arrays), for its reverse, go on a plain array of references. */
export type TapeKind = "f64" | "i32" | "bool" | "ref";
/** Which tape a push or pop uses. */
export const tapeOf = (op: Op): TapeKind => {
  const t = (op.kind === Structural.Push ? op.operands[0]! : op.results[0]!).type;
  return op.index ? "i32" : t === "f64" || t === "bool" ? t : "ref";
};

/** What one trip of a loop body records for the reverse sweep (nested loops record on their own). */
export function tapeComment(body: Region): string[] {
  const counts = new Map<TapeKind, number>();
  for (const op of body.ops) {
    if (op.kind !== Structural.Push) continue;
    const kind = tapeOf(op);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  if (counts.size === 0) return [];
  const words: Record<TapeKind, [string, string]> = {
    f64: ["number", "numbers"],
    i32: ["index", "indices"],
    bool: ["decision", "decisions"],
    ref: ["array reference", "array references"],
  };
  const parts = (["f64", "i32", "bool", "ref"] as const).filter((k) => counts.has(k)).map((k) => {
    const n = counts.get(k)!;
    return `${n} ${words[k][n === 1 ? 0 : 1]}`;
  });
  return [`// tape: ${parts.join(", ")} per trip, for the reverse sweep`];
}

