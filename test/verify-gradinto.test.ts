/** `gradcheck`'s `gradInto` option: `<name>GradInto` adds into the caller's buffers, starting from what they hold. */
import { describe, expect, test } from "vitest";
import { presetFor } from "../src/verify/gradinto.js";
import { gradcheck } from "../src/verify/index.js";

interface Model {
  w: number[];
  b: number;
  on: boolean;
}
type Grad = { m: { w: number[]; b: number }; v: Float64Array };

/** sum_i w_i v_i + b, over an object parameter and a Float64Array: buffers of three kinds. */
const f = (m: Model, v: Float64Array, scale: number) => scale * (m.w.reduce((s, w, i) => s + w * v[i]!, 0) + m.b);

/** As adgen writes it: adds the gradient into `grad`. */
function fGradInto(m: Model, v: Float64Array, scale: number, grad: Grad): number {
  m.w.forEach((w, i) => {
    grad.m.w[i]! += scale * v[i]!;
    grad.v[i]! += scale * w;
  });
  grad.m.b += scale;
  return f(m, v, scale);
}

/** As adgen writes it: zeroed buffers, then GradInto. */
function gradOf(into: typeof fGradInto) {
  return (m: Model, v: Float64Array, scale: number) => {
    const grad = { m: { w: m.w.map(() => 0), b: 0 }, v: new Float64Array(v.length) };
    return { value: into(m, v, scale, grad), grad };
  };
}

const samples: [Model, Float64Array, number][] = [
  [{ w: [1, -2], b: 0.5, on: true }, new Float64Array([0.3, 4]), 1e-3],
  [{ w: [0.25, 3], b: -1, on: false }, new Float64Array([-1, 2]), 2],
];
const wrt = ["m", "v"];

/** The report of gradcheck with `gradInto`, for a GradInto that may differ from the one Grad wraps. */
function check(into: (m: Model, v: Float64Array, scale: number, grad: Grad) => number, grad = gradOf(fGradInto)) {
  return gradcheck(f, grad, samples, { wrt, gradInto: into, throwOnFailure: false });
}

const messages = (report: ReturnType<typeof gradcheck>) => [...report.parameters.flatMap((p) => p.problem ?? []), ...report.failures.map((n) => n.message)];

describe("gradInto", () => {
  test("passes a GradInto that adds into object, array and Float64Array buffers", () => {
    const report = check(fGradInto);
    expect(report.pass).toBe(true);
    expect(report.parameters.map((p) => p.parameter)).toEqual(["m", "v"]);
  });

  test("fails one that overwrites its buffers, or adds twice", () => {
    const overwriting = (m: Model, v: Float64Array, scale: number, grad: Grad) => {
      grad.m.b = 0;
      return fGradInto(m, v, scale, grad);
    };
    expect(messages(check(overwriting))).toEqual([
      "sample 0: fGradInto must add to its buffers: from 0.0009765625, grad.m.b becomes 0.001, expected 0.0009765625 + 0.001 (fGrad's)",
    ]);
    const twice = (m: Model, v: Float64Array, scale: number, grad: Grad) => {
      fGradInto(m, v, scale, grad);
      return fGradInto(m, v, scale, grad);
    };
    expect(messages(check(twice, gradOf(fGradInto)))).toEqual([
      "sample 0: fGradInto from zeroed buffers gives grad.m.w[0] = 0.0006, fGrad gives 0.0003",
      "sample 0: fGradInto from zeroed buffers gives grad.v[0] = 0.002, fGrad gives 0.001",
    ]);
  });

  test("fails one that replaces a buffer instead of adding into it, returns another value or changes its arguments", () => {
    const replacing = (m: Model, v: Float64Array, scale: number, grad: Grad) => {
      const value = fGradInto(m, v, scale, grad);
      grad.v = Float64Array.from(grad.v);
      return value;
    };
    expect(messages(check(replacing))).toEqual(["fGradInto replaced the buffer grad.v instead of adding into it", "fGradInto replaced the buffer grad.v instead of adding into it"]);
    const off = (m: Model, v: Float64Array, scale: number, grad: Grad) => fGradInto(m, v, scale, grad) * (1 + 1e-15);
    expect(messages(check(off))[0]).toMatch(/^fGradInto returns \S+, f gives \S+$/);
    const mutating = (m: Model, v: Float64Array, scale: number, grad: Grad) => {
      const value = fGradInto(m, v, scale, grad);
      m.b = 7;
      return value;
    };
    expect(messages(check(mutating))[0]).toBe("fGradInto changed its arguments");
  });

  test("holds a tiny gradient to its own scale: the preset is a power of two of about its size", () => {
    const tiny = (x: number) => 1e-300 * x * x;
    const tinyInto = (x: number, grad: { x: number }) => ((grad.x += 2e-300 * x), tiny(x));
    const tinyGrad = (x: number) => {
      const grad = { x: 0 };
      return { value: tinyInto(x, grad), grad };
    };
    expect(gradcheck(tiny, tinyGrad, [[1.5]], { gradInto: tinyInto }).pass).toBe(true);
    const overwrite = (x: number, grad: { x: number }) => ((grad.x = 2e-300 * x), tiny(x));
    expect(gradcheck(tiny, tinyGrad, [[1.5]], { gradInto: overwrite, throwOnFailure: false }).pass).toBe(false);
  });

  test("presets: 2^round(log2 |g|), 1 for 0 and for numbers that are not finite", () => {
    expect([3, -0.001, 0, NaN, Infinity, 1e308, 5e-324].map(presetFor)).toEqual([4, 2 ** -10, 1, 1, 1, 2 ** 1023, 2 ** -1074]);
  });
});
