/**
 * The IR: structured SSA. Every value is defined once, by an op result or a
 * region argument. Control flow is structured: an `if` op owns two regions
 * and yields values at the join (the phi); each region ends with a `yield`
 * op (or, for a function body, `return`). Later value kinds (arrays, loops)
 * extend these types rather than replace them.
 */

export type Type = "f64" | "bool";

/** Where an op came from in the user's source, for reverse-sweep comments and printing. */
export interface SourceLoc {
  line: number;
  column: number;
  /** The trimmed text of the source line. */
  text: string;
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
}

export interface Func {
  name: string;
  params: Param[];
  body: Region;
  /** The type of each value the `return` op returns. */
  resultTypes: Type[];
  /** Names of the returned values (e.g. "value", "x", "y" for a gradient); empty for a primal. */
  resultNames: string[];
  loc?: SourceLoc;
}

/** Structural op kinds; every other kind is a primitive. */
export const Structural = {
  Const: "const",
  If: "if",
  Yield: "yield",
  Return: "return",
} as const;
