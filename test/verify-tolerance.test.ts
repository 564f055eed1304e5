/**
 * The tolerance of `gradcheck` and `adgen verify`: relative to the
 * derivative plus what the numerical derivative cannot resolve, with no
 * absolute floor, so that it holds a function of any scale to the same
 * relative standard.
 */
import { describe, expect, test } from "vitest";
import { allowedError, gradcheck, numericEstimate } from "../src/verify/index.js";
import { ERROR_FACTOR } from "../src/verify/numeric.js";

const SCALES = [1e-12, 1e-7, 1, 1e7, 1e12];

/** Smooth functions of one variable with their exact derivatives, at points away from trouble. */
const smooth = [
  { name: "x^2", f: (x: number) => x * x, df: (x: number) => 2 * x, xs: [1, -0.3, 40] },
  { name: "sin(3x)", f: (x: number) => Math.sin(3 * x), df: (x: number) => 3 * Math.cos(3 * x), xs: [0.2, 1.7, -4] },
  { name: "exp", f: Math.exp, df: Math.exp, xs: [-3, 0.5, 2.5] },
  { name: "log", f: Math.log, df: (x: number) => 1 / x, xs: [0.3, 2, 1e6] },
  { name: "1 / (1 + x^2)", f: (x: number) => 1 / (1 + x * x), df: (x: number) => (-2 * x) / (1 + x * x) ** 2, xs: [0.1, 3] },
];

describe("the finite-difference error estimate", () => {
  test.for(smooth)("covers the actual error of $name at every scale, and is far smaller than rtol", ({ f, df, xs }) => {
    for (const c of SCALES) {
      for (const x of xs) {
        const estimate = numericEstimate((t: number) => c * f(t), [x], [0]);
        const actual = Math.abs(estimate.value - c * df(x));
        expect(actual, `${c} f at ${x}`).toBeLessThanOrEqual(ERROR_FACTOR * estimate.error);
        expect(estimate.error, `${c} f at ${x}`).toBeLessThan(1e-8 * Math.abs(c * df(x)));
      }
    }
  });

  test("is only the rounding bound where f does not depend on the coordinate", () => {
    const estimate = numericEstimate((x: number, y: number) => x * x + 0 * y, [1.5, 2], [1]);
    expect(estimate.value).toBe(0);
    expect(estimate.error).toBeLessThan(1e-11);
  });

  test("says a jump within the step cannot be resolved: the error is as large as the value", () => {
    const step = (x: number) => (x < 1 ? 0 : 1e-3);
    for (const x of [1 - 1e-4, 1 - 3e-4, 1 - 6e-4]) {
      const estimate = numericEstimate(step, [x], [0]);
      expect(estimate.value).not.toBe(0);
      expect(ERROR_FACTOR * estimate.error).toBeGreaterThan(Math.abs(estimate.value));
    }
  });
});

describe("gradcheck holds every scale to the same relative standard", () => {
  test("the zero gradient of 1e-7 x^2 at x = 1 fails; the true one passes", () => {
    const tiny = (x: number) => 1e-7 * x * x;
    const zero = gradcheck(tiny, (x: number) => ({ value: tiny(x), grad: { x: 0 } }), [[1]], { throwOnFailure: false });
    expect(zero.pass).toBe(false);
    expect(zero.parameters[0]!.worst).toMatchObject({ coordinate: "x", ad: 0 });
    expect(zero.parameters[0]!.worst!.fd).toBeCloseTo(2e-7, 18);
    expect(zero.parameters[0]!.worst!.allowed).toBeLessThan(1e-12);
    expect(gradcheck(tiny, (x: number) => ({ value: tiny(x), grad: { x: 2e-7 * x } }), [[1]]).pass).toBe(true);
  });

  test.for(SCALES)("at scale %d: true gradients pass, a gradient off by 1e-4 relative fails, so does a zero one", (c) => {
    const f = (x: number, y: number) => c * (Math.sin(x) * y + y * y);
    const exact = (x: number, y: number) => ({ x: c * Math.cos(x) * y, y: c * (Math.sin(x) + 2 * y) });
    const samples: [number, number][] = [[0.4, 1.3], [-2, 0.7], [1.1, -0.2]];
    const run = (scale: (g: { x: number; y: number }) => { x: number; y: number }) =>
      gradcheck(f, (x: number, y: number) => ({ value: f(x, y), grad: scale(exact(x, y)) }), samples, { throwOnFailure: false });
    const right = run((g) => g);
    expect(right.pass).toBe(true);
    expect(Math.max(...right.parameters.map((p) => p.maxErrorRatio))).toBeLessThan(0.1);
    expect(run((g) => ({ x: g.x * (1 + 1e-4), y: g.y })).parameters.map((p) => p.pass)).toEqual([false, true]);
    expect(run((g) => ({ x: g.x, y: 0 })).parameters.map((p) => p.pass)).toEqual([true, false]);
  });

  test("a derivative that is truly 0 passes against the rounding noise of its numerical value", () => {
    // exp(x) - x at x = 0: the rounded values of f(+-h) do not cancel exactly, so the central difference is 1e-13, not 0.
    const f = (x: number, y: number) => (Math.exp(x) - x) * y;
    const fGrad = (x: number, y: number) => ({ value: f(x, y), grad: { x: (Math.exp(x) - 1) * y, y: Math.exp(x) - x } });
    expect(numericEstimate(f, [0, 1], [0]).value).not.toBe(0);
    expect(gradcheck(f, fGrad, [[0, 1], [0, -3]]).pass).toBe(true);
  });

  test("a derivative that underflows in the numerical difference passes: rounding includes the smallest subnormal", () => {
    // f(x +- h) = 5e-324 * (x +- h) rounds to 0 or 5e-324: the difference quotient is 0 or about 7e-321.
    const f = (x: number) => Number.MIN_VALUE * x;
    expect(gradcheck(f, (x: number) => ({ value: f(x), grad: { x: Number.MIN_VALUE } }), [[0], [1]]).pass).toBe(true);
  });

  test("allowedError is rtol times the derivative plus ERROR_FACTOR times its estimated error", () => {
    expect(allowedError({ value: -2, error: 1e-12, scale: 2 }, 1e-6)).toBe(1e-6 * 2 + ERROR_FACTOR * 1e-12);
  });
});
