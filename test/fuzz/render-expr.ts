/** Expressions and conditions from shapes, over what the scope holds (scope.ts), in safe forms (domains.ts). */
import type { binaryOperators, Cond, Expr } from "./shapes.js";
import { compound, fit, LIMIT, operand, positive, type Code, type Rendered } from "./domains.js";
import { power, renderMath } from "./render-math.js";
import type { Callable, Constant, FunctionScope, Variable } from "./scope.js";
import { callText } from "./aggregates.js";

/** Helper arguments are fitted to this bound, which is the bound their parameters assume. */
export const HELPER_ARGUMENT_BOUND = 3;

const ONE = { kind: "literal", hundredths: 100, notation: 0 } as const;

export const mathConstants: Constant[] = (
  ["PI", "E", "SQRT2", "SQRT1_2", "LN2", "LN10", "LOG2E", "LOG10E"] as const
).map((name) => ({ text: `Math.${name}`, bound: Math[name] }));

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
      // d(a % d)/dd is -trunc(a / d): a dividend as large as Number.MAX_VALUE makes it astronomic,
      // and finite differences of a sawtooth that fine meaningless.
      const [n, d] = [fit(left, LIMIT, scope), positive(right, form, scope)];
      return compound(`${operand(n)} % ${operand(d)}`, Math.min(n.bound, d.bound));
    }
    case "**":
      return power(left, right, rightShape, form, scope, (base, exponent) =>
        compound(`${operand(base)} ** ${operand(exponent)}`, 0),
      );
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
