/**
 * Family `features`: the newer constructs, several to a program, each
 * working on the entry's running number `s` (which every snippet updates by
 * a contraction, `s = 0.5 * s + ...`, so that values stay moderate however
 * the snippets combine):
 *
 * - `closure`: local arrow functions capturing a loop variable and `s`, one
 *   writing a variable around it;
 * - `functionParameter`: a helper taking a function, called with an arrow
 *   function, a named helper, or a function passed on;
 * - `classes`: a class with fields, a constructor, a getter, a method that
 *   updates `this` (in a loop), a method returning `this`, a static factory;
 * - `records`: arrays of objects and of tuples built with `push` in branches,
 *   written (`qs[i].x = ...`, `qs[i] = {...}`), read with `map`, `filter`,
 *   `reduce`, `for...of`, and passed to a helper that writes them;
 * - `recursion`: a helper calling itself or a pair calling each other, over
 *   numbers (checked in every mode: the Hvp goes through `<name>PartialsJvp`);
 * - `strings`: a string-literal type, a helper `switch`ing on it with
 *   fall-through;
 * - `truthiness`: numbers as conditions, `||` and `&&` of numbers, `while
 *   (k)`, `reduce` without an initial value;
 * - `table`: a module-level read-only table read by index, by `for...of`,
 *   by `reduce`, and in a class getter;
 * - `effects`: assignments and `++` as values, the comma operator, `var`,
 *   `switch` fall-through, `throw` guards, and loop conditions with side
 *   effects (`while (i++ < n)`, `for (; (s = ...) > t && ...;)`).
 *
 * The running number, loop counters and some locals take names the
 * generated module uses itself (`grad`, `tape`, `dx`, `value`, `<entry>Grad`,
 * ...). All of it is inside the subset: values must be exact and gradients
 * match the oracle.
 */
import fc from "fast-check";
import type { FeaturesShape, InputShape } from "./shapes.js";
import type { RenderedProgram } from "./render.js";
import { indent } from "./render-stmt.js";

export const SNIPPET_KINDS = [
  "closure",
  "functionParameter",
  "classes",
  "records",
  "recursion",
  "strings",
  "truthiness",
  "table",
  "effects",
] as const;

const snippetArbitrary = fc.record({
  kind: fc.nat({ max: SNIPPET_KINDS.length - 1 }),
  forms: fc.array(fc.nat({ max: 63 }), { minLength: 1, maxLength: 8 }),
  constants: fc.array(fc.integer({ min: -150, max: 150 }), { minLength: 1, maxLength: 6 }),
});

export const featuresArbitrary: fc.Arbitrary<FeaturesShape> = fc.record({
  snippets: fc.array(snippetArbitrary, { minLength: 1, maxLength: 4 }),
  names: fc.array(fc.nat({ max: 15 }), { minLength: 3, maxLength: 3 }),
});

/** One snippet's choices: the i-th form and constant, cycled and varied with i. */
class Choices {
  constructor(
    private readonly forms: number[],
    private readonly constants: number[],
  ) {}
  form(i: number, n: number): number {
    return (this.forms[i % this.forms.length]! + Math.floor(i / this.forms.length)) % n;
  }
  /** A constant in [-1.5, 1.5], never exactly 0 (so that `||` and tests of it are not degenerate). */
  constant(i: number): string {
    const c = this.constants[i % this.constants.length]! / 100 + (i % 3) * 0.01;
    const v = Number((c === 0 ? 0.37 : c).toFixed(4));
    return v < 0 ? `(${v})` : String(v);
  }
  /** A bounded term of two of `vars` (their magnitude at most about 10). */
  term(i: number, vars: string[]): string {
    const a = vars[this.form(i, vars.length)]!;
    const b = vars[this.form(i + 1, vars.length)]!;
    const c = this.constant(i);
    switch (this.form(i + 2, 6)) {
      case 0:
        return `Math.sin(${a}) * ${c}`;
      case 1:
        return `Math.tanh(${a} * ${b})`;
      case 2:
        return `${a} * ${c} * 0.25 - ${b} * 0.125`;
      case 3:
        return `Math.cos(${a} + ${c})`;
      case 4:
        return `Math.atan(${a}) * ${b} * 0.25`;
      default:
        return `Math.tanh(${a}) * ${b} * 0.1`;
    }
  }
}

interface Snippet {
  module: string[];
  body: string[];
}

