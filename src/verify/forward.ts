/**
 * Checking the forward-mode and second-order functions a generated module
 * exports beside the gradient, one report row each:
 *
 * - `<name>Jvp`: value exactly the function's; J·u against the numerical
 *   derivative along random directions u; with the gradient or VJP, the
 *   dot-product test <J·u, w> = <u, Jᵀ·w> to rounding.
 * - `<name>Hvp`: H·v against the numerical derivative of its own gradient
 *   along v (not with a stopGradient: the Hvp is the frozen function's).
 * - `<name>Hessian`: H·v against the same, its rows against the Hvps of unit
 *   vectors, and symmetry, to rounding.
 * - `<name>Jacobian`: value exactly the function's; J·u against the
 *   numerical derivative along u.
 */
import { deepEqual, numberPaths, copyOf } from "./coordinates.js";
import { absoluteError, allowedError, differences, errorRatio, type Estimate, weightedSum } from "./numeric.js";
import type { FunctionReport, ParameterReport, SampleNote } from "./report.js";
import { seedLike } from "./seeds.js";
import { dot, mapNumbers, numbersOf, random, type Tree } from "./trees.js";

type Fn = (...args: unknown[]) => any;

export interface ForwardFunctions {
  jvp?: Fn;
  hvp?: Fn;
  hessian?: Fn;
  jacobian?: Fn;
  /** `<name>Grad` or `<name>Vjp`, for the dot-product test. */
  reverse?: Fn;
}

export interface ForwardcheckOptions {
  name: string;
  rtol: number;
  parameters: readonly string[];
  /** The parameters the derivatives are taken with respect to. */
  wrt: readonly string[];
  vector: boolean;
  seed: number;
  frozen?: (...args: unknown[]) => Fn;
}

/** Agreement "to rounding" between two ways of computing one number, relative to the terms' magnitudes. */
const ROUNDING = 1e-9;
const roundingAllowed = (scale: number) => ROUNDING * scale + 1e-13;
const magnitude = (a: number[], b: number[]) => a.reduce((s, x, i) => s + Math.abs(x * b[i]!), 0);

/** One row of the report: the largest error over the comparisons made. */
class Row {
  samples = new Set<number>();
  maxAbsError = 0;
  maxErrorRatio = 0;
  worst?: ParameterReport["worst"];
  problem?: string;

  constructor(readonly label: string, private readonly rtol: number) {}

  compare(sample: number, coordinate: string, ad: number, fd: Estimate): void {
    this.samples.add(sample);
    const ratio = errorRatio(ad, fd, this.rtol);
    this.maxAbsError = Math.max(this.maxAbsError, absoluteError(ad, fd.value));
    if (ratio >= this.maxErrorRatio) {
      this.maxErrorRatio = ratio;
      this.worst = { sample, coordinate, ad, fd: fd.value, allowed: allowedError(fd, this.rtol) };
    }
  }

  /** Two computations of one number that must agree to rounding. */
  agree(sample: number, what: string, a: number, b: number, scale: number): void {
    this.samples.add(sample);
    if (!(absoluteError(a, b) <= roundingAllowed(scale)) && !this.problem) this.problem = `${this.label}: sample ${sample}: ${what}: ${a} and ${b} differ beyond rounding`;
  }

  report(): ParameterReport {
    const pass = this.maxErrorRatio <= 1 && !this.problem;
    return {
      parameter: this.label, derivative: true, samples: this.samples.size, maxAbsError: this.maxAbsError, maxErrorRatio: this.maxErrorRatio,
      ...(this.worst ? { worst: this.worst } : {}), ...(this.problem ? { problem: this.problem } : {}), pass,
    };
  }
}

