/** `vjpcheck` from adgen/verify, and the seeds it calls a vector-Jacobian product with. */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { numberPaths } from "../src/verify/coordinates.js";
import { BASIS_LIMIT, GradcheckError, RANDOM_SEEDS, seedLike, vjpcheck } from "../src/verify/index.js";
import { randomStream } from "../src/verify/random.js";
import { seedsFor } from "../src/verify/seeds.js";

type Matrix = number[][];

const apply = (A: Matrix, x: readonly number[]): number[] => A.map((row) => row.reduce((s, a, j) => s + a * x[j]!, 0));
/** s^T A, the VJP of x -> A x. */
const transposedTimes = (A: Matrix, s: readonly number[]): number[] => A[0]!.map((_, j) => A.reduce((sum, row, i) => sum + s[i]! * row[j]!, 0));

/** The VJP of x -> A x, answering with the rows of A taken in the order `rows`. */
function linearVjp(A: Matrix, rows: readonly number[]) {
  const J = rows.map((i) => A[i]!);
  return (x: number[], seed: unknown) => ({ value: apply(A, x), grad: { x: transposedTimes(J, seed as number[]) } });
}

const entry = fc.double({ min: -2, max: 2, noNaN: true });

/** A random m x n matrix with m on both sides of BASIS_LIMIT, an input x, and an order of the rows that moves some row. */
const linearMap = fc
  .record({ m: fc.integer({ min: 2, max: BASIS_LIMIT + 8 }), n: fc.integer({ min: 1, max: 4 }) })
  .chain(({ m, n }) =>
    fc.record({
      A: fc.array(fc.array(entry, { minLength: n, maxLength: n }), { minLength: m, maxLength: m }),
      x: fc.array(entry, { minLength: n, maxLength: n }),
      rows: fc.oneof(
        // A swap of two rows, or any permutation of them.
        fc.uniqueArray(fc.integer({ min: 0, max: m - 1 }), { minLength: 2, maxLength: 2 }).map(([i, j]) =>
          Array.from({ length: m }, (_, k) => (k === i ? j! : k === j ? i! : k)),
        ),
        fc.shuffledSubarray(Array.from({ length: m }, (_, k) => k), { minLength: m, maxLength: m }),
      ),
    }),
  );

/** Whether taking the rows in this order changes A by more than the tolerance could hide. */
const movesARow = (A: Matrix, rows: readonly number[]) => rows.some((i, k) => A[i]!.some((a, j) => Math.abs(a - A[k]![j]!) > 1e-3));

describe("vjpcheck on random linear maps", () => {
  test("a Jacobian whose rows are swapped or permuted always fails; the true one passes", () => {
    fc.assert(
      fc.property(linearMap, ({ A, x, rows }) => {
        fc.pre(movesARow(A, rows));
        const f = (v: number[]) => apply(A, v);
        const identity = rows.map((_, k) => k);
        expect(vjpcheck(f, linearVjp(A, identity), [[x]], { parameters: ["x"], throwOnFailure: false }).pass).toBe(true);
        const report = vjpcheck(f, linearVjp(A, rows), [[x]], { parameters: ["x"], throwOnFailure: false });
        expect(report.pass).toBe(false);
        expect(report.parameters[0]).toMatchObject({ parameter: "x", pass: false });
      }),
      { seed: 20261205, numRuns: 200 },
    );
  });

  test("a permuted value always fails, naming the first number that differs", () => {
    fc.assert(
      fc.property(linearMap, ({ A, x, rows }) => {
        const value = apply(A, x);
        fc.pre(rows.some((i, k) => !Object.is(value[i], value[k])));
        const permuted = (v: number[], seed: unknown) => ({ value: rows.map((i) => apply(A, v)[i]!), grad: { x: transposedTimes(A, seed as number[]) } });
        const report = vjpcheck((v: number[]) => apply(A, v), permuted, [[x]], { parameters: ["x"], throwOnFailure: false });
        expect(report.pass).toBe(false);
        expect(report.failures[0]!.message).toMatch(/^value differs from f's result: value\[\d+\] is \S+, expected \S+$/);
      }),
      { seed: 20261206, numRuns: 200 },
    );
  });
});

describe("the seeds", () => {
  test(`are the ${BASIS_LIMIT} basis vectors and one dense seed up to ${BASIS_LIMIT} outputs, ${RANDOM_SEEDS} dense seeds above`, () => {
    const next = randomStream("test", 1);
    const small = seedsFor({ mean: 1, v: [2, 3, 4] }, next);
    expect(small.map((s) => s.label)).toEqual(["value.mean", "value.v[0]", "value.v[1]", "value.v[2]", "random seed 1"]);
    expect(small[2]!.value).toEqual({ mean: 0, v: [0, 1, 0] });
    expect(seedsFor(new Float64Array(BASIS_LIMIT), next)).toHaveLength(BASIS_LIMIT + 1);
    const large = seedsFor(new Float64Array(BASIS_LIMIT + 1), next);
    expect(large.map((s) => s.label)).toEqual(["random seed 1", "random seed 2", "random seed 3"]);
    expect(large[0]!.value).toBeInstanceOf(Float64Array);
  });

  test("dense seeds have components of distinct magnitudes in [0.5, 1.5), with both signs, and no period", () => {
    const seed = seedLike(new Array<number>(1000).fill(0)) as number[];
    const magnitudes = seed.map(Math.abs);
    expect(new Set(magnitudes).size).toBe(1000);
    expect(Math.min(...magnitudes)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...magnitudes)).toBeLessThan(1.5);
    expect(seed.filter((w) => w < 0).length).toBeGreaterThan(400);
    for (let period = 1; period < 500; period++) expect(seed.every((w, i) => i < period || w === seed[i - period])).toBe(false);
    expect(seedLike([1, 2, 3])).toEqual(seedLike([4, 5, 6]));
    expect(numberPaths(seedLike({ a: [1, 2], b: 3 }))).toEqual([["a", 0], ["a", 1], ["b"]]);
  });
});

