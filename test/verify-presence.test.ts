/** Which entries grad must hold: exactly what adgen differentiates (`wrt`), each in its parameter's shape. */
import { describe, expect, test } from "vitest";
import { gradcheck, vjpcheck } from "../src/verify/index.js";

const loss = (w: number[], b: number, n: number) => w.reduce((s, x) => s + x * x, 0) * b + 0 * n;
const lossGrad = (w: number[], b: number, n: number) => ({ value: loss(w, b, n), grad: { w: w.map((x) => 2 * x * b), b: w.reduce((s, x) => s + x * x, 0) } });
const samples: [number[], number, number][] = [[[1, -2], 0.5, 3]];
const wrt = ["w", "b"];

/** The report's parameter rows that failed, with their reasons. */
const problems = (report: ReturnType<typeof gradcheck>) => report.parameters.filter((p) => !p.pass).map((p) => [p.parameter, p.problem]);

describe("with wrt", () => {
  test("grad holding exactly those parameters in their shapes passes", () => {
    expect(gradcheck(loss, lossGrad, samples, { wrt }).parameters.map((p) => p.parameter)).toEqual(["w", "b"]);
  });

  test("a missing entry fails, naming it and what is differentiated", () => {
    const noB = (w: number[], b: number, n: number) => ({ value: loss(w, b, n), grad: { w: lossGrad(w, b, n).grad.w } });
    const report = gradcheck(loss, noB, samples, { wrt, throwOnFailure: false });
    expect(problems(report)).toEqual([["b", "sample 0: grad.b is missing: loss is differentiated with respect to w, b"]]);
    const empty = gradcheck(loss, (w: number[], b: number, n: number) => ({ value: loss(w, b, n), grad: {} }), samples, { wrt, throwOnFailure: false });
    expect(problems(empty).map(([parameter]) => parameter)).toEqual(["w", "b"]);
    expect(empty.pass).toBe(false);
  });

  test("an entry for a parameter that is not differentiated fails", () => {
    const withN = (w: number[], b: number, n: number) => ({ ...lossGrad(w, b, n), grad: { ...lossGrad(w, b, n).grad, n: 0 } });
    expect(problems(gradcheck(loss, withN, samples, { wrt, throwOnFailure: false }))).toEqual([
      ["n", "sample 0: grad.n is present, but loss is differentiated with respect to w, b"],
    ]);
  });

  test("a misshapen entry fails: wrong length, a number for an array, a plain array for a Float64Array, a stray field", () => {
    const withW = (gw: unknown) => (w: number[], b: number, n: number) => ({ value: loss(w, b, n), grad: { w: gw, b: lossGrad(w, b, n).grad.b } });
    const check = (gw: unknown) => problems(gradcheck(loss, withW(gw), samples, { wrt, throwOnFailure: false }));
    expect(check([2])).toEqual([["w", "sample 0: grad.w is an array of length 1, expected an array of length 2"]]);
    expect(check(2)).toEqual([["w", "sample 0: grad.w is the number 2, expected an array of length 2"]]);
    expect(check(new Float64Array([1, -4]))).toEqual([["w", "sample 0: grad.w is a Float64Array of length 2, expected an array of length 2"]]);

    const norm = (v: Float64Array) => v[0]! * v[0]! + v[1]! * v[1]!;
    const plain = (v: Float64Array) => ({ value: norm(v), grad: { v: [2 * v[0]!, 2 * v[1]!] } });
    expect(problems(gradcheck(norm, plain, [[new Float64Array([1, 2])]], { wrt: ["v"], throwOnFailure: false }))).toEqual([
      ["v", "sample 0: grad.v is an array of length 2, expected a Float64Array of length 2"],
    ]);

    const scaled = (m: { w: number; on: boolean }) => (m.on ? m.w * m.w : 0);
    const stray = (m: { w: number; on: boolean }) => ({ value: scaled(m), grad: { m: { w: 2 * m.w, on: 0 } } });
    expect(problems(gradcheck(scaled, stray, [[{ w: 1.5, on: true }]], { wrt: ["m"], throwOnFailure: false }))).toEqual([
      ["m", "sample 0: grad.m.on is present, but the argument has no numbers in field on"],
    ]);
  });

  test("an entry that is an argument's own array, not a fresh one, fails", () => {
    // d/dw of sum(w^2) / 2 is w itself: a gradient may not hand back the argument.
    const half = (w: number[]) => w.reduce((s, x) => s + x * x, 0) / 2;
    const aliased = (w: number[]) => ({ value: half(w), grad: { w } });
    expect(gradcheck(half, (w: number[]) => ({ value: half(w), grad: { w: w.slice() } }), [[[1, -2]]], { wrt: ["w"] }).pass).toBe(true);
    expect(gradcheck(half, aliased, [[[1, -2]]], { wrt: ["w"], throwOnFailure: false }).failures).toEqual([
      { sample: 0, message: "grad.w is an array of the arguments, not a fresh one" },
    ]);
  });

  test("a VJP's grad is held to the same rule in every call", () => {
    const pair = (x: number, y: number): [number, number] => [x * y, x + y];
    const noY = (x: number, y: number, seed: unknown) => {
      const [s0, s1] = seed as [number, number];
      return { value: pair(x, y), grad: { x: s0 * y + s1 } };
    };
    const report = vjpcheck(pair, noY, [[0.5, 2]], { wrt: ["x", "y"], throwOnFailure: false });
    expect(report.parameters.map((p) => [p.parameter, p.pass, p.problem])).toEqual([
      ["x", true, undefined],
      ["y", false, "sample 0, seed value[0]: grad.y is missing: pair is differentiated with respect to x, y"],
    ]);
  });
});

describe("without wrt", () => {
  test("a parameter grad leaves out must have a numerical derivative of 0", () => {
    const report = gradcheck(loss, lossGrad, samples);
    expect(report.parameters.map((p) => [p.parameter, p.leftOut ?? false, p.pass])).toEqual([["w", false, true], ["b", false, true], ["n", true, true]]);
    const noB = (w: number[], b: number, n: number) => ({ value: loss(w, b, n), grad: { w: lossGrad(w, b, n).grad.w } });
    expect(() => gradcheck(loss, noB, samples)).toThrow(/grad\.b is missing, but the function depends on b: worst at b, sample 0: numerical derivative 5\.0\d*; allowed 5\.0e-6/);
  });

  test("an empty grad fails a VJP wherever the function depends on a parameter", () => {
    const pair = (x: number, y: number): [number, number] => [x * y, x + y];
    const report = vjpcheck(pair, (x: number, y: number) => ({ value: pair(x, y), grad: {} }), [[0.5, 2]], { throwOnFailure: false });
    expect(report.parameters.map((p) => [p.parameter, p.leftOut, p.pass])).toEqual([["x", true, false], ["y", true, false]]);
  });
});