/** Checks whichever of the functions are given at each sample; returns a row per function and the failures beside them. */
export function forwardcheck(f: Fn, fns: ForwardFunctions, samples: unknown[][], options: ForwardcheckOptions): { rows: ParameterReport[]; failures: SampleNote[] } {
  const failures: SampleNote[] = [];
  const rows = new Map<string, Row>();
  const row = (label: string) => rows.get(label) ?? rows.set(label, new Row(label, options.rtol)).get(label)!;
  const rand = random(options.seed);
  samples.forEach((args, sample) => {
    let value: unknown;
    try {
      value = f(...copyOf(args));
    } catch {
      return;
    }
    if (!numbersOf(value).every(Number.isFinite)) return;
    const direction = () => randomDirection(args, options, rand);
    const target = options.frozen?.(...args) ?? f;
    const at = { args, sample, value, options, failures, direction, rand, target };
    if (fns.jvp) checkJvp(fns.jvp, fns.reverse, at, row(`${options.name}Jvp: J·u`));
    if (fns.hvp) checkHvp(fns.hvp, at, row(`${options.name}Hvp: H·v`));
    if (fns.hessian) checkHessian(fns.hessian, fns.hvp, at, row(`${options.name}Hessian`));
    if (fns.jacobian) checkJacobian(fns.jacobian, at, row(`${options.name}Jacobian`));
  });
  return { rows: [...rows.values()].map((r) => r.report()), failures };
}

interface AtSample {
  args: unknown[];
  sample: number;
  value: unknown;
  options: ForwardcheckOptions;
  failures: SampleNote[];
  direction: () => Record<string, Tree>;
  rand: () => number;
  /** The function whose derivatives are compared: frozen at the sample when it calls stopGradient. */
  target: Fn;
}

/**
 * A random direction keyed by differentiated parameter, in their shapes:
 * each coordinate's step in [-1, 1] times max(1, |x|), as far as the
 * numerical derivative of a single coordinate steps.
 */
function randomDirection(args: unknown[], options: ForwardcheckOptions, rand: () => number): Record<string, Tree> {
  return Object.fromEntries(options.wrt.map((name) => {
    const arg = args[options.parameters.indexOf(name)];
    return [name, mapNumbers(arg, (x) => rand() * Math.max(1, Math.abs(x)))];
  }));
}

/**
 * Numerical derivatives along `u` of the numbers `g` returns, as the sum of
 * u_k times the partial derivative in coordinate k (each by central
 * differences): the same steps the gradient's own check takes, so a sample
 * where a step along several coordinates at once would cross a jump (x == 3
 * tested exactly) is judged as the gradient is.
 */
export function directional(g: (...args: unknown[]) => number[], args: unknown[], parameters: readonly string[], u: Record<string, Tree>): Estimate[] {
  let sums: Estimate[] | undefined;
  for (const [name, direction] of Object.entries(u)) {
    const index = parameters.indexOf(name);
    const steps = numbersOf(direction);
    numberPaths(args[index]).forEach((path, k) => {
      if (steps[k] === 0) return;
      const column = differences(g, args, [index, ...path]);
      const term = column.map((d) => weightedSum([d], [steps[k]!]));
      sums = sums ? sums.map((s, i) => weightedSum([s, term[i]!], [1, 1])) : term;
    });
  }
  return sums ?? g(...copyOf(args)).map(() => ({ value: 0, error: 0, scale: 0 }));
}

function along(g: (...args: unknown[]) => number[], at: AtSample, u: Record<string, Tree>): Estimate[] {
  return directional(g, at.args, at.options.parameters, u);
}

function exactValue(got: unknown, at: AtSample, what: string): void {
  const same = typeof got === "number" ? Object.is(got, at.value) : deepEqual(got, at.value);
  if (!same) at.failures.push({ sample: at.sample, message: `${what}'s value is not the function's` });
}

function checkJvp(jvp: Fn, reverse: Fn | undefined, at: AtSample, row: Row): void {
  const u = at.direction();
  const result = jvp(...at.args, u);
  exactValue(result.value, at, `${at.options.name}Jvp`);
  const ju = numbersOf(result.tangent);
  const fd = along((...a) => numbersOf(at.target(...a)), at, u);
  ju.forEach((x, k) => row.compare(at.sample, `(J·u)[${k}]`, x, fd[k]!));
  if (!reverse) return;
  // The dot-product test: <J·u, w> = <u, Jᵀ·w> for a random w, to rounding.
  const w = at.options.vector ? mapNumbers(at.value, () => at.rand()) : 1;
  const jtw = numbersOf((at.options.vector ? reverse(...at.args, w) : reverse(...at.args)).grad);
  const [wFlat, uFlat] = [numbersOf(w), numbersOf(u)];
  row.agree(at.sample, "<J·u, w> and <u, Jᵀ·w>", dot(ju, wFlat), dot(uFlat, jtw), magnitude(ju, wFlat) + magnitude(uFlat, jtw));
}

