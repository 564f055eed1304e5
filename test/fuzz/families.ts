/**
 * The fuzzer's families of programs, each a named generator with a weight.
 * `npm run fuzz -- --family conditions` runs one alone; `--family all` (the
 * default) draws batches from all of them by weight, one family a batch.
 *
 * - `base`: the supported subset (programs.ts): expressions over every Math
 *   function, branches, loops, arrays, tuples and objects, helpers.
 * - `conditions`: base programs with helpers that write an element, push or
 *   write a field and are called in the conditions of `while`, `do ... while`
 *   and `for` loops, with `&&`/`||` around the call and `break`, `continue`
 *   and `return` in the body (family-conditions.ts).
 * - `names`: base programs (with some of the above) whose parameters, locals
 *   and helpers are named like what the generated module declares: `value`,
 *   `grad`, `tape`, `f0GradInto`, `dx`, `v__next`, `Math`, ... (family-names.ts).
 * - `constants`: base programs with module constants of every kind: literals,
 *   expressions of constants, `Math.PI`, `Number.*`, and initialisers adgen
 *   may not support, which it must differentiate exactly or reject with a
 *   diagnostic inside the initialiser (family-constants.ts).
 * - `large`: sums of hundreds to thousands of terms, Horner forms 100-300
 *   deep, `if` chains and nested `if`s 20-150 deep, at a low weight; each is
 *   compiled alone and its compile time reported (family-large.ts).
 * - `unsupported`: base programs with one construct adgen rejects; they pass
 *   only with a located diagnostic on the construct (family-unsupported.ts,
 *   outcome.ts).
 * - `features`: the newer constructs, several to a program: closures,
 *   functions passed to helpers, classes, arrays of objects and tuples,
 *   recursion, string-literal types and `switch`, numbers as conditions,
 *   module-level tables, assignments as values, `var`, loop conditions with
 *   effects, with names the generated module uses (family-features.ts).
 */
import fc from "fast-check";
import type { EntryShape, ProgramShape } from "./shapes.js";
import { expressionArbitraries, inputsArbitrary, programArbitrary, statementArbitrary } from "./programs.js";
import { effectHelperArbitrary, effectLoops } from "./family-conditions.js";
import { constantsArbitrary } from "./family-constants.js";
import { featuresArbitrary } from "./family-features.js";
import { largeArbitrary } from "./family-large.js";
import { NAME_CHOICES } from "./family-names.js";
import { unsupportedArbitrary } from "./family-unsupported.js";

export interface Family {
  name: string;
  /** How often `--family all` draws a batch of this family, relative to the others. */
  weight: number;
  /** One program of the family; `small` keeps large programs small (for the test suite). */
  program(small: boolean): fc.Arbitrary<ProgramShape>;
}

/** Base programs with helpers with effects, whose loops call them in conditions. */
function withEffects(min: number): fc.Arbitrary<ProgramShape> {
  const exprs = expressionArbitraries();
  const stmt = statementArbitrary(exprs, effectLoops);
  return fc
    .tuple(programArbitrary({ statements: effectLoops }), fc.array(effectHelperArbitrary(exprs, stmt), { minLength: min, maxLength: 2 }))
    .map(([program, effects]) => ({ ...program, effects }));
}

const tagged = (family: string, arbitrary: fc.Arbitrary<ProgramShape>) =>
  arbitrary.map((program) => ({ ...program, family }));

const emptyEntry: EntryShape = { params: [], body: [], result: { kind: "literal", hundredths: 0, notation: 0 } };

export const families: Family[] = [
  { name: "base", weight: 10, program: () => programArbitrary() },
  { name: "conditions", weight: 4, program: () => tagged("conditions", withEffects(1)) },
  {
    name: "names",
    weight: 4,
    program: () =>
      tagged(
        "names",
        fc
          .tuple(fc.oneof(programArbitrary(), withEffects(0)), fc.array(fc.nat({ max: NAME_CHOICES }), { minLength: 4, maxLength: 16 }))
          .map(([program, names]) => ({ ...program, names })),
      ),
  },
  {
    name: "constants",
    weight: 3,
    program: () =>
      tagged(
        "constants",
        fc.tuple(programArbitrary(), constantsArbitrary).map(([program, moduleConstants]) => ({ ...program, moduleConstants })),
      ),
  },
  {
    name: "large",
    weight: 1,
    program: (small) =>
      tagged(
        "large",
        fc
          .record({ large: largeArbitrary(small), inputs: inputsArbitrary })
          .map(({ large, inputs }) => ({ constants: [], helpers: [], entry: emptyEntry, inputs, large })),
      ),
  },
  {
    name: "unsupported",
    weight: 2,
    program: () =>
      tagged(
        "unsupported",
        fc.tuple(programArbitrary(), unsupportedArbitrary).map(([program, unsupported]) => ({ ...program, unsupported })),
      ),
  },
  {
    name: "features",
    weight: 4,
    program: () =>
      tagged(
        "features",
        fc
          .record({ features: featuresArbitrary, inputs: inputsArbitrary })
          .map(({ features, inputs }) => ({ constants: [], helpers: [], entry: emptyEntry, inputs, features })),
      ),
  },
];

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
