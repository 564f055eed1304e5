/**
 * The project around the inputs, with the real compiler in temporary
 * projects: the tsconfig.json (its module resolution and `paths`, `strict`,
 * and its files when none are named; `-p` chooses another) and the
 * configuration file (adgen.config.ts and its other forms, found from the
 * working directory up, with include, exclude, prettier and tsconfig).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { tsImport } from "tsx/esm/api";
import { describe, expect, it } from "vitest";
import { generate } from "../src/generate.js";
import { gradcheck } from "../src/verify/index.js";
import { adgen } from "./build/cli-harness.js";
import { read, tempProject } from "./build/temp.js";

const vec = "export function dot(a: readonly number[], b: readonly number[]): number {\n  let s = 0;\n  for (let i = 0; i < a.length; i++) s += a[i] * b[i];\n  return s;\n}\n";
const aliased = 'import { dot } from "@lib/vec";\n\nexport function loss(w: number[], x: number[]): number {\n  const d = dot(w, x);\n  return d * d + Math.sin(d);\n}\n';
const bundlerTsconfig = JSON.stringify({ compilerOptions: { module: "ESNext", moduleResolution: "bundler", strict: true, paths: { "@lib/*": ["./src/lib/*"] } }, include: ["src"] });
const lossSource = "export function loss(w: number, x: number): number {\n  return (w * x - 1) ** 2;\n}\n";
const utility = "export function roundPrice(x: number): number {\n  return Number(x.toFixed(2));\n}\n";

const run = (dir: string, argv: string[], cwd = dir) => adgen(path.join(dir, path.relative(dir, cwd)), argv, { generate });
const exists = (dir: string, name: string) => existsSync(path.join(dir, name));

describe("the tsconfig.json", () => {
  it("resolves `paths` aliases (and extensionless imports under bundler resolution), and the gradient is right", async () => {
    const dir = tempProject({ "package.json": '{ "type": "module" }', "tsconfig.json": bundlerTsconfig, "src/loss.ts": aliased, "src/lib/vec.ts": vec });
    expect(await run(dir, ["src/loss.ts"])).toEqual({ code: 0, stdout: "wrote src/loss.grad.ts\n", stderr: "" });
    // The source imports through the alias, which only the project's tsconfig resolves: the same function, written out.
    const loss = (w: number[], x: number[]) => {
      const d = w.reduce((s, wi, i) => s + wi * x[i]!, 0);
      return d * d + Math.sin(d);
    };
    const gradient = (await tsImport(path.join(dir, "src/loss.grad.ts"), import.meta.url)) as { lossGrad: never };
    expect(gradcheck(loss, gradient.lossGrad, [[[0.2, -0.4], [1, 0.5]], [[1.1, 0.3], [-0.6, 0.9]]], { throwOnFailure: false }).pass).toBe(true);
  }, 60_000);

  it("is the one -p names, a file or its directory", async () => {
    const dir = tempProject({ "tsconfig.json": "{}", "config/tsconfig.app.json": bundlerTsconfig.replace("./src/lib/*", "../src/lib/*"), "src/loss.ts": aliased, "src/lib/vec.ts": vec });
    // The nearest tsconfig.json has no paths: the alias cannot be resolved.
    const nearest = await run(dir, ["src/loss.ts"]);
    expect(nearest.code).toBe(1);
    expect(nearest.stderr).toMatch(/^src\/loss\.ts:4:9 - error ADG1003: 'd' has type 'any'/m);
    expect((await run(dir, ["-p", "config/tsconfig.app.json", "src/loss.ts"])).code).toBe(0);
    expect((await run(dir, ["--project", "config/tsconfig.app.json", "src/loss.ts"])).code).toBe(0);
    expect(await run(dir, ["-p", "nowhere", "src/loss.ts"])).toEqual({ code: 2, stdout: "", stderr: "adgen: error: cannot find a tsconfig.json at nowhere\n" });
  }, 60_000);

  it("gives its strict setting: without strictNullChecks, `number | null` is a number", async () => {
    const source = "export function square(x: number | null): number {\n  return x * x;\n}\n";
    const strict = tempProject({ "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true } }), "square.ts": source });
    const failed = await run(strict, ["square.ts"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^square\.ts:2:\d+ - error TS18047: 'x' is possibly 'null'/m);
    const loose = tempProject({ "tsconfig.json": JSON.stringify({ compilerOptions: { strict: false } }), "square.ts": source });
    expect(await run(loose, ["square.ts"])).toEqual({ code: 0, stdout: "wrote square.grad.ts\n", stderr: "" });
  }, 60_000);

  it("gives the files when none are named: its include and exclude, skipping quietly what holds nothing to differentiate", async () => {
    const dir = tempProject({
      "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true }, include: ["src"], exclude: ["src/legacy"] }),
      "src/loss.ts": lossSource,
      "src/util.ts": utility,
      "src/legacy/old.ts": lossSource,
      "scripts/build.ts": lossSource,
    });
    expect(await run(dir, [])).toEqual({ code: 0, stdout: "wrote src/loss.grad.ts\n", stderr: "" });
    expect([exists(dir, "src/legacy/old.grad.ts"), exists(dir, "scripts/build.grad.ts"), exists(dir, "src/util.grad.ts")]).toEqual([false, false, false]);
    // Run again: the output it wrote is not an input.
    expect(await run(dir, [])).toEqual({ code: 0, stdout: "unchanged src/loss.grad.ts\n", stderr: "" });
  }, 60_000);

  it("that does not parse is a usage error", async () => {
    const dir = tempProject({ "tsconfig.json": '{ "compilerOptions": { "strict": "yes" } }', "loss.ts": lossSource });
    const failed = await run(dir, ["loss.ts"]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toBe(`adgen: error: ${path.join(dir, "tsconfig.json")}: error TS5024: Compiler option 'strict' requires a value of type boolean.\n`);
  });
});

describe("the configuration file", () => {
  const project = (config: Record<string, string>) =>
    tempProject({ ...config, "src/loss.ts": lossSource, "src/util.ts": utility, "src/legacy/old.ts": lossSource, "other/extra.ts": lossSource });

  it.each([
    ["adgen.config.ts", 'import type { AdgenConfig } from "adgen/config";\n\nexport default { include: ["src/**/*.ts"], exclude: ["src/legacy/**"] } satisfies AdgenConfig;\n'],
    ["adgen.config.mts", 'export default { include: ["src/**/*.ts"], exclude: ["src/legacy/**"] };\n'],
    ["adgen.config.mjs", 'export default { include: ["src/**/*.ts"], exclude: ["src/legacy/**"] };\n'],
    ["adgen.config.cjs", 'module.exports = { include: ["src/**/*.ts"], exclude: ["src/legacy/**"] };\n'],
    ["adgen.config.json", '{ "include": ["src/**/*.ts"], "exclude": ["src/legacy/**"] }\n'],
    ["package.json", '{ "name": "app", "adgen": { "include": ["src/**/*.ts"], "exclude": ["src/legacy/**"] } }\n'],
  ])("%s gives include and exclude", async (name, text) => {
    const dir = project({ [name]: text });
    expect(await run(dir, [])).toEqual({ code: 0, stdout: "wrote src/loss.grad.ts\n", stderr: "" });
    expect(exists(dir, "src/legacy/old.grad.ts")).toBe(false);
  }, 60_000);

  it("is found from the working directory up; its globs are relative to it, printed paths to the working directory", async () => {
    const dir = project({ "adgen.config.json": '{ "include": ["src/**/*.ts", "other/*.ts"] }' });
    expect(await run(dir, [], path.join(dir, "src"))).toEqual({
      code: 0,
      stdout: "wrote ../other/extra.grad.ts\nwrote legacy/old.grad.ts\nwrote loss.grad.ts\n",
      stderr: "",
    });
  }, 60_000);

  it("excludes from the command line's globs, but never a file named there", async () => {
    const dir = project({ "adgen.config.json": '{ "exclude": ["src/legacy/**"] }' });
    expect(await run(dir, ["src/**/*.ts"])).toEqual({ code: 0, stdout: "wrote src/loss.grad.ts\n", stderr: "" });
    expect(await run(dir, ["src/legacy/old.ts"])).toEqual({ code: 0, stdout: "wrote src/legacy/old.grad.ts\n", stderr: "" });
  }, 60_000);

  it("chooses the formatting: prettier 'defaults' over the project's .prettierrc", async () => {
    const dir = project({ ".prettierrc": '{ "useTabs": true }', "adgen.config.json": '{ "prettier": "defaults" }' });
    await run(dir, ["src/loss.ts"]);
    expect(read(dir, "src/loss.grad.ts")).not.toContain("\t");
    const tabs = project({ ".prettierrc": '{ "useTabs": true }' });
    await run(tabs, ["src/loss.ts"]);
    expect(read(tabs, "src/loss.grad.ts")).toContain("\t");
  }, 60_000);

  it("chooses the tsconfig, relative to itself", async () => {
    const dir = tempProject({
      "adgen.config.json": '{ "tsconfig": "config/tsconfig.app.json" }',
      "config/tsconfig.app.json": bundlerTsconfig.replace("./src/lib/*", "../src/lib/*"),
      "src/loss.ts": aliased,
      "src/lib/vec.ts": vec,
    });
    expect((await run(dir, ["src/loss.ts"])).code).toBe(0);
  }, 60_000);

  it("is the one --config names", async () => {
    const dir = project({ "adgen.config.json": '{ "include": ["other/*.ts"] }', "ci/adgen.json": '{ "include": ["../src/loss.ts"] }' });
    expect(await run(dir, ["--config", "ci/adgen.json"])).toEqual({ code: 0, stdout: "wrote src/loss.grad.ts\n", stderr: "" });
  }, 60_000);

  it.each([
    ["adgen.config.json", '{ "derivative": ["grad"] }', "adgen.config.json: unknown field 'derivative'; adgen knows include, exclude, prettier, tsconfig, derivatives"],
    ["adgen.config.json", '{ "derivatives": ["grad", "jacobians"] }', `adgen.config.json: 'derivatives' must be a list of "grad", "jvp", "hvp", "jacobian", "hessian"`],
    ["adgen.config.json", '{ "include": "src/**/*.ts" }', "adgen.config.json: 'include' must be an array of globs"],
    ["adgen.config.json", '{ "prettier": true }', `adgen.config.json: 'prettier' must be "project", "defaults" or an object of prettier options`],
    ["adgen.config.ts", "export default { include: [ };\n", "cannot load the configuration file: "],
  ])("%s with %s is a usage error", async (name, text, message) => {
    const dir = project({ [name]: text });
    const failed = await run(dir, []);
    expect(failed.code).toBe(2);
    expect(failed.stdout).toBe("");
    expect(failed.stderr.startsWith("adgen: error: ")).toBe(true);
    expect(failed.stderr.replace(dir + path.sep, "")).toContain(message);
  }, 60_000);

  it("with include matching nothing to compile is a usage error", async () => {
    const dir = project({ "adgen.config.json": '{ "include": ["lib/**/*.ts"] }' });
    expect(await run(dir, [])).toEqual({
      code: 2,
      stdout: "",
      stderr: "adgen: error: no input files: nothing to compile in the include globs of adgen.config.json (*.grad.ts and *.d.ts files are skipped)\n",
    });
  });
});
