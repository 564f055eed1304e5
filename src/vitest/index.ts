/**
 * `adgen/vitest`: `expect(fGrad).toMatchNumericalGradient(f, samples)`, a
 * vitest matcher over `gradcheck` (adgen/verify). Importing this module
 * registers it (put `import "adgen/vitest";` in a setup file or the test);
 * `adgenMatchers` is there for `expect.extend` by hand.
 */
import { expect } from "vitest";
import { gradcheck, GradcheckError, type GradcheckOptions, type GradientFunction } from "../verify/index.js";

/** gradcheck's options but `throwOnFailure`, which the matcher decides. */
export type NumericalGradientOptions<A extends unknown[]> = Omit<GradcheckOptions<A>, "throwOnFailure">;

interface NumericalGradientMatchers<R = unknown> {
  /**
   * The received `<name>Grad` gives, at every sample (an argument list), a
   * gradient equal to the numerical derivative of `f` within `rtol`, a
   * `value` equal to `f`'s result, and leaves its arguments unchanged
   * (what `gradcheck` checks). A failure names the worst coordinate.
   */
  toMatchNumericalGradient<A extends unknown[]>(f: (...args: A) => number, samples: readonly A[], options?: NumericalGradientOptions<A>): R;
}

declare module "vitest" {
  interface Matchers<T = any> extends NumericalGradientMatchers<T> {}
}

type MatcherResult = { pass: boolean; message: () => string };

function toMatchNumericalGradient<A extends unknown[]>(
  received: unknown,
  f: (...args: A) => number,
  samples: readonly A[],
  options: NumericalGradientOptions<A> = {},
): MatcherResult {
  if (typeof received !== "function") return { pass: false, message: () => `expected a gradient function (<name>Grad), received ${typeof received}` };
  if (typeof f !== "function") return { pass: false, message: () => "toMatchNumericalGradient(f, samples): f must be the function the gradient differentiates" };
  const fGrad = received as GradientFunction<A>;
  const label = `${fGrad.name || "the gradient"}`;
  try {
    const report = gradcheck(f, fGrad, samples, { ...options, throwOnFailure: true });
    return { pass: true, message: () => `expected ${label} not to match the numerical gradient of ${report.function}, but it did at ${report.checked} of ${report.samples} samples` };
  } catch (error) {
    if (!(error instanceof GradcheckError)) throw error;
    return { pass: false, message: () => `expected ${label} to match the numerical gradient of ${error.report.function}:\n${error.message}` };
  }
}

export const adgenMatchers = { toMatchNumericalGradient };

expect.extend(adgenMatchers);
