import { describe, expect, it } from "vitest";
import { Codes, type Code } from "../src/diagnostics.js";
import { generate } from "../src/generate.js";

/**
 * The catalogue of rejected constructs. Each row is a source file, the code
 * it must be rejected with, and `at`: a snippet occurring exactly once in the
 * source whose first character is where the diagnostic must start.
 */
interface Rejected {
  name: string;
  /** An adgen code, or TypeScript's (`TS2304`) for a program TypeScript rejects. */
  code: Code | `TS${number}`;
  source: string;
  at: string;
  /** Text the diagnostic's message must contain. */
  message?: string;
}

/** The entry `export function f(<params>): number` with the given body lines. */
function entry(body: string[], params = "x: number"): string {
  return [`export function f(${params}): number {`, ...body.map((line) => `  ${line}`), "}", ""].join("\n");
}

function lines(...source: string[]): string {
  return [...source, ""].join("\n");
}

const rejected: Rejected[] = [
  // ADG1000: syntax errors, located where TypeScript's parser reports them.
  { name: "missing operand", code: Codes.SyntaxError, source: entry(["return x * ;"]), at: ";" },
  { name: "declaration without a name", code: Codes.SyntaxError, source: entry(["const = x;", "return x;"]), at: "= x;" },

  // ADG1001: statements outside the subset, at the statement.
  { name: "for...in loop", code: Codes.UnsupportedStatement, source: entry(["let s = 0;", "for (const k in Math) {", "  s += x;", "}", "return s;"]), at: "for (" },
  { name: "var read after its loop", code: Codes.UnsupportedStatement, source: entry(["let s = 0;", "for (var i = 0; i < 3; i++) {", "  s += x;", "}", "return s * i;"]), at: "i;", message: "declare it with 'let i' before the loop" },
  { name: "var without a value in a loop", code: Codes.UnsupportedStatement, source: entry(["let s = 0;", "for (let i = 0; i < 3; i++) {", "  var t: number;", "  if (i === 0) t = x;", "  s += t!;", "}", "return s;"]), at: "t: number", message: "keeps its value from one trip to the next" },
  { name: "loop variable unassigned before the loop", code: Codes.UnassignedVariable, source: entry(["let s: number;", "for (let i = 0; i < 3; i++) {", "  s = x;", "}", "return x;"]), at: "s: number" },
  { name: "var used before its declaration", code: Codes.UnsupportedStatement, source: entry(["y = x;", "var y: number;", "return y;"]), at: "y = x", message: "used before its 'var' declaration" },
  { name: "logical assignment ||=", code: Codes.UnsupportedStatement, source: entry(["let s = x - 1;", "s ||= x;", "return s * x;"]), at: "s ||= x", message: "write 'if (!s) s = x;'" },
  { name: "logical assignment ??= on an element", code: Codes.UnsupportedStatement, source: entry(["const a = [x, 0];", "a[1] ??= x * 2;", "return a[1];"]), at: "a[1] ??=", message: "write 'if (a[1] === undefined) a[1] = x * 2;'" },
  { name: "Map", code: Codes.UnsupportedType, source: entry(["const m = new Map<string, number>();", "return x;"]), at: "m =" },
  { name: "Set", code: Codes.UnsupportedType, source: entry(["const s = new Set<number>();", "return x;"]), at: "s =" },
  { name: "dynamic property key", code: Codes.UnknownCall, source: entry(["return Math[\"sqrt\"](x);"]), at: "Math[" },
  { name: "function value", code: Codes.UnsupportedType, source: entry(["const h = Math.sqrt;", "return h(x);"]), at: "h =" },
  { name: "tuple indexed by a variable", code: Codes.UnsupportedExpression, source: entry(["const i = 1;", "return p[i];"], "p: [number, number]"), at: "i];" },
  { name: "optional tuple element", code: Codes.UnsupportedType, source: entry(["return p[0];"], "p: [number, number?]"), at: "p: [number" },
  { name: "generator helper", code: Codes.UnsupportedExpression, source: lines("function* gen(x: number): Generator<number> {", "  yield x;", "}", "export function f(x: number): number {", "  return gen(x).next().value;", "}"), at: "gen(x).next" },
  { name: "async helper", code: Codes.UnsupportedType, source: lines("async function half(x: number): Promise<number> {", "  return x / 2;", "}", "export function f(x: number): number {", "  const p = half(x);", "  return x;", "}"), at: "p =" },
  { name: "destructuring with a default", code: Codes.UnsupportedExpression, source: entry(["const [a, b = 2] = [x, x];", "return a + b;"]), at: "b = 2" },
  { name: "destructuring with a rest element", code: Codes.UnsupportedExpression, source: entry(["const [a, ...b] = [x, x, x];", "return a + b[0];"]), at: "...b" },
  { name: "a break that leaves a case early", code: Codes.UnsupportedStatement, source: entry(["let y = x;", "switch (Math.sign(x)) {", "  case 1:", "    if (x > 2) break; // early", "    y = 2 * x;", "    break;", "}", "return y;"]), at: "break; // early", message: "leaves a case early" },
  { name: "try/catch", code: Codes.UnsupportedStatement, source: entry(["try {", "  return x;", "} catch {", "  return 0;", "}"]), at: "try" },
  { name: "throw of a value", code: Codes.UnsupportedStatement, source: entry(["if (x < 0) {", "  throw x;", "}", "return x;"]), at: "x;\n  }", message: "a standard error and a message that is a string or a template of numbers" },
  { name: "class declaration", code: Codes.UnsupportedStatement, source: entry(["class Box {}", "return x;"]), at: "class" },
  { name: "labelled statement", code: Codes.UnsupportedStatement, source: entry(["done: if (x > 0) {", "  x = 1;", "}", "return x;"]), at: "done:", message: "label the loop" },
  { name: "find on rows", code: Codes.UnsupportedExpression, source: entry(["return m.find((row) => row[0] > x) === undefined ? 0 : 1;"], "x: number, m: number[][]"), at: "m.find((row)", message: "is tested for undefined" },
  { name: "optional array local", code: Codes.UnsupportedType, source: entry(["let a: number[] | undefined;", "if (x > 0) a = [x];", "return a ? a[0] : 0;"]), at: "a: number[]", message: "'a' has type 'number[] | undefined'" },
  { name: "break out of a labelled block", code: Codes.UnsupportedStatement, source: entry(["done: {", "  if (x > 0) break done;", "  x = 1;", "}", "return x;"]), at: "done:", message: "a label on a statement other than a loop" },

  // ADG1002: expressions outside the subset, at the expression.
  { name: "string literals ordered", code: Codes.UnsupportedOperator, source: entry(['return "ab" < "b" ? x : 0;']), at: '"ab" < "b"' },
  { name: "template string", code: Codes.UnsupportedExpression, source: entry(["return `a${x}` === `a1` ? x : 0;"]), at: "`a${x}`" },
  { name: "array of strings", code: Codes.UnsupportedType, source: entry(["const names = [\"a\", \"b\"];", "return x;"]), at: "names =" },
  { name: "new Array without a type", code: Codes.UnsupportedType, source: entry(["const zs = new Array(3).fill(0);", "return x;"]), at: "zs =" },
  { name: "reduce of rows without an initial value", code: Codes.UnsupportedExpression, source: entry(["return xs.reduce((a, b) => a)[0];"], "xs: number[][]"), at: "xs.reduce", message: "without an initial value" },
  { name: "reduce to a tuple", code: Codes.UnsupportedExpression, source: entry(["const r = xs.reduce((a, v): [number, number] => [a[0] + v, a[1] * v], [0, 1] as [number, number]);", "return r[0] + r[1];"], "xs: number[]"), at: "xs.reduce", message: "write the loop" },
  { name: "reduce of records to an object", code: Codes.UnsupportedExpression, source: entry(["const r = ps.reduce((a, p) => ({ s: a.s + p.x }), { s: 0 });", "return r.s;"], "ps: { x: number }[]"), at: "ps.reduce", message: "accumulator is a number, a boolean or an array" },
  { name: "filter with a number test", code: Codes.UnsupportedExpression, source: entry(["return xs.filter((v) => v).length;"], "xs: number[]"), at: "(v) => v", message: "must return a boolean" },
  { name: "Math as a value", code: Codes.UnsupportedType, source: entry(["const m = Math;", "return x;"]), at: "m =" },
  { name: "object literal with a computed name", code: Codes.UnsupportedExpression, source: entry(["const q = { [\"v\"]: x };", "return q.v;"]), at: "[\"v\"]" },
  { name: "object literal with a method", code: Codes.UnsupportedType, source: entry(["const p = { v: x, m() { return 1; } };", "return p.v;"]), at: "p = {" },
  { name: "writing a field of a parameter", code: Codes.ParameterWrite, source: entry(["p.v = 2 * p.v;", "return p.v;"], "p: { v: number }"), at: "p.v = 2" },
  { name: "replacing a nested object", code: Codes.UnsupportedExpression, source: entry(["const m = { l: { w: x } };", "m.l = { w: 2 };", "return m.l.w;"]), at: "m.l =" },
  { name: "writing a field after a merge", code: Codes.UnsupportedExpression, source: entry(["const a = { v: x };", "const b = { v: 2 * x };", "const c = x > 0 ? a : b;", "c.v = 3;", "return a.v + c.v;"]), at: "c.v = 3" },
  { name: "destructured parameter of an exported function", code: Codes.UnsupportedFunction, source: entry(["return v;"], "{ v }: { v: number }"), at: "{ v }:" },
  { name: "call into a package", code: Codes.UnknownCall, source: lines('import { besselJ0 } from "special-functions";', entry(["return besselJ0(x);"])), at: "besselJ0(x)" },
  { name: "new", code: Codes.UnsupportedExpression, source: entry(["return x * (new Number(x) as number);"]), at: "new Number" },
  { name: "typeof", code: Codes.UnsupportedExpression, source: entry(['return typeof x === "number" ? x : 0;']), at: "typeof" },
  { name: "optional chaining", code: Codes.UnsupportedExpression, source: entry(["return Math?.sqrt(x);"]), at: "Math?.sqrt" },
  { name: "this", code: Codes.UnsupportedExpression, source: entry(["return x + (this as unknown as number);"]), at: "this" },
  { name: "spread of an array into Math.hypot", code: Codes.UnsupportedExpression, source: entry(["const t = [x, 1];", "return Math.hypot(...t);"]), at: "...t", message: "of a tuple, in calls of Math functions" },

  // Classes outside the subset: one diagnostic each, saying what to write instead.
  { name: "class that extends another", code: Codes.UnsupportedType, source: lines("class A {", "  constructor(public v: number) {}", "}", "class B extends A {", "  constructor(v: number) {", "    super(v);", "  }", "}", entry(["return 2 * new B(x).v;"])), at: "new B", message: "classes that extend another are not supported" },
  { name: "class with a # field", code: Codes.UnsupportedType, source: lines("class P {", "  #v = 0;", "  constructor(v: number) {", "    this.#v = v;", "  }", "  get v(): number {", "    return this.#v;", "  }", "}", entry(["const p = new P(x);", "return p.v;"])), at: "p = new", message: "write 'private v' instead" },
  { name: "class with a setter", code: Codes.UnsupportedType, source: lines("class P {", "  constructor(public v: number) {}", "  set twice(t: number) {", "    this.v = t / 2;", "  }", "}", entry(["return 3 * new P(x).v;"])), at: "new P", message: "setter 'twice' is not supported" },
  { name: "class with a string field", code: Codes.UnsupportedType, source: lines("class P {", "  constructor(public v: number, public label: string) {}", "}", entry(["const p = new P(x, \"a\");", "return p.v;"])), at: "p = new", message: "field 'label' of class 'P' has type 'string'" },
  { name: "method used as a value", code: Codes.UnsupportedExpression, source: lines("class P {", "  constructor(public v: number) {}", "  times(t: number): number {", "    return this.v * t;", "  }", "}", entry(["const p = new P(x);", "return [1, 2].map(p.times)[0];"])), at: "p.times)", message: "pass a function that calls it" },
  { name: "this in a static method", code: Codes.UnsupportedExpression, source: lines("class P {", "  static unit = 2;", "  constructor(public v: number) {}", "  static make(v: number): P {", "    return new P(v * this.unit);", "  }", "}", entry(["return P.make(x).v;"])), at: "this.unit" },
  { name: "getter that writes its object", code: Codes.UnsupportedExpression, source: lines("class P {", "  constructor(public v: number) {}", "  get bumped(): number {", "    this.v += 1;", "    return this.v;", "  }", "}", entry(["return new P(x).bumped;"])), at: "this.v += 1", message: "make it a method" },
  { name: "recursion through a method", code: Codes.Recursion, source: lines("class P {", "  constructor(public v: number) {}", "  power(n: number): number {", "    return n > 0 ? this.v * this.power(n - 1) : 1;", "  }", "}", entry(["return new P(x).power(3);"])), at: "this.power(n - 1)", message: "P.power -> P.power" },
  { name: "a method writing an element of an array of instances", code: Codes.UnsupportedExpression, source: lines("class P {", "  constructor(public v: number) {}", "  bump(d: number): void { this.v += d; }", "}", entry(["const ps: P[] = [];", "ps.push(new P(x));", "ps[0].bump(x);", "return ps[0].v;"])), at: "this.v += d", message: "write the element itself" },

  // ADG1003: parameters and locals whose type is not number or boolean, at the declaration; return types at the type.
  { name: "string parameter", code: Codes.UnsupportedType, source: entry(["return x;"], "x: number, name: string"), at: "name: string" },
  { name: "any parameter", code: Codes.UnsupportedType, source: entry(["return x;"], "x: number, a: any"), at: "a: any" },
  { name: "unknown local", code: Codes.UnsupportedType, source: entry(["const u: unknown = x;", "return x;"]), at: "u: unknown" },
  { name: "write into an array parameter", code: Codes.ParameterWrite, source: entry(["xs[0] = 2 * xs[0];", "return xs[0];"], "xs: number[]"), at: "xs[0] = 2" },
  { name: "write into a row of a matrix parameter", code: Codes.ParameterWrite, source: entry(["const row = m[0];", "row[1] += 1;", "return row[1];"], "m: number[][]"), at: "row[1] += 1" },
  { name: "push onto an array parameter", code: Codes.ParameterWrite, source: entry(["xs.push(1);", "return xs[0];"], "xs: number[]"), at: "xs.push" },
  { name: "write into a parameter through a helper", code: Codes.ParameterWrite, source: lines("function scale(v: number[], k: number): number {", "  for (let i = 0; i < v.length; i++) v[i] *= k;", "  return v[0];", "}", "export function f(xs: number[]): number {", "  return scale(xs, 2);", "}"), at: "v[i] *= k" },
  { name: "string[] parameter", code: Codes.UnsupportedType, source: entry(["return x;"], "x: number, xs: string[]"), at: "xs: string[]" },
  { name: "array of arrays of arrays", code: Codes.UnsupportedType, source: entry(["return x;"], "x: number, t: number[][][]"), at: "t: number[][][]" },
  { name: "adjoint of an unknown function", code: Codes.BadRule, source: lines("/** @adjoint nothing */", "export function a(x: number, value: number, dvalue: number): { x: number } {", "  return { x: dvalue };", "}", entry(["return x;"])), at: "@adjoint nothing" },
  { name: "adjoint returning a field that is no argument", code: Codes.BadRule, source: lines("function g(x: number): number {", "  return x * x;", "}", "/** @adjoint g */", "export function gAdjoint(x: number, value: number, dvalue: number): { y: number } {", "  return { y: dvalue };", "}", entry(["return g(x);"])), at: "{ y: number }" },
  { name: "adjoint without value and dvalue", code: Codes.BadRule, source: lines("function g(x: number): number {", "  return x * x;", "}", "/** @adjoint g */", "export function gAdjoint(x: number): { x: number } {", "  return { x };", "}", entry(["return g(x);"])), at: "gAdjoint" },
  { name: "stopGradient of an array", code: Codes.UnsupportedExpression, source: lines('import { stopGradient } from "adgen/runtime";', entry(["const a = stopGradient([x, x]);", "return a[0];"])), at: "stopGradient([" },
  { name: "writing an object a loop may have swapped", code: Codes.UnsupportedExpression, source: entry(["const a = { v: x };", "const b = { v: 2 * x };", "let p = a;", "for (let i = 0; i < 2; i++) p = b;", "b.v = 3;", "return p.v;"]), at: "b.v = 3" },
  { name: "recursive function with an adjoint", code: Codes.Recursion, source: lines("function power(x: number, n: number): number {", "  return n > 0 ? x * power(x, n - 1) : 1;", "}", "/** @adjoint power */", "export function powerAdjoint(x: number, n: number, value: number, dvalue: number): { x: number } {", "  return { x: (dvalue * n * value) / x };", "}", entry(["return power(x, 3);"])), at: "power(x, n - 1)" },
  { name: "function with an adjoint writing its argument", code: Codes.BadRule, source: lines("function normalise(v: number[]): number {", "  v[0] = v[0] / 2;", "  return v[0];", "}", "/** @adjoint normalise */", "export function normaliseAdjoint(v: number[], value: number, dvalue: number): { v: number[] } {", "  return { v: [dvalue / 2] };", "}", entry(["return normalise([x, x]);"])), at: "v[0] = v[0] / 2" },
  { name: "adjoint writing its argument", code: Codes.ParameterWrite, source: lines("function total(v: number[]): number {", "  return v[0] + v[1];", "}", "/** @adjoint total */", "export function totalAdjoint(v: number[], value: number, dvalue: number): { v: number[] } {", "  v[0] = dvalue;", "  return { v: [dvalue, dvalue] };", "}", entry(["return total([x, x]);"])), at: "v[0] = dvalue" },
  { name: "optional field", code: Codes.UnsupportedType, source: entry(["return p.v ?? 0;"], "p: { v?: number }"), at: "p: { v?" },
  { name: "array of objects with an optional field", code: Codes.UnsupportedType, source: entry(["return p[0].v;"], "p: { v: number; w?: number }[]"), at: "p: { v", message: "no optional fields" },
  {
    name: "string result of a function that a differentiated one calls",
    code: Codes.UnsupportedType,
    source: lines(
      "export function sign(x: number): string {",
      '  return x > 0 ? "+" : "-";',
      "}",
      "export function f(x: number): number {",
      '  return sign(x) === "+" ? x : -x;',
      "}",
    ),
    at: "string {",
  },

  // ADG1004: calls of anything but Math functions and functions defined in the file, at the callee.
  { name: "declared but not defined function", code: Codes.UnknownCall, source: lines("declare function g(y: number): number;", entry(["return g(x);"])), at: "g(x)" },
  { name: "method call", code: Codes.UnknownCall, source: entry(["return x.valueOf();"]), at: "x.valueOf" },
  { name: "console.log", code: Codes.UnknownCall, source: entry(["console.log(x);", "return x;"]), at: "console.log" },
  { name: "Math.random", code: Codes.UnknownCall, source: entry(["return x * Math.random();"]), at: "Math.random" },

  // ADG1005: recursion that cannot be compiled on its own, at what stops it; the message names the cycle.
  {
    name: "recursion over an array",
    code: Codes.Recursion,
    source: lines("function total(v: number[], i: number): number {", "  return i < v.length ? v[i] + total(v, i + 1) : 0;", "}", entry(["return total([x, 2 * x], 0);"])),
    at: "v: number[]",
    message: "takes numbers and booleans: pass the elements it needs as numbers, or write the recursion as a loop (total -> total)",
  },
  {
    name: "recursive local function",
    code: Codes.Recursion,
    source: entry(["const half = (y: number): number => (y < 1 ? y : half(y / 2));", "return half(x);"]),
    at: "(y: number): number =>",
    message: "declare it at module level",
  },
  {
    name: "mutual recursion returning an array",
    code: Codes.Recursion,
    source: lines(
      "export function f(x: number): number {",
      "  return x < 1 ? x : g(x / 2)[0];",
      "}",
      "function g(y: number): number[] {",
      "  return [f(y - 1)];",
      "}",
    ),
    at: "function g",
    message: "'g' is recursive and returns 'number[]'",
  },

  // ADG1006: bad @wrt, at the tag; the message names the offending name.
  { name: "@wrt of an unknown name", code: Codes.BadWrt, source: lines("/** @wrt z */", entry(["return x;"])), at: "@wrt", message: "'z'" },
  { name: "@wrt of a boolean parameter", code: Codes.BadWrt, source: lines("/** @wrt flag */", entry(["return flag ? x : 0;"], "x: number, flag: boolean")), at: "@wrt", message: "'flag'" },

  // ADG1007: an entry whose end is reachable, at the function name.
  { name: "missing return", code: Codes.MissingReturn, source: entry(["if (x > 0) {", "  return x;", "}"]), at: "f(x" },

  // ADG1008: a read of a variable not assigned on every path, at the read.
  { name: "read before assignment", code: Codes.UnassignedVariable, source: entry(["let y: number;", "if (c) y = 1;", "return y;"], "x: number, c: boolean"), at: "y;\n}" },

  // Function values that are only known when the code runs.
  { name: "a function chosen at run time", code: Codes.UnsupportedExpression, source: lines("function apply(f: (y: number) => number, y: number): number {", "  return f(y);", "}", "const sq = (y: number) => y * y;", "const cube = (y: number) => y * y * y;", entry(["return apply(x > 0 ? sq : cube, x);"])), at: "x > 0 ? sq", message: "only known when the code runs" },
  { name: "a function returned from a function", code: Codes.UnsupportedExpression, source: entry(["const make = (k: number) => (y: number) => k * y;", "return make(2)(x);"]), at: "make(2)(x)", message: "only known when the code runs" },
  { name: "a function in a variable assigned again", code: Codes.UnsupportedExpression, source: entry(["let f = (y: number) => y * 2;", "if (x > 0) f = (y: number) => y * 3;", "return f(x);"]), at: "f = (y: number) => y * 2", message: "declare each function with its own 'const'" },
  { name: "an array method adgen does not lower", code: Codes.UnknownCall, source: entry(["const s = xs.slice();", "return s.sort()[0] * x;"], "x: number, xs: number[]"), at: "s.sort", message: "'sort' is not supported; sort a copy with a loop" },
  // ADG1009: names that are not parameters, locals or module-level constants, at the name.
  { name: "module-level let assigned again", code: Codes.UnknownName, source: lines("let scale = 2;", "export function setScale(s: number): void {", "  scale = s;", "}", entry(["return scale * x;"])), at: "scale * x" },
  { name: "writing a parameter's row kept in a matrix", code: Codes.ParameterWrite, source: entry(["const m: number[][] = [P[0].slice(), P[1]];", "m[1][0] = m[1][0] * x;", "return m[0][0] + m[1][0];"], "P: number[][], x: number"), at: "m[1][0] = m" },
  { name: "an anonymous default export", code: Codes.UnsupportedFunction, source: lines("export default function (x: number): number {", "  return x * x;", "}"), at: "export default", message: "needs a name" },
  { name: "an untyped parameter, used twice", code: Codes.UnsupportedType, source: lines("export function f(x, y: number): number {", "  return x * y + x;", "}"), at: "x, y", message: "annotate it: 'x: number'" },
  { name: "writing an array of a tuple parameter", code: Codes.ParameterWrite, source: entry(["t[0][0] = 1;", "return t[0][0] * t[1];"], "t: [number[], number]"), at: "t[0][0] = 1", message: "'t[0]'" },
  { name: "writing a field of stopGradient's result", code: Codes.UnsupportedExpression, source: lines('import { stopGradient } from "adgen/runtime";', entry(["const s = stopGradient({ v: x });", "s.v = 2;", "return s.v * x;"])), at: "s.v = 2", message: "stopGradient" },
  // Module-level constants: their initialisers are checked like the code that reads them, once.
  { name: "module constant from Math.random", code: Codes.UnknownCall, source: lines("const R = Math.random();", entry(["return x * R;"])), at: "Math.random" },
  { name: "module constant from Date.now", code: Codes.UnknownCall, source: lines("const T = Date.now();", entry(["return x * T;"])), at: "Date.now" },
  { name: "module constant from parseFloat", code: Codes.UnknownCall, source: lines('const P = parseFloat("2");', entry(["return x * P;"])), at: "parseFloat" },
  { name: "module constant from a string", code: Codes.UnsupportedOperator, source: lines('const S = +"2";', entry(["return x * S;"])), at: '"2"', message: "needs a number operand" },
  // TypeScript's own errors, in adgen's format with TypeScript's code.
  { name: "undeclared identifier", code: "TS2304", source: entry(["return x * k;"]), at: "k;", message: "Cannot find name 'k'" },
  { name: "parameter redeclared in the body", code: "TS2300", source: entry(["const x = 2;", "return x;"]), at: "x = 2" },
  { name: "module constant read before it is initialised", code: "TS2448", source: lines("const A = B * 2;", "const B = 3;", entry(["return A * x;"])), at: "B * 2" },
  { name: "missing relative import", code: "TS2307", source: lines('import { sq } from "./no-such-file.js";', entry(["return sq(x);"])), at: '"./no-such-file.js"' },

  // ADG1010: operators outside the subset at the operator; operand type errors at the operand.
  { name: "in", code: Codes.UnsupportedOperator, source: entry(["return x in Math ? 1 : 0;"]), at: "in Math" },
  { name: "instanceof", code: "TS2358", source: entry(["return x instanceof Number ? 1 : 0;"]), at: "x instanceof" },
  { name: "a string-literal parameter of an exported function", code: Codes.UnsupportedType, source: entry(['return k === "a" ? x : 2 * x;'], 'x: number, k: "a" | "b"'), at: 'k: "a"', message: "holds strings" },
  { name: "strings ordered", code: Codes.UnsupportedOperator, source: lines('function g(x: number): "a" | "b" {', '  return x > 0 ? "a" : "b";', "}", entry(['return g(x) < "b" ? x : 0;'])), at: 'g(x) < "b"', message: "'===' and '!==' only" },
  { name: "a string-literal value in arithmetic", code: Codes.UnsupportedOperator, source: lines('function g(x: number): "a" | "b" {', '  return x > 0 ? "a" : "b";', "}", entry(["return x * +g(x);"])), at: "g(x);", message: "needs a number operand" },
  { name: "a module-level table the file writes", code: Codes.UnknownName, source: lines("const T = [1, 2];", entry(["T[0] = x;", "return x;"])), at: "T[0]", message: "copy it in the function" },
  { name: "&& of a comparison and a number", code: Codes.UnsupportedOperator, source: entry(["if (x > 1 && x) return 1;", "return 0;"]), at: "x) return", message: "needs a boolean operand, not 'number'" },

  // ADG1011: helper shapes that cannot be inlined, at the parameter.
  { name: "an exported function's default computed from a parameter", code: Codes.UnsupportedFunction, source: lines("export function f(x: number, k = x * 2): number {", "  return k * x;", "}"), at: "x * 2", message: "must be a constant" },
  { name: "an exported function's optional object parameter without a default", code: Codes.UnsupportedFunction, source: lines("export function f(x: number, o?: { k: number }): number {", "  return (o ? o.k : 1) * x;", "}"), at: "o?: {", message: "give 'o' a default value" },
  { name: "optional chaining on an optional parameter", code: Codes.UnsupportedExpression, source: lines("export function f(x: number[], w?: number[]): number {", "  return (w?.[0] ?? 1) * x[0];", "}"), at: "w?.[0]", message: "write 'w ? w[0] : ...' instead of '?.'" },
  { name: "an unsupported method under one that is supported", code: Codes.UnknownCall, source: entry(["return xs.sort().includes(1) ? 1 : 0;"], "xs: number[]"), at: "xs.sort", message: "'sort' is not supported" },
  { name: "flat of an array of objects", code: Codes.UnsupportedExpression, source: lines("interface P { x: number; y: number }", entry(["return ps.flat().length;"], "ps: P[]")), at: "ps.flat()", message: "'flat' is supported without arguments on rows" },
  { name: "entries with a default", code: Codes.UnsupportedStatement, source: entry(["let s = 0;", "for (const [i, a = 1] of xs.entries()) s += i * a;", "return s;"], "xs: number[]"), at: "const [i, a = 1]", message: "'[i, x]' over 'xs.entries()'" },
  { name: "undefined on some paths only", code: Codes.UnassignedVariable, source: lines("function g(x: number, c: boolean, k?: number): number {", "  if (c) k = 2;", "  return k === undefined ? x : k * x;", "}", entry(["return g(x, c);"], "x: number, c: boolean")), at: "k === undefined", message: "depends on the path" },
];

