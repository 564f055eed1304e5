/**
 * The fuzzer's families of programs, each a named generator with a weight.
 * `npm run fuzz -- --family conditions` runs one alone; `--family all` (the
 * default) draws batches from all of them by weight.
 *
 * - `base`: the supported subset (programs.ts): expressions over every Math
 *   function, branches, loops, arrays, tuples and objects, helpers.
 */
import fc from "fast-check";
import type { ProgramShape } from "./shapes.js";
import { programArbitrary } from "./programs.js";

export interface Family {
  name: string;
  /** How often `--family all` draws a batch of this family, relative to the others. */
  weight: number;
  /** One program of the family; `small` keeps large programs small (for the test suite). */
  program(small: boolean): fc.Arbitrary<ProgramShape>;
}

export const families: Family[] = [{ name: "base", weight: 10, program: () => programArbitrary() }];

export const familyNames = families.map((f) => f.name);

/**
 * Batches of `size` programs of one family each, drawn from the named
 * families by weight (all of them for `all`).
 */
export function familyBatches(names: string[], size: number, small = false): fc.Arbitrary<ProgramShape[]> {
  const chosen = names.includes("all") ? families : families.filter((f) => names.includes(f.name));
  if (chosen.length === 0) throw new Error(`no family among ${names.join(", ")}; families: all, ${familyNames.join(", ")}`);
  return fc.oneof(
    ...chosen.map((f) => ({ weight: f.weight, arbitrary: fc.array(f.program(small), { minLength: size, maxLength: size }) })),
  );
}
