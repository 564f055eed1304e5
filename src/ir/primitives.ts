/**
 * The primitive table: every primitive operation of the IR, with how it reads
 * in TypeScript, what it computes, and its derivative rules, the tangent
 * (forward mode) beside the adjoint (reverse mode). This is the one home of
 * every derivative rule: adding a Math function is one row in
 * src/ir/primitives/ (plus one fixture). Rules may reuse the primal result
 * (d exp = y).
 */
import type { Builder } from "./builder.js";
import type { Func, Op, Type, Value } from "./types.js";
import { arithmetic } from "./primitives/arithmetic.js";
import { exponential } from "./primitives/exponential.js";
import { integers } from "./primitives/integers.js";
import { kinks } from "./primitives/kinks.js";
import { logic } from "./primitives/logic.js";
import { memory } from "./primitives/memory.js";
import { schedule } from "./primitives/schedule.js";
import { trigonometric } from "./primitives/trigonometric.js";

/**
 * An adjoint rule receives the primal operands `x`, the primal result `y`
 * and the result's adjoint `dy`, and returns each operand's adjoint
 * contribution (undefined for none); `need[i]` says whether operand i is
 * active, so a rule can skip work for inactive operands.
 */
export type AdjointRule = (b: Builder, x: Value[], y: Value, dy: Value, need: boolean[]) => (Value | undefined)[];

/**
 * A tangent rule receives the primal operands `x`, the result `y` and the
 * operands' tangents `dx` (undefined for zero), and returns the result's
 * tangent (undefined for zero).
 */
export type TangentRule = (b: Builder, x: Value[], y: Value, dx: (Value | undefined)[]) => Value | undefined;

/** The tangent of a number (undefined for zero) or the tangent array of an array, where it has one. */
export type Tangents = (v: Value) => Value | undefined;

/**
 * The forward-mode rule of a memory op: reads and writes the tangent arrays
 * of the arrays involved, and returns the tangent of its result (a number's,
 * or the tangent array of an array result).
 */
export type TangentMemoryRule = (b: Builder, x: Value[], y: Value | undefined, tangent: Tangents) => Value | undefined;

/** The adjoint memory (shadow) of an array value, where it has one. */
export type Shadows = (array: Value) => Value | undefined;

/**
 * The reverse rule of a memory op. It reads and writes the shadows of the
 * arrays involved and returns the adjoint contributions to its number
 * operands. `dy` is the adjoint of the result, if the op has one and it is active.
 */
export type MemoryRule = (b: Builder, x: Value[], y: Value | undefined, dy: Value | undefined, shadow: Shadows) => (Value | undefined)[];

/**
 * What a memory op does to the shadows in the forward sweep: returns the
 * shadow of its array result (an alias for an alias, fresh zeros for an
 * allocation) or mirrors its effect on the shadows (a push pushes a zero).
 */
export type ShadowRule = (b: Builder, x: Value[], y: Value | undefined, shadow: Shadows, facts: ShadowFacts) => Value | undefined;

/** What the forward sweep knows about a memory op. */
export interface ShadowFacts {
  /** A store surely writes an element the array already has (it does not make the array longer). */
  inBounds: boolean;
}

/**
 * A function adgen cannot see into, called by name from generated code: a
 * package's or a JavaScript module's, or one declared without a body.
 */
export interface ExternalFunction {
  /** Its identity (the module it comes from and its exported name): calls of one function share it. */
  key: string;
  /** The name the source calls it by: the generated module uses it when it is free. */
  hint: string;
  /**
   * How the generated module gets it: an import (`module` relative to the
   * generated file, `exported` its exported name or "default"), a declaration
   * repeated from the source (`text` declares the function named `hint`), or
   * a global (nothing to do; its name cannot change), or a recursive
   * function of the project, which the generated module defines
   * (`declaration` is its source, a ts-morph function; see frontend/recursion.ts),
   * or the forward mode of one, which the module defines too (`of` is the
   * recursive function's key; see ad/forward/recursive.ts).
   */
  source: { kind: "import"; module: string; exported: string } | { kind: "declare"; text: string } | { kind: "global" }
    | { kind: "recursive"; declaration: object }
    | { kind: "recursive-tangent"; of: string };
}