describe("vjpcheck", () => {
  const polar = (r: number, theta: number): [number, number] => [r * Math.cos(theta), r * Math.sin(theta)];
  const polarVjp = (r: number, theta: number, seed: unknown) => {
    const [s0, s1] = seed as [number, number];
    return { value: polar(r, theta), grad: { r: s0 * Math.cos(theta) + s1 * Math.sin(theta), theta: r * (s1 * Math.cos(theta) - s0 * Math.sin(theta)) } };
  };
  const samples: [number, number][] = [[2, 0.3], [0.5, -2.1]];

  test("passes a true VJP and compares every component once per seed", () => {
    const report = vjpcheck(polar, polarVjp, samples);
    expect(report).toMatchObject({ pass: true, checked: 2 });
    expect(report.parameters.map((p) => [p.parameter, p.samples])).toEqual([["r", 2], ["theta", 2]]);
  });

  test("a wrong row names the parameter, the seed and both values", () => {
    const wrong = (r: number, theta: number, seed: unknown) => {
      const result = polarVjp(r, theta, seed);
      return { ...result, grad: { ...result.grad, theta: result.grad.theta + (seed as number[])[1]! * 1e-3 } };
    };
    expect(() => vjpcheck(polar, wrong, samples)).toThrow(GradcheckError);
    const report = vjpcheck(polar, wrong, samples, { throwOnFailure: false });
    expect(report.parameters.map((p) => p.pass)).toEqual([true, false]);
    expect(report.parameters[1]!.worst).toMatchObject({ coordinate: "theta", seed: "value[1]" });
  });

  test("a value that differs from f's in one number, or by the sign of a zero, fails", () => {
    const off = (r: number, theta: number, seed: unknown) => ({ ...polarVjp(r, theta, seed), value: [polar(r, theta)[0], -0] });
    const report = vjpcheck((r: number, theta: number) => [r * Math.cos(theta), 0 * r], off, [[1, 0.5]], { throwOnFailure: false });
    expect(report.failures).toEqual([{ sample: 0, message: "value differs from f's result: value[1] is -0, expected 0" }]);
  });

  test("a VJP that changes its seed fails", () => {
    const mutating = (r: number, theta: number, seed: unknown) => {
      const result = polarVjp(r, theta, seed);
      (seed as number[])[0] = 0;
      return result;
    };
    expect(vjpcheck(polar, mutating, samples, { throwOnFailure: false }).failures[0]).toEqual({ sample: 0, message: "the VJP changed its seed (seed value[0])" });
  });
});
