/**
 * The primitive table: every primitive operation of the IR, with how it reads
 * in TypeScript, how it folds, and its adjoint rule. This is the one home of
 * every derivative rule: adding a Math function is one row here (plus one
 * fixture). A rule receives the primal operands `x`, the primal result `y`
 * and the result's adjoint `dy`, and returns each operand's adjoint
 * contribution (undefined for "none"); `need[i]` says whether operand i is
 * active, so a rule can skip work for inactive operands. Rules may reuse the
 * primal result (d exp = y).
 */
import type { Builder } from "./builder.js";
import { elementType, isArray, type ArrayType, type Func, type Op, type Type, type Value } from "./types.js";

export type AdjointRule = (b: Builder, x: Value[], y: Value, dy: Value, need: boolean[]) => (Value | undefined)[];

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
   * a global (nothing to do; its name cannot change).
   */
  source: { kind: "import"; module: string; exported: string } | { kind: "declare"; text: string } | { kind: "global" };
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
  /**
   * Compile-time evaluation for constant operands. Only for operations that
   * IEEE 754 defines exactly (engines differ on Math.sin and friends, so those
   * are never folded: the generated `value` must equal the primal everywhere).
   */
  fold?: (...args: (number | boolean)[]) => number | boolean;
  /** Absent: the primitive carries no derivative (its result is a constant to AD). */
  adjoint?: AdjointRule;
  /** Memory ops: read or write arrays. Never folded, merged (CSE) or moved past a write; writes are never removed. */
  memory?: "read" | "write" | "alloc";
  /** The result type when it depends on the operands (memory ops). */
  resultTypeOf?: (x: Value[]) => Type;
  /** Statement form, for ops without a result. */
  statement?: (args: string[]) => string;
  shadow?: ShadowRule;
  reverse?: MemoryRule;
  /** For a call of a function adgen cannot see into: which function, and how the generated module gets it. */
  external?: ExternalFunction;
  /** For a call with a user-defined adjoint: operand 0 is the primal value, the rest the call's arguments. */
  userRule?: UserRuleCall;
}

const table = new Map<string, Primitive>();

function def(p: Primitive): void {
  table.set(p.name, p);
}

const call = (fn: string) => (a: string[]) => `Math.${fn}(${a.join(", ")})`;
const infix = (op: string) => (a: string[]) => `${a[0]} ${op} ${a[1]}`;
type N = number;

// ---- arithmetic -------------------------------------------------------------
def({ name: "add", arity: 2, resultType: "f64", emit: infix("+"), fold: (a, b) => (a as N) + (b as N),
  adjoint: (_b, _x, _y, dy) => [dy, dy] });
def({ name: "sub", arity: 2, resultType: "f64", emit: infix("-"), fold: (a, b) => (a as N) - (b as N),
  adjoint: (b, _x, _y, dy, need) => [dy, need[1] ? b.neg(dy) : undefined] });
def({ name: "mul", arity: 2, resultType: "f64", emit: infix("*"), fold: (a, b) => (a as N) * (b as N),
  adjoint: (b, [u, v], _y, dy, need) => [need[0] ? b.mul(dy, v) : undefined, need[1] ? b.mul(dy, u) : undefined] });
def({ name: "div", arity: 2, resultType: "f64", emit: infix("/"), fold: (a, b) => (a as N) / (b as N),
  // d(u/v) = du / v - dv * y / v: the numerator adjoint dy / v is shared.
  adjoint: (b, [, v], y, dy, need) => {
    const du = b.div(dy, v);
    return [need[0] ? du : undefined, need[1] ? b.neg(b.mul(du, y)) : undefined];
  } });
def({ name: "rem", arity: 2, resultType: "f64", emit: infix("%"), fold: (a, b) => (a as N) % (b as N),
  // u % v = u - v * trunc(u / v)
  adjoint: (b, [u, v], _y, dy, need) => [dy, need[1] ? b.neg(b.mul(dy, b.prim("trunc", [b.div(u, v)]))) : undefined] });
def({ name: "neg", arity: 1, resultType: "f64", emit: (a) => `-${a[0]}`, fold: (a) => -(a as N),
  adjoint: (b, _x, _y, dy) => [b.neg(dy)] });
