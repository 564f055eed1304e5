/**
 * Generated files are formatted as the user's project formats TypeScript, so
 * that `prettier --check` (the real CLI, run in a temporary project) passes
 * on them: with the project's resolved prettier configuration, with
 * `.editorconfig`, and with prettier's defaults when there is no configuration.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import prettier from "prettier";
import { describe, expect, it } from "vitest";
import { generate } from "../../src/generate.js";
import { listFixtures } from "../helpers/fixtures.js";
import { read, repoRoot, tempProject } from "./temp.js";

const prettierCli = path.join(repoRoot, "node_modules", "prettier", "bin", "prettier.cjs");

/**
 * A loss calling a JavaScript function through an adjoint rule (so that the
 * generated file has an import with a string), with nested blocks.
 */
const source = [
  'import { softplus } from "./softplus.js";',
  "",
  "/** @adjoint softplus */",
  "export function softplusAdjoint(x: number, value: number, dvalue: number): { x: number } {",
  "  return { x: dvalue / (1 + Math.exp(-x)) };",
  "}",
  "",
  "export function loss(weights: number[], bias: number, inputs: number[], target: number): number {",
  "  let prediction = bias;",
  "  for (let i = 0; i < weights.length; i++) prediction += softplus(weights[i] * inputs[i]);",
  "  return (prediction - target) * (prediction - target);",
  "}",
  "",
].join("\n");
const library = {
  "softplus.js": "export function softplus(x) {\n  return Math.log1p(Math.exp(x));\n}\n",
  "softplus.d.ts": "export declare function softplus(x: number): number;\n",
};

/** Generates loss.ts in `dir` and writes loss.grad.ts; returns its text. */
async function generateIn(dir: string, options: Parameters<typeof generate>[1] = {}): Promise<string> {
  const result = await generate([path.join(dir, "loss.ts")], options);
  expect(result.diagnostics).toEqual([]);
  return result.outputs[0]!.text;
}

/** `prettier --check` over `files` in `dir`, as the user would run it. */
function prettierCheck(dir: string, files: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [prettierCli, "--check", ...files], { cwd: dir, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("formatting generated files", () => {
  it("uses prettier's defaults when the project has no configuration, and prettier --check passes", async () => {
    const dir = tempProject({ "loss.ts": source, ...library });
    const text = await generateIn(dir);
    expect(text).toBe(await prettier.format(text, { filepath: path.join(dir, "loss.grad.ts") }));
    writeFileSync(path.join(dir, "loss.grad.ts"), text);
    expect(prettierCheck(dir, ["loss.grad.ts"])).toEqual({ status: 0, output: expect.stringContaining("All matched files use Prettier code style!") });
  });

  it("uses the project's resolved configuration (.prettierrc and its overrides), and prettier --check passes", async () => {
    const config = { singleQuote: true, semi: false, overrides: [{ files: "*.grad.ts", options: { tabWidth: 4 } }] };
    const dir = tempProject({ "loss.ts": source, ...library, ".prettierrc": JSON.stringify(config) });
    const text = await generateIn(dir);
    expect(text).toContain("import { softplus } from './softplus.js'\n");
    expect(text).toMatch(/^ {4}const /m);
    expect(text.split("\n").filter((line) => line.endsWith(";") && !/^\s*(\/\/|\*)/.test(line))).toEqual([]);
    writeFileSync(path.join(dir, "loss.grad.ts"), text);
    expect(prettierCheck(dir, ["loss.grad.ts"]).status).toBe(0);
    // The same file under prettier's defaults is what the project's check rejects.
    writeFileSync(path.join(dir, "loss.grad.ts"), await generateIn(dir, { prettier: "defaults" }));
    expect(prettierCheck(dir, ["loss.grad.ts"]).status).toBe(1);
  });

  it("follows .editorconfig as the prettier CLI does", async () => {
    const dir = tempProject({ "loss.ts": source, ...library, ".editorconfig": "root = true\n\n[*]\nindent_style = tab\n" });
    const text = await generateIn(dir);
    expect(text).toMatch(/^\tconst /m);
    writeFileSync(path.join(dir, "loss.grad.ts"), text);
    expect(prettierCheck(dir, ["loss.grad.ts"]).status).toBe(0);
  });

  it("takes the configuration from the prettier key of package.json", async () => {
    const dir = tempProject({ "loss.ts": source, ...library, "package.json": JSON.stringify({ prettier: { printWidth: 120 } }) });
    const text = await generateIn(dir);
    expect(text).toBe(await prettier.format(text, { filepath: path.join(dir, "loss.grad.ts"), printWidth: 120 }));
    expect(text).not.toBe(await generateIn(dir, { prettier: "defaults" }));
  });

  it("takes explicit options, and ignores the project's configuration with 'defaults'", async () => {
    const dir = tempProject({ "loss.ts": source, ...library, ".prettierrc": JSON.stringify({ useTabs: true }) });
    expect(await generateIn(dir, { prettier: { singleQuote: true } })).toContain("from './softplus.js';");
    expect(await generateIn(dir, { prettier: "defaults" })).not.toContain("\t");
  });

  it("this repository's golden files are formatted by the configuration in its package.json", async () => {
    const golden = read(repoRoot, "fixtures/losses.grad.ts");
    expect(await prettier.resolveConfig(path.join(repoRoot, "fixtures", "losses.grad.ts"))).toEqual({ printWidth: 100 });
    expect(await prettier.check(golden, { filepath: path.join(repoRoot, "fixtures", "losses.grad.ts"), printWidth: 100 })).toBe(true);
  });

  it("every fixture's output passes prettier --check's typescript parser under prettier's defaults", async () => {
    const fixtures = listFixtures();
    const result = await generate(fixtures.map((f) => f.input), { prettier: "defaults" });
    expect(result.diagnostics).toEqual([]);
    expect(result.outputs).toHaveLength(fixtures.length);
    const failing: string[] = [];
    for (const output of result.outputs) {
      if (!(await prettier.check(output.text, { parser: "typescript" }))) failing.push(output.outputPath);
    }
    expect(failing).toEqual([]);
  }, 60_000);
});