interface Context {
  /** Module-level prefix (`f0_`) and snippet number, for unique names. */
  prefix: string;
  k: number;
  /** The running number's name. */
  s: string;
  /** Names for loop counters and locals (maybe colliding with generated ones). */
  local: (i: number) => string;
  entry: string;
}

type Renderer = (c: Choices, cx: Context) => Snippet;

const contract = (s: string, term: string): string => `${s} = 0.5 * ${s} + (${term});`;

const closure: Renderer = (c, { s, k, local }) => {
  const i = local(0);
  const acc = `acc${k}`;
  const vars = ["x", "y", s, i, "t"];
  const body = [
    `let ${acc} = ${c.term(0, ["x", "y"])};`,
    `const bump${k} = (v: number): number => {`,
    `  ${acc} = 0.5 * ${acc} + Math.tanh(v);`,
    `  return ${acc};`,
    `};`,
    `for (let ${i} = 0; ${i} < ${1 + c.form(1, 3)}; ${i}++) {`,
    `  const g${k} = (t: number) => ${c.term(2, vars)};`,
    `  ${contract(s, `g${k}(${c.term(3, ["x", "y", s])}) * 0.5`)}`,
    ...(c.form(4, 2) ? [`  if (${s} > ${c.constant(5)}) ${s} = bump${k}(${s});`] : [`  ${s} += bump${k}(${i} * ${c.constant(6)}) * 0.25;`]),
    `}`,
    contract(s, `bump${k}(${c.term(7, ["x", "y", s])}) * 0.5`),
  ];
  return { module: [], body };
};

const functionParameter: Renderer = (c, { s, k, prefix }) => {
  const apply = `${prefix}apply${k}`;
  const named = `${prefix}shape${k}`;
  const twice = `${prefix}twice${k}`;
  const module = [
    `function ${apply}(f: (t: number) => number, v: number, n: number): number {`,
    `  let r = 0;`,
    `  for (let i = 0; i < n; i++) r = 0.5 * r + f(v + i * ${c.constant(0)});`,
    `  return r;`,
    `}`,
    `function ${named}(t: number): number {`,
    `  return ${c.term(1, ["t"])};`,
    `}`,
    `function ${twice}(f: (t: number) => number, v: number): number {`,
    `  return ${apply}(f, f(v) * 0.5, 2);`,
    `}`,
  ];
  const n = 1 + c.form(2, 3);
  const call = [
    `${apply}((t) => ${c.term(3, ["t", "x", s])}, ${c.term(4, ["x", "y"])}, ${n})`,
    `${apply}(${named}, ${s}, ${n})`,
    `${twice}((u) => ${c.term(5, ["u", "y"])}, ${s})`,
    `${twice}(${named}, ${c.term(6, ["x", s])})`,
  ][c.form(7, 4)]!;
  return { module, body: [contract(s, `${call} * 0.5`)] };
};

const classes: Renderer = (c, { s, k, prefix, local }) => {
  const cls = `${prefix}C${k}`;
  const i = local(1);
  const module = [
    `class ${cls} {`,
    `  w = ${c.constant(0)};`,
    `  k: number;`,
    `  constructor(public a: number, b: number) {`,
    `    this.k = Math.tanh(b) * ${c.constant(1)};`,
    `  }`,
    `  get g(): number {`,
    `    return Math.tanh(this.a * this.k) + this.w * 0.5;`,
    `  }`,
    `  step(v: number): void {`,
    `    this.a = 0.5 * this.a + Math.sin(v);`,
    `    this.w = 0.5 * this.w + this.k * 0.25;`,
    `  }`,
    `  moved(v: number): this {`,
    `    this.a = Math.tanh(this.a + v);`,
    `    return this;`,
    `  }`,
    `  static make(v: number): ${cls} {`,
    `    return new ${cls}(Math.sin(v), v * 0.5);`,
    `  }`,
    `}`,
  ];
  const o = `o${k}`;
  const create = c.form(2, 2) ? `new ${cls}(${c.term(3, ["x", "y", s])}, ${s})` : `${cls}.make(${c.term(4, ["x", "y", s])})`;
  const body = [
    `const ${o} = ${create};`,
    `for (let ${i} = 0; ${i} < ${1 + c.form(5, 3)}; ${i}++) {`,
    `  ${o}.step(${c.term(6, ["x", s, i])});`,
    ...(c.form(7, 2) ? [`  if (${o}.g > ${c.constant(8)}) ${o}.moved(${s} * 0.25);`] : []),
    `}`,
    contract(s, c.form(9, 2) ? `${o}.moved(y * 0.5).g` : `${o}.g * ${o}.a * 0.5`),
  ];
  return { module, body };
};

