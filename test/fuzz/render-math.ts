/**
 * Math functions and powers from rendered operands, each operand first put in
 * its function's domain (domains.ts), with the bound of the result.
 */
import type { Expr, MathFunction } from "./shapes.js";
import { call, compound, fit, LIMIT, operand, positive, unit, type Rendered } from "./domains.js";
import type { FunctionScope } from "./scope.js";

/**
 * `base ** exponent` in a safe form: a literal exponent becomes 2 or 3 with any
 * base; otherwise the base is made positive and the exponent small enough.
 */
export function power(
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

/** A missing second argument. */
const one: Rendered = { text: "1", atomic: true, bound: 1, literal: true };

export function renderMath(
  fn: MathFunction,
  args: Rendered[],
  secondShape: Expr | undefined,
  form: number,
  scope: FunctionScope,
): Rendered {
  const [x, y = one] = args as [Rendered, Rendered?];
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