def({ name: "pow", arity: 2, resultType: "f64", emit: infix("**"),
  // d(u^v) = v u^(v-1) du + [u > 0] y log(u) dv. The exponent's derivative is
  // taken as 0 where u <= 0 (u^v is not real-differentiable in v there), and
  // v u^(v-1) stays finite for u <= 0 and integer v, so x ** 2 at x <= 0 is exact.
  adjoint: (b, [u, v], y, dy, need) => [
    need[0] ? b.mul(dy, b.mul(v, b.prim("pow", [u, b.sub(v, b.const(1))]))) : undefined,
    need[1] ? b.select(b.prim("gt", [u, b.const(0)]), b.mul(dy, b.mul(y, b.prim("log", [u]))), b.const(0)) : undefined,
  ] });

// ---- exponentials and logarithms -----------------------------------------------
def({ name: "exp", arity: 1, resultType: "f64", emit: call("exp"), adjoint: (b, _x, y, dy) => [b.mul(dy, y)] });
def({ name: "expm1", arity: 1, resultType: "f64", emit: call("expm1"),
  adjoint: (b, _x, y, dy) => [b.mul(dy, b.add(y, b.const(1)))] });
def({ name: "log", arity: 1, resultType: "f64", emit: call("log"), adjoint: (b, [x], _y, dy) => [b.div(dy, x)] });
def({ name: "log1p", arity: 1, resultType: "f64", emit: call("log1p"),
  adjoint: (b, [x], _y, dy) => [b.div(dy, b.add(b.const(1), x))] });
def({ name: "log2", arity: 1, resultType: "f64", emit: call("log2"),
  adjoint: (b, [x], _y, dy) => [b.div(dy, b.mul(x, b.const(Math.LN2)))] });
def({ name: "log10", arity: 1, resultType: "f64", emit: call("log10"),
  adjoint: (b, [x], _y, dy) => [b.div(dy, b.mul(x, b.const(Math.LN10)))] });
def({ name: "sqrt", arity: 1, resultType: "f64", emit: call("sqrt"),
  adjoint: (b, _x, y, dy) => [b.div(dy, b.mul(b.const(2), y))] });
def({ name: "cbrt", arity: 1, resultType: "f64", emit: call("cbrt"),
  adjoint: (b, _x, y, dy) => [b.div(dy, b.mul(b.const(3), b.mul(y, y)))] });

// ---- trigonometric ----------------------------------------------------------------
def({ name: "sin", arity: 1, resultType: "f64", emit: call("sin"),
  adjoint: (b, [x], _y, dy) => [b.mul(dy, b.prim("cos", [x]))] });
def({ name: "cos", arity: 1, resultType: "f64", emit: call("cos"),
  adjoint: (b, [x], _y, dy) => [b.neg(b.mul(dy, b.prim("sin", [x])))] });
def({ name: "tan", arity: 1, resultType: "f64", emit: call("tan"),
  adjoint: (b, _x, y, dy) => [b.mul(dy, b.add(b.const(1), b.mul(y, y)))] });
def({ name: "asin", arity: 1, resultType: "f64", emit: call("asin"),
  adjoint: (b, [x], _y, dy) => [b.div(dy, b.prim("sqrt", [b.sub(b.const(1), b.mul(x, x))]))] });
def({ name: "acos", arity: 1, resultType: "f64", emit: call("acos"),
  adjoint: (b, [x], _y, dy) => [b.neg(b.div(dy, b.prim("sqrt", [b.sub(b.const(1), b.mul(x, x))])))] });
def({ name: "atan", arity: 1, resultType: "f64", emit: call("atan"),
  adjoint: (b, [x], _y, dy) => [b.div(dy, b.add(b.const(1), b.mul(x, x)))] });
def({ name: "atan2", arity: 2, resultType: "f64", emit: call("atan2"),
  // atan2(u, v): d/du = v / (u^2 + v^2), d/dv = -u / (u^2 + v^2)
  adjoint: (b, [u, v], _y, dy, need) => {
    const g = b.div(dy, b.add(b.mul(u, u), b.mul(v, v)));
    return [need[0] ? b.mul(g, v) : undefined, need[1] ? b.neg(b.mul(g, u)) : undefined];
  } });

// ---- hyperbolic -----------------------------------------------------------------------
def({ name: "sinh", arity: 1, resultType: "f64", emit: call("sinh"),
  adjoint: (b, [x], _y, dy) => [b.mul(dy, b.prim("cosh", [x]))] });
def({ name: "cosh", arity: 1, resultType: "f64", emit: call("cosh"),
  adjoint: (b, [x], _y, dy) => [b.mul(dy, b.prim("sinh", [x]))] });
