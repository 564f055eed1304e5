/**
 * JavaScript in, JavaScript out. A `.js`, `.mjs` or `.cjs` source (JSDoc
 * types, ES module or CommonJS exports) gets its gradient module beside it as
 * JavaScript of the same module format, with its types in JSDoc:
 * - every fixture's generated module, converted, parses as plain JavaScript,
 *   type-checks with checkJs under --strict, and gives bit for bit what the
 *   TypeScript module gives at every sample (the conversion changes types,
 *   never operations);
 * - JavaScript sources in each module format, through the CLI's file rules,
 *   give gradients that match numerical differentiation, loaded by plain
 *   Node (no TypeScript loader).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { toJavaScript } from "../src/emit/javascript.js";
import { generate, outputPathFor } from "../src/generate.js";
import { isSource } from "../src/cli/inputs.js";
import { numericDerivative } from "./oracle.js";
import { exportedFunctions, importModule, listFixtures, repoRoot, type Module } from "./helpers/fixtures.js";

const fixturesDir = join(repoRoot, "fixtures");

/** Each fixture's generated module as JavaScript, in a scratch directory, its imports of fixtures' files made absolute. */
function convertedFixtures(): { fixture: ReturnType<typeof listFixtures>[number]; jsFile: string }[] {
  const dir = mkdtempSync(join(tmpdir(), "adgen-js-"));
  return listFixtures().map((fixture) => {
    const js = toJavaScript(readFileSync(fixture.gradFile, "utf8"), "esm").replaceAll('from "./', `from "${fixturesDir}/`);
    const jsFile = join(dir, basename(fixture.gradFile).replace(/\.ts$/, ".js"));
    writeFileSync(jsFile, js);
    return { fixture, jsFile };
  });
}

/** Equal bit for bit, through arrays and objects (`Object.is` on numbers: NaN equals NaN, 0 and -0 differ). */
function identical(a: unknown, b: unknown): boolean {
  if (typeof a === "number" || typeof b === "number") return Object.is(a, b);
  if (Array.isArray(a) || ArrayBuffer.isView(a)) {
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    return x.length === y.length && Array.from(x).every((v, i) => identical(v, y[i]));
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => identical((a as Module)[k], (b as Module)[k]));
  }
  return a === b;
}

