/**
 * Expressions and conditions from shapes. Every number expression carries a
 * bound on its magnitude; an operand that could leave a function's domain or
 * grow too large is rewritten into a safe form first:
 *
 * - `fit` squashes (`Math.tanh(e)`, `Math.atan(e)`, ...) and scales an
 *   operand whose bound is too large, so nothing overflows;
 * - `positive` builds an argument for log, sqrt, a divisor or a real power,
 *   bounded away from 0 (`1 + e ** 2`, `Math.exp(e)`, `Math.abs(e) + 0.5`);
 * - `unit` builds an argument for asin, acos, atanh, tan inside (-1, 1).
 *
 * So programs are well defined on every input and derivatives stay finite,
 * except at kinks (abs, min, floor, %, branches), which the checker detects.
 */
import type { binaryOperators, Cond, Expr, MathFunction } from "./shapes.js";
import type { Callable, Constant, FunctionScope, Variable } from "./scope.js";

/** Rendered code of a condition. */
export interface Code {
  text: string;
  /** Needs no parentheses as an operand: a name, a call, a non-negative literal, a negation. */
  atomic: boolean;
}

/** Rendered code of a number expression. */
export interface Rendered extends Code {
  /** |value| <= bound. */
  bound: number;
  /** TypeScript gives it a literal type (`2`, `-1.5`, `c ? 1 : 2`, a `const` holding one). */
  literal?: boolean;
}

/** A positive expression: low <= value <= bound. */
interface Positive extends Rendered {
  low: number;
}

/** The largest magnitude an expression may have. */
export const LIMIT = 100;
/** Helper arguments are fitted to this bound, which is the bound their parameters assume. */
export const HELPER_ARGUMENT_BOUND = 3;

const ONE = { kind: "literal", hundredths: 100, notation: 0 } as const;

export const mathConstants: Constant[] = (
  ["PI", "E", "SQRT2", "SQRT1_2", "LN2", "LN10", "LOG2E", "LOG10E"] as const
).map((name) => ({ text: `Math.${name}`, bound: Math[name] }));

export const operand = (r: Code): string => (r.atomic ? r.text : `(${r.text})`);
const compound = (text: string, bound: number): Rendered => ({ text, atomic: false, bound });
const call = (fn: string, args: Rendered[], bound: number): Rendered => ({
  text: `Math.${fn}(${args.map((a) => a.text).join(", ")})`,
  atomic: true,
  bound,
});

export function renderExpr(e: Expr, scope: FunctionScope, inCondition: boolean): Rendered {
  const sub = (x: Expr) => renderExpr(x, scope, inCondition);
  switch (e.kind) {
    case "variable": {
      const pool = scope.numbers(inCondition);
      const v = pool[e.pick % pool.length];
      return v ? { text: scope.use(v.name), atomic: true, bound: v.bound, literal: v.literal } : renderLiteral(ONE);
    }
    case "literal":
      return renderLiteral(e);
    case "constant": {
      const c = scope.constants[e.pick % scope.constants.length]!;
      return { text: c.text, atomic: true, bound: c.bound, literal: c.literal };
    }
    case "unary": {
      const x = sub(e.operand);
      return { ...compound(`${e.op}${operand(x)}`, x.bound), literal: x.literal };
    }
    case "binary":
      return renderBinary(e.op, sub(e.left), e.right, sub, e.form, scope);
    case "math":
      return renderMath(e.fn, e.args.map(sub), e.args[1], e.form, scope);
    case "ternary": {
      const test = renderCond(e.test, scope);
      const [a, b] = [sub(e.then), sub(e.else)];
      const literal = a.literal && b.literal;
      return { ...compound(`${test.text} ? ${operand(a)} : ${operand(b)}`, Math.max(a.bound, b.bound)), literal };
    }
    case "call": {
      const helper = pickCallable(scope, "number", e.pick);
      if (!helper) return sub({ kind: "variable", pick: e.pick });
      return { text: callText(helper, e.args, sub, scope), atomic: true, bound: helper.resultBound };
    }
    case "element":
    case "length": {
      const a = scope.arrays(inCondition)[e.pick % scope.arrays(inCondition).length];
      if (!a) return sub({ kind: "variable", pick: e.pick });
      const name = scope.use(a.name);
      if (e.kind === "length") return { text: `${name}.length`, atomic: true, bound: a.array!.maxLength };
      return { text: `${name}[${indexText(a, e.index, scope)}]`, atomic: true, bound: a.bound };
    }
  }
}