/** 1-based line and column of the only occurrence of `snippet` in `source`. */
function positionOf(source: string, snippet: string): { line: number; column: number } {
  const offset = source.indexOf(snippet);
  if (offset < 0 || source.lastIndexOf(snippet) !== offset) throw new Error(`'${snippet}' must occur exactly once in:\n${source}`);
  const before = source.slice(0, offset).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

describe("rejected constructs", () => {
  it.each(rejected)("$code $name", async ({ code, source, at, message }) => {
    const path = "case.ts";
    const { line, column } = positionOf(source, at);
    const result = await generate([{ path, text: source }]);

    expect(result.outputs).toEqual([]);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code, file: path, line, column, sourceLine: source.split("\n")[line - 1] }),
    );
    if (message) expect(result.diagnostics.find((d) => d.code === code)?.message).toContain(message);
  });
});

describe("one diagnostic per root cause", () => {
  // A generic, async or generator function is rejected once, at its head: its parameters' and operands'
  // types follow from the type parameter and would each be one more diagnostic of the same cause.
  it.each([
    { name: "a generic helper", source: lines("function g<T extends number>(x: T): number {", "  return x * x;", "}", entry(["return g(x) * x;"])), at: "T extends", message: "'number' for 'T'" },
    { name: "a generic entry over arrays", source: lines("export function f<A extends number[]>(xs: A, y: number): number {", "  let s = 0;", "  for (const x of xs) s += x * y;", "  return s;", "}"), at: "A extends", message: "'number[]' for 'A'" },
    { name: "an async helper", source: lines("async function g(x: number): Promise<number> {", "  return x * x;", "}", entry(["g(x);", "return x;"])), at: "g(x: number)", message: "is async" },
  ])("$name", async ({ source, at, message }) => {
    const { line, column } = positionOf(source, at);
    const result = await generate([{ path: "case.ts", text: source }]);
    expect(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual([`${line}:${column} ${Codes.UnsupportedFunction}`]);
    expect(result.diagnostics[0]!.message).toContain(message);
  });
});

describe("accepted sources", () => {
  it("differentiate the seed example without diagnostics", async () => {
    const result = await generate([{ path: "seed.ts", text: entry(["return x * x + x;"]) }]);
    expect(result.diagnostics).toEqual([]);
    expect(result.outputs.map((o) => o.outputPath)).toEqual(["seed.grad.ts"]);
  });

  it("call a function of an untyped package that has an adjoint, importing it in the generated file", async () => {
    const source = lines(
      'import { erf } from "special-math";',
      "/** @adjoint erf */",
      "export function erfAdjoint(x: number, value: number, dvalue: number): { x: number } {",
      "  return { x: (dvalue * 2 * Math.exp(-x * x)) / Math.sqrt(Math.PI) };",
      "}",
      entry(["return erf(x) * x;"]),
    );
    const result = await generate([{ path: "erf.ts", text: source }]);
    expect(result.diagnostics).toEqual([]);
    expect(result.outputs[0]!.text).toContain('import { erf } from "special-math";');
    expect(result.outputs[0]!.text).toContain("Math.exp(");
  });

  it("leave an exported function that does not return a number alone", async () => {
    const source = lines("export function describe(x: number): string {", "  return `x = ${x}`;", "}", entry(["return x * x;"]));
    const result = await generate([{ path: "mixed.ts", text: source }]);
    expect(result.diagnostics).toEqual([]);
    expect(result.outputs).toHaveLength(1);
  });
});
