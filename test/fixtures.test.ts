/**
 * Every generated gradient against the numerical oracle. For each fixture
 * `fixtures/<name>.ts`, the committed `fixtures/<name>.grad.ts` (kept equal to
 * fresh output by golden.test.ts) must export `<f>Grad` for each `<f>Samples`;
 * at each sample its value must be exactly `f`'s and each partial derivative
 * must match the oracle. `<f>GradInto` is checked the same way: from zeroed
 * buffers it gives exactly `<f>Grad`'s gradient, and called twice on buffers
 * that already hold a number it adds the oracle's derivative twice.
 * `<f>Kinks` lists points on a kink with the exact gradient the conventions
 * prescribe there. `<f>Frozen(...sample)` gives, for a function with a
 * stopGradient, the function to differentiate instead: `f` with the stopped
 * values frozen at the sample. A vector-valued `<f>` has `<f>Vjp`, checked
 * against a numerical Jacobian. At values where JavaScript's semantics are
 * easy to get wrong (NaN, -0, fractions, negatives), put in each number of
 * the first sample in turn, the value is exactly f's or the error f throws
 * (`<f>Edges = false` for a function that does not return there).
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { generate } from "../src/generate.js";
import { seedLike } from "../src/verify/vjp.js";
import { copyOf } from "../src/verify/coordinates.js";
import { expectGradClose, numericEstimate, numericJacobianColumn, weightedSum } from "./oracle.js";
import {
  diagnosticLines,
  exportedFunctions,
  importModule,
  listFixtures,
  repoRoot,
  sourceFunction,
  type ExportedFunction,
  type Module,
} from "./helpers/fixtures.js";

type SourceFunction = (...args: unknown[]) => number;
type GradFunction = (...args: unknown[]) => { value: number; grad: Record<string, unknown> };
/** `<f>GradInto(...args, grad)`: adds the gradient into `grad`, returns the value. */
type IntoFunction = (...argsThenGrad: unknown[]) => number;
interface Kink {
  args: unknown[];
  grad: Record<string, number>;
}

const RTOL = 1e-6;
const GENERATE_TIMEOUT_MS = 30_000;

/** The `X` of every export named `X<suffix>`, sorted. */
function exportsWithSuffix(module: Module, suffix: string): string[] {
  return Object.keys(module)
    .filter((key) => key.endsWith(suffix) && key.length > suffix.length)
    .map((key) => key.slice(0, -suffix.length))
    .sort();
}

function gradFunction(generated: Module, name: string): GradFunction {
  const fn = generated[`${name}Grad`];
  if (typeof fn !== "function") throw new Error(`the generated module exports no function ${name}Grad`);
  return fn as GradFunction;
}

function intoFunction(generated: Module, name: string): IntoFunction {
  const fn = generated[`${name}GradInto`];
  if (typeof fn !== "function") throw new Error(`the generated module exports no function ${name}GradInto`);
  return fn as IntoFunction;
}

/** A copy of a number, an array, rows, a Float64Array, a tuple or an object with every number replaced by `fill`. */
function filledLike(value: unknown, fill: number): unknown {
  if (typeof value === "number") return fill;
  if (value instanceof Float64Array) return new Float64Array(value.length).fill(fill);
  if (Array.isArray(value)) return value.map((item) => filledLike(item, fill));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => coordinates(v).length > 0).map(([k, v]) => [k, filledLike(v, fill)]));
  }
  throw new Error(`no gradient buffer for ${String(value)}`);
}

/**
 * Gradient buffers for the parameters `grad` holds, each shaped like its
 * argument and filled with `fill` (an optional argument left out: like its
 * gradient, 0 or empty).
 */
function buffersFor(fn: ExportedFunction, args: unknown[], grad: Record<string, unknown>, fill: number): Record<string, unknown> {
  return Object.fromEntries(Object.keys(grad).map((name) => [name, filledLike(args[fn.parameters.findIndex((p) => p.name === name)] ?? grad[name], fill)]));
}

/** A sample's arguments with those it leaves out passed as `undefined`, for `GradInto`, whose buffers come after every parameter. */
const allArguments = (fn: ExportedFunction, args: unknown[]): unknown[] => [...args, ...new Array<undefined>(Math.max(0, fn.parameters.length - args.length)).fill(undefined)];

