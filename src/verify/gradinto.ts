/**
 * Checking `<name>GradInto(...args, grad)`, which adds the gradient into
 * buffers the caller owns and returns the value, against `<name>Grad`, whose
 * gradient the numerical check has already compared. Two calls per sample:
 * - from zeroed buffers it must give exactly Grad's gradient (numbers equal,
 *   0 and -0 alike), return exactly f's value and leave the arguments alone;
 * - from buffers preset to non-zero numbers it must add to them: each number
 *   must end as preset + Grad's, within the tolerance. The preset of a
 *   number is a power of two of about its own size (1 where it is 0), so
 *   adding rounds at the number's own scale and a small gradient is not lost
 *   in a large preset, while overwriting a buffer misses it by the preset.
 * Both calls must add in place: the arrays and objects of the buffers must
 * still be the ones passed in.
 */
import { type Coordinate, deepEqual, filledLike, formatCoordinate, numberPaths, valueAt } from "./coordinates.js";
import type { Tally } from "./tally.js";
import { attempt } from "./tally.js";

/**
 * What adgen generates beside `fGrad`: `fGradInto(...args, grad)` adding
 * into `grad` (shaped like fGrad's grad, `G`) and returning the value.
 */
export type GradientIntoFunction<A extends unknown[], G extends object = object> = (...args: [...A, G]) => number;

/** The call under check and what it must agree with. */
export interface IntoCheck<A extends unknown[]> {
  /** Its buffers are built here from the arguments' shapes, so their type is not known: `never`. */
  into: GradientIntoFunction<A, never>;
  /** The function's name, for messages. */
  name: string;
  args: A;
  /** The arguments as they were before any call. */
  before: A;
  /** f's value at the arguments. */
  value: number;
  /** The parameters with a buffer, and their indices in the argument list. */
  buffers: readonly { parameter: string; index: number }[];
  /** Grad's gradient, keyed by parameter, for those it holds in the right shape. */
  grad: Record<string, unknown>;
}

export function checkGradInto<A extends unknown[]>(tally: Tally, c: IntoCheck<A>, sample: number): void {
  const zeroed = callInto(tally, c, () => 0, sample);
  if (!zeroed) return;
  for (const { parameter } of compared(c)) {
    const path = numberPaths(c.grad[parameter]).find((p) => !sameNumber(valueAt(zeroed[parameter], p), valueAt(c.grad[parameter], p)));
    if (path) {
      const label = formatCoordinate(`grad.${parameter}`, path);
      tally.problem(parameter, `sample ${sample}: ${c.name}GradInto from zeroed buffers gives ${label} = ${valueAt(zeroed[parameter], path)}, ${c.name}Grad gives ${valueAt(c.grad[parameter], path)}`);
    }
  }
  const preset = (parameter: string, path: Coordinate) => presetFor(valueAt(c.grad[parameter], path));
  const added = callInto(tally, c, (parameter, path) => preset(parameter, path), sample);
  if (!added) return;
  for (const { parameter } of compared(c)) {
    for (const path of numberPaths(c.grad[parameter])) {
      const g = valueAt(c.grad[parameter], path) as number;
      const p = preset(parameter, path);
      const result = valueAt(added[parameter], path) as number;
      if (sameNumber(result, p + g) || Math.abs(result - (p + g)) <= tally.rtol * Math.max(Math.abs(g), p)) continue;
      const label = formatCoordinate(`grad.${parameter}`, path);
      tally.problem(parameter, `sample ${sample}: ${c.name}GradInto must add to its buffers: from ${p}, ${label} becomes ${result}, expected ${p} + ${g} (${c.name}Grad's)`);
      break;
    }
  }
}

/** Calls GradInto on fresh buffers filled by `fill`; returns them afterwards, or undefined when the call failed. */
function callInto<A extends unknown[]>(tally: Tally, c: IntoCheck<A>, fill: (parameter: string, path: Coordinate) => number,
  sample: number): Record<string, unknown> | undefined {
  // A left-out optional argument's buffer has the shape of its entry in Grad's gradient (0 or []).
  const shapeOf = (parameter: string, index: number) => (c.before[index] === undefined ? c.grad[parameter] : c.before[index]);
  const buffers = Object.fromEntries(c.buffers.map(({ parameter, index }) => [parameter, filledLike(shapeOf(parameter, index), (path) => fill(parameter, path))]));
  const containers = containersOf(buffers);
  const returned = attempt(() => c.into(...c.args, buffers as never));
  if ("error" in returned) return tally.fail(sample, `${c.name}GradInto throws: ${returned.error}`);
  if (!deepEqual(c.args, c.before)) return tally.fail(sample, `${c.name}GradInto changed its arguments`);
  if (!Object.is(returned.result, c.value)) return tally.fail(sample, `${c.name}GradInto returns ${String(returned.result)}, ${c.name} gives ${c.value}`);
  const replaced = containers.find(([path, container]) => valueAt(buffers, path) !== container);
  if (replaced) return tally.fail(sample, `${c.name}GradInto replaced the buffer ${formatCoordinate("grad", replaced[0])} instead of adding into it`);
  return buffers;
}

/** The buffers Grad's gradient can be compared with. */
function compared<A extends unknown[]>(c: IntoCheck<A>) {
  return c.buffers.filter(({ parameter }) => Object.hasOwn(c.grad, parameter));
}

/** Every array and object inside the buffers, by path, to check that GradInto adds in place. */
function containersOf(root: unknown, path: Coordinate = []): [Coordinate, unknown][] {
  if (typeof root !== "object" || root === null) return [];
  const entries: [string | number, unknown][] = ArrayBuffer.isView(root) ? [] : Object.entries(root).map(([k, v]) => [Array.isArray(root) ? Number(k) : k, v]);
  return [[path, root], ...entries.flatMap(([key, value]) => containersOf(value, [...path, key]))];
}

/** A power of two of about |g|'s size, 1 for 0 and for a number that is not finite. */
export function presetFor(g: unknown): number {
  if (typeof g !== "number" || g === 0 || !Number.isFinite(g)) return 1;
  return 2 ** Math.min(1023, Math.round(Math.log2(Math.abs(g))));
}

/** Equal numbers, with 0 and -0 alike and NaN equal to NaN. */
function sameNumber(a: unknown, b: unknown): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
