/**
 * The primitive table, row by row: every primitive with derivative rules has
 * its adjoint rule and its tangent rule checked against numerical
 * differentiation of what it computes (`apply`), at several points away from
 * its kinks, and the two rules against each other by the dot-product test
 * <J u, w> = <u, J^T w>, which holds to rounding. A primitive without rules
 * must have derivative zero where it is defined (the piecewise constant
 * ones), and every pure primitive must compute what its TypeScript text says.
 */
import { describe, expect, test } from "vitest";
import { Builder, emptyRegion } from "../src/ir/builder.js";
import { builtinPrimitives, type Primitive } from "../src/ir/primitives.js";
import type { Value } from "../src/ir/types.js";
import { run, type Scalar } from "./helpers/interpret.js";
import { expectGradClose, numericEstimate } from "./oracle.js";

/** Points inside each primitive's domain and away from its kinks, by arity. */
const points: Record<string, number[][]> = {
  unary: [[0.3], [0.71], [-0.45], [1.6]],
  binary: [[0.3, 0.8], [1.7, -0.4], [-0.9, 0.35], [2.5, 1.25]],
  variadic: [[0.3, -0.8, 1.1], [2, 0.5]],
};

/** Where a primitive's domain is narrower than the default points. */
const domains: Record<string, number[][]> = {
  log: [[0.3], [1.7], [4]], log1p: [[0.3], [-0.4], [3]], log2: [[0.3], [2.5]], log10: [[0.3], [12]],
  sqrt: [[0.3], [2.7]], asin: [[0.3], [-0.6]], acos: [[0.3], [-0.6]], atanh: [[0.3], [-0.6]],
  acosh: [[1.3], [3]], pow: [[0.7, 1.5], [2.5, -0.5], [1.3, 3]],
  rem: [[2.7, 1.1], [-3.3, 0.8], [5.5, -2.1]], div: [[0.3, 0.8], [-1.7, 2.5]],
  max: [[0.3, 0.8], [1.7, -0.4]], min: [[0.3, 0.8], [1.7, -0.4]],
  // Away from the jumps of the piecewise constant ones.
  floor: [[0.3], [-1.6]], ceil: [[0.3], [-1.6]], round: [[0.3], [-1.7]], trunc: [[0.3], [-1.6]], sign: [[0.3], [-1.6]],
};

const arityOf = (p: Primitive) => (p.arity === "variadic" ? "variadic" : p.arity === 1 ? "unary" : "binary");
const samplesOf = (p: Primitive) => domains[p.name] ?? points[arityOf(p)]!;

/** Numbers in, a number out: the pure primitives on numbers (tonumber's operand is a boolean). */
const numeric = builtinPrimitives().filter((p) => p.apply && p.resultType === "f64" && !["select", "nograd", "tonumber"].includes(p.name));

/** The rule's contributions for operands `x` as values computed by running the IR it builds. */
function applyRule(p: Primitive, x: number[], seed: number[], kind: "adjoint" | "tangent"): number[] {
  const region = emptyRegion(undefined);
  const b = new Builder(region);
  b.exact = false;
  const args = x.map(() => b.argument(region, "f64"));
  const seeds = (kind === "adjoint" ? [0] : x).map(() => b.argument(region, "f64"));
  region.args.push(...args, ...seeds);
  const y = b.prim(p.name, args);
  let out: (Value | undefined)[];
  if (kind === "adjoint") out = p.adjoint!(b, args, y, seeds[0]!, args.map(() => true));
  else out = [p.tangent!(b, args, y, seeds)];
  const values = run(region, [...x, ...seed] as Scalar[]);
  return out.map((v) => (v === undefined ? 0 : (values.get(v) as number)));
}

describe("the primitive table", () => {
  for (const p of numeric) {
    const f = (...x: number[]) => p.apply!(...x) as number;
    describe(p.name, () => {
      test("adjoint and tangent rules both, or neither", () => {
        expect(!!p.adjoint).toBe(!!p.tangent);
      });
      for (const x of samplesOf(p)) {
        const label = `(${x.join(", ")})`;
        if (!p.adjoint) {
          test(`derivative zero at ${label}`, () => {
            x.forEach((_, i) => expectGradClose(0, numericEstimate(f, x, [i]), { label: `d${p.name}/dx${i}` }));
          });
          continue;
        }
        test(`adjoint against numerical differentiation at ${label}`, () => {
          const grad = applyRule(p, x, [1], "adjoint");
          x.forEach((_, i) => expectGradClose(grad[i], numericEstimate(f, x, [i]), { label: `d${p.name}/dx${i}` }));
        });
        test(`tangent against numerical differentiation at ${label}`, () => {
          x.forEach((_, i) => {
            const unit = x.map((_, j) => (j === i ? 1 : 0));
            expectGradClose(applyRule(p, x, unit, "tangent")[0], numericEstimate(f, x, [i]), { label: `d${p.name}/dx${i}` });
          });
        });
        test(`dot-product test between tangent and adjoint at ${label}`, () => {
          const u = x.map((_, i) => 0.3 + 0.7 * i);
          const w = 1.9;
          const ju = applyRule(p, x, u, "tangent")[0]!;
          const jtw = applyRule(p, x, [w], "adjoint");
          const right = u.reduce((s, ui, i) => s + ui * jtw[i]!, 0);
          expect(Math.abs(ju * w - right)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(right)));
        });
      }
    });
  }

  test("every pure primitive computes what its TypeScript says", () => {
    for (const p of builtinPrimitives().filter((q) => q.apply)) {
      const args = ["and", "or", "not", "tonumber"].includes(p.name) ? [true, false].slice(0, p.arity === 1 ? 1 : 2) : samplesOf(p)[0]!;
      const text = p.emit(args.map((a) => `(${String(a)})`));
      const expected = new Function(`return ${text};`)() as Scalar;
      expect(Object.is(p.apply!(...args), expected), `${p.name}: ${text}`).toBe(true);
    }
  });
});