/** The gradient of an optional argument left out: 0 for a number, empty for an array. */
const leftOut = (g: unknown): boolean => g === 0 || (Array.isArray(g) && g.length === 0) || (g instanceof Float64Array && g.length === 0);

/** What the buffers of GradInto hold before the accumulation test (any number not 0 will do). */
const PRESET = 0.5;

/**
 * Parameters whose derivative the gradient may carry: the `@wrt` list, or
 * else every number, number-array, tuple or object parameter (a named type
 * is taken for an object).
 */
function differentiable(fn: ExportedFunction): string[] {
  // number, number[], rows, Float64Array, tuples, named types, and arrays of tuples and named types (`Point[]`, `ReadonlyArray<Pair>`).
  return fn.wrt ?? fn.parameters.filter((p) => /^(number|(readonly )?\(?(readonly )?number\[\]\)?(\[\])?|Float64Array|\[.*\]|[A-Z]\w*|(readonly )?(\[.*\]|[A-Z]\w*)\[\]|(Readonly)?Array<[A-Z]\w*>)$/.test(p.type) && p.type !== "Float64Array[]").map((p) => p.name);
}

type Key = number | string;

/** The paths of every number inside an argument: [] for a number, [i] for an array, [i, j] for rows, field names for objects. */
function coordinates(value: unknown): Key[][] {
  if (typeof value === "number") return [[]];
  if (Array.isArray(value) || value instanceof Float64Array) {
    return [...value].flatMap((item, i) => coordinates(item).map((path) => [i, ...path]));
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => coordinates(item).map((path) => [key, ...path]));
  }
  return [];
}

function at(value: unknown, path: Key[]): unknown {
  return path.reduce<unknown>((v, i) => (v as Record<Key, unknown>)[i], value);
}

const pathText = (path: Key[]): string => path.map((i) => (typeof i === "number" ? `[${i}]` : `.${i}`)).join("");

/** A kink's gradient compares equal to the convention's value also when it is -0 instead of 0. */
function withoutNegativeZero(grad: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(grad).map(([key, v]) => [key, Object.is(v, -0) ? 0 : v]));
}

const describeArgs = (args: unknown[]): string => args.map(String).join(", ");

/** Values where JavaScript's semantics are easy to get wrong: NaN, signed zeros, fractions, negatives. */
const EDGES = [NaN, 0, -0, 2.5, -1.5, -3];

/** What a call gives: its value (as a string that tells NaN, -0 and 0 apart) or the error it throws. */
function outcome(call: () => number): string {
  try {
    const value = call();
    return Object.is(value, -0) ? "-0" : String(value);
  } catch (e) {
    return e instanceof Error ? `${e.constructor.name}: ${e.message}` : `thrown ${String(e)}`;
  }
}

// `ONLY=truthiness npx vitest run test/fixtures.test.ts` checks the fixtures whose file name contains `truthiness`.
const only = process.env.ONLY;

