/** adgen/vitest: the toMatchNumericalGradient matcher passes a right gradient and fails a wrong one, naming the worst coordinate. */
import { describe, expect, it } from "vitest";
import "../../src/vitest/index.js";
import { f } from "../../fixtures/seed.js";
import { fGrad } from "../../fixtures/seed.grad.js";
import { huber, huberSamples } from "../../fixtures/losses.js";
import { huberGrad } from "../../fixtures/losses.grad.js";

const samples: [number][] = [[2], [-0.5], [1.25]];
/** The derivative of x^2 + x is 2x + 1; this gives 2x. */
const wrongGrad = (x: number) => ({ value: f(x), grad: { x: 2 * x } });

describe("toMatchNumericalGradient", () => {
  it("passes for adgen's gradients of the fixtures", () => {
    expect(fGrad).toMatchNumericalGradient(f, samples);
    expect(huberGrad).toMatchNumericalGradient(huber, huberSamples);
  });

  it("fails for a wrong gradient with gradcheck's account of the worst coordinate", () => {
    expect(() => expect(wrongGrad).toMatchNumericalGradient(f, samples)).toThrow(/^expected wrongGrad to match the numerical gradient of f:\n.*grad\.x: worst at x, sample \d/s);
    expect(wrongGrad).not.toMatchNumericalGradient(f, samples);
    expect(() => expect(fGrad).not.toMatchNumericalGradient(f, samples)).toThrow("expected fGrad not to match the numerical gradient of f, but it did at 3 of 3 samples");
  });

  it("passes gradcheck's options on", () => {
    // An error of about 1e-3 relative passes a tolerance of 1e-2 and fails the default 1e-6.
    const rough = (x: number) => ({ value: f(x), grad: { x: (2 * x + 1) * (1 + 1e-3) } });
    expect(rough).toMatchNumericalGradient(f, samples, { rtol: 1e-2 });
    expect(rough).not.toMatchNumericalGradient(f, samples);
    const anonymous = (a: number) => a * a + a;
    expect(() => expect(fGrad).toMatchNumericalGradient(anonymous, samples, { parameters: ["y"] })).toThrow(/numerical gradient of anonymous/);
  });

  it("says what is wrong when it is not given functions", () => {
    expect(() => expect(42).toMatchNumericalGradient(f, samples)).toThrow("expected a gradient function (<name>Grad), received number");
  });
});
