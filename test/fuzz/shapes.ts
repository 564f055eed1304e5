/**
 * The shapes of random programs: small trees that say what to build (a
 * product, a call of the second helper, an `if` with an early return) but not
 * which variable is meant or how large a value may grow. programs.ts
 * generates them, render.ts turns them into source text.
 */

// prettier-ignore
export const mathFunctions = [
  "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "pow",
  "sin", "cos", "tan", "asin", "acos", "atan", "atan2",
  "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
  "abs", "sign", "min", "max", "hypot", "floor", "ceil", "round", "trunc",
] as const;
export type MathFunction = (typeof mathFunctions)[number];

export const binaryOperators = ["+", "-", "*", "/", "%", "**"] as const;
export const comparisonOperators = ["<", "<=", ">", ">=", "===", "!==", "==", "!="] as const;
export const assignmentOperators = ["=", "+=", "-=", "*=", "/=", "%=", "**="] as const;
export type AssignmentOperator = (typeof assignmentOperators)[number];
export const arrayTypes = ["number[]", "readonly number[]", "Float64Array"] as const;
export type ArrayType = (typeof arrayTypes)[number];

/** A number-valued expression. `pick` and `form` choose among what render.ts finds in scope, modulo its size. */
export type Expr =
  | { kind: "variable"; pick: number }
  | { kind: "literal"; hundredths: number; notation: number }
  | { kind: "constant"; pick: number }
  | { kind: "unary"; op: "-" | "+"; operand: Expr }
  | { kind: "binary"; op: (typeof binaryOperators)[number]; left: Expr; right: Expr; form: number }
  | { kind: "math"; fn: MathFunction; args: Expr[]; form: number }
  | { kind: "ternary"; test: Cond; then: Expr; else: Expr }
  | { kind: "call"; pick: number; args: Expr[] }
  /** `a[index]`; `index` chooses a constant, a loop counter or `a.length - 1`. */
  | { kind: "element"; pick: number; index: number }
  | { kind: "length"; pick: number };

/** A boolean-valued expression. */
export type Cond =
  | { kind: "compare"; op: (typeof comparisonOperators)[number]; left: Expr; right: Expr }
  | { kind: "logical"; op: "&&" | "||"; left: Cond; right: Cond }
  | { kind: "not"; operand: Cond }
  | { kind: "flag"; pick: number }
  | { kind: "predicate"; pick: number; args: Expr[] };

export type Stmt =
  | { kind: "declare"; mutable: boolean; init: Expr; shadow: boolean }
  | { kind: "declareFlag"; test: Cond }
  | { kind: "assign"; target: number; op: AssignmentOperator; value: Expr }
  | { kind: "step"; target: number; op: "++" | "--"; prefix: boolean }
  | { kind: "if"; test: Cond; then: Stmt[]; else?: Stmt[] }
  /** `let v: number;` assigned at the end of both branches of an `if`. */
  | { kind: "branchDefined"; test: Cond; then: Stmt[]; thenValue: Expr; else: Stmt[]; elseValue: Expr }
  | { kind: "block"; body: Stmt[] }
  /** An early return; rendered only inside a branch, where it ends the branch. */
  | { kind: "return"; value: Expr }
  /** `if (v > bound) return NaN;`: a branch the inputs can never take. */
  | { kind: "guard"; pick: number; result: "NaN" | "Infinity" }
  /** A counting `for` loop; `form` chooses the direction and the step. */
  | { kind: "for"; count: LoopCount; form: number; body: Stmt[] }
  /** `while` or (`post`) `do ... while` with a counter and a condition. */
  | { kind: "while"; count: LoopCount; test: Cond; post: boolean; body: Stmt[] }
  /** `if (test) break;` or `continue`, rendered only inside a loop. */
  | { kind: "jump"; op: "break" | "continue"; test: Cond }
  /** A local array: a literal of `items`, a copy of an array, `new Array<number>(n).fill(v)` or `new Float64Array(n)`. */
  | { kind: "declareArray"; form: number; items: Expr[]; pick: number }
  /** `a[index] op= value` into a local array. */
  | { kind: "store"; pick: number; index: number; op: AssignmentOperator; value: Expr }
  | { kind: "push"; pick: number; value: Expr }
  | { kind: "forOf"; pick: number; body: Stmt[] }
  /**
   * A `[number, number]` local (aggregates.ts): a literal of `items`, a tuple helper's result, a copy
   * of a tuple, `test ? one : other`, or (`destructure`) `const [a, b] = ...` of one of these.
   */
  | { kind: "declareTuple"; form: number; items: Expr[]; pick: number; test: Cond; destructure: boolean }
  /**
   * An object local of the program's interface (`{ p, q, r }`, or `nested`, `{ s: { p, q, r }, k }`):
   * a literal, `test ? one : other`, or (`destructure`) `const { p, r } = ...` of an object in scope.
   */
  | { kind: "declareObject"; form: number; items: Expr[]; pick: number; test: Cond; nested: boolean; destructure: boolean }
  /** `o.p op= value`, `t[1] op= value` or `o.s.r[index] op= value` into a writable aggregate (declaring one when there is none). */
  | { kind: "writeField"; pick: number; index: number; op: AssignmentOperator; value: Expr }
  /** `helper(object, args)`: a `void` helper writing into an object it is given. */
  | { kind: "update"; pick: number; target: number; args: Expr[] }
  /**
   * A loop whose condition calls a helper with an effect (family `conditions`): `while`, `do ... while`
   * or `for` (`loop` 0, 1, 2) with a counter guard, the call compared with `threshold` (hundredths) or
   * negated (`compare`), and `&&`/`||` around it with `other` (`combine`).
   */
  | {
      kind: "effectLoop";
      loop: number;
      trips: number;
      pick: number;
      target: number;
      args: Expr[];
      compare: number;
      threshold: number;
      combine: number;
      other: Cond;
      body: Stmt[];
    };

