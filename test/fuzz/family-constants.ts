/**
 * Family `constants`: module-level constants of every kind the language
 * allows. Literals in every notation, expressions of earlier constants,
 * `Math.PI`-style constants and `Math` calls, `Number.EPSILON`,
 * `Number.MAX_VALUE` and the other `Number.*` constants, and initialisers
 * adgen may not support (`Math.random()`, `Date.now()`, `Math.fround(2)`,
 * `parseFloat("2")`, `+"2"`, `void 0`, ...).
 *
 * A finite constant joins the constants expressions may read, with its
 * magnitude as its bound (so `Number.MAX_VALUE` is squashed before use). A
 * non-finite one (`Infinity`, `Number.NaN`, `Number.MAX_VALUE * 2`) is read
 * in a guard the inputs never take (`if (x > K) return K;`). A program with
 * an initialiser adgen may not support is checked alone, and passes when
 * adgen either differentiates it exactly or rejects it with a diagnostic
 * inside the initialiser (for `void 0`, which TypeScript rejects where the
 * constant is used, also there).
 */
import fc from "fast-check";
import type { ConstantShape } from "./shapes.js";
import { renderLiteral } from "./render-expr.js";
import type { Constant } from "./scope.js";
import type { Expectation, Span } from "./outcome.js";
import type { Parameter } from "./render.js";

export interface ModuleConstants {
  lines: string[];
  /** The finite constants, for expressions. */
  constants: Constant[];
  /** Statements the entry starts with, given its parameters: the guards that read non-finite constants. */
  prologue(params: (Parameter & { role?: string })[]): string[];
  /** What adgen must do with the program, when it has an initialiser adgen may not support. */
  expect?: (text: string) => Expectation;
}

interface Initializer {
  text: string;
  /** Its value; for `Math.random()` and `Date.now()`, the largest it may be. */
  value: number;
  /** TypeScript rejects the program where the constant is used (`void 0` is not a number). */
  invalidUse?: boolean;
}

type Operand = { name: string; value: number };

// prettier-ignore
const MATH: Initializer[] = [
  ["Math.PI", Math.PI], ["Math.E", Math.E], ["Math.LN2", Math.LN2], ["Math.LN10", Math.LN10],
  ["Math.SQRT2", Math.SQRT2], ["Math.SQRT1_2", Math.SQRT1_2], ["Math.LOG2E", Math.LOG2E], ["Math.LOG10E", Math.LOG10E],
  ["Math.PI / 2", Math.PI / 2], ["2 * Math.PI", 2 * Math.PI], ["Math.log(2)", Math.log(2)], ["Math.exp(1)", Math.exp(1)],
  ["Math.cos(Math.PI)", Math.cos(Math.PI)], ["Math.sqrt(2)", Math.sqrt(2)], ["Math.max(1, 2, 3)", 3], ["Math.hypot(3, 4)", 5],
].map(([text, value]) => ({ text: text as string, value: value as number }));

// prettier-ignore
const NUMBER: Initializer[] = [
  ["Number.EPSILON", Number.EPSILON], ["Number.MAX_VALUE", Number.MAX_VALUE], ["Number.MIN_VALUE", Number.MIN_VALUE],
  ["Number.MAX_SAFE_INTEGER", Number.MAX_SAFE_INTEGER], ["Number.MIN_SAFE_INTEGER", Number.MIN_SAFE_INTEGER],
  ["Number.POSITIVE_INFINITY", Infinity], ["Number.NEGATIVE_INFINITY", -Infinity], ["Number.NaN", NaN],
  ["Infinity", Infinity], ["-Infinity", -Infinity], ["NaN", NaN], ["1e308 * 10", Infinity], ["-0", -0],
  ["1 - Number.EPSILON", 1 - Number.EPSILON], ["Number.MAX_VALUE * 2", Infinity], ["Number.MIN_VALUE / 2", 0],
].map(([text, value]) => ({ text: text as string, value: value as number }));

// prettier-ignore
const UNSUPPORTED: Initializer[] = [
  { text: "Math.random()", value: 1 }, { text: "Date.now()", value: 1e13 }, { text: "Math.fround(2)", value: 2 },
  { text: 'parseFloat("2")', value: 2 }, { text: '+"2"', value: 2 }, { text: "void 0", value: NaN, invalidUse: true },
  { text: 'Number("2")', value: 2 }, { text: "~1", value: -2 }, { text: "1 << 2", value: 4 },
  { text: '"ab".length', value: 2 }, { text: "[1, 2].length", value: 2 }, { text: "Math.fround(0.1)", value: Math.fround(0.1) },
  { text: 'Number.parseFloat("2.5")', value: 2.5 }, { text: "(2).valueOf()", value: 2 }, { text: "Math.clz32(1)", value: 31 },
  { text: "2 | 1", value: 3 },
];