describe("the JavaScript form of every fixture's generated module", () => {
  const converted = convertedFixtures();

  test("is plain JavaScript and type-checks with checkJs and strict: true", () => {
    for (const { jsFile } of converted) execFileSync(process.execPath, ["--check", jsFile]);
    const program = ts.createProgram(converted.map((c) => c.jsFile), {
      allowJs: true,
      checkJs: true,
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: [],
      skipLibCheck: true,
    });
    const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (n) => n, getCurrentDirectory: () => repoRoot, getNewLine: () => "\n" };
    expect(ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), host)).toBe("");
  }, 120_000);

  test("gives bit for bit the values and gradients of the TypeScript module at every sample", async () => {
    let compared = 0;
    for (const { fixture, jsFile } of converted) {
      const [source, typed, js] = await Promise.all([importModule(fixture.sourceFile), importModule(fixture.gradFile), importModule(jsFile)]);
      for (const fn of exportedFunctions(fixture)) {
        const samples = source[`${fn.name}Samples`] as unknown[][] | undefined;
        const name = `${fn.name}Grad`;
        if (!samples || typeof typed[name] !== "function") continue;
        for (const sample of samples) {
          const expected = (typed[name] as (...a: unknown[]) => unknown)(...structuredClone(sample));
          const actual = (js[name] as (...a: unknown[]) => unknown)(...structuredClone(sample));
          expect(identical(actual, expected), `${fixture.path} ${name} at ${JSON.stringify(sample)}`).toBe(true);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(200);
  }, 120_000);
});

const sources = {
  "loss.js": `/**
 * @param {number[]} w
 * @param {number} b
 * @returns {number}
 */
export function loss(w, b) {
  let s = 0;
  for (const x of w) s += Math.sin(x * b);
  return s * s;
}
`,
  "filters.cjs": `"use strict";
/**
 * @param {number[]} xs
 * @param {number} k
 * @returns {number}
 */
function smooth(xs, k) {
  var total = 0;
  for (var i = 1; i < xs.length; i++) total += Math.exp(-k * (xs[i] - xs[i - 1]) ** 2);
  return total;
}

/**
 * @param {number} x
 * @returns {number}
 */
exports.cube = function (x) {
  return x * x * x;
};

module.exports.halfSquare = (/** @type {number} */ x) => 0.5 * x * x;

exports.smooth = smooth;
`,
  "step.mjs": `/**
 * @param {number} x
 * @param {number} v
 * @returns {number}
 */
export const energy = (x, v) => 0.5 * v * v + (1 - Math.cos(x));

/**
 * A helper whose stiffness JSDoc marks optional: calls may leave it out.
 * @param {number} x
 * @param {number} [k]
 * @returns {number}
 */
function spring(x, k) {
  if (k === undefined) return 0.5 * x * x;
  return 0.5 * k * x * x;
}

/**
 * @param {number} a
 * @param {number} b
 * @returns {number}
 */
export function springs(a, b) {
  return spring(a) + spring(b, a);
}
`,
};

describe("JavaScript sources", () => {
  const dir = mkdtempSync(join(tmpdir(), "adgen-js-src-"));
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(sources)) writeFileSync(join(dir, name), text);

  test("are sources, and their gradients are JavaScript beside them", () => {
    expect(["a.js", "a.mjs", "a.cjs"].every(isSource)).toBe(true);
    expect(["a.grad.js", "a.grad.mjs", "a.grad.cjs", "a.d.ts"].some(isSource)).toBe(false);
    expect(outputPathFor("/p/loss.js")).toBe("/p/loss.grad.js");
    expect(outputPathFor("/p/loss.mjs")).toBe("/p/loss.grad.mjs");
    expect(outputPathFor("/p/loss.cjs")).toBe("/p/loss.grad.cjs");
  });

  test("differentiate in their own module format, loaded by plain Node, matching numerical derivatives", async () => {
    const result = await generate(Object.keys(sources).map((name) => join(dir, name)));
    expect(result.diagnostics).toEqual([]);
    for (const output of result.outputs) writeFileSync(output.outputPath, output.text);
    const cjs = readFileSync(join(dir, "filters.grad.cjs"), "utf8");
    expect(cjs).toMatch(/exports\.smoothGrad = smoothGrad/);
    expect(cjs).not.toMatch(/^import |^export /m);
    expect(readFileSync(join(dir, "loss.grad.js"), "utf8")).toMatch(/@returns \{\{ value: number; grad: \{ w: number\[\]; b: number \} \}\}/);

    // Plain Node: no TypeScript loader between the files and the engine.
    const script = `
      const cjs = require(${JSON.stringify(join(dir, "filters.grad.cjs"))});
      Promise.all([import(${JSON.stringify(join(dir, "loss.grad.js"))}), import(${JSON.stringify(join(dir, "step.grad.mjs"))})]).then(([loss, step]) => {
        console.log(JSON.stringify({
          loss: loss.lossGrad([0.3, -1.2, 0.7], 1.4),
          energy: step.energyGrad(0.4, -0.9),
          springs: step.springsGrad(0.4, -0.9),
          smooth: cjs.smoothGrad([0.1, 0.5, 0.2, 0.9], 1.3),
          cube: cjs.cubeGrad(1.7),
          halfSquare: cjs.halfSquareGrad(-2.5),
        }));
      });`;
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    const got = JSON.parse(execFileSync(process.execPath, ["--input-type=commonjs", "-e", script], { encoding: "utf8" }));

    const loss = (w: number[], b: number) => w.reduce((s, x) => s + Math.sin(x * b), 0) ** 2;
    const smooth = (xs: number[], k: number) => xs.slice(1).reduce((s, x, i) => s + Math.exp(-k * (x - xs[i]!) ** 2), 0);
    const energy = (x: number, v: number) => 0.5 * v * v + (1 - Math.cos(x));
    const springs = (a: number, b: number) => 0.5 * a * a + 0.5 * a * b * b;
    const cube = (x: number) => x * x * x;
    const halfSquare = (x: number) => 0.5 * x * x;
    const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(expected)));
    const w = [0.3, -1.2, 0.7];
    w.forEach((_, i) => close(got.loss.grad.w[i], numericDerivative(loss, [w, 1.4], [0, i])));
    close(got.loss.grad.b, numericDerivative(loss, [w, 1.4], [1]));
    close(got.energy.grad.x, numericDerivative(energy, [0.4, -0.9], [0]));
    close(got.energy.grad.v, numericDerivative(energy, [0.4, -0.9], [1]));
    const xs = [0.1, 0.5, 0.2, 0.9];
    xs.forEach((_, i) => close(got.smooth.grad.xs[i], numericDerivative(smooth, [xs, 1.3], [0, i])));
    close(got.smooth.grad.k, numericDerivative(smooth, [xs, 1.3], [1]));
    close(got.springs.grad.a, numericDerivative(springs, [0.4, -0.9], [0]));
    close(got.springs.grad.b, numericDerivative(springs, [0.4, -0.9], [1]));
    expect(got.springs.value).toBe(springs(0.4, -0.9));
    close(got.cube.grad.x, numericDerivative(cube, [1.7], [0]));
    close(got.halfSquare.grad.x, numericDerivative(halfSquare, [-2.5], [0]));
    expect(got.loss.value).toBe(loss(w, 1.4));
    expect(got.smooth.value).toBe(smooth(xs, 1.3));
  }, 60_000);
});
