/**
 * The bundler plugin with real esbuild, Rollup and webpack builds of a
 * temporary project whose entry imports `./loss.grad.js` beside `loss.ts`
 * (which is not on disk): the bundle runs gradient descent with the
 * generated gradient, the gradient matches the numerical derivative, a
 * diagnostic fails the build with its location, and the files the gradient
 * depends on are watched. (Vite, its dev server and a browser run in the
 * integration tests.)
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import esbuildPlugin from "../../src/plugin/esbuild.js";
import rollupPlugin from "../../src/plugin/rollup.js";
import webpackPlugin from "../../src/plugin/webpack.js";
import * as esbuild from "esbuild";
import { rollup } from "rollup";
import webpack from "webpack";
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../src/verify/index.js";
import { read, tempProject, writeFiles } from "./temp.js";

const loss = 'import { shift } from "./shift.js";\n\nexport function f(x: number): number {\n  return x * x + shift(x);\n}\n';
const shift = "export function shift(x: number): number {\n  return x;\n}\n";
/** The entry: plain JavaScript, so that every bundler reads it without a TypeScript loader. */
const main = [
  'import { fGrad } from "./loss.grad.js";',
  "",
  "export { fGrad };",
  "export function descend(x, rate, steps) {",
  "  for (let i = 0; i < steps; i++) x -= rate * fGrad(x).grad.x;",
  "  return x;",
  "}",
  "",
].join("\n");
const f = (x: number) => x * x + x;

interface Bundle {
  fGrad: (x: number) => { value: number; grad: { x: number } };
  descend: (x: number, rate: number, steps: number) => number;
}

function project(lossSource = loss): string {
  return tempProject({ "src/loss.ts": lossSource, "src/shift.ts": shift, "src/main.js": main }, "adgen-plugin-");
}

/** The bundle's gradient descends to the minimum of x^2 + x at -1/2, and its gradient is the numerical one. */
function expectWorking(bundle: Bundle, dir: string): void {
  expect(bundle.descend(3, 0.1, 200)).toBeCloseTo(-0.5, 10);
  expect(gradcheck(f, bundle.fGrad, [[2], [-0.3], [1.5]], { parameters: ["x"], throwOnFailure: false }).pass).toBe(true);
  expect(existsSync(path.join(dir, "src/loss.grad.ts"))).toBe(false);
}

const options = { tsconfig: false } as const;

describe("adgen/esbuild", () => {
  const build = (dir: string) =>
    esbuild.build({ entryPoints: [path.join(dir, "src/main.js")], bundle: true, format: "esm", outfile: path.join(dir, "out/esbuild.mjs"), plugins: [esbuildPlugin(options)], logLevel: "silent" });

  it("bundles the generated gradient", async () => {
    const dir = project();
    await build(dir);
    expect(read(dir, "out/esbuild.mjs")).not.toContain(": number");
    expectWorking((await import(pathToFileURL(path.join(dir, "out/esbuild.mjs")).href)) as Bundle, dir);
  }, 60_000);

  it("fails the build on a diagnostic, located in the source", async () => {
    const failure = await build(project(loss.replace("shift(x)", "shift(y)"))).catch((error: esbuild.BuildFailure) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as esbuild.BuildFailure).errors).toHaveLength(1);
    const [error] = (failure as esbuild.BuildFailure).errors;
    expect(error?.text).toMatch(/loss\.ts:4:24 - error TS2304: Cannot find name 'y'/);
    expect(error?.location?.line).toBe(4);
  }, 60_000);
});

describe("adgen/rollup", () => {
  it("bundles the generated gradient and watches the source and the files it imports", async () => {
    const dir = project();
    const bundle = await rollup({ input: path.join(dir, "src/main.js"), plugins: [rollupPlugin(options)] });
    expect(bundle.watchFiles).toEqual(expect.arrayContaining([path.join(dir, "src/loss.ts"), path.join(dir, "src/shift.ts")]));
    await bundle.write({ file: path.join(dir, "out/rollup.mjs"), format: "es" });
    expectWorking((await import(pathToFileURL(path.join(dir, "out/rollup.mjs")).href)) as Bundle, dir);
  }, 60_000);

  it("fails the build on a diagnostic, with its location", async () => {
    const dir = project(loss.replace("shift(x)", "shift(y)"));
    const error = (await rollup({ input: path.join(dir, "src/main.js"), plugins: [rollupPlugin(options)] }).catch((e: unknown) => e)) as Error & { plugin?: string; loc?: { line: number } };
    expect(error.message).toMatch(/error TS2304: Cannot find name 'y'/);
    expect({ plugin: error.plugin, line: error.loc?.line }).toEqual({ plugin: "adgen", line: 4 });
  }, 60_000);
});

