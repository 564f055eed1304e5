/** `adgen verify` end to end, in-process through main(), with the real compiler, in temporary directories. */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { adgen, project } from "./helpers/verify.js";

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TIMEOUT_MS = 30_000;

const seed = readFileSync(path.join(repoRoot, "fixtures/seed.ts"), "utf8");
/** No samples anywhere: verified at random inputs. */
const noSamples = "export function g(x: number, y: number): number {\n  return x * x * y + Math.sin(y);\n}\n";

/** Outside the subset, so written with a hand-made gradient and verified with --no-generate. */
const throwing = `export function r(x: number): number {
  if (x > 1) throw new Error("x too large");
  return x * x;
}
export const rSamples: Parameters<typeof r>[] = [[0.5], [2], [-1]];
`;
const throwingGrad = `export function rGrad(x: number) {
  return { value: x * x, grad: { x: 2 * x } };
}
`;

const arrays = `export function bilinear(w: number[], X: number[][], v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < X.length; i++) for (let j = 0; j < X[i]!.length; j++) s += w[i]! * X[i]![j]! * v[j]!;
  return s;
}
`;
const arraysGrad = `export function bilinearGrad(w: number[], X: number[][], v: Float64Array) {
  const row = (i: number) => X[i]!.reduce((s, x, j) => s + x * v[j]!, 0);
  const col = (j: number) => X.reduce((s, r, i) => s + w[i]! * r[j]!, 0);
  let value = 0;
  for (let i = 0; i < X.length; i++) for (let j = 0; j < X[i]!.length; j++) value += w[i]! * X[i]![j]! * v[j]!;
  return {
    value,
    grad: { w: X.map((_, i) => row(i)), X: X.map((r, i) => r.map((_, j) => w[i]! * v[j]!)), v: Float64Array.from(v, (_, j) => col(j)) },
  };
}
`;

/** Replaces `fGrad` by one whose derivative is 1.5 times too large, as a careless hand edit might. */
function handEdit(generated: string): string {
  return `${generated.replace("export function fGrad(", "function exactGrad(")}
export function fGrad(x: number) {
  const { value, grad } = exactGrad(x);
  return { value, grad: { x: 1.5 * grad.x } };
}
`;
}