/**
 * At most `trips` trips: exactly that many, or (`dynamic`) `Math.min(trips,
 * Math.abs(e) * 2)`, known at run time; or (`over`, when there is an array)
 * one trip per element of an array.
 */
export interface LoopCount {
  trips: number;
  dynamic?: Expr;
  over?: number;
}

/** Parameters in values, only in conditions (or sizes), or never read. */
export type Role = "value" | "condition" | "unused";

export type ParamShape =
  | { type: "number"; role: Role }
  /** A parameter of one of the program's aggregate types (aggregates.ts); always read in values. */
  | { type: "aggregate"; aggregate: AggregateKind }
  | { type: "boolean" }
  | { type: "array"; arrayType: ArrayType; length: number; role: Role };

/** The program's aggregate types: the tuple `P`, the object `S = { p, q, r }`, the nested `N = { s: S, k }`. */
export const aggregateKinds = ["P", "S", "N"] as const;
export type AggregateKind = (typeof aggregateKinds)[number];

export interface HelperShape {
  /**
   * A predicate returns `result > 0`-style booleans; a number helper returns `result`, a tuple helper
   * `[result, ...]`, and a `void` helper writes into the object (`S`) it takes first.
   */
  returns: "number" | "boolean" | "tuple" | "void";
  arity: number;
  /** Whether the last number parameter is a tuple `P` instead. */
  tupleParam: boolean;
  body: Stmt[];
  result: Expr;
  resultTest: Cond;
}

/**
 * A helper with an effect, called in loop conditions (family `conditions`): it writes an element of
 * the array it takes first (`element`), pushes onto it (`push`), or writes a field (`index` chooses
 * which) of the object `S` it takes first (`field`), then returns a number or a boolean.
 */
export interface EffectHelperShape {
  effect: "element" | "push" | "field";
  returns: "number" | "boolean";
  /** Number parameters after the array or object. */
  arity: number;
  body: Stmt[];
  value: Expr;
  index: number;
  result: Expr;
  resultTest: Cond;
}

export interface EntryShape {
  params: ParamShape[];
  body: Stmt[];
  result: Expr;
  /** When present, a `@wrt` tag naming the number parameters whose flag is set (at least one). */
  wrt?: boolean[];
}

/** Number parameters take `base + offset` with base in [-INPUT_RANGE, INPUT_RANGE]. */
export const INPUT_RANGE = 2;
export const MAX_PARAMS = 4;

/** The most elements of an array parameter. */
export const MAX_LENGTH = 3;
/** The most numbers in an aggregate (`N`: p, q, r[0], r[1], k). */
export const AGGREGATE_NUMBERS = 5;

/** One set of arguments, taken in parameter order: parameter i gets `numbers[i]`, `flags[i]`, `arrays[i]` or `aggregates[i]`. */
export interface InputShape {
  numbers: number[];
  flags: boolean[];
  arrays: number[][];
  /** The numbers of an aggregate parameter, in field order. */
  aggregates: number[][];
}

export interface ProgramShape {
  constants: number[];
  helpers: HelperShape[];
  entry: EntryShape;
  inputs: InputShape[];
  /** The family that generated it (families.ts); absent for the base family. */
  family?: string;
  /** Helpers with effects for loop conditions (family `conditions`), after `helpers`. */
  effects?: EffectHelperShape[];
  /** Name choices (family `names`, family-names.ts): each fresh name takes the next one, cycling. */
  names?: number[];
  /** Module constants of every kind (family `constants`, family-constants.ts), instead of `constants`. */
  moduleConstants?: ConstantShape[];
  /** A long or deep program (family `large`, family-large.ts) instead of helpers and entry. */
  large?: LargeShape;
  /** A construct adgen rejects, put first in the entry (family `unsupported`, family-unsupported.ts). */
  unsupported?: { construct: number };
  /** Snippets of the newer constructs (family `features`, family-features.ts) instead of helpers and entry. */
  features?: FeaturesShape;
}

/** Snippets, each a kind (family-features.ts `SNIPPET_KINDS`) with its forms and constants (hundredths), cycled; `names` choose the running number's and counters' names. */
export interface FeaturesShape {
  snippets: { kind: number; forms: number[]; constants: number[] }[];
  names: number[];
}

/** A module constant: `kind` chooses the family of initializers, `form` one of them, `operands` earlier constants. */
export interface ConstantShape {
  kind: "literal" | "expression" | "math" | "number" | "unsupported";
  form: number;
  hundredths: number;
  operands: number[];
}

/** A sum of `size` terms, a Horner form `size` deep, an `if` chain or nested `if`s `size` long. */
export interface LargeShape {
  kind: "sum" | "horner" | "chain" | "nested";
  size: number;
  /** Coefficients in hundredths, cycled. */
  coefficients: number[];
  forms: number[];
}
