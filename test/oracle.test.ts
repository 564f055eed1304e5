import { describe, expect, test } from "vitest";
import { expectGradClose, numericDerivative, numericEstimate } from "./oracle.js";

/**
 * The oracle's relative error. It stays under 1e-8, far below the 1e-6 the
 * fixtures are checked with; exp at 40 comes closest (1.6e-9), since the step
 * grows with |x| and the truncation error with the step.
 */
function relativeError(f: (x: number) => number, x: number, exact: number): number {
  return Math.abs(numericDerivative(f, [x], [0]) - exact) / Math.abs(exact);
}

describe("numericDerivative on functions with known derivatives", () => {
  test.for([
    {
      name: "quartic polynomial",
      f: (x: number) => 3 * x ** 4 - 2 * x ** 2 + x - 7,
      df: (x: number) => 12 * x ** 3 - 4 * x + 1,
      xs: [1.3, -0.4, 5],
    },
    { name: "exp", f: Math.exp, df: Math.exp, xs: [-3, 0.5, 2.5] },
    { name: "sin", f: Math.sin, df: Math.cos, xs: [-2, 1, 10] },
    { name: "cos(3x)", f: (x: number) => Math.cos(3 * x), df: (x: number) => -3 * Math.sin(3 * x), xs: [0.2, 1.7] },
    { name: "log", f: Math.log, df: (x: number) => 1 / x, xs: [0.3, 2, 1e6] },
    { name: "exp at a large value", f: Math.exp, df: Math.exp, xs: [40] },
    { name: "x^2 at a large argument", f: (x: number) => x * x, df: (x: number) => 2 * x, xs: [1e9, -3e12] },
    {
      name: "a small-valued function",
      f: (x: number) => 1e-12 * x ** 3,
      df: (x: number) => 3e-12 * x ** 2,
      xs: [0.7, 2],
    },
  ])("$name", ({ f, df, xs }) => {
    for (const x of xs) expect(relativeError(f, x, df(x)), `at x = ${x}`).toBeLessThan(1e-8);
  });

  test("a product of many terms, with respect to each factor", () => {
    const xs = [1.1, -0.7, 2.3, 0.4, -1.9, 3.2, 0.9, -1.3, 1.7, 0.6];
    const product = (...v: number[]) => v.reduce((p, x) => p * x, 1);
    xs.forEach((x, i) => {
      expectGradClose(numericDerivative(product, xs, [i]), product(...xs) / x, { rtol: 1e-9, label: `d/dx${i}` });
    });
  });

  test("large and small magnitudes in one function", () => {
    // f = 1e6 a^2 + 1e-6 sin(b) at a = 1e3 is about 1e12, whose spacing of
    // doubles is about 1e-4: the sin(b) term is lost, f(a, b +- h) round to the
    // same number and the oracle gives 0 for d/db ~ 1e-6. Its error estimate
    // (3 eps |f| / h, about 0.9) says so, so the exact derivative is accepted
    // against it, while d/da ~ 2e9 is held relatively.
    const f = (a: number, b: number) => 1e6 * a * a + 1e-6 * Math.sin(b);
    const args: [number, number] = [1e3, 0.3];
    expectGradClose(2e9, numericEstimate(f, args, [0]), { rtol: 1e-9 });
    const db = numericEstimate(f, args, [1]);
    expect(db.value).toBe(0);
    expect(db.error).toBeGreaterThan(1e-6);
    expectGradClose(1e-6 * Math.cos(0.3), db);
  });

  test("boolean arguments steer the function and are passed through unchanged", () => {
    const f = (x: number, square: boolean) => (square ? x * x : 3 * x);
    expectGradClose(numericDerivative(f, [1.5, true], [0]), 3, { rtol: 1e-9 });
    expectGradClose(numericDerivative(f, [1.5, false], [0]), 3, { rtol: 1e-9 });
    expectGradClose(numericDerivative(f, [-2, true], [0]), -4, { rtol: 1e-9 });
  });

  test("a coordinate inside an array argument, without mutating the arguments", () => {
    const sumOfSquares = (scale: number, v: number[][]) => scale * v.flat().reduce((s, x) => s + x * x, 0);
    const args: [number, number[][]] = [
      2,
      [
        [1, 2],
        [3, 4.5],
      ],
    ];
    const before = structuredClone(args);
    expectGradClose(numericDerivative(sumOfSquares, args, [1, 1, 1]), 2 * 2 * 4.5, { rtol: 1e-9 });
    expectGradClose(numericDerivative(sumOfSquares, args, [0]), 1 + 4 + 9 + 4.5 ** 2, { rtol: 1e-9 });
    expect(args).toStrictEqual(before);
  });

  test("a coordinate that is not a number is an error", () => {
    expect(() => numericDerivative((x: number, flag: boolean) => (flag ? x : 0), [1, true], [1])).toThrow(
      /\[1\] is not a number/,
    );
  });
});

describe("expectGradClose", () => {
  test("rejects a deliberately wrong gradient", () => {
    // d/dx sin(x) taken as sin(x) instead of cos(x).
    const oracle = numericDerivative(Math.sin, [1], [0]);
    expect(() => expectGradClose(Math.sin(1), oracle, { label: "d/dx" })).toThrow(/d\/dx: got/);
  });

  test("is relative above magnitude 1", () => {
    expect(() => expectGradClose(1e9 + 900, 1e9)).not.toThrow();
    expect(() => expectGradClose(1e9 + 1100, 1e9)).toThrow();
  });

  test("is relative to an exact number, with no absolute floor", () => {
    expect(() => expectGradClose(1e-7 * (1 + 9e-7), 1e-7)).not.toThrow();
    expect(() => expectGradClose(1e-7 * (1 + 1.1e-6), 1e-7)).toThrow();
    expect(() => expectGradClose(1e-12, 0)).toThrow();
    expect(() => expectGradClose(0, 0)).not.toThrow();
  });

  test("rejects the zero gradient of a small function, which an absolute floor of rtol let through", () => {
    const oracle = numericEstimate((x: number) => 1e-7 * x * x, [1], [0]);
    expect(() => expectGradClose(0, oracle, { label: "d/dx" })).toThrow(/d\/dx: got 0, expected 1\.99\d*e-7/);
    expect(() => expectGradClose(2e-7, oracle)).not.toThrow();
  });

  test("widens by the estimate's error, so a true zero passes against its rounding noise", () => {
    const noisy = { value: 3e-17, error: 2e-17, scale: 3e-17 };
    expect(() => expectGradClose(0, noisy)).not.toThrow();
    expect(() => expectGradClose(1e-12, noisy)).toThrow(/exceeds/);
  });

  test("rejects NaN and non-numbers", () => {
    expect(() => expectGradClose(NaN, 1)).toThrow(/got NaN/);
    expect(() => expectGradClose(undefined, 1)).toThrow(/expected a number, got undefined/);
  });

  test("compares nested arrays elementwise and names the failing element", () => {
    expect(() => expectGradClose([[1, 2], [3]], [[1, 2], [3]])).not.toThrow();
    expect(() => expectGradClose([[1, 2], [3.1]], [[1, 2], [3]], { label: "grad.w" })).toThrow(/grad\.w\[1\]\[0\]/);
    expect(() => expectGradClose([1], [1, 2])).toThrow(/length 2/);
  });
});