const records: Renderer = (c, { s, k, prefix }) => {
  const write = `${prefix}write${k}`;
  const qs = `qs${k}`;
  const tuples = c.form(0, 2) === 1;
  const module = tuples
    ? [
        `function ${write}(ps: [number, number][], d: number): void {`,
        `  for (let i = 0; i < ps.length; i++) ps[i][0] = 0.5 * ps[i][0] + Math.tanh(d * ps[i][1]);`,
        `}`,
      ]
    : [
        `function ${write}(ps: { x: number; y: number }[], d: number): void {`,
        `  for (let i = 0; i < ps.length; i++) {`,
        `    ps[i].x = 0.5 * ps[i].x + Math.tanh(d * ps[i].y);`,
        `    if (ps[i].y > ${c.constant(1)}) ps[i] = { x: ps[i].y * 0.5, y: ps[i].x };`,
        `  }`,
        `}`,
      ];
  const X = tuples ? "[0]" : ".x";
  const Y = tuples ? "[1]" : ".y";
  const make = (x: string, y: string) => (tuples ? `[${x}, ${y}]` : `{ x: ${x}, y: ${y} }`);
  const type = tuples ? "[number, number][]" : "{ x: number; y: number }[]";
  const body = [
    `const ${qs}: ${type} = [];`,
    `for (const p of ps) {`,
    `  if (p.x > ${c.constant(2)}) ${qs}.push(${make(`p.x * ${c.constant(3)}`, `p.y`)});`,
    `  else ${qs}.push(${make("p.y", `Math.tanh(p.x + ${s})`)});`,
    `}`,
  ];
  switch (c.form(4, 4)) {
    case 0:
      body.push(`${qs}[0]${X} = ${c.term(5, ["x", "y", s])};`);
      break;
    case 1:
      body.push(`${write}(${qs}, ${c.term(6, ["x", s])});`);
      break;
    case 2:
      body.push(`${qs}[${qs}.length - 1] = ${make(`${qs}[0]${Y}`, c.term(7, ["x", "y"]))};`);
      break;
    default:
      body.push(`${qs}.push(${make(s, "y")});`, `${write}(${qs}, ${qs}[0]${Y});`);
  }
  const read = [
    `${qs}.reduce((a, q) => a + Math.tanh(q${X} * q${Y}), 0)`,
    `${qs}.map((q) => Math.sin(q${X}) * q${Y}).reduce((a, v) => a + v * 0.25, 0)`,
    `${qs}.map((q) => q${Y} - q${X}).filter((v) => v > 0).reduce((a, v) => a + Math.tanh(v), ${c.constant(8)})`,
    `Math.tanh(${qs}[0]${X} + ${qs}[${qs}.length - 1]${Y} * ${c.constant(9)})`,
  ][c.form(10, 4)]!;
  // (A filter of the objects themselves shares them, which adgen rejects where elements are written, ADG1002.)
  body.push(`let r${k} = 0;`, `for (const q of ${qs}) r${k} = 0.5 * r${k} + Math.tanh(q${X} - q${Y});`);
  body.push(contract(s, `(${read}) * 0.25 + r${k} * 0.25`));
  return { module, body };
};

const recursion: Renderer = (c, { s, prefix, k }) => {
  const r = `${prefix}rec${k}`;
  const other = `${prefix}alt${k}`;
  const mutual = c.form(0, 2) === 1;
  const module = mutual
    ? [
        `function ${r}(n: number, v: number): number {`,
        `  if (n <= 0) return Math.tanh(v);`,
        `  return ${other}(n - 1, v * ${c.constant(1)}) * 0.5 + Math.sin(v) * 0.25;`,
        `}`,
        `function ${other}(n: number, v: number): number {`,
        `  return n <= 0 ? v * 0.5 : Math.tanh(${r}(n - 1, v) + v * 0.25);`,
        `}`,
      ]
    : [
        `function ${r}(n: number, v: number, flip: boolean): number {`,
        `  if (n < 1) return flip ? Math.cos(v) : Math.sin(v);`,
        `  return 0.5 * ${r}(n - 1, Math.tanh(v * ${c.constant(2)}), !flip) + v * ${c.constant(3)} * 0.25;`,
        `}`,
      ];
  const depth = c.form(4, 5);
  const call = mutual ? `${r}(${depth}, ${c.term(5, ["x", "y", s])})` : `${r}(${depth}, ${c.term(6, ["x", "y", s])}, ${s} > 0)`;
  return { module, body: [contract(s, call)] };
};