def({ name: "tanh", arity: 1, resultType: "f64", emit: call("tanh"),
  adjoint: (b, _x, y, dy) => [b.mul(dy, b.sub(b.const(1), b.mul(y, y)))] });
def({ name: "asinh", arity: 1, resultType: "f64", emit: call("asinh"),
  adjoint: (b, [x], _y, dy) => [b.div(dy, b.prim("sqrt", [b.add(b.mul(x, x), b.const(1))]))] });
def({ name: "acosh", arity: 1, resultType: "f64", emit: call("acosh"),
  adjoint: (b, [x], _y, dy) => [b.div(dy, b.prim("sqrt", [b.sub(b.mul(x, x), b.const(1))]))] });
def({ name: "atanh", arity: 1, resultType: "f64", emit: call("atanh"),
  adjoint: (b, [x], _y, dy) => [b.div(dy, b.sub(b.const(1), b.mul(x, x)))] });

// ---- kinks: abs, min, max, hypot (conventions listed in README.md) ---------------------
def({ name: "abs", arity: 1, resultType: "f64", emit: call("abs"),
  // abs'(0) = sign(0) = 0.
  adjoint: (b, [x], _y, dy) => [b.mul(dy, b.prim("sign", [x]))] });
def({ name: "max", arity: 2, resultType: "f64", emit: call("max"), fold: (a, b) => Math.max(a as N, b as N),
  // At a tie the first operand takes the whole derivative.
  adjoint: (b, [u, v], _y, dy) => {
    const first = b.prim("ge", [u, v]);
    return [b.select(first, dy, b.const(0)), b.select(first, b.const(0), dy)];
  } });
def({ name: "min", arity: 2, resultType: "f64", emit: call("min"), fold: (a, b) => Math.min(a as N, b as N),
  adjoint: (b, [u, v], _y, dy) => {
    const first = b.prim("le", [u, v]);
    return [b.select(first, dy, b.const(0)), b.select(first, b.const(0), dy)];
  } });
def({ name: "hypot", arity: "variadic", resultType: "f64", emit: call("hypot"),
  // d/dx_i = x_i / y; at y = 0 (all arguments zero) the gradient is taken as 0.
  adjoint: (b, x, y, dy, need) => {
    const g = b.select(b.prim("eq", [y, b.const(0)]), b.const(0), b.div(dy, y));
    return x.map((xi, i) => (need[i] ? b.mul(g, xi) : undefined));
  } });

// ---- piecewise constant: derivative zero -------------------------------------------------
for (const name of ["sign", "floor", "ceil", "round", "trunc"]) {
  def({ name, arity: 1, resultType: "f64", emit: call(name) });
}

// ---- comparisons, logic, select -----------------------------------------------------------
const compare: [string, string, (a: N, b: N) => boolean][] = [
  ["lt", "<", (a, b) => a < b],
  ["le", "<=", (a, b) => a <= b],
  ["gt", ">", (a, b) => a > b],
  ["ge", ">=", (a, b) => a >= b],
  ["eq", "===", (a, b) => a === b],
  ["ne", "!==", (a, b) => a !== b],
];
for (const [name, op, f] of compare) {
  def({ name, arity: 2, resultType: "bool", emit: infix(op), fold: (a, b) => f(a as N, b as N) });
}
def({ name: "and", arity: 2, resultType: "bool", emit: infix("&&"), fold: (a, b) => (a as boolean) && (b as boolean) });
def({ name: "or", arity: 2, resultType: "bool", emit: infix("||"), fold: (a, b) => (a as boolean) || (b as boolean) });
def({ name: "not", arity: 1, resultType: "bool", emit: (a) => `!${a[0]}`, fold: (a) => !a });
// stopGradient(x): x itself, as a constant to differentiation (no adjoint rule).
def({ name: "nograd", arity: 1, resultType: "f64", emit: (a) => a[0]!, fold: (a) => a });
def({ name: "select", arity: 3, resultType: "f64", emit: (a) => `${a[0]} ? ${a[1]} : ${a[2]}`,
  adjoint: (b, [c], _y, dy, need) => [
    undefined,
    need[1] ? b.select(c, dy, b.const(0)) : undefined,
    need[2] ? b.select(c, b.const(0), dy) : undefined,
  ] });

