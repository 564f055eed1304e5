/**
 * The options and results of generate() that the build integration routes:
 * inputs a glob matched (functions that cannot be differentiated are skipped
 * and listed, opted-in ones are errors), a tsconfig (imports through `paths`
 * are followed, inlined and reloaded when they change), and the project
 * files each input imports.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../src/generate.js";
import { tempProject } from "./temp.js";


const matchedFiles = {
  "util.ts": "export function roundPrice(x: number): number {\n  return Number(x.toFixed(2));\n}\n",
  "mixed.ts": "export function energy(x: number, k: number): number {\n  return 0.5 * k * x * x;\n}\n\nexport function clampLabel(x: number): number {\n  return parseInt(String(x), 10);\n}\n",
  "writes.ts": "export function normalise(x: number[]): number {\n  x[0] = 1;\n  return x[0];\n}\n",
  "tagged.ts": "/** @adgen */\nexport function wanted(x: number): number {\n  return Number(x.toFixed(1));\n}\n",
};

describe("generate() with matched inputs", () => {
  it("lists the skipped functions with their diagnostics", async () => {
    const dir = tempProject(matchedFiles);
    const matched = (name: string) => ({ path: path.join(dir, name), matched: true });
    const result = await generate([matched("mixed.ts"), matched("util.ts"), matched("writes.ts")]);
    expect(result.diagnostics).toEqual([]);
    expect(result.outputs.map((o) => path.basename(o.outputPath))).toEqual(["mixed.grad.ts"]);
    expect(result.outputs[0]!.text).not.toContain("clampLabel");
    expect(result.skipped).toEqual([path.join(dir, "util.ts"), path.join(dir, "writes.ts")]);
    expect(result.skippedFunctions?.map((fn) => [path.basename(fn.sourcePath), fn.name, fn.diagnostics[0]?.code])).toEqual([
      ["mixed.ts", "clampLabel", "ADG1004"],
      ["util.ts", "roundPrice", "ADG1004"],
      ["writes.ts", "normalise", "ADG1012"],
    ]);
  }, 60_000);

  it("skips a matched file with TypeScript errors unless a function in it opts in; a named one reports them", async () => {
    const broken = "export function f(x: number): number {\n  return x.size;\n}\n";
    const dir = tempProject({ "broken.ts": broken, "tagged.ts": `/** @adgen */\n${broken}` });
    const matched = await generate([{ path: path.join(dir, "broken.ts"), matched: true }]);
    expect({ diagnostics: matched.diagnostics, skipped: matched.skippedFunctions?.map((fn) => [fn.name, fn.diagnostics[0]?.code]) }).toEqual({ diagnostics: [], skipped: [["f", "TS2339"]] });
    const tagged = await generate([{ path: path.join(dir, "tagged.ts"), matched: true }]);
    expect(tagged.diagnostics.map((d) => d.code)).toEqual(["TS2339"]);
    const named = await generate([path.join(dir, "broken.ts")]);
    expect(named.diagnostics.map((d) => d.code)).toEqual(["TS2339"]);
  }, 60_000);

  it("reports the diagnostics of a function tagged @adgen, and of every function of an input that is named", async () => {
    const dir = tempProject(matchedFiles);
    const tagged = await generate([{ path: path.join(dir, "tagged.ts"), matched: true }]);
    expect(tagged.diagnostics.map((d) => d.code)).toContain("ADG1004");
    expect(tagged.skippedFunctions).toEqual([]);
    const named = await generate([path.join(dir, "mixed.ts"), { path: path.join(dir, "writes.ts") }]);
    expect(named.diagnostics.map((d) => [path.basename(d.file), d.code])).toEqual(expect.arrayContaining([["mixed.ts", "ADG1004"], ["writes.ts", "ADG1012"]]));
    expect(named.outputs).toEqual([]);
  }, 60_000);
});

const tsconfig = JSON.stringify({ compilerOptions: { module: "ESNext", moduleResolution: "bundler", paths: { "@lib/*": ["./lib/*"] } } });
const loss = 'import { scale } from "@lib/scale";\n\nexport function loss(x: number): number {\n  return scale(x) * x;\n}\n';
const scale = (k: number) => `export function scale(x: number): number {\n  return ${k} * x;\n}\n`;

describe("generate() with a tsconfig", () => {
  it("follows and inlines imports through its paths, and reads them again when they change", async () => {
    const dir = tempProject({ "tsconfig.json": tsconfig, "loss.ts": loss, "lib/scale.ts": scale(3) });
    const options = { tsconfig: path.join(dir, "tsconfig.json") };
    const first = await generate([path.join(dir, "loss.ts")], options);
    expect(first.diagnostics).toEqual([]);
    expect(first.outputs[0]!.text).toContain("3 * x");
    writeFileSync(path.join(dir, "lib/scale.ts"), scale(5));
    const second = await generate([path.join(dir, "loss.ts")], options);
    expect(second.outputs[0]!.text).toContain("5 * x");
    expect(second.outputs[0]!.text).not.toContain("3 * x");
  }, 60_000);

  it("without it, the alias is not resolved and the import is untyped", async () => {
    const dir = tempProject({ "loss.ts": loss, "lib/scale.ts": scale(3) });
    const result = await generate([path.join(dir, "loss.ts")]);
    expect(result.outputs).toEqual([]);
    expect(result.diagnostics.map((d) => d.code)).toContain("ADG1010");
  }, 60_000);
});

describe("generate() imports", () => {
  it("lists the files each input imports, through helpers of helpers, for inputs with and without diagnostics", async () => {
    const dir = tempProject({
      "loss.ts": 'import { a } from "./lib/a.js";\n\nexport function loss(x: number): number {\n  return a(x);\n}\n',
      "broken.ts": 'import { b } from "./lib/b.js";\n\nexport function broken(x: number): number {\n  return b(x) * bad;\n}\n',
      "lib/a.ts": 'import { b } from "./b.js";\n\nexport function a(x: number): number {\n  return b(x) * 2;\n}\n',
      "lib/b.ts": "export function b(x: number): number {\n  return x * x;\n}\n",
    });
    const result = await generate([path.join(dir, "loss.ts"), path.join(dir, "broken.ts")]);
    expect(result.diagnostics.map((d) => d.code)).toContain("TS2304");
    expect(result.imports).toEqual([
      { sourcePath: path.join(dir, "loss.ts"), files: [path.join(dir, "lib/a.ts"), path.join(dir, "lib/b.ts")] },
      { sourcePath: path.join(dir, "broken.ts"), files: [path.join(dir, "lib/b.ts")] },
    ]);
  }, 60_000);
});