function checkHvp(hvp: Fn, at: AtSample, row: Row): void {
  const v = at.direction();
  const result = hvp(...at.args, v);
  exactValue(result.value, at, `${at.options.name}Hvp`);
  if (at.options.frozen) return; // the Hvp is the frozen function's, whose gradient is not at hand
  const fd = along((...a) => numbersOf(hvp(...a, v).grad), at, v);
  numbersOf(result.hvp).forEach((x, k) => row.compare(at.sample, `(H·v)[${k}]`, x, fd[k]!));
}

function checkHessian(hessianOf: Fn, hvp: Fn | undefined, at: AtSample, row: Row): void {
  const { value, grad, hessian } = hessianOf(...at.args) as { value: number; grad: Tree; hessian: number[][] };
  exactValue(value, at, `${at.options.name}Hessian`);
  const n = numbersOf(grad).length;
  const largest = Math.max(0, ...hessian.flat().map(Math.abs));
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < k; j++) row.agree(at.sample, `H[${k}][${j}] and H[${j}][${k}]`, hessian[k]![j]!, hessian[j]![k]!, largest * n);
    if (!hvp) continue;
    const unit = mapNumbers(grad, (_, i) => (i === k ? 1 : 0)) as Record<string, Tree>;
    numbersOf(hvp(...at.args, unit).hvp).forEach((x, j) => row.agree(at.sample, `H[${k}][${j}] and the Hvp of unit vector ${k}`, hessian[k]![j]!, x, largest));
  }
  if (at.options.frozen) return;
  const v = at.direction();
  const hv = hessian.map((r) => dot(r, numbersOf(v)));
  const fd = along((...a) => numbersOf(hessianOf(...a).grad), at, v);
  hv.forEach((x, k) => row.compare(at.sample, `(H·v)[${k}]`, x, fd[k]!));
}

function checkJacobian(jacobianOf: Fn, at: AtSample, row: Row): void {
  const { value, jacobian } = jacobianOf(...at.args) as { value: unknown; jacobian: number[][] };
  exactValue(value, at, `${at.options.name}Jacobian`);
  const u = at.direction();
  const fd = along((...a) => numbersOf(at.target(...a)), at, u);
  jacobian.forEach((r, i) => row.compare(at.sample, `(J·u)[${i}]`, dot(r, numbersOf(u)), fd[i]!));
}

/**
 * Adds the checks of the forward-mode functions given to a gradient's or
 * VJP's report: one row per function, its failures beside the others'.
 * `wrt`, when not given, is what the reverse derivative's grad holds at the
 * first sample.
 */
export function withForwardChecks(report: FunctionReport, f: Fn, fns: ForwardFunctions, samples: readonly unknown[][],
  options: Omit<ForwardcheckOptions, "wrt"> & { wrt?: readonly string[] }): FunctionReport {
  if (!fns.jvp && !fns.hvp && !fns.hessian && !fns.jacobian) return report;
  const wrt = options.wrt ?? Object.keys(samples[0] && fns.reverse ? (options.vector ? fns.reverse(...samples[0], seedLike(f(...copyOf(samples[0])))) : fns.reverse(...samples[0])).grad : {});
  const checked = forwardcheck(f, fns, samples as unknown[][], { ...options, wrt });
  return {
    ...report,
    parameters: [...report.parameters, ...checked.rows],
    failures: [...report.failures, ...checked.failures],
    checked: Math.max(report.checked, ...checked.rows.map((r) => r.samples)),
    pass: report.pass && checked.failures.length === 0 && checked.rows.every((r) => r.pass),
  };
}

/** The forward-mode functions among the options. */
export function forwardOf(options: { jvp?: unknown; hvp?: unknown; hessian?: unknown; jacobian?: unknown }): ForwardFunctions {
  const found: ForwardFunctions = {};
  for (const key of ["jvp", "hvp", "hessian", "jacobian"] as const) {
    const fn = options[key];
    if (typeof fn === "function") found[key] = fn as (...args: unknown[]) => unknown;
  }
  return found;
}

