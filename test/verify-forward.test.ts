/**
 * `adgen verify` and `gradcheck` check the forward-mode and second-order
 * functions too: a module generated with every derivative passes, and a
 * hand-edited Jvp, Hvp, Hessian or Jacobian fails in its own row.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gradcheck, vjpcheck } from "../src/verify/index.js";
import { adgen, project, replaceOnce } from "./helpers/verify.js";

const TIMEOUT_MS = 60_000;
const ALL = "grad,jvp,hvp,jacobian,hessian";

const source = `export function energy(x: number[], k: number): number {
  let e = 0;
  for (let i = 1; i < x.length; i++) {
    const d = x[i]! - x[i - 1]!;
    e += k * d * d * d * d + Math.cos(x[i]!);
  }
  return e;
}
export const energySamples: Parameters<typeof energy>[] = [[[0.1, 0.5, -0.3], 1.5], [[1, 2, 0.5, -1], 0.7]];

export function residuals(p: number[], t: number[]): number[] {
  const r: number[] = [];
  for (let i = 0; i < t.length; i++) r.push(p[0]! * Math.exp(-p[1]! * t[i]!) - Math.sin(t[i]!));
  return r;
}
export const residualsSamples: Parameters<typeof residuals>[] = [[[2, 0.5], [0, 0.5, 1, 1.5]]];
`;

async function generated(): Promise<{ dir: string; file: string }> {
  const dir = project({ "f.ts": source });
  const run = await adgen(dir, ["--derivatives", ALL, "f.ts"]);
  expect(run.code, run.stderr).toBe(0);
  return { dir, file: path.join(dir, "f.grad.ts") };
}

describe("adgen verify with every derivative", () => {
  it("passes, with a row per derivative function", async () => {
    const { dir } = await generated();
    const run = await adgen(dir, ["verify", "--no-generate", "f.ts"]);
    expect(run.code, run.stdout).toBe(0);
    for (const row of ["energyJvp: J·u", "energyHvp: H·v", "energyHessian", "residualsJvp: J·u", "residualsJacobian"]) {
      expect(run.stdout).toMatch(new RegExp(`^ {2}\\w+ +${row.replace(/[·:]/g, ".")} +\\d+ .*PASS$`, "m"));
    }
  }, TIMEOUT_MS);

  it("regenerates with --derivatives as adgen would, keeping the functions it checks", async () => {
    const { dir, file } = await generated();
    const before = readFileSync(file, "utf8");
    const run = await adgen(dir, ["verify", "--derivatives", ALL, "f.ts"]);
    expect(run.code, run.stdout).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(before);
  }, TIMEOUT_MS);

  for (const [what, from, to, row] of [
    ["a wrong Hvp", "hvp.k += dkDot;", "hvp.k += 1.5 * dkDot;", "energyHvp: H.v"],
    ["a wrong Jvp", "return { value: e, tangent: eDot };", "return { value: e, tangent: 1.01 * eDot };", "energyJvp: J.u"],
    ["a wrong Jacobian", "return { value: first.value, jacobian: rows };", "return { value: first.value, jacobian: rows.map((r) => r.map((x) => x * 1.1)) };", "residualsJacobian"],
  ] as const) {
    it(`fails ${what} in its row`, async () => {
      const { dir, file } = await generated();
      writeFileSync(file, replaceOnce(readFileSync(file, "utf8"), from, to));
      const run = await adgen(dir, ["verify", "--no-generate", "f.ts"]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`^ {2}\\w+ +${row} +\\d+ .*FAIL$`, "m"));
    }, TIMEOUT_MS);
  }
});

describe("gradcheck and vjpcheck", () => {
  const f = (x: number, y: number) => x * x * y + Math.sin(x * y);
  const fGrad = (x: number, y: number) => ({ value: f(x, y), grad: { x: 2 * x * y + y * Math.cos(x * y), y: x * x + x * Math.cos(x * y) } });
  const hessian = (x: number, y: number, scale = 1) => {
    const s = Math.sin(x * y);
    const c = Math.cos(x * y);
    return [[2 * y - y * y * s, 2 * x + c - x * y * s], [2 * x + c - x * y * s, -x * x * s * scale]];
  };
  const fHvp = (scale: number) => (x: number, y: number, v: { x: number; y: number }) => {
    const h = hessian(x, y, scale);
    return { ...fGrad(x, y), hvp: { x: h[0]![0]! * v.x + h[0]![1]! * v.y, y: h[1]![0]! * v.x + h[1]![1]! * v.y } };
  };
  const fJvp = (x: number, y: number, t: { x: number; y: number }) => {
    const { value, grad } = fGrad(x, y);
    return { value, tangent: grad.x * t.x + grad.y * t.y };
  };
  const samples: [number, number][] = [[0.5, 1.5], [-1, 0.25]];

  it("passes right forward functions and fails a wrong Hvp", () => {
    const right = gradcheck(f, fGrad, samples, { jvp: fJvp, hvp: fHvp(1), hessian: (x, y) => ({ ...fGrad(x, y), hessian: hessian(x, y) }), throwOnFailure: false });
    expect(right.pass).toBe(true);
    expect(right.parameters.map((p) => p.parameter)).toEqual(["x", "y", "fJvp: J·u", "fHvp: H·v", "fHessian"]);
    const wrong = gradcheck(f, fGrad, samples, { hvp: fHvp(2), throwOnFailure: false });
    expect(wrong.pass).toBe(false);
    expect(wrong.parameters.find((p) => p.parameter === "fHvp: H·v")!.pass).toBe(false);
  });

  it("vjpcheck takes a Jacobian, and fails one off by a factor", () => {
    const g = (x: number) => [x * x, Math.sin(x)];
    const gVjp = (x: number, seed: unknown) => {
      const [a, b] = seed as [number, number];
      return { value: g(x), grad: { x: a * 2 * x + b * Math.cos(x) } };
    };
    const jacobian = (factor: number) => (x: number) => ({ value: g(x), jacobian: [[2 * x * factor], [Math.cos(x)]] });
    expect(vjpcheck(g, gVjp, [[0.3], [1.2]], { jacobian: jacobian(1), throwOnFailure: false }).pass).toBe(true);
    expect(vjpcheck(g, gVjp, [[0.3], [1.2]], { jacobian: jacobian(1.01), throwOnFailure: false }).pass).toBe(false);
  });
});
