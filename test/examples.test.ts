/**
 * The README's examples run and converge: Newton's method with conjugate
 * gradients on Hessian-vector products (examples/newton-cg.ts) and a
 * Gauss-Newton curve fit with the Jacobian (examples/gauss-newton.ts). The
 * README shows these files as they are, and their generated modules are fresh.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { gaussNewton } from "../examples/gauss-newton.js";
import { newtonCG } from "../examples/newton-cg.js";
import { generate } from "../src/generate.js";
import { repoRoot } from "./helpers/fixtures.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const file = (name: string) => readFileSync(join(repoRoot, "examples", name), "utf8");

test("Newton-CG with rosenbrockHvp reaches the minimum of the 10-dimensional Rosenbrock function", () => {
  const start = Array.from({ length: 10 }, (_, i) => Math.cos(i));
  const x = newtonCG(start);
  for (const xi of x) expect(Math.abs(xi - 1)).toBeLessThan(1e-8);
});

test("Gauss-Newton with residualsJacobian recovers the parameters of noiseless data", () => {
  const truth: [number, number, number] = [2.5, 0.8, 0.3];
  const t = Array.from({ length: 40 }, (_, i) => i / 8);
  const y = t.map((ti) => truth[0] * Math.exp(-truth[1] * ti) + truth[2]);
  const p = gaussNewton([1, 0.3, 0], t, y);
  p.forEach((pi, i) => expect(Math.abs(pi - truth[i]!)).toBeLessThan(1e-9));
});

test("the README shows the examples as they are, and their generated modules are fresh", async () => {
  for (const name of ["rosenbrock.ts", "newton-cg.ts", "decay.ts", "gauss-newton.ts"]) expect(readme).toContain(file(name));
  for (const name of ["rosenbrock", "decay"]) {
    const result = await generate([{ path: `examples/${name}.ts`, text: file(`${name}.ts`) }]);
    expect(result.outputs[0]!.text).toBe(file(`${name}.grad.ts`));
  }
}, 30_000);
