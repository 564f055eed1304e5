/** The gradient throws where the function throws, with the same error; elsewhere it is the function's. */
import { expect, test } from "vitest";
import { ease, normalLogPdf, pearson, pick } from "../fixtures/statements.js";
import { easeGrad, normalLogPdfGrad, pearsonGrad, pickGrad } from "../fixtures/statements.grad.js";

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

test.each([
  ["pearson with lengths that differ", () => pearson([1, 2], [1]), () => pearsonGrad([1, 2], [1])],
  ["pearson with a value that is not finite", () => pearson([1, NaN], [1, 2]), () => pearsonGrad([1, NaN], [1, 2])],
  ["a helper's guard", () => normalLogPdf(1, -1), () => normalLogPdfGrad(1, -1)],
  ["a guard in a switch's default", () => ease(-1, 9), () => easeGrad(-1, 9)],
  ["a message with numbers in it", () => pick([1, 2], 2.5), () => pickGrad([1, 2], 2.5)],
])("%s: the same error from the gradient", (_name, f, g) => {
  const expected = thrown(f) as Error;
  const got = thrown(g) as Error;
  expect(expected).toBeInstanceOf(Error);
  expect(got).toBeInstanceOf(expected.constructor as ErrorConstructor);
  expect(got.message).toBe(expected.message);
});