for (const fixture of listFixtures().filter((f) => only === undefined || f.path.includes(only))) {
  const source = await importModule(fixture.sourceFile);
  const functions = exportedFunctions(fixture);
  let loading: Promise<Module> | undefined;
  const loadGenerated = (): Promise<Module> => (loading ??= importModule(fixture.gradFile));

  describe(fixture.path, () => {
    test(
      "generates without diagnostics",
      async () => {
        const result = await generate([fixture.input]);
        expect(diagnosticLines(result.diagnostics)).toEqual([]);
        expect(result.outputs).toHaveLength(1);
      },
      GENERATE_TIMEOUT_MS,
    );

    test("exports a gradient (or VJP) for exactly the functions with samples", async () => {
      const sampled = exportsWithSuffix(source, "Samples");
      const generated = await loadGenerated();
      expect([...exportsWithSuffix(generated, "Grad"), ...exportsWithSuffix(generated, "Vjp")].sort()).toEqual(sampled);
      const scalar = functions.filter((fn) => fn.returnType === "number").map((fn) => fn.name);
      expect(exportsWithSuffix(generated, "GradInto")).toEqual(sampled.filter((name) => scalar.includes(name)));
      expect(functions.map((fn) => fn.name)).toEqual(expect.arrayContaining(sampled));
      expect(sampled).toEqual(expect.arrayContaining(exportsWithSuffix(source, "Kinks")));
    });

    for (const fn of functions) {
      const samples = source[`${fn.name}Samples`] as unknown[][] | undefined;
      if (samples === undefined) continue;
      const f = sourceFunction(source, fn) as SourceFunction;
      // With a stopGradient: the function whose derivative the gradient is, with the stopped values frozen at a sample.
      const frozen = source[`${fn.name}Frozen`] as ((...args: unknown[]) => SourceFunction) | undefined;
      const differentiated = (args: unknown[]): SourceFunction => frozen?.(...args) ?? f;
      const differentiableNames = differentiable(fn);

      if (fn.returnType !== "number") {
        describeVjp(fn, f, samples, loadGenerated);
        continue;
      }

      describe(fn.name, () => {
        samples.forEach((args, i) => {
          describe(`sample ${i} (${describeArgs(args)})`, () => {
            test("value is exactly f's, arguments are unchanged, grad holds the differentiable parameters", async () => {
              const before = copyOf(args);
              const { value, grad } = gradFunction(await loadGenerated(), fn.name)(...args);
              expect(args).toStrictEqual(before);
              const expected = f(...args);
              expect(Object.is(value, expected), `value ${value}, f gives ${expected}`).toBe(true);
              expect(differentiableNames).toEqual(expect.arrayContaining(Object.keys(grad)));
              if (fn.wrt) expect(Object.keys(grad).sort()).toEqual([...fn.wrt].sort());
            });

            test("GradInto from zeroed buffers: value is exactly f's, arguments are unchanged, grad is exactly Grad's", async () => {
              const generated = await loadGenerated();
              const { grad } = gradFunction(generated, fn.name)(...args);
              const buffers = buffersFor(fn, args, grad, 0);
              const before = copyOf(args);
              const value = intoFunction(generated, fn.name)(...allArguments(fn, args), buffers);
              expect(args).toStrictEqual(before);
              const expected = f(...args);
              expect(Object.is(value, expected), `value ${value}, f gives ${expected}`).toBe(true);
              expect(buffers).toStrictEqual(grad);
            });

            fn.parameters.forEach((p, index) => {
              if (!differentiableNames.includes(p.name)) return;
              test(`d/d${p.name}`, async () => {
                const generated = await loadGenerated();
                const { grad } = gradFunction(generated, fn.name)(...args);
                let accumulated: Record<string, unknown> | undefined;
                if (p.name in grad && index >= args.length) {
                  expect(leftOut(grad[p.name]), `grad.${p.name} of an argument left out is ${JSON.stringify(grad[p.name])}`).toBe(true);
                  return;
                }
                if (p.name in grad) {
                  accumulated = buffersFor(fn, args, grad, PRESET);
                  intoFunction(generated, fn.name)(...allArguments(fn, args), accumulated);
                  intoFunction(generated, fn.name)(...allArguments(fn, args), accumulated);
                  // The gradient has the shape and array type of its parameter.
                  expect(coordinates(grad[p.name]).map(pathText)).toEqual(coordinates(args[index]).map(pathText));
                  expect(grad[p.name] instanceof Float64Array).toBe(args[index] instanceof Float64Array);
                }
                for (const path of coordinates(args[index])) {
                  const oracle = numericEstimate(differentiated(args), args, [index, ...path]);
                  if (p.name in grad) {
                    expectGradClose(at(grad[p.name], path), oracle, { rtol: RTOL, label: `grad.${p.name}${pathText(path)}` });
                    const added = (at(accumulated![p.name], path) as number) - PRESET;
                    expectGradClose(added / 2, oracle, { rtol: RTOL, label: `half of what GradInto twice added to grad.${p.name}${pathText(path)}` });
                  } else if (Number.isFinite(oracle.value) && !constantOnOneSide(f, args, index)) {
                    // A count or threshold sampled at its jump (an integer trip count) is constant on one side;
                    // a size or index makes f undefined (NaN) between integers.
                    expectGradClose(0, oracle, { rtol: RTOL, label: `${p.name} is left out of grad, so its derivative` });
                  }
                }
              });
            });
          });
        });

        // `<f>Edges = false` for a function that does not return at such values (an iteration that diverges).
        if (source[`${fn.name}Edges`] !== false) {
          test(`at edge values of its inputs (${EDGES.map(String).join(", ")}), the value is exactly f's or the same error`, async () => {
            const grad = gradFunction(await loadGenerated(), fn.name);
            const args = samples[0]!;
            for (const [index, { name }] of fn.parameters.entries()) {
              for (const path of coordinates(args[index])) {
                for (const edge of EDGES) {
                  const edged = copyOf(args);
                  if (path.length === 0) edged[index] = edge;
                  else (at(edged[index], path.slice(0, -1)) as Record<Key, unknown>)[path.at(-1)!] = edge;
                  const label = `${name}${pathText(path)} = ${edge}`;
                  expect(outcome(() => grad(...copyOf(edged)).value), label).toStrictEqual(outcome(() => f(...copyOf(edged))));
                }
              }
            }
          });
        }

        const kinks = source[`${fn.name}Kinks`] as Kink[] | undefined;
        kinks?.forEach((kink, i) => {
          test(`kink ${i} (${describeArgs(kink.args)}): gradient is exactly ${JSON.stringify(kink.grad)}`, async () => {
            const { value, grad } = gradFunction(await loadGenerated(), fn.name)(...kink.args);
            expect(Object.is(value, f(...kink.args)), `value ${value}`).toBe(true);
            expect(withoutNegativeZero(grad)).toStrictEqual(kink.grad);
          });
        });
      });
    }
  });
}