/**
 * A call with a user-defined adjoint: the adjoint, lowered with parameters
 * `...args, value, dvalue`, and for each leaf it returns, the argument it
 * belongs to.
 */
export interface UserRuleCall {
  adjoint: Func;
  outputs: number[];
}

export interface Primitive {
  readonly name: string;
  /** Operand count, or "variadic" (at least one). */
  readonly arity: number | "variadic";
  readonly resultType: Type;
  /** TypeScript text, given each operand's text already parenthesised as needed. */
  emit(args: string[]): string;
  /** What it computes, in JavaScript (pure primitives; memory ops have none). */
  apply?: (...args: (number | boolean)[]) => number | boolean;
  /**
   * Folded at compile time for constant operands (with `apply`). Only for
   * operations that IEEE 754 defines exactly (engines differ on Math.sin and
   * friends, so those are never folded: the generated `value` must equal the
   * primal everywhere).
   */
  folds?: true;
  /** Absent (with `tangent`): the primitive carries no derivative (its result is a constant to AD). */
  adjoint?: AdjointRule;
  tangent?: TangentRule;
  /** Memory ops: read or write arrays. Never folded, merged (CSE) or moved past a write; writes are never removed. */
  memory?: "read" | "write" | "alloc";
  /** The result type when it depends on the operands (memory ops). */
  resultTypeOf?: (x: Value[]) => Type;
  /** Statement form, for ops without a result. */
  statement?: (args: string[]) => string;
  shadow?: ShadowRule;
  reverse?: MemoryRule;
  tangentMemory?: TangentMemoryRule;
  /** For a call of a function adgen cannot see into: which function, and how the generated module gets it. */
  external?: ExternalFunction;
  /** For a call with a user-defined adjoint: operand 0 is the primal value, the rest the call's arguments. */
  userRule?: UserRuleCall;
  /** For a call of a function the generated module declares (emit/helpers.ts): its name there. */
  helper?: "revolveStep";
}

/**
 * The rows, by family (src/ir/primitives/): each row holds how the primitive
 * reads, what it computes, and its tangent and adjoint rules side by side.
 */
const table = new Map<string, Primitive>(
  [...arithmetic, ...exponential, ...trigonometric, ...kinks, ...integers, ...logic, ...memory, ...schedule].map((p) => [p.name, p]),
);

/** Every built-in primitive, in table order. */
export function builtinPrimitives(): readonly Primitive[] {
  return [...table.values()];
}

/** The built-in primitive of this name. */
export function primitive(name: string): Primitive | undefined {
  return table.get(name);
}

/**
 * The primitive an op applies: a built-in one, or one made from the user's
 * source (a call of an external function, a call with a user-defined
 * adjoint), which travels with its ops rather than in the table.
 */
export function primitiveOf(op: Op): Primitive | undefined {
  return op.primitive ?? table.get(op.kind);
}

/** The Math functions of the subset and the primitive each lowers to (min/max of n arguments become a chain). */
export const mathFunctions: ReadonlyMap<string, string> = new Map(
  [
    "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "pow",
    "sin", "cos", "tan", "asin", "acos", "atan", "atan2",
    "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
    "abs", "sign", "min", "max", "hypot", "floor", "ceil", "round", "trunc", "fround",
  ].map((n) => [n, n]),
);

/** The Math constants of the subset. */
export const mathConstants: ReadonlyMap<string, number> = new Map(
  (["PI", "E", "SQRT2", "SQRT1_2", "LN2", "LN10", "LOG2E", "LOG10E"] as const).map((n) => [n, Math[n]]),
);

/** The Number constants of the subset. */
export const numberConstants: ReadonlyMap<string, number> = new Map(
  (["EPSILON", "MAX_VALUE", "MIN_VALUE", "MAX_SAFE_INTEGER", "MIN_SAFE_INTEGER", "POSITIVE_INFINITY", "NEGATIVE_INFINITY", "NaN"] as const)
    .map((n) => [n, Number[n]]),
);

/** The value of `Math.PI`, `Number.EPSILON` and the like, by object and property name. */
export function namedConstant(object: string, property: string): number | undefined {
  return (object === "Math" ? mathConstants : object === "Number" ? numberConstants : undefined)?.get(property);
}