describe("adgen verify", () => {
  it("regenerates the gradient, verifies it at the exported samples and exits 0", async () => {
    const dir = project({ "seed.ts": seed });
    const run = await adgen(dir, ["verify", "seed.ts"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines.slice(0, 3)).toEqual(["wrote seed.grad.ts", "seed.ts", expect.stringMatching(/^ {2}function +parameter +samples +max abs error +error\/allowed +worst +result$/)]);
    expect(lines[3]).toMatch(/^ {2}f +x +3 +\S+ +\S+ +x, sample \d +PASS$/);
    expect(run.stdout.endsWith("\n\n1 function in 1 file: 1 passed, 0 failed.\n")).toBe(true);
  }, TIMEOUT_MS);

  it("with --no-generate catches a hand-edited gradient, exits 1 and names the parameter; without, regenerates it", async () => {
    const dir = project({ "seed.ts": seed });
    await adgen(dir, ["verify", "seed.ts"]);
    const gradFile = path.join(dir, "seed.grad.ts");
    writeFileSync(gradFile, handEdit(readFileSync(gradFile, "utf8")));

    const edited = await adgen(dir, ["verify", "--no-generate", "seed.ts"]);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/^ {2}f +x +3 +\S+ +\S+ +x, sample \d +FAIL$/m);
    expect(edited.stdout).toMatch(/^ {2}FAIL f: grad\.x: worst at x, sample \d: gradient \S+, numerical \S+; abs error \S+, rel error 0\.5, allowed \S+$/m);
    expect(edited.stdout).toMatch(/\n1 function in 1 file: 0 passed, 1 failed\.\n$/);

    const regenerated = await adgen(dir, ["verify", "seed.ts"]);
    expect(regenerated.code).toBe(0);
    expect(regenerated.stdout).toMatch(/^wrote seed\.grad\.ts\n/);
  }, TIMEOUT_MS);

  it("fails a file it cannot verify: a missing or outdated gradient, a source with errors", async () => {
    const dir = project({ "seed.ts": seed, "cube.ts": noSamples, "broken.ts": "export function h(x: number): number {\n  return x * bad;\n}\n" });
    await adgen(dir, ["seed.ts"]);
    writeFileSync(path.join(dir, "seed.ts"), `${seed}\nexport function twice(x: number): number {\n  return 2 * x;\n}\n`);

    const outdated = await adgen(dir, ["verify", "--no-generate", "seed.ts", "cube.ts"]);
    expect(outdated.code).toBe(1);
    expect(outdated.stdout).toContain("  FAIL twice: the gradient module exports no twiceGrad; it is out of date\n");
    expect(outdated.stdout).toContain("cube.ts\n  FAIL cube.grad.ts does not exist; run adgen on cube.ts first\n");
    expect(outdated.stdout).toMatch(/\n2 functions in 2 files: 1 passed, 1 failed; 1 file not verified\.\n$/);

    const broken = await adgen(dir, ["verify", "broken.ts"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^broken\.ts:2:14 - error (ADG|TS)\d{4}: /);
    expect(broken.stdout).toContain("broken.ts\n  FAIL its gradient could not be generated (see the errors above)\n");
  }, TIMEOUT_MS);

  it("checks a user-defined adjoint numerically like a generated gradient: a wrong rule fails", async () => {
    const source = (factor: string) => `function cube(x: number): number {
  return x * x * x;
}
/** @adjoint cube */
export function cubeAdjoint(x: number, value: number, dvalue: number): { x: number } {
  return { x: dvalue * ${factor} * x * x };
}
export function h(x: number): number {
  return cube(x) + x;
}
export const hSamples: Parameters<typeof h>[] = [[0.5], [2]];
`;
    const right = await adgen(project({ "h.ts": source("3") }), ["verify", "h.ts"]);
    expect(right).toMatchObject({ code: 0 });
    const wrong = await adgen(project({ "h.ts": source("2") }), ["verify", "h.ts"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/FAIL h: grad\.x/);
  }, TIMEOUT_MS);

  it("reports a sample at which the function throws as skipped, not failed", async () => {
    const dir = project({ "throwing.ts": throwing, "throwing.grad.ts": throwingGrad });
    const run = await adgen(dir, ["verify", "--no-generate", "throwing.ts"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}r +x +2 +\S+ +\S+ +x, sample [02] +PASS$/m);
    expect(run.stdout).toContain("  skipped r: sample 1: r throws: x too large\n");
    expect(run.stdout).toMatch(/\n1 function in 1 file: 1 passed, 0 failed; 1 sample skipped\.\n$/);
  }, TIMEOUT_MS);

  it("--json prints only the documented report on stdout", async () => {
    const dir = project({ "seed.ts": seed, "throwing.ts": throwing, "throwing.grad.ts": throwingGrad.replace("2 * x", "2 * x + 1e-3") });
    await adgen(dir, ["seed.ts"]);
    const run = await adgen(dir, ["verify", "--json", "--no-generate", "seed.ts", "throwing.ts"]);
    expect(run.code).toBe(1);
    const worst = { sample: expect.any(Number), coordinate: "x", ad: expect.any(Number), fd: expect.any(Number), allowed: expect.any(Number) };
    const parameter = (pass: boolean) => ({ parameter: "x", samples: expect.any(Number), maxAbsError: expect.any(Number), maxErrorRatio: expect.any(Number), worst, problem: null, pass });
    expect(JSON.parse(run.stdout)).toEqual({
      pass: false,
      options: { rtol: 1e-6, seed: 1, size: 5, samples: 5, generate: false },
      files: [
        {
          source: "seed.ts",
          gradient: "seed.grad.ts",
          pass: true,
          error: null,
          functions: [{ function: "f", rtol: 1e-6, samples: 3, checked: 3, skipped: [], failures: [], parameters: [parameter(true)], pass: true, sampleSource: "export" }],
        },
        {
          source: "throwing.ts",
          gradient: "throwing.grad.ts",
          pass: false,
          error: null,
          functions: [
            {
              function: "r",
              rtol: 1e-6,
              samples: 3,
              checked: 2,
              skipped: [{ sample: 1, message: "r throws: x too large" }],
              failures: [],
              parameters: [parameter(false)],
              pass: false,
              sampleSource: "export",
            },
          ],
        },
      ],
      summary: { files: 2, unverifiedFiles: 0, functions: 2, passed: 1, failed: 1, skippedSamples: 1 },
    });

    const generating = await adgen(dir, ["verify", "--json", "seed.ts"]);
    expect(generating.stderr).toBe("unchanged seed.grad.ts\n");
    expect(JSON.parse(generating.stdout).pass).toBe(true);
  }, TIMEOUT_MS);

  it("draws reproducible random inputs from --seed, with arrays of --size", async () => {
    const dir = project({ "cube.ts": noSamples, "arrays.ts": arrays, "arrays.grad.ts": arraysGrad });
    await adgen(dir, ["cube.ts"]);
    const report = async (...flags: string[]) => {
      const run = await adgen(dir, ["verify", "--json", "--no-generate", "cube.ts", "arrays.ts", ...flags]);
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as { files: { functions: { sampleSource: string; samples: number; parameters: { worst: { coordinate: string; fd: number } }[] }[] }[] };
    };
    const first = await report("--seed", "7", "--size", "3", "--samples", "4");
    expect(await report("--seed", "7", "--size", "3", "--samples", "4")).toEqual(first);
    expect(await report("--seed", "8", "--size", "3", "--samples", "4")).not.toEqual(first);

    const [g, bilinear] = first.files.map((file) => file.functions[0]!);
    expect(g).toMatchObject({ sampleSource: "random", samples: 4 });
    expect(bilinear).toMatchObject({ sampleSource: "random", samples: 4 });
    for (const p of bilinear!.parameters) expect(p.worst.coordinate).toMatch(/^(w\[[0-2]\]|X\[[0-2]\]\[[0-2]\]|v\[[0-2]\])$/);
  }, TIMEOUT_MS);

  it("takes samples from <name>.samples.json when the source exports none", async () => {
    const dir = project({ "cube.ts": noSamples, "cube.samples.json": JSON.stringify({ g: [[0.5, 1.5], [-1, 2]] }) });
    const run = await adgen(dir, ["verify", "--json", "cube.ts"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).files[0].functions[0]).toMatchObject({ sampleSource: "json", samples: 2, checked: 2, pass: true });
  }, TIMEOUT_MS);

  it("colours the table only when stdout is a terminal and NO_COLOR is unset", async () => {
    const dir = project({ "throwing.ts": throwing, "throwing.grad.ts": throwingGrad });
    const hasEscape = async (options: { stdoutIsTTY?: boolean; env?: Record<string, string> }) =>
      (await adgen(dir, ["verify", "--no-generate", "throwing.ts"], options)).stdout.includes("\u001b[");
    expect(await hasEscape({ stdoutIsTTY: true })).toBe(true);
    expect(await hasEscape({ stdoutIsTTY: true, env: { NO_COLOR: "1" } })).toBe(false);
    expect(await hasEscape({ stdoutIsTTY: false })).toBe(false);
  }, TIMEOUT_MS);

  it("--help states the tolerance and what is checked of Grad, GradInto and Vjp", async () => {
    const run = await adgen(project({}), ["verify", "--help"]);
    expect(run.code).toBe(0);
    const text = run.stdout.replace(/\s+/g, " ");
    expect(text).toContain("A component passes when |ad - fd| <= rtol * |fd| + 16 e, e the estimated error of fd itself");
    expect(text).toContain("grad must hold exactly the parameters adgen differentiates");
    expect(text).toContain("from buffers preset to non-zero numbers it must add Grad's gradient to them");
    expect(text).toContain("every number of value must equal <name>'s result exactly");
  });

  it.each([
    { argv: ["verify", "--rtol", "0", "seed.ts"], stderr: "adgen: error: option '--rtol <x>' argument '0' is invalid. Expected a positive number.\n" },
    { argv: ["verify", "--seed", "1.5", "seed.ts"], stderr: "adgen: error: option '--seed <n>' argument '1.5' is invalid. Expected an integer.\n" },
    { argv: ["verify", "--size", "0", "seed.ts"], stderr: "adgen: error: option '--size <n>' argument '0' is invalid. Expected a positive integer.\n" },
    { argv: ["verify"], stderr: "adgen: error: missing required argument 'files'\n" },
  ])("usage error: $argv", async ({ argv, stderr }) => {
    expect(await adgen(project({ "seed.ts": seed }), argv)).toEqual({ code: 2, stdout: "", stderr });
  });
});