// ---- arrays: memory ops and their rules -------------------------------------------------
// The adjoint rules never read primal array memory: every primal number they
// need is an SSA value (a load's result), recorded like any other (or read
// again where nothing has written the element since). Adjoints
// of array elements live in shadow arrays of the same shape; an alias (a row
// X[i]) has the matching alias of the shadow (dX[i]) as its shadow.
def({ name: "len", arity: 1, resultType: "f64", memory: "read", emit: (a) => `${a[0]}.length` });
def({ name: "load", arity: 2, resultType: "f64", memory: "read", emit: (a) => `${a[0]}[${a[1]}]`,
  resultTypeOf: ([a]) => elementType(a!.type as ArrayType),
  shadow: (b, [a, i], y, shadow) => {
    const sa = shadow(a!);
    return sa && y && isArray(y.type) ? b.prim("load", [sa, i!]) : undefined;
  },
  // y = a[i]: da[i] += dy
  reverse: (b, [a, i], y, dy, shadow) => {
    const sa = shadow(a!);
    if (sa && dy && y?.type === "f64") b.prim("store", [sa, i!, b.add(b.prim("load", [sa, i!]), dy)]);
    return [];
  } });
def({ name: "store", arity: 3, resultType: "f64", memory: "write", emit: () => "", statement: (a) => `${a[0]}[${a[1]}] = ${a[2]};`,
  resultTypeOf: () => "f64",
  // A row's shadow row goes into the shadow matrix; a number written past the end (which
  // makes the array longer) gets a zero in the shadow, so the shadow grows with the array.
  shadow: (b, [a, i, v], _y, shadow, { inBounds }) => {
    const sa = shadow(a!);
    if (sa && isArray(v!.type)) b.prim("store", [sa, i!, shadow(v!) ?? b.prim("zeros", [v!])]);
    else if (sa && !inBounds && a!.type === "f64[]") b.prim("store", [sa, i!, b.const(0)]);
    return undefined;
  },
  // a[i] = v overwrites a[i]: dv += da[i], and the old element's adjoint starts again from 0.
  reverse: (b, [a, i, v], _y, _dy, shadow) => {
    const sa = shadow(a!);
    if (!sa || v!.type !== "f64") return [];
    const dv = b.prim("load", [sa, i!]);
    b.prim("store", [sa, i!, b.const(0)]);
    return [undefined, undefined, dv];
  } });
def({ name: "append", arity: 3, resultType: "f64", memory: "write", emit: () => "", statement: (a) => `${a[0]}.push(${a[2]});`,
  resultTypeOf: () => "f64",
  // operands [array, index it lands at, value]
  shadow: (b, [a, k, v], _y, shadow) => {
    const sa = shadow(a!);
    if (sa) b.prim("append", [sa, k!, isArray(v!.type) ? shadow(v!) ?? b.prim("zeros", [v!]) : b.const(0)]);
    return undefined;
  },
  reverse: (b, [a, k, v], _y, _dy, shadow) => {
    const sa = shadow(a!);
    return sa && v!.type === "f64" ? [undefined, undefined, b.prim("load", [sa, k!])] : [];
  } });
def({ name: "alloc", arity: 1, resultType: "f64[]", memory: "alloc", emit: (a) => `new Array<number>(${a[0]}).fill(0)`,
  shadow: (b, [n]) => b.prim("alloc", [n!]) });
def({ name: "falloc", arity: 1, resultType: "Float64Array", memory: "alloc", emit: (a) => `new Float64Array(${a[0]})`,
  shadow: (b, [n]) => b.prim("falloc", [n!]) });
def({ name: "nalloc", arity: 0, resultType: "f64[][]", memory: "alloc", emit: () => "new Array<number[]>()",
  shadow: (b) => b.prim("nalloc", []) });
def({ name: "empty", arity: 0, resultType: "f64[]", memory: "alloc", emit: () => "new Array<number>()" });
def({ name: "fempty", arity: 0, resultType: "Float64Array", memory: "alloc", emit: () => "new Float64Array(0)" });
/** Zeros shaped like an array (the shadow of a parameter). */
def({ name: "zeros", arity: 1, resultType: "f64[]", memory: "alloc",
  resultTypeOf: ([a]) => a!.type,
  emit: () => "" /* printed by the emitter, which knows the type */ });

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
    "abs", "sign", "min", "max", "hypot", "floor", "ceil", "round", "trunc",
  ].map((n) => [n, n]),
);

/** The Math constants of the subset. */
export const mathConstants: ReadonlyMap<string, number> = new Map(
  (["PI", "E", "SQRT2", "SQRT1_2", "LN2", "LN10", "LOG2E", "LOG10E"] as const).map((n) => [n, Math[n]]),
);