describe("explicit gradients", () => {
  test("fixtures/seed.grad.ts: fGrad(2) is exactly { value: 6, grad: { x: 5 } }", async () => {
    const generated = await importModule(join(repoRoot, "fixtures/seed.grad.ts"));
    expect(gradFunction(generated, "f")(2)).toStrictEqual({ value: 6, grad: { x: 5 } });
  });

  test("fixtures/wrt.grad.ts: smoothstep leaves its degree parameter out of grad", async () => {
    const generated = await importModule(join(repoRoot, "fixtures/wrt.grad.ts"));
    expect(Object.keys(gradFunction(generated, "smoothstep")(0.3, 3).grad)).toEqual(["t"]);
  });
});

type VectorFunction = (...args: unknown[]) => unknown;
type VjpFunction = (...args: unknown[]) => { value: unknown; grad: Record<string, unknown> };

/**
 * A vector-valued function's `<f>Vjp(...args, seed)`: its value is exactly
 * f's, and each grad component equals seed^T J, with the Jacobian J computed
 * numerically one output component at a time.
 */
function describeVjp(fn: ExportedFunction, f: VectorFunction, samples: unknown[][], loadGenerated: () => Promise<Module>): void {
  describe(`${fn.name} (vector-valued)`, () => {
    samples.forEach((args, i) => {
      test(`sample ${i} (${describeArgs(args)}): value is exactly f's, grad is seed^T J`, async () => {
        const vjp = (await loadGenerated())[`${fn.name}Vjp`] as VjpFunction;
        expect(typeof vjp).toBe("function");
        const expected = f(...copyOf(args));
        const seed = seedLike(expected);
        const before = copyOf(args);
        const { value, grad } = vjp(...args, seed);
        expect(args).toStrictEqual(before);
        expect(value).toStrictEqual(expected);
        const weights = coordinates(expected).map((out) => at(seed, out) as number);
        fn.parameters.forEach((p, index) => {
          if (!(p.name in grad)) return;
          for (const path of coordinates(args[index])) {
            // A column of the Jacobian (d output_o / d input for every o), weighted by the seed's components.
            const column = numericJacobianColumn(f, args, [index, ...path]);
            expectGradClose(at(grad[p.name], path), weightedSum(column, weights), { rtol: RTOL, label: `grad.${p.name}${pathText(path)}` });
          }
        });
      });
    });
  });
}

/** Whether nudging argument `index` up or down leaves f unchanged: f is flat there, on at least one side. */
function constantOnOneSide(f: SourceFunction, args: unknown[], index: number): boolean {
  if (typeof args[index] !== "number") return false;
  const x = args[index] as number;
  const nudge = 1e-6 * Math.max(1, Math.abs(x));
  const at = (v: number) => f(...args.map((a, i) => (i === index ? v : a)));
  const here = at(x);
  return Object.is(at(x + nudge), here) || Object.is(at(x - nudge), here);
}
