/**
 * Checking a vector-Jacobian product against the numerical Jacobian of the
 * vector-valued function it differentiates: every number of its value
 * exactly, and seed^T J for each of several seeds that cannot alias
 * (seeds.ts).
 */
import { deepEqual, firstDifference, formatCoordinate, leaves, sharedObject, valueAt, copyOf } from "./coordinates.js";
import { GradcheckError, type GradcheckOptions } from "./gradcheck.js";
import { type Estimate, numericJacobianColumn, weightedSum } from "./numeric.js";
import { parameterNames } from "./parameters.js";
import { type Component, components, type Presence, presence, recordPresence } from "./presence.js";
import { randomStream } from "./random.js";
import type { FunctionReport } from "./report.js";
import { type Seed, seedsFor } from "./seeds.js";
import { forwardOf, withForwardChecks } from "./forward.js";
import { attempt, type Comparison, copyArguments, Tally, withLeftOut } from "./tally.js";

/** Also here, where test suites have imported it from. */
export { seedLike } from "./seeds.js";

/** What adgen generates for a vector-valued `f`: `fVjp(...args, seed)` returning `{ value, grad }`. */
export type VjpFunction<A extends unknown[]> = (...args: [...A, unknown]) => { value: unknown; grad: object };

export interface VjpcheckOptions<A extends unknown[] = unknown[]> extends Omit<GradcheckOptions<A>, "frozen" | "jvp" | "hvp" | "hessian"> {
  /** `fJvp` and `fJacobian`, checked beside the VJP (see forward.ts). */
  jvp?: (...args: any[]) => { value: unknown; tangent: unknown };
  jacobian?: (...args: A) => { value: unknown; jacobian: number[][] };
  /** The seed of the random VJP seeds (any integer; default 1), so that a run is reproducible. */
  seed?: number;
  /** For a function that calls `stopGradient`: `f` with the stopped values frozen at the sample (`<name>Frozen`). */
  frozen?: (...args: A) => (...args: A) => unknown;
}

/**
 * Checks `fVjp` at each sample: its value must equal `f`'s result number by
 * number (Object.is), its arguments and seed must be unchanged, and for each
 * seed of `seedsFor` every grad component must match seed^T J, J the
 * numerical Jacobian, under the tolerance of `gradcheck`; `wrt` is as
 * there. Samples at which
 * `f` throws or is not finite are skipped; a function with no usable sample
 * fails.
 */
export function vjpcheck<A extends unknown[]>(
  f: (...args: A) => unknown,
  fVjp: VjpFunction<A>,
  samples: readonly A[],
  options: VjpcheckOptions<A> = {},
): FunctionReport {
  const name = options.name ?? (f.name || "f");
  const parameters = options.parameters ?? parameterNames(f);
  if (!parameters) throw new Error(`vjpcheck: cannot read the parameter names of ${name}; pass them as { parameters: [...] }`);
  const tally = new Tally(name, parameters, options.rtol ?? 1e-6);
  const subject: Subject<A> = { f, fVjp, name, parameters, wrt: options.wrt, frozen: options.frozen, tally, next: randomStream(`${name} seeds`, options.seed ?? 1) };
  samples.forEach((args, i) => checkSample(subject, args, i));
  const report = withForwardChecks(tally.report(samples.length), f as (...args: unknown[]) => unknown,
    { ...forwardOf(options), reverse: fVjp as unknown as (...args: unknown[]) => { value: unknown; grad: object } }, samples, {
      name, rtol: options.rtol ?? 1e-6, parameters, vector: true, seed: options.seed ?? 1,
      ...(options.wrt ? { wrt: options.wrt } : {}), ...(options.frozen ? { frozen: options.frozen as (...args: unknown[]) => (...args: unknown[]) => unknown } : {}),
    });
  if (!report.pass && options.throwOnFailure !== false) throw new GradcheckError(report);
  return report;
}

interface Subject<A extends unknown[]> {
  f: (...args: A) => unknown;
  fVjp: VjpFunction<A>;
  name: string;
  parameters: readonly string[];
  wrt: readonly string[] | undefined;
  frozen: ((...args: A) => (...args: A) => unknown) | undefined;
  tally: Tally;
  /** The random stream the dense seeds are drawn from. */
  next: () => number;
}

/** One VJP call: its seed and the grad it returned. */
interface Call {
  seed: Seed;
  grad: Record<string, unknown>;
}

