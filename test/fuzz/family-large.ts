/**
 * Family `large`: long straight-line expressions and deep nesting, to find
 * what grows faster than the source in adgen (recursion depth, quadratic
 * passes) and where the generated code goes wrong at scale.
 *
 * - `sum`: one sum of SUM terms (`0.37 * x + -1.2 * Math.sin(y) + ...`);
 * - `horner`: a polynomial in `u = 0.5 * Math.tanh(x)` (and `v`, of `y`)
 *   in Horner form, nested HORNER deep, to the right or to the left;
 * - `chain`: an `if` chain of CHAIN tests on `x` with early returns, or an
 *   `else if` chain assigning the result;
 * - `nested`: NESTED `if`s one inside the other, each updating `s` and some
 *   returning early.
 *
 * Every value stays moderate (coefficients below 3, updates that contract),
 * so the numeric check holds at any size. Each program is compiled alone and
 * its compile time is reported (check.ts `timings`, main.ts).
 */
import fc from "fast-check";
import type { InputShape, LargeShape } from "./shapes.js";
import type { RenderedProgram } from "./render.js";
import { indent } from "./render-stmt.js";

/** Sizes: the full ranges, and the small ones the test suite uses. */
const SIZES: Record<LargeShape["kind"], [number, number]> = { sum: [100, 3000], horner: [100, 300], chain: [20, 150], nested: [20, 150] };
const SMALL: Record<LargeShape["kind"], [number, number]> = { sum: [50, 200], horner: [20, 60], chain: [10, 30], nested: [10, 30] };

export function largeArbitrary(small: boolean): fc.Arbitrary<LargeShape> {
  const sizes = small ? SMALL : SIZES;
  return fc.constantFrom("sum" as const, "horner" as const, "chain" as const, "nested" as const).chain((kind) =>
    fc.record({
      kind: fc.constant(kind),
      size: fc.integer({ min: sizes[kind][0], max: sizes[kind][1] }),
      coefficients: fc.array(fc.integer({ min: -300, max: 300 }), { minLength: 1, maxLength: 16 }),
      forms: fc.array(fc.nat({ max: 59 }), { minLength: 1, maxLength: 16 }),
    }),
  );
}

/** The i-th coefficient and form, cycled and varied with i so that long programs do not repeat. */
const coefficient = (shape: LargeShape, i: number): number => {
  const c = shape.coefficients[i % shape.coefficients.length]! / 100;
  return Number((c * (1 - (i % 7) / 10)).toFixed(4));
};
const formOf = (shape: LargeShape, i: number): number => shape.forms[i % shape.forms.length]! + Math.floor(i / shape.forms.length);
const lit = (c: number): string => (c < 0 ? `(${c})` : String(c));

function sumTerm(shape: LargeShape, i: number): string {
  const c = lit(coefficient(shape, i));
  const k = (i % 5) + 1;
  return [
    `${c} * x`,
    `${c} * y`,
    `${c} * x * y`,
    `${c} * Math.sin(x)`,
    `${c} * Math.exp(0.1 * y)`,
    `${c} * x * x`,
    `${c} * Math.tanh(x - y)`,
    `${c} * Math.cos(${k} * x)`,
  ][formOf(shape, i) % 8]!;
}

function renderSum(shape: LargeShape): string[] {
  const terms = Array.from({ length: shape.size }, (_, i) => sumTerm(shape, i));
  const rows: string[] = [];
  for (let i = 0; i < terms.length; i += 6) rows.push(terms.slice(i, i + 6).join(" + "));
  const [first, ...rest] = rows;
  return [`const s = ${first}`, ...rest.map((r) => `  + ${r}`), "  ;", "return 0.5 * s + x;"];
}

function renderHorner(shape: LargeShape): string[] {
  const variable = (i: number) => (formOf(shape, i) % 3 === 2 ? "v" : "u");
  const lines = ["const u = 0.5 * Math.tanh(x);", "const v = 0.5 * Math.sin(y);"];
  if (shape.forms[0]! % 2 === 0) {
    // c0 + u * (c1 + v * (c2 + ...))
    let text = lit(coefficient(shape, shape.size));
    for (let i = shape.size - 1; i >= 0; i--) text = `${lit(coefficient(shape, i))} + ${variable(i)} * (${text})`;
    return [...lines, `return ${text};`];
  }
  // ((c0 * u + c1) * v + c2) ...
  let text = lit(coefficient(shape, 0));
  for (let i = 1; i <= shape.size; i++) text = `(${text}) * ${variable(i)} + ${lit(coefficient(shape, i))}`;
  return [...lines, `return ${text};`];
}

/** Thresholds in (-2.2, 2.2), ascending, distinct from each other and from the inputs' offsets. */
const threshold = (i: number, n: number): number => Number((-2.2 + (4.4 * (i + 0.5)) / n + 0.001 * (i % 3)).toFixed(5));

function renderChain(shape: LargeShape): string[] {
  const n = shape.size;
  const value = (i: number) => {
    const c = lit(coefficient(shape, i));
    return [`${c} * x + y`, `${c} * Math.sin(x * y)`, `x * y + ${c}`, `${c} * Math.exp(0.2 * x) - y`][formOf(shape, i) % 4]!;
  };
  if (shape.forms[0]! % 2 === 0) {
    const tests = Array.from({ length: n }, (_, i) => `if (x < ${threshold(i, n)}) return ${value(i)};`);
    return [...tests, `return ${value(n)};`];
  }
  const lines = ["let r: number;"];
  for (let i = 0; i < n; i++) lines.push(`${i === 0 ? "if" : "} else if"} (x < ${threshold(i, n)}) {`, `  r = ${value(i)};`);
  return [...lines, "} else {", `  r = ${value(n)};`, "}", "return r * y;"];
}

function renderNested(shape: LargeShape): string[] {
  const open = (i: number): string[] => {
    const c = coefficient(shape, i);
    const f = formOf(shape, i);
    const test = [`s < ${10 + Math.abs(c)}`, `x > ${lit(-2 + Math.abs(c) / 10)}`, `y < ${lit(c + 3)}`, `s > ${lit(-10 - Math.abs(c))}`][f % 4]!;
    const update = `s = 0.9 * s + ${lit(c)} * Math.sin(y + ${i % 5});`;
    const early = f % 5 === 0 ? [`if (y > ${lit(c)}) return s * ${lit(c)} + x;`] : [];
    return [`if (${test}) {`, ...indent([update, ...early])];
  };
  let inner: string[] = ["s = s * x;"];
  for (let i = shape.size - 1; i >= 0; i--) {
    const [head, ...rest] = open(i);
    inner = [head!, ...rest, ...indent(inner), "}"];
  }
  return ["let s = x;", ...inner, "return s;"];
}

const OFFSETS = [0.03711, -0.05923];

export function renderLarge(shape: LargeShape, name: string, inputs: InputShape[]): RenderedProgram {
  const body = { sum: renderSum, horner: renderHorner, chain: renderChain, nested: renderNested }[shape.kind](shape);
  const text = [`export function ${name}(x: number, y: number): number {`, ...indent(body), "}", ""].join("\n");
  return {
    text,
    entry: { name, params: [{ name: "x", type: "number" }, { name: "y", type: "number" }], leftOut: [] },
    inputs: inputs.map((input) => [input.numbers[0]! + OFFSETS[0]!, input.numbers[1]! + OFFSETS[1]!]),
    alone: true,
    large: { kind: shape.kind, size: shape.size },
  };
}