/** An index into `a` that is always in range: a constant, a loop counter that stays below its length, or the last. */
export function indexText(a: Variable, index: number, scope: FunctionScope): string {
  const { length } = a.array!;
  const counter = scope.indices(length)[0];
  if (index % 3 === 1 && counter) return scope.use(counter.name);
  if (index % 3 === 2) return `${a.name}.length - 1`;
  return String(Math.floor(index / 3) % length);
}

export function renderCond(c: Cond, scope: FunctionScope): Code {
  const sub = (x: Cond) => renderCond(x, scope);
  const value = (x: Expr) => renderExpr(x, scope, true);
  switch (c.kind) {
    case "compare": {
      // TypeScript rejects `===` between literal types that cannot be equal (`2 === 3`) and narrows a
      // variable compared with a literal to that literal; `* 1` widens an operand to number.
      const equality = !["<", "<=", ">", ">="].includes(c.op);
      const side = (x: Expr) => {
        const r = value(x);
        return equality && r.literal ? `${operand(r)} * 1` : operand(r);
      };
      const [left, right] = [side(c.left), side(c.right)];
      // TypeScript parses `a < (b > (c))` as type arguments: a parenthesised right operand of `<` goes left of `>`.
      if (c.op === "<" && right.startsWith("(")) return { text: `${right} > ${left}`, atomic: false };
      return { text: `${left} ${c.op} ${right}`, atomic: false };
    }
    case "logical": {
      const side = (x: Cond) => (x.kind === "logical" ? `(${sub(x).text})` : sub(x).text);
      return { text: `${side(c.left)} ${c.op} ${side(c.right)}`, atomic: false };
    }
    case "not":
      return { text: `!${operand(sub(c.operand))}`, atomic: true };
    case "flag": {
      const pool = scope.flags();
      const v = pool[c.pick % pool.length];
      return v ? { text: scope.use(v.name), atomic: true } : sub(fallbackComparison(c.pick));
    }
    case "predicate": {
      const helper = pickCallable(scope, "boolean", c.pick);
      if (!helper) return sub(fallbackComparison(c.pick));
      return { text: callText(helper, c.args, value, scope), atomic: true };
    }
  }
}

/** Stands in for a flag or predicate when there is none: `v > t` with t in -1, -0.5, ..., 1. */
const fallbackComparison = (pick: number): Cond => ({
  kind: "compare",
  op: ">",
  left: { kind: "variable", pick },
  right: { kind: "literal", hundredths: 50 * (pick % 5) - 100, notation: 0 },
});

/** The helpers returning `returns`, the last defined first. */
function pickCallable(scope: FunctionScope, returns: Callable["returns"], pick: number): Callable | undefined {
  const pool = scope.callables.filter((c) => c.returns === returns).reverse();
  return pool[pick % pool.length];
}

/** `helper(args)` with every argument fitted to what the helper's parameters assume; missing arguments are 1. */
function callText(helper: Callable, args: Expr[], render: (x: Expr) => Rendered, scope: FunctionScope): string {
  const texts = Array.from(
    { length: helper.arity },
    (_, i) => fit(render(args[i] ?? ONE), HELPER_ARGUMENT_BOUND, scope).text,
  );
  return `${scope.use(helper.name)}(${texts.join(", ")})`;
}