describe("the plugin's tsconfig", () => {
  const aliased = loss.replace('"./shift.js"', '"@lib/shift"');
  const tsconfig = JSON.stringify({ compilerOptions: { module: "ESNext", moduleResolution: "bundler", paths: { "@lib/*": ["../src/*"] } } });
  const bundle = async (dir: string, plugin = rollupPlugin()) => {
    const built = await rollup({ input: path.join(dir, "src/main.js"), plugins: [plugin] });
    await built.write({ file: path.join(dir, "out/rollup.mjs"), format: "es" });
    return (await import(pathToFileURL(path.join(dir, "out/rollup.mjs")).href)) as Bundle;
  };

  it("is the one adgen.config's tsconfig names, as for the CLI, found from the working directory", async () => {
    const dir = project(aliased);
    writeFiles(dir, { "config/tsconfig.paths.json": tsconfig, "adgen.config.json": '{ "tsconfig": "config/tsconfig.paths.json" }' });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expectWorking(await bundle(dir), dir);
    } finally {
      process.chdir(cwd);
    }
  }, 60_000);

  it("is the one the option names, and without it the alias is not resolved", async () => {
    const dir = project(aliased);
    writeFiles(dir, { "config/tsconfig.paths.json": tsconfig });
    expectWorking(await bundle(dir, rollupPlugin({ tsconfig: path.join(dir, "config/tsconfig.paths.json") })), dir);
    const error = (await bundle(project(aliased), rollupPlugin({ tsconfig: false })).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/error ADG1010: /);
  }, 60_000);
});

describe("a JavaScript source", () => {
  const jsLoss = [
    'import { shift } from "./shift.js";',
    "",
    "/**",
    " * @param {number} x",
    " * @returns {number}",
    " */",
    "export function f(x) {",
    "  return x * x + shift(x);",
    "}",
    "",
  ].join("\n");
  const jsShift = "/** @param {number} x */\nexport function shift(x) {\n  return x;\n}\n";
  const jsProject = (extra: Record<string, string> = {}) =>
    tempProject({ "src/loss.js": jsLoss, "src/shift.js": jsShift, "src/main.js": main, ...extra }, "adgen-plugin-js-");

  it("gets its gradient module from loss.js with JSDoc types (Rollup and esbuild)", async () => {
    const dir = jsProject();
    const bundle = await rollup({ input: path.join(dir, "src/main.js"), plugins: [rollupPlugin(options)] });
    expect(bundle.watchFiles).toEqual(expect.arrayContaining([path.join(dir, "src/loss.js"), path.join(dir, "src/shift.js")]));
    await bundle.write({ file: path.join(dir, "out/rollup.mjs"), format: "es" });
    expectWorking((await import(pathToFileURL(path.join(dir, "out/rollup.mjs")).href)) as Bundle, dir);
    await esbuild.build({ entryPoints: [path.join(dir, "src/main.js")], bundle: true, format: "esm", outfile: path.join(dir, "out/esbuild.mjs"), plugins: [esbuildPlugin(options)], logLevel: "silent" });
    expectWorking((await import(pathToFileURL(path.join(dir, "out/esbuild.mjs")).href)) as Bundle, dir);
    expect(existsSync(path.join(dir, "src/loss.grad.js"))).toBe(false);
  }, 60_000);

  it("is not taken for the source when loss.ts is beside it (tsc's output)", async () => {
    const dir = jsProject({ "src/loss.ts": loss, "src/shift.ts": shift, "src/loss.js": "export function f(x) {\n  return 3 * x;\n}\n" });
    const bundle = await rollup({ input: path.join(dir, "src/main.js"), plugins: [rollupPlugin(options)] });
    expect(bundle.watchFiles).toContain(path.join(dir, "src/loss.ts"));
    await bundle.write({ file: path.join(dir, "out/rollup.mjs"), format: "es" });
    expectWorking((await import(pathToFileURL(path.join(dir, "out/rollup.mjs")).href)) as Bundle, dir);
  }, 60_000);
});

describe("adgen/webpack", () => {
  const build = (dir: string) =>
    new Promise<webpack.Stats>((resolve, reject) =>
      webpack({
        mode: "production",
        context: dir,
        entry: "./src/main.js",
        output: { path: path.join(dir, "out"), filename: "webpack.cjs", library: { type: "commonjs2" } },
        plugins: [webpackPlugin(options)],
        optimization: { minimize: false },
      }).run((error, stats) => (error || !stats ? reject(error) : resolve(stats))),
    );

  it("bundles the generated gradient", async () => {
    const dir = project();
    const stats = await build(dir);
    expect(stats.hasErrors() ? stats.toString() : "").toBe("");
    expectWorking(createRequire(import.meta.url)(path.join(dir, "out/webpack.cjs")) as Bundle, dir);
  }, 60_000);

  it("fails the build on a diagnostic", async () => {
    const stats = await build(project(loss.replace("shift(x)", "shift(y)")));
    expect(stats.compilation.errors).toHaveLength(1);
    expect(stats.compilation.errors[0]!.message).toMatch(/error TS2304: Cannot find name 'y'/);
  }, 60_000);
});