const strings: Renderer = (c, { s, k, prefix, local }) => {
  const type = `${prefix}Mode${k}`;
  const pick = `${prefix}weigh${k}`;
  const m = `m${k}`;
  const i = local(2);
  const module = [
    `type ${type} = "lin" | "sq" | "wave";`,
    `function ${pick}(mode: ${type}, v: number): number {`,
    `  switch (mode) {`,
    `    case "lin":`,
    `      return v * ${c.constant(0)};`,
    `    case "sq":`,
    `      v = Math.tanh(v) * v;`,
    `    // falls through`,
    `    case "wave":`,
    `      return Math.sin(v + ${c.constant(1)});`,
    `  }`,
    `}`,
  ];
  const body = [
    `let ${m}: ${type} = "lin";`,
    `if (x > ${c.constant(2)}) ${m} = "sq";`,
    `else if (y < ${c.constant(3)}) ${m} = "wave";`,
    `const modes${k}: ${type}[] = ["wave", ${m}, "sq"];`,
    `for (let ${i} = 0; ${i} < modes${k}.length; ${i}++) {`,
    `  ${contract(s, `${pick}(modes${k}[${i}], ${c.term(4, ["x", "y", s])}) * (modes${k}[${i}] === ${m} ? 0.5 : 0.25)`)}`,
    `}`,
    contract(s, `${m} !== "lin" ? ${pick}(${m}, ${s}) : ${c.term(5, ["x", s])}`),
  ];
  return { module, body };
};

const truthiness: Renderer = (c, { s, k, local }) => {
  const n = `n${k}`;
  const i = local(0);
  const body = [
    `const u${k} = (x > ${c.constant(0)} ? ${c.term(1, ["x", "y"])} : 0) || ${c.term(2, ["y", s])};`,
    `let ${n} = ${1 + c.form(3, 3)};`,
    `while (${n}) {`,
    `  ${contract(s, `${c.term(4, ["x", "y", s, n])} * 0.5`)}`,
    `  ${n}--;`,
    `}`,
    `for (let ${i} = 0; ${i} < 3; ${i}++) ${s} += ((${i} % 2) && ${c.term(5, ["x", s])}) * 0.25;`,
    `const v${k} = [${c.term(6, ["x", "y"])}, ${s}, xs[${c.form(7, 3)}]].reduce((p, q) => 0.5 * p + Math.tanh(q));`,
    `if (xs.length % 2 ? ${s} : u${k}) ${s} = 0.5 * ${s} + 0.25;`,
    contract(s, `(u${k} && v${k}) * 0.5 + (${s} - ${s} || u${k}) * 0.25`),
  ];
  return { module: [], body };
};

const table: Renderer = (c, { s, k, prefix, local }) => {
  const t = `${prefix}T${k}`;
  const cls = `${prefix}Poly${k}`;
  const i = local(1);
  const module = [
    `const ${t} = [${[0, 1, 2, 3].map((j) => c.constant(j)).join(", ")}];`,
    `class ${cls} {`,
    `  constructor(public c: number) {}`,
    `  get at(): number {`,
    `    let r = 0;`,
    `    for (let i = ${t}.length - 1; i >= 0; i--) r = r * this.c + ${t}[i];`,
    `    return r;`,
    `  }`,
    `}`,
  ];
  const body = [
    `for (const e of ${t}) ${contract(s, `Math.sin(e * ${c.term(4, ["x", "y", s])}) * 0.5`)}`,
    `for (let ${i} = 0; ${i} < 3; ${i}++) ${s} = 0.5 * ${s} + ${t}[(${i} + ${c.form(5, 4)}) % ${t}.length] * ${c.term(6, ["x", s])} * 0.25;`,
    contract(s, `${t}.reduce((a, e) => a + e * ${c.constant(7)}, 0) * 0.1 + new ${cls}(Math.tanh(${s})).at * 0.1`),
  ];
  return { module, body };
};

