/**
 * The step-size study: how far finite differences of the function, with
 * steps h from 1e-1 down to 1e-15, land from adgen's derivative. The forward
 * difference (f(x + h) - f(x)) / h has error about h |f''| / 2 (truncation)
 * plus eps |f| / h (rounding); the central difference D(h) =
 * (f(x + h) - f(x - h)) / 2h truncates at h^2 |f'''| / 6; Richardson's
 * (4 D(h/2) - D(h)) / 3 at h^4. Each has a best h, and none reaches what the
 * gradient gets in one sweep for all inputs.
 */
import { copyOf } from "../verify/coordinates.js";
import { InputError, parameterLabel } from "./inputs.js";
import type { Explanation } from "./explain.js";
import type { Runtime } from "./evaluate.js";

export const METHODS = ["forward", "central", "richardson"] as const;
export type Method = (typeof METHODS)[number];

export const METHOD_NAMES: Record<Method, string> = {
  forward: "forward difference",
  central: "central difference",
  richardson: "Richardson-extrapolated central difference",
};

/** Evaluations of f per input each method needs (the forward difference shares f(x)). */
const COST: Record<Method, (n: number) => number> = { forward: (n) => n + 1, central: (n) => 2 * n, richardson: (n) => 4 * n };

export interface StudyRow {
  h: number;
  method: Method;
  estimate: number;
  /** |estimate - exact|. */
  error: number;
}

export interface FdStudy {
  /** The input varied: `x`, `w[2]`. */
  input: string;
  exact: number;
  rows: StudyRow[];
  best: Record<Method, StudyRow>;
  /** How many numbers the function has as inputs (the cost of a whole gradient by finite differences). */
  inputs: number;
  sentence: string;
}

/** h = 10^(-1 - k/4): 1e-1 down to 1e-15, four steps per decade. */
export const STEPS = Array.from({ length: 57 }, (_, k) => Number((10 ** (-1 - k / 4)).toPrecision(3)));

interface Coordinate {
  label: string;
  /** The source argument's index and the keys down to the number. */
  arg: number;
  keys: (string | number)[];
  /** The IR parameter and the element path inside it. */
  param: number;
  element: number[];
}

export function stepStudy(e: Explanation, input: string | undefined): FdStudy {
  const coordinate = chooseCoordinate(e, input);
  const generated = e.check.parameters.find((p) => p.label === parameterLabel(e.fn.primal.params[coordinate.param]!))?.generated;
  const exact = elementOf(generated ?? e.graph.inputs.find((s) => s.param === coordinate.param)!.total, coordinate.element);
  const f = e.module[e.fn.exportName] as (...a: unknown[]) => unknown;
  const at = (h: number): number => {
    const args = copyOf(e.args);
    const keys = [...coordinate.keys];
    const last = keys.pop()!;
    const holder = keys.reduce<any>((v, k) => v[k], args[coordinate.arg]);
    if (keys.length === 0 && typeof args[coordinate.arg] === "number") args[coordinate.arg] = (args[coordinate.arg] as number) + h;
    else holder[last] += h;
    return total(f(...args));
  };
  const f0 = at(0);
  const central = (h: number) => (at(h) - at(-h)) / (2 * h);
  const estimates: Record<Method, (h: number) => number> = {
    forward: (h) => (at(h) - f0) / h,
    central,
    richardson: (h) => (4 * central(h / 2) - central(h)) / 3,
  };
  const rows = STEPS.flatMap((h) => METHODS.map((method) => {
    const estimate = estimates[method](h);
    return { h, method, estimate, error: Math.abs(estimate - exact) };
  }));
  const best = Object.fromEntries(METHODS.map((m) => [m, rows.filter((r) => r.method === m).reduce((a, b) => (b.error < a.error ? b : a))])) as Record<Method, StudyRow>;
  const inputs = e.fn.primal.params.reduce((n, p, i) => n + countNumbers(e.trace.params[i]!.value), 0);
  return { input: coordinate.label, exact, rows, best, inputs, sentence: sentence(best, inputs) };
}

/** 1.78e-6, 0.1: a step as the plot and the sentence print it. */
export function formatStep(h: number): string {
  return h >= 1e-3 ? String(h) : h.toExponential();
}

function sentence(best: Record<Method, StudyRow>, n: number): string {
  const error = (x: number) => (x === 0 ? "0 (exact for this function)" : x.toExponential(1));
  const part = (m: Method) => `the ${METHOD_NAMES[m]} ${error(best[m].error)} (at h = ${formatStep(best[m].h)})`;
  return `At its best h the error is, for ${part("forward")}, ${part("central")} and ${part("richardson")}; ` +
    `for all ${n} input${n === 1 ? "" : "s"} they cost ${COST.forward(n)}, ${COST.central(n)} and ${COST.richardson(n)} evaluations of the function, ` +
    `where adgen's gradient takes one forward and one backward sweep and is exact up to rounding.`;
}

/** A vector result counts as the sum of its numbers (the seed of ones the explanation uses). */
function total(v: unknown): number {
  if (typeof v === "number") return v;
  if (v instanceof Float64Array || Array.isArray(v)) return Array.from(v as ArrayLike<unknown>).reduce<number>((s, x) => s + total(x), 0);
  if (typeof v === "object" && v !== null) return Object.values(v).reduce<number>((s, x) => s + total(x), 0);
  return 0;
}

function countNumbers(v: Runtime): number {
  if (typeof v === "number") return 1;
  if (typeof v === "boolean") return 0;
  return Array.from(v as ArrayLike<Runtime>).reduce<number>((n, x) => n + countNumbers(x), 0);
}

function elementOf(v: unknown, path: number[]): number {
  return path.reduce<any>((a, i) => a[i], v) as number;
}

/** `x`, `w[2]`, `model.b`, `X[1][0]`; by default the first number among the inputs. */
function chooseCoordinate(e: Explanation, input: string | undefined): Coordinate {
  const params = e.fn.primal.params;
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const value = e.trace.params[i]!.value;
    if (typeof value === "boolean") continue;
    const label = parameterLabel(p);
    const path = p.path ?? [p.name];
    const arg = e.fn.parameterNames.indexOf(path[0]!);
    const keys = path.slice(1);
    if (typeof value === "number") {
      if (input === undefined || input === label) return { label, arg, keys: keys.length ? keys : [], param: i, element: [] };
      continue;
    }
    const element = input === undefined ? firstElement(value) : parseElement(input, label);
    if (element) return { label: `${label}${element.map((k) => `[${k}]`).join("")}`, arg, keys: [...keys, ...element], param: i, element };
  }
  throw new InputError(input === undefined ? "the function has no number input to vary" : `--input ${input} names no number input (give e.g. x or w[0])`);
}

function firstElement(v: Runtime): number[] | undefined {
  if (typeof v === "number") return [];
  const items = Array.from(v as ArrayLike<Runtime>);
  if (items.length === 0) return undefined;
  const rest = firstElement(items[0]!);
  return rest && [0, ...rest];
}

function parseElement(input: string, label: string): number[] | undefined {
  if (!input.startsWith(`${label}[`)) return undefined;
  const indices = [...input.slice(label.length).matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  return indices.length ? indices : undefined;
}