function checkSample<A extends unknown[]>(s: Subject<A>, args: A, sample: number): void {
  const { tally, name } = s;
  args = withLeftOut(args, s.parameters);
  const before = copyArguments(tally, args, s.parameters, name, sample);
  if (!before) return;
  const expected = attempt(() => s.f(...copyOf(args)));
  if ("error" in expected) return tally.skip(sample, `${name} throws: ${expected.error}`);
  const outputs = leaves(expected.result);
  if (!outputs.every(Number.isFinite)) return tally.skip(sample, `non-finite value ${outputs.find((v) => !Number.isFinite(v))}`);

  const calls: Call[] = [];
  let valueFailed = false;
  for (const seed of seedsFor(expected.result, s.next)) {
    const returned = callVjp(s, args, before, seed, sample);
    if (!returned) return;
    const difference: string | undefined = valueFailed ? undefined : firstDifference(returned.value, expected.result, "value");
    const withSeed = calls.length > 0 ? ` with seed ${seed.label}` : "";
    if (difference) tally.fail(sample, `value differs from ${name}'s result${withSeed}: ${difference}`);
    valueFailed ||= difference !== undefined;
    calls.push({ seed, grad: returned.grad });
  }
  const differentiated = s.frozen ? attempt(() => s.frozen!(...copyOf(args))) : { result: s.f };
  if ("error" in differentiated) return tally.skip(sample, `${name}Frozen throws: ${differentiated.error}`);
  const comparisons: Comparison[] = [];
  for (const c of sharedComponents(s, before, calls, sample)) {
    const column = attempt(() => numericJacobianColumn(differentiated.result, before, c.at));
    if ("error" in column) return tally.skip(sample, `${name} throws near ${c.coordinate}: ${column.error}`);
    if (column.result.length !== outputs.length) return tally.fail(sample, `${name} returns ${column.result.length} numbers near ${c.coordinate}, ${outputs.length} at the sample`);
    if (!column.result.every((d) => Number.isFinite(d.value))) {
      // A parameter left out of grad may be a size or an index, between whose integers f is undefined.
      if (c.leftOut) continue;
      return tally.skip(sample, `non-finite numerical derivative at ${c.coordinate}`);
    }
    calls.forEach((call) => comparisons.push(compare(c, call, column.result, sample)));
  }
  tally.sample(comparisons);
}

function compare(c: Component, call: Call, column: readonly Estimate[], sample: number): Comparison {
  const ad = c.leftOut ? 0 : (valueAt(call.grad[c.parameter], c.path) as number);
  const fd = weightedSum(column, call.seed.weights);
  return { parameter: c.parameter, sample, coordinate: c.coordinate, seed: call.seed.label, ad, fd, leftOut: c.leftOut };
}

/**
 * Calls the VJP with one seed and checks that it leaves its arguments and
 * the seed unchanged and returns a grad object. Returns its value and grad
 * unless it failed.
 */
function callVjp<A extends unknown[]>(s: Subject<A>, args: A, before: A, seed: Seed, sample: number): { value: unknown; grad: Record<string, unknown> } | undefined {
  const { tally } = s;
  const given = copyOf(seed.value);
  const returned = attempt(() => s.fVjp(...args, given));
  if ("error" in returned) return tally.fail(sample, `the VJP throws with seed ${seed.label}: ${returned.error}`);
  if (!deepEqual(args, before)) return tally.fail(sample, `the VJP changed its arguments (seed ${seed.label})`);
  if (!deepEqual(given, seed.value)) return tally.fail(sample, `the VJP changed its seed (seed ${seed.label})`);
  const { value, grad } = (returned.result ?? {}) as { value?: unknown; grad?: unknown };
  if (typeof grad !== "object" || grad === null) return tally.fail(sample, "the VJP returned no grad object");
  const shared = sharedObject({ value, grad }, [args, given]);
  if (shared) return tally.fail(sample, `${formatCoordinate("", shared).slice(1)} is an array of the arguments or the seed, not a fresh one`);
  return { value, grad: grad as Record<string, unknown> };
}

/**
 * The components to compare in every call: `presence` of each call's grad,
 * what is wrong recorded once, and a parameter compared only when every
 * call holds it in the right shape (or every call leaves it out).
 */
function sharedComponents<A extends unknown[]>(s: Subject<A>, args: A, calls: readonly Call[], sample: number): Component[] {
  const found = calls.map((call) => presence(call.grad, args, s.parameters, s.name, s.wrt));
  new Set(found.flatMap((p) => p.failures)).forEach((message) => s.tally.fail(sample, message));
  found.forEach((p, i) => recordPresence(s.tally, { ...p, failures: [] }, sample, calls[i]!.seed.label));
  const inAll = (pick: (p: Presence) => string[]) => s.parameters.filter((name) => found.every((p) => pick(p).includes(name)));
  const shared: Presence = { failures: [], problems: new Map(), compared: inAll((p) => p.compared), leftOut: inAll((p) => p.leftOut) };
  for (const parameter of s.parameters) {
    const some = found.some((p) => p.compared.includes(parameter) || p.problems.has(parameter));
    const all = found.every((p) => p.compared.includes(parameter) || p.problems.has(parameter));
    if (some && !all) s.tally.problem(parameter, `sample ${sample}: grad.${parameter} is present for some seeds only`);
  }
  return components(s.parameters, args, shared);
}