const effects: Renderer = (c, { s, k, local }) => {
  const j = `j${k}`;
  const i = local(2);
  const body = [
    `let ${j} = 0;`,
    `${contract(s, `xs[${j}++] * ${c.constant(0)} * 0.25 + xs[${j}++] * 0.125 + (${j} += 0, xs[${j} % xs.length]) * 0.125`)}`,
    `var w${k} = ${c.term(1, ["x", "y"])};`,
    `let ${i} = 0;`,
    `while (${i}++ < ${1 + c.form(2, 3)}) w${k} = 0.5 * w${k} + ${c.term(3, ["x", s, i])} * 0.5;`,
    `let z${k} = 0;`,
    `for (let m = 0; (${s} = 0.5 * ${s} + ${c.term(4, ["x", "y", "m"])}) > ${c.constant(5)} && m < 3; m++) z${k} += ${s} * 0.25;`,
    `switch (${c.form(6, 4)} + (x > ${c.constant(7)} ? 1 : 0)) {`,
    `  case 0:`,
    `    z${k} += w${k};`,
    `  case 1:`,
    `    z${k} *= 0.5;`,
    `    break;`,
    `  case 2:`,
    `    z${k} = (w${k} = z${k} * 0.5) + w${k};`,
    `    break;`,
    `  default:`,
    `    z${k} -= ${c.term(8, ["y", s])};`,
    `}`,
    `if (!Number.isFinite(z${k})) throw new Error("z is not finite");`,
    contract(s, `(z${k} = Math.tanh(z${k} + w${k}), z${k} * 0.5)`),
  ];
  return { module: [], body };
};

const RENDERERS: Record<(typeof SNIPPET_KINDS)[number], Renderer> = {
  closure,
  functionParameter,
  classes,
  records,
  recursion,
  strings,
  truthiness,
  table,
  effects,
};

/** Names for the running number and locals: the usual ones, or ones the generated module uses. */
const RUNNING = ["s", "value", "grad", "tape", "dx", "t1", "k", "GRAD", "dtape", "s__next"];
const COUNTERS = ["i", "k", "t1", "top", "dx", "i__next", "indices", "dy"];

const OFFSETS = [0.03711, -0.05923, 0.08297, -0.04613, 0.06131, -0.02779];

export function renderFeatures(shape: FeaturesShape, name: string, inputs: InputShape[]): RenderedProgram {
  const runningChoice = RUNNING[shape.names[0]! % RUNNING.length]!;
  const s = runningChoice === "GRAD" ? `${name}Grad` : runningChoice;
  const counters = COUNTERS.filter((n) => n !== s);
  const local = (i: number) => counters[(shape.names[1]! + shape.names[2]! * i) % counters.length]!;
  const snippets = shape.snippets.map((sn, k) =>
    RENDERERS[SNIPPET_KINDS[sn.kind % SNIPPET_KINDS.length]!](new Choices(sn.forms, sn.constants), {
      prefix: `${name}_`,
      k,
      s,
      local: (i) => `${local(i)}`,
      entry: name,
    }),
  );
  const params = "x: number, y: number, xs: number[], ps: { x: number; y: number }[]";
  const text = [
    ...snippets.flatMap((sn) => sn.module),
    `export function ${name}(${params}): number {`,
    ...indent([`let ${s} = ${"x * 0.5 + y * 0.25"};`, ...snippets.flatMap((sn) => ["{", ...indent(sn.body), "}"]), `return ${s};`]),
    "}",
    "",
  ].join("\n");
  return {
    text,
    entry: {
      name,
      params: [
        { name: "x", type: "number" },
        { name: "y", type: "number" },
        { name: "xs", type: "number[]" },
        { name: "ps", type: "{ x: number; y: number }[]" },
      ],
      leftOut: [],
    },
    inputs: inputs.map((input) => {
      const [a, b, c] = input.arrays;
      const at = (v: number, j: number) => v + OFFSETS[j % OFFSETS.length]! * (1 + j / 8);
      return [
        at(input.numbers[0]!, 0),
        at(input.numbers[1]!, 1),
        a!.map((v, j) => at(v, j + 2)),
        [
          { x: at(b![0]!, 3), y: at(b![1]!, 4) },
          { x: at(b![2]!, 5), y: at(c![0]!, 0) },
          { x: at(c![1]!, 1), y: at(c![2]!, 2) },
        ],
      ];
    }),
  };
}
