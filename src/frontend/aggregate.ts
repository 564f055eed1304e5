/**
 * Aggregates (tuples and objects) during lowering. An aggregate is a tree
 * whose leaves are cells: a cell is a mutable slot, like a local variable,
 * and the lowering environment maps it to its current IR value. Variables
 * bound to the same aggregate share its cells, so writing `p.x` through one
 * name is seen through every alias, as in JavaScript. Nested objects are
 * parts of the tree, not cells, so an object-typed field cannot be replaced
 * (its leaves can be written).
 */
import type { FunctionLike } from "./functions.js";
import type { ts } from "ts-morph";
import type { Value } from "../ir/types.js";
import { partKeys, partName, partShape, type AggregateShape, type Shape } from "./shape.js";

export interface Cell {
  /** A name hint for the values it holds, e.g. `stateX`, `y0`. */
  name: string;
  /** The exported function's parameter this cell belongs to: writing it is a parameter write. */
  parameter?: string;
  /**
   * Set when a branch or loop merge (or a helper with several returns) copied
   * the aggregate: the copy no longer shares this cell, so a write through
   * either would be lost on the other and is rejected.
   */
  copied?: boolean;
  /** The cell is of a copy of an element of this array of tuples or objects (`const p = pts[i]`): writing it would not reach the array. */
  element?: string;
  /** The copy was made by `stopGradient` (its argument and its result no longer share fields). */
  stopped?: boolean;
}

export interface Aggregate {
  shape: AggregateShape;
  parts: Map<string, Cell | Aggregate>;
}

/** What a name or expression stands for: one IR value, or an aggregate. */
export type Bound = Value | Aggregate;

/** Marks a declared variable that has no value on some path. */
export const Unassigned = Symbol("unassigned");
/** Marks an optional parameter whose argument the call leaves out: surely `undefined`. */
export const Undefined = Symbol("undefined");
/** A name holding a function (a parameter `f` of `integrate(f, a, b)`), known where the call is inlined. */
export interface FunctionValue {
  readonly function: FunctionLike;
}
export type Binding = Bound | FunctionValue | typeof Unassigned | typeof Undefined;

export function isFunctionValue(b: Binding | undefined): b is FunctionValue {
  return typeof b === "object" && b !== null && "function" in b;
}
/** Variables (by declaration node) and cells, to their current values. */
export type Env = Map<ts.Node | Cell, Binding>;

/** Whether a binding has no value: unassigned on some path, or an argument left out. */
export function isMissing(b: Binding | undefined): b is typeof Unassigned | typeof Undefined {
  return b === Unassigned || b === Undefined;
}

export function isAggregate(b: Bound | Binding | undefined): b is Aggregate {
  return typeof b === "object" && b !== null && "parts" in b;
}

export function isCell(part: Cell | Aggregate): part is Cell {
  return !("parts" in part);
}

/** Every cell of an aggregate, in leaf order. */
export function cellsOf(a: Aggregate): Cell[] {
  return [...a.parts.values()].flatMap((p) => (isCell(p) ? [p] : cellsOf(p)));
}

/** The current leaf values of a bound value, in leaf order. */
export function flatten(b: Bound, env: Env): Value[] {
  if (!isAggregate(b)) return [b];
  return cellsOf(b).map((c) => env.get(c) as Value);
}

/** A fresh aggregate of `shape` whose cells hold `values` (in leaf order), bound in `env`. */
export function build(shape: Shape, values: Value[], env: Env, name: string, mark: Partial<Cell> = {}): Bound {
  let next = 0;
  const make = (s: Shape, hint: string): Bound | Cell => {
    if (s.kind === "value") {
      const cell: Cell = { name: hint, ...mark };
      env.set(cell, values[next++]!);
      return cell;
    }
    const parts = new Map<string, Cell | Aggregate>();
    for (const key of partKeys(s)) parts.set(key, make(partShape(s, key), partName(hint, key)) as Cell | Aggregate);
    return { shape: s, parts };
  };
  if (shape.kind === "value") return values[0]!;
  return make(shape, name) as Aggregate;
}