function renderBinary(
  op: (typeof binaryOperators)[number],
  left: Rendered,
  rightShape: Expr,
  render: (x: Expr) => Rendered,
  form: number,
  scope: FunctionScope,
): Rendered {
  const right = render(rightShape);
  switch (op) {
    case "+":
    case "-": {
      const [a, b] = [fit(left, LIMIT / 2, scope), fit(right, LIMIT / 2, scope)];
      return compound(`${operand(a)} ${op} ${operand(b)}`, a.bound + b.bound);
    }
    case "*": {
      const small = left.bound * right.bound <= LIMIT;
      const [a, b] = small ? [left, right] : [fit(left, Math.sqrt(LIMIT), scope), fit(right, Math.sqrt(LIMIT), scope)];
      return compound(`${operand(a)} * ${operand(b)}`, a.bound * b.bound);
    }
    case "/": {
      const d = positive(right, form, scope);
      const n = fit(left, LIMIT * d.low, scope);
      return compound(`${operand(n)} / ${operand(d)}`, n.bound / d.low);
    }
    case "%": {
      const d = positive(right, form, scope);
      return compound(`${operand(left)} % ${operand(d)}`, Math.min(left.bound, d.bound));
    }
    case "**":
      return power(left, right, rightShape, form, scope, (base, exponent) =>
        compound(`${operand(base)} ** ${operand(exponent)}`, 0),
      );
  }
}

/**
 * `base ** exponent` in a safe form: a literal exponent becomes 2 or 3 with any
 * base; otherwise the base is made positive and the exponent small enough.
 */
function power(
  base: Rendered,
  exponent: Rendered,
  exponentShape: Expr | undefined,
  form: number,
  scope: FunctionScope,
  write: (base: Rendered, exponent: Rendered) => Rendered,
): Rendered {
  if (exponentShape?.kind === "literal") {
    const n = 2 + (Math.abs(exponentShape.hundredths) % 2);
    const b = fit(base, LIMIT ** (1 / n), scope);
    return { ...write(b, { text: String(n), atomic: true, bound: n }), bound: b.bound ** n };
  }
  const b = positive(base, form, scope);
  const spread = Math.log(Math.max(b.bound, 1 / b.low, Math.E));
  const e = fit(exponent, Math.log(LIMIT) / spread, scope);
  return { ...write(b, e), bound: Math.exp(e.bound * spread) };
}

function renderMath(
  fn: MathFunction,
  args: Rendered[],
  secondShape: Expr | undefined,
  form: number,
  scope: FunctionScope,
): Rendered {
  const [x, y = renderLiteral(ONE)] = args as [Rendered, Rendered?];
  const f = (max: number) => fit(x, max, scope);
  switch (fn) {
    case "exp":
    case "expm1":
    case "sinh":
    case "cosh": {
      const a = f(4);
      return call(fn, [a], Math[fn](a.bound) + 1);
    }
    case "log":
    case "log2":
    case "log10": {
      const a = positive(x, form, scope);
      return call(fn, [a], Math.max(Math.abs(Math[fn](a.low)), Math.abs(Math[fn](a.bound))));
    }
    case "log1p": {
      if (form % 2 === 0) {
        const a = positive(x, form >> 1, scope);
        return call(fn, [a], Math.log1p(a.bound));
      }
      const a = unit(x, form >> 1, scope);
      return call(fn, [a], -Math.log1p(-a.bound));
    }
    case "sqrt":
    case "cbrt": {
      const a = positive(x, form, scope);
      const negated = fn === "cbrt" && form % 2 === 1;
      return call(fn, [negated ? compound(`-${operand(a)}`, a.bound) : a], Math[fn](a.bound));
    }
    case "pow":
      return power(x, y, secondShape, form, scope, (base, exponent) => call("pow", [base, exponent], 0));
    case "sin":
    case "cos":
      return call(fn, [f(LIMIT)], 1);
    case "tan":
    case "asin":
    case "acos":
    case "atanh": {
      const a = unit(x, form, scope);
      return call(fn, [a], fn === "acos" ? Math.PI : Math.abs(Math[fn](a.bound)));
    }
    case "atan":
    case "tanh":
    case "asinh":
    case "abs": {
      const a = f(LIMIT);
      return call(fn, [a], Math.abs(Math[fn](a.bound)));
    }
    case "atan2": {
      // One argument positive keeps away from the origin, where the derivative is singular.
      const [a, b] =
        form % 2 === 0
          ? [f(LIMIT), positive(y, form >> 1, scope)]
          : [positive(x, form >> 1, scope), fit(y, LIMIT, scope)];
      return call(fn, [a, b], Math.PI);
    }
    case "acosh": {
      const a = positive(x, form, scope);
      return call(fn, [compound(`1 + ${operand(a)}`, 1 + a.bound)], Math.acosh(1 + a.bound));
    }
    case "sign":
      return call(fn, [f(LIMIT)], 1);
    case "floor":
    case "ceil":
    case "round":
    case "trunc": {
      const a = f(LIMIT);
      return call(fn, [a], a.bound + 1);
    }
    case "min":
    case "max": {
      const fitted = args.map((a) => fit(a, LIMIT, scope));
      return call(fn, fitted, Math.max(...fitted.map((a) => a.bound)));
    }
    case "hypot": {
      const fitted = args.map((a) => fit(a, LIMIT / 2, scope));
      return call(fn, fitted, Math.hypot(...fitted.map((a) => a.bound)));
    }
  }
}

