/**
 * The IR: structured SSA. Every value is defined once, by an op result or a
 * region argument. Control flow is structured: an `if` op owns two regions
 * and yields values at the join (the phi); each region ends with a `yield`
 * op (or, for a function body, `return`). Later value kinds (arrays, loops)
 * extend these types rather than replace them.
 */

import type { Primitive } from "./primitives.js";

/**
 * Value types: numbers, booleans, and arrays. Arrays are references to
 * mutable memory, read and written by the load/store ops; `f64[]` is
 * `number[]`, `f64[][]` is `number[][]` (an array of row references).
 */
export type Type = "f64" | "bool" | ArrayType;
export type ArrayType = "f64[]" | "Float64Array" | "f64[][]";

export function isArray(t: Type): t is ArrayType {
  return t !== "f64" && t !== "bool";
}

/** The type of an array's elements. */
export function elementType(t: ArrayType): Type {
  return t === "f64[][]" ? "f64[]" : "f64";
}

/** Where an op came from in the user's source, for reverse-sweep comments and printing. */
export interface SourceLoc {
  line: number;
  column: number;
  /** The trimmed text of the source line. */
  text: string;
  /** The absolute path of the file, when known (code inlined from an imported file has its own). */
  file?: string;
}

export type NameKind =
  /** A variable the user named in the source (kept as a named variable when emitted). */
  | "source"
  /** The adjoint of a named value, e.g. `dx`. */
  | "adjoint"
  /** A compiler temporary. */
  | "temp";

export interface Value {
  readonly id: number;
  readonly type: Type;
  /** Name hint: the source variable (or adjoint of one) this value holds. */
  name: string;
  nameKind: NameKind;
  /** The op that defines this value, or undefined for a region argument. */
  def: Op | undefined;
  /** For a region argument: its region. */
  region?: Region;
}

export interface Op {
  /** A primitive name from the primitive table, or a structural kind. */
  readonly kind: string;
  operands: Value[];
  results: Value[];
  regions: Region[];
  /** The literal of a `const` op. */
  literal?: number | boolean;
  loc?: SourceLoc;
  /** True for ops of the reverse sweep. */
  reverse?: boolean;
  /** For a tape push, the pop that takes its value back (and the other way round). */
  partner?: Op;
  /** For an op made from the user's source (an external call, a user rule): its primitive, which the table does not hold. */
  primitive?: Primitive;
  /** For a tape push or pop: the value is an array index, kept on the integer tape. */
  index?: boolean;
  /**
   * For a `while` tagged `@checkpoint` in the source: reversed from snapshots
   * of its state (ad/reverse/checkpoint.ts); the number of snapshots asked
   * for, or 0 for the default.
   */
  checkpoint?: number;
  /**
   * For a `falloc` of the snapshots of a checkpointed loop (and of its
   * schedule): the generated function takes it, zeroed, from its pool of
   * Float64Arrays kept between calls rather than allocating it per call.
   */
  pooled?: true;
  parent: Region | undefined;
}

export interface Region {
  args: Value[];
  ops: Op[];
  /** The op that owns this region; undefined for a function body. */
  owner: Op | undefined;
}

export interface Param {
  name: string;
  type: Type;
  value: Value;
  /** The TypeScript type to declare it with (keeps `readonly`). */
  typeText: string;
  /** For a leaf of a tuple or object parameter: its path from the source parameter, e.g. ["model", "w"]. */
  path?: string[];
  /**
   * For a leaf of an array of tuples or objects (one array per leaf): how many
   * keys of `path` lead to the array, the rest being the element's (["points", "x"], 1).
   */
  element?: number;
  /**
   * For an optional parameter of an exported function (`k?: number`), whose
   * `path` is its name: whether the caller passed it ("present", a boolean),
   * or its value ("value", a placeholder when it is left out).
   */
  optional?: "present" | "value";
}

/**
 * The structure of a source parameter or result: a value (one IR value), or
 * a tuple or object of such (several IR values, its leaves, in order), or an
 * array of tuples or objects of numbers (`records`), which is one array per
 * leaf of its element (structure of arrays: `points.x`, `points.y`).
 */
export type Shape =
  | { kind: "value"; type: Type; text: string }
  | { kind: "tuple"; items: Shape[] }
  | { kind: "object"; fields: { name: string; shape: Shape }[] }
  | { kind: "records"; element: Exclude<Shape, { kind: "value" | "records" }>; readonly: boolean };

/** A parameter as the source declares it; aggregate parameters have several IR params (leaves). */
export interface SourceParam {
  name: string;
  /** A self-contained TypeScript type (structural for tuples and objects). */
  typeText: string;
  /** The parameter's default value, as TypeScript text (a constant: `6371`, `0.01`). */
  defaultText?: string;
  /** An optional parameter without a default (`k?: number`); `typeText` is the type of a passed argument. */
  optional?: true;
}

/**
 * A result of a derivative function: a value of the function, its
 * derivative with respect to a parameter (leaf), or in forward mode the
 * tangent of a value or of such a derivative (`of`: "value" or the parameter).
 */
export type ResultRole = { role: "value" } | { role: "derivative"; param: string } | { role: "tangent"; of: string };

export interface Func {
  name: string;
  /** The name as the source writes it, where it differs (`Vec2.dot` for `Vec2Dot`): for doc comments. */
  sourceName?: string;
  params: Param[];
  body: Region;
  /** The type of each value the `return` op returns. */
  resultTypes: Type[];
  /** What each returned value is (a value of the function, or the derivative for a parameter); empty for a primal. */
  resultRoles: ResultRole[];
  /** The source function's parameters, when they differ from `params` (some is a tuple or object). */
  signature?: SourceParam[];
  /** The source result's structure (a primal returning a tuple or object returns its leaves). */
  resultShape?: Shape;
  loc?: SourceLoc;
}

/** Structural op kinds; every other kind is a primitive. */
export const Structural = {
  Const: "const",
  /** operands [cond]; regions [then, else], each ending in yield; results = the yielded values. */
  If: "if",
  /**
   * operands = the initial loop state; regions [cond, body], both taking the
   * state as arguments. The cond region yields one boolean: whether to run the
   * body again. The body yields the next state. Results = the final state.
   */
  While: "while",
  /**
   * operands [count, ...initial state]; region [body], taking the state as
   * arguments and yielding the next state; the body runs `count` times.
   * Results = the final state. (The reverse sweep of a `while`.)
   */
  Repeat: "repeat",
  Yield: "yield",
  Return: "return",
  /** operands [value]: records a value on the tape (forward sweep). */
  Push: "push",
  /** results [value]: takes the last recorded value off the tape (reverse sweep). */
  Pop: "pop",
  /**
   * operands [trips], just before the `while` it serves (its `partner`):
   * makes room on the tapes for everything that many trips push, so the
   * trips themselves push without checking for room.
   */
  Reserve: "reserve",
  /**
   * operands [value]: keeps a value of a forward branch for the reverse sweep
   * in a variable of its own (outside loops, where the branch runs at most
   * once per call); its `partner` is the `recall` that reads it back.
   */
  Stash: "stash",
  /** results [value]: the value its `partner` stash kept. */
  Recall: "recall",
} as const;

/** Ops with effects: never removed, never reordered or inlined. */
export const effectful: ReadonlySet<string> = new Set([Structural.Push, Structural.Pop, Structural.Reserve, Structural.Stash, Structural.Recall]);