/** Expressions of earlier constants `a`, `b` (or literals when there are none) with `c` a literal. */
function expression(form: number, a: Operand, b: Operand, c: number): Initializer {
  const forms: [string, number][] = [
    [`${a.name} * ${c} + ${b.name}`, a.value * c + b.value],
    [`-${a.name}`, -a.value],
    [`(${a.name} + ${b.name}) / 2`, (a.value + b.value) / 2],
    [`${a.name} ** 2`, a.value ** 2],
    [`Math.max(${a.name}, ${b.name})`, Math.max(a.value, b.value)],
    [`${a.name} > ${b.name} ? ${a.name} : ${b.name}`, a.value > b.value ? a.value : b.value],
    [`${c} as number`, c],
    [`Math.PI * ${a.name}`, Math.PI * a.value],
    [`(${a.name})`, a.value],
    [`${a.name} - ${b.name} * ${b.name}`, a.value - b.value * b.value],
  ];
  const [text, value] = forms[form % forms.length]!;
  return { text, value };
}

export const constantsArbitrary: fc.Arbitrary<ConstantShape[]> = fc.array(
  fc.record({
    kind: fc.constantFrom("literal" as const, "expression" as const, "math" as const, "number" as const, "unsupported" as const),
    form: fc.nat({ max: 63 }),
    hundredths: fc.integer({ min: -300, max: 300 }),
    operands: fc.array(fc.nat({ max: 7 }), { minLength: 2, maxLength: 2 }),
  }),
  { minLength: 1, maxLength: 4 },
);

function initializer(shape: ConstantShape, earlier: Operand[]): Initializer {
  switch (shape.kind) {
    case "literal": {
      const r = renderLiteral({ hundredths: shape.hundredths, notation: shape.form });
      return { text: r.text, value: shape.hundredths / 100 };
    }
    case "expression": {
      const literal = { name: `(${shape.hundredths / 100})`, value: shape.hundredths / 100 };
      const [a, b] = shape.operands.map((i) => earlier[i % Math.max(earlier.length, 1)] ?? literal) as [Operand, Operand];
      const c = (Math.abs(shape.hundredths) % 5) + 1;
      return expression(shape.form, a, b, c);
    }
    case "math":
      return MATH[shape.form % MATH.length]!;
    case "number":
      return NUMBER[shape.form % NUMBER.length]!;
    case "unsupported":
      return UNSUPPORTED[shape.form % UNSUPPORTED.length]!;
  }
}

export function renderModuleConstants(shapes: ConstantShape[], prefix: string): ModuleConstants {
  const lines: string[] = [];
  const constants: Constant[] = [];
  const guards: { name: string; value: number }[] = [];
  const earlier: Operand[] = [];
  const doubtful: { name: string; init: Initializer }[] = [];
  shapes.forEach((shape, i) => {
    const name = `${prefix}_K${i}`;
    const init = initializer(shape, earlier);
    lines.push(`const ${name} = ${init.text};`);
    if (shape.kind === "unsupported") doubtful.push({ name, init });
    // Expressions of a doubtful constant stay out of the others' way.
    if (shape.kind !== "unsupported") earlier.push({ name, value: init.value });
    if (Number.isFinite(init.value)) constants.push({ text: name, bound: Math.abs(init.value), literal: true });
    else guards.push({ name, value: init.value });
  });
  const prologue = (params: (Parameter & { role?: string })[]) => {
    const x = params.find((p) => p.type === "number" && p.role === "value")!.name;
    const guard = ({ name, value }: { name: string; value: number }) =>
      value === Infinity ? `if (${x} > ${name}) return ${name};` : value === -Infinity ? `if (${x} < ${name}) return ${name};` : `if (${x} === ${name}) return ${name};`;
    // Every doubtful constant is read, in a guard the inputs never take.
    return [...guards.map(guard), ...doubtful.map(({ name }) => `if (${x} > ${name} + 3) return ${x};`)];
  };
  if (doubtful.length === 0) return { lines, constants, prologue };
  const expect = (text: string): Expectation => ({
    outcome: "either",
    spans: doubtful.flatMap(({ name, init }) => spans(text, name, init)),
    what: doubtful.map(({ name, init }) => `const ${name} = ${init.text}`).join("; "),
  });
  return { lines, constants, prologue, expect };
}

/** The initialiser of `name` in `text`; for an invalid use, also every line that reads it. */
function spans(text: string, name: string, init: Initializer): Span[] {
  const lines = text.split("\n");
  const declaration = `const ${name} = `;
  const at = lines.findIndex((l) => l.startsWith(declaration));
  const from = declaration.length + 1;
  const own: Span = { line: at + 1, from, to: from + init.text.length };
  if (!init.invalidUse) return [own];
  const uses = lines.flatMap((l, i) => (i !== at && new RegExp(`\\b${name}\\b`).test(l) ? [{ line: i + 1, from: 1, to: Infinity }] : []));
  return [own, ...uses];
}