/** `r`, or a squashed and scaled version of it, with bound at most `max`. */
export function fit(r: Rendered, max: number, scope: FunctionScope): Rendered {
  if (r.bound <= max) return r;
  const squashed = squash(r, scope.nextSquash());
  if (squashed.bound <= max) return squashed;
  const scale = 2 ** -Math.ceil(Math.log2(squashed.bound / max));
  return compound(`${scale} * ${squashed.text}`, scale * squashed.bound);
}

function squash(r: Rendered, form: number): Rendered {
  const fn = (["tanh", "atan", "sin", "cos"] as const)[form % 4]!;
  return call(fn, [r], fn === "atan" ? Math.PI / 2 : 1);
}

/** A positive expression built from `r`. */
export function positive(r: Rendered, form: number, scope: FunctionScope): Positive {
  const variant = form % 8;
  const a = fit(r, [10, 10, LIMIT, 2, 4, LIMIT, LIMIT, LIMIT][variant]!, scope);
  switch (variant) {
    case 0:
      return { ...compound(`1 + ${operand(a)} ** 2`, 1 + a.bound ** 2), low: 1 };
    case 1:
      return { ...compound(`${operand(a)} ** 2 + 0.5`, a.bound ** 2 + 0.5), low: 0.5 };
    case 2:
      return { ...compound(`Math.abs(${a.text}) + 0.5`, a.bound + 0.5), low: 0.5 };
    case 3:
      return { ...call("exp", [a], Math.exp(a.bound)), low: Math.exp(-a.bound) };
    case 4:
      return { ...call("cosh", [a], Math.cosh(a.bound)), low: 1 };
    case 5:
      return { ...call("hypot", [a, { text: "1", atomic: true, bound: 1 }], Math.hypot(a.bound, 1)), low: 1 };
    case 6:
      return { ...compound(`2 + Math.sin(${a.text})`, 3), low: 1 };
    default:
      return { ...compound(`1.5 + Math.cos(${a.text})`, 2.5), low: 0.5 };
  }
}

/** An expression built from `r` with |value| <= 0.9 < 1. */
export function unit(r: Rendered, form: number, scope: FunctionScope): Rendered {
  const any = fit(r, LIMIT, scope);
  switch (form % 3) {
    case 0:
      return compound(`0.9 * Math.tanh(${any.text})`, 0.9);
    case 1:
      return compound(`0.9 * Math.sin(${any.text})`, 0.9);
    default:
      return compound(`${operand(any)} / (1 + Math.abs(${any.text})) * 0.9`, 0.9);
  }
}

/** A literal in one of the notations TypeScript accepts; negative values are a unary minus. */
export function renderLiteral({ hundredths, notation }: { hundredths: number; notation: number }): Rendered {
  const magnitude = Math.abs(hundredths);
  const text = literalText(magnitude, notation);
  const bound = magnitude / 100;
  return hundredths < 0
    ? { text: `-${text}`, atomic: false, bound, literal: true }
    : { text, atomic: true, bound, literal: true };
}

function literalText(hundredths: number, notation: number): string {
  const value = hundredths / 100;
  if (hundredths % 100 === 0) {
    const n = hundredths / 100;
    const forms = [
      String(n),
      `0x${n.toString(16)}`,
      `0b${n.toString(2)}`,
      `0o${n.toString(8)}`,
      `${n}.0`,
      `${hundredths}e-2`,
      `${n}e0`,
    ];
    return forms[notation % forms.length]!;
  }
  const plain = String(value);
  const forms = [plain, plain.replace(/^0\./, "."), `${hundredths}e-2`, `${plain}0`];
  return forms[notation % forms.length]!;
}
