/**
 * Hand-edited generated files that an earlier `adgen verify --no-generate`
 * passed. Each starts from adgen's real output, changes one thing a careless
 * or malicious edit might, and must now fail with a message naming what is
 * wrong; the unedited output must pass.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { adgen, generateAndEdit, project, replaceOnce } from "./helpers/verify.js";

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const TIMEOUT_MS = 30_000;

const tiny = `export function tiny(x: number): number {
  return 1e-7 * x * x;
}
export const tinySamples: Parameters<typeof tiny>[] = [[1], [0.5], [-2]];
`;

/** Four outputs of two inputs, with rows 0 and 3 of the Jacobian different: [y, x] and [1, 2]. */
const four = `export function four(x: number, y: number): [number, number, number, number] {
  return [x * y, Math.sin(x), y * y, x + 2 * y];
}
export const fourSamples: Parameters<typeof four>[] = [[0.5, 1.5], [-1.2, 0.3]];
`;

describe("adgen verify --no-generate fails a hand-edited gradient", () => {
  it("an empty grad: {}: every parameter adgen differentiates must be present", async () => {
    const dir = project({ "tiny.ts": tiny });
    await generateAndEdit(dir, "tiny.ts", (text) => replaceOnce(text, "return { value: tinyGradInto(x, grad), grad };", "return { value: tinyGradInto(x, grad), grad: {} };"));
    const run = await adgen(dir, ["verify", "--no-generate", "tiny.ts"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}tiny +x +0 +- +- +- +FAIL$/m);
    expect(run.stdout).toContain("  FAIL tiny: sample 0: grad.x is missing: tiny is differentiated with respect to x\n");
  }, TIMEOUT_MS);

  it("an empty grad: {} written by hand for a source adgen cannot compile: left-out parameters are compared as 0", async () => {
    const source = "export function r(x: number): number {\n  try {\n    return x * x;\n  } catch {\n    return 0;\n  }\n}\nexport const rSamples: Parameters<typeof r>[] = [[0.5], [-1]];\n";
    const dir = project({ "r.ts": source, "r.grad.ts": "export function rGrad(x: number) {\n  return { value: x * x, grad: {} };\n}\n" });
    const run = await adgen(dir, ["verify", "--no-generate", "r.ts"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}r +x \(not in grad\) +2 +\S+ +\S+ +x, sample \d +FAIL$/m);
    expect(run.stdout).toMatch(/^ {2}FAIL r: grad\.x is missing, but the function depends on x: worst at x, sample \d: numerical derivative -?[12]\.0*\d*; allowed \S+$/m);
  }, TIMEOUT_MS);

  it("a GradInto that overwrites its buffers instead of adding: it is called on buffers preset to non-zero numbers", async () => {
    const dir = project({ "tiny.ts": tiny });
    await generateAndEdit(dir, "tiny.ts", (text) => replaceOnce(text, "grad.x += dx;", "grad.x = dx;"));
    const run = await adgen(dir, ["verify", "--no-generate", "tiny.ts"]);
    expect(run.code).toBe(1);
    // Grad is right (its buffer starts at 0), so the numbers pass and the row fails for GradInto alone.
    expect(run.stdout).toMatch(/^ {2}tiny +x +3 +\S+ +[\d.]+e-\d+ +x, sample \d +FAIL$/m);
    expect(run.stdout).toContain(
      "  FAIL tiny: sample 0: tinyGradInto must add to its buffers: from 2.384185791015625e-7, grad.x becomes 2e-7, expected 2.384185791015625e-7 + 2e-7 (tinyGrad's)\n",
    );
  }, TIMEOUT_MS);

  it("a GradInto that is wrong while Grad is right: from zeroed buffers it must give exactly Grad's gradient", async () => {
    const dir = project({ "tiny.ts": tiny });
    await generateAndEdit(dir, "tiny.ts", (text) => {
      const exact = replaceOnce(replaceOnce(text, "export function tinyGradInto(", "function exactGradInto("), "value: tinyGradInto(x, grad)", "value: exactGradInto(x, grad)");
      return `${exact}\nexport function tinyGradInto(x: number, grad: { x: number }): number {\n  const value = exactGradInto(x, grad);\n  grad.x *= 1 + 1e-9;\n  return value;\n}\n`;
    });
    const run = await adgen(dir, ["verify", "--no-generate", "tiny.ts"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}FAIL tiny: sample 0: tinyGradInto from zeroed buffers gives grad\.x = 2\.000000002e-7, tinyGrad gives 2e-7$/m);
  }, TIMEOUT_MS);

  it("a generated file without its GradInto, or with a right Vjp beside a wrong Grad: the source says what must be there", async () => {
    const dir = project({ "tiny.ts": tiny });
    await generateAndEdit(dir, "tiny.ts", (text) =>
      replaceOnce(replaceOnce(text, "export function tinyGradInto(", "function hiddenInto("), "value: tinyGradInto(x, grad)", "value: hiddenInto(x, grad)"),
    );
    const noInto = await adgen(dir, ["verify", "--no-generate", "tiny.ts"]);
    expect(noInto.code).toBe(1);
    expect(noInto.stdout).toContain("  FAIL tiny: the gradient module exports no tinyGradInto; it is out of date\n");

    await generateAndEdit(dir, "tiny.ts", (text) =>
      `${replaceOnce(text, "grad.x += dx;", "grad.x += 0 * dx;")}
export function tinyVjp(x: number, seed: number) {
  return { value: 1e-7 * x * x, grad: { x: seed * 2e-7 * x } };
}
`,
    );
    const withVjp = await adgen(dir, ["verify", "--no-generate", "tiny.ts"]);
    expect(withVjp.code).toBe(1);
    expect(withVjp.stdout).toMatch(/^ {2}FAIL tiny: grad\.x: worst at x, sample \d: gradient 0, /m);
  }, TIMEOUT_MS);

  it("a VJP whose value is permuted: every number of the value is compared", async () => {
    const dir = project({ "four.ts": four });
    expect((await adgen(dir, ["verify", "four.ts"])).code).toBe(0);
    await generateAndEdit(dir, "four.ts", (text) => replaceOnce(text, "value: [four0, four1, four2, four3]", "value: [four3, four1, four2, four0]"));
    const run = await adgen(dir, ["verify", "--no-generate", "four.ts"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("  FAIL four: sample 0: value differs from four's result: value[0] is 3.5, expected 0.75\n");
    expect(run.stdout).toContain("  FAIL four: sample 1: value differs from four's result: value[0] is -0.6, expected -0.36\n");
    expect(run.stdout).toMatch(/\n1 function in 1 file: 0 passed, 1 failed\.\n$/);
  }, TIMEOUT_MS);

  it("a VJP with rows 0 and 3 of the Jacobian swapped: each row is checked with its own seed", async () => {
    const dir = project({ "four.ts": four });
    await generateAndEdit(dir, "four.ts", (text) =>
      replaceOnce(replaceOnce(text, "const seed0 = seed[0];", "const seed0 = seed[3];"), "const seed3 = seed[3];", "const seed3 = seed[0];"),
    );
    const run = await adgen(dir, ["verify", "--no-generate", "four.ts"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}four +x +2 +\S+ +\S+ +x, sample \d +FAIL$/m);
    expect(run.stdout).toMatch(/^ {2}four +y +2 +\S+ +\S+ +y, sample \d +FAIL$/m);
    // Row 0 of the Jacobian is [y, x]: with seed value[0] the edited VJP returns row 3, [1, 2].
    expect(run.stdout).toMatch(/^ {2}FAIL four: grad\.x: worst at x, sample \d, seed value\[[03]\]: gradient \S+, numerical \S+; abs error \S+, rel error \S+, allowed \S+$/m);
  }, TIMEOUT_MS);


  it("the zero gradient of 1e-7 x^2: the tolerance scales with the function", async () => {
    const dir = project({ "tiny.ts": tiny });
    expect((await adgen(dir, ["verify", "tiny.ts"])).code).toBe(0);
    await generateAndEdit(dir, "tiny.ts", (text) => replaceOnce(text, "grad.x += dx;", "grad.x += 0 * dx;"));
    const run = await adgen(dir, ["verify", "--no-generate", "tiny.ts"]);
    expect(run.code).toBe(1);
    // Every sample's error is about a million times what is allowed: 1e-7 x^2 is resolved as well as x^2.
    expect(run.stdout).toMatch(/^ {2}tiny +x +3 +[\d.]+e-7 +[\d.]+e\+6 +x, sample \d +FAIL$/m);
    expect(run.stdout).toMatch(/^ {2}FAIL tiny: grad\.x: worst at x, sample \d: gradient 0, numerical \S+e-\d; abs error \S+e-7, rel error 1, allowed \S+e-13$/m);
  }, TIMEOUT_MS);
});

it("the real generated files of every fixture pass, Grad, GradInto and Vjp, with a wide margin", async () => {
  const run = await adgen(repoRoot, ["verify", "--no-generate", "--json", "fixtures/*.ts"]);
  expect(run.stderr).toBe("");
  const report = JSON.parse(run.stdout) as {
    pass: boolean;
    summary: { files: number; functions: number; failed: number };
    files: { functions: { parameters: { maxErrorRatio: number }[] }[] }[];
  };
  expect(report.summary).toMatchObject({ failed: 0 });
  expect(report.summary.files).toBeGreaterThan(30);
  expect(report.pass).toBe(true);
  expect(run.code).toBe(0);
  const ratios = report.files.flatMap((file) => file.functions.flatMap((fn) => fn.parameters.map((p) => p.maxErrorRatio)));
  expect(Math.max(...ratios)).toBeLessThan(0.25);
}, 120_000);
