/**
 * Which entries `grad` must hold. With `wrt` (what adgen differentiates:
 * the `@wrt` list or the parameters the result depends on differentiably),
 * exactly those, each with its parameter's shape and array type. Without
 * it (a library call that does not say), whatever grad holds is compared,
 * and every parameter it leaves out is compared as a gradient of 0, so an
 * empty `grad: {}` fails wherever the function depends on a parameter.
 */
import { type Coordinate, formatCoordinate, numberPaths, shapeMismatch } from "./coordinates.js";
import type { Tally } from "./tally.js";

export interface Presence {
  /** Failures of the sample as a whole, e.g. a key that is no parameter. */
  failures: string[];
  /** Parameters whose entry is missing, stray or misshapen, with the reason. */
  problems: Map<string, string>;
  /** Parameters whose entries are compared with the numerical derivative. */
  compared: string[];
  /** Parameters grad leaves out that are compared as 0 (only without `wrt`). */
  leftOut: string[];
}

/** What `grad` holds for the function `name` with `parameters`, at the arguments `args`. */
export function presence(grad: Record<string, unknown>, args: readonly unknown[], parameters: readonly string[], name: string,
  wrt: readonly string[] | undefined): Presence {
  const result: Presence = { failures: [], problems: new Map(), compared: [], leftOut: [] };
  for (const key of Object.keys(grad)) {
    if (!parameters.includes(key)) result.failures.push(`grad.${key} is not a parameter of ${name}`);
  }
  const about = wrt && (wrt.length ? `${name} is differentiated with respect to ${wrt.join(", ")}` : `${name} is differentiated with respect to no parameter`);
  parameters.forEach((parameter, index) => {
    const present = Object.hasOwn(grad, parameter);
    if (wrt && present !== wrt.includes(parameter)) {
      result.problems.set(parameter, present ? `grad.${parameter} is present, but ${about}` : `grad.${parameter} is missing: ${about}`);
    } else if (present) {
      const mismatch = shapeMismatch(args[index], grad[parameter], `grad.${parameter}`);
      if (mismatch) result.problems.set(parameter, mismatch);
      else result.compared.push(parameter);
    } else if (!wrt && numberPaths(args[index]).length > 0) {
      result.leftOut.push(parameter);
    }
  });
  return result;
}

/** One number of a parameter to compare. */
export interface Component {
  parameter: string;
  /** Inside the parameter. */
  path: Coordinate;
  /** Inside the argument list. */
  at: Coordinate;
  /** E.g. `w[3]`. */
  coordinate: string;
  /** The parameter is left out of grad: its gradient is 0. */
  leftOut: boolean;
}

/** The numbers of the compared and left-out parameters, in parameter order. */
export function components(parameters: readonly string[], args: readonly unknown[], found: Presence): Component[] {
  const list: Component[] = [];
  parameters.forEach((parameter, index) => {
    const leftOut = found.leftOut.includes(parameter);
    if (!leftOut && !found.compared.includes(parameter)) return;
    for (const path of numberPaths(args[index])) {
      list.push({ parameter, path, at: [index, ...path], coordinate: formatCoordinate(parameter, path), leftOut });
    }
  });
  return list;
}

/** Records what `presence` found wrong at `sample`; `seed` names the VJP call. */
export function recordPresence(tally: Tally, found: Presence, sample: number, seed?: string): void {
  const at = seed ? `sample ${sample}, seed ${seed}` : `sample ${sample}`;
  for (const message of found.failures) tally.fail(sample, message);
  for (const [parameter, message] of found.problems) tally.problem(parameter, `${at}: ${message}`);
}
