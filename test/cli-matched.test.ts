/**
 * Which functions a run differentiates: every exported numeric function of a
 * file the user names (one that cannot be differentiated is an error), but in
 * a file a glob matched only those that can be, unless a function opts in
 * (`@adgen`, `@wrt`), in which case its diagnostics are errors again;
 * `@adgen-ignore` opts a function out anywhere. With the real compiler.
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tsImport } from "tsx/esm/api";
import { describe, expect, it } from "vitest";
import { generate } from "../src/generate.js";
import { gradcheck } from "../src/verify/index.js";
import { adgen } from "./build/cli-harness.js";
import { read, tempProject } from "./build/temp.js";

const files = {
  "src/loss.ts": "export function loss(w: number, x: number): number {\n  return (w * x - 1) ** 2;\n}\n",
  // An unrelated utility: it calls a method adgen cannot differentiate (ADG1004).
  "src/util.ts": "export function roundPrice(x: number): number {\n  return Number(x.toFixed(2));\n}\n",
  "src/mixed.ts": [
    "export function energy(x: number, k: number): number {",
    "  return 0.5 * k * x * x;",
    "}",
    "",
    "export function clampLabel(x: number): number {",
    "  return parseInt(String(x), 10);",
    "}",
    "",
  ].join("\n"),
  "src/labels.ts": "export function label(x: number): string {\n  return `#${x}`;\n}\n",
  // Fails later than the subset check: it writes into its own parameter (ADG1012).
  "src/writes.ts": "export function normalise(x: number[]): number {\n  x[0] = 1;\n  return x[0];\n}\n",
};
const tagged = {
  "src/tagged.ts": "/** @adgen */\nexport function wanted(x: number): number {\n  return Number(x.toFixed(1));\n}\n",
  "src/wrt.ts": "/** @wrt x */\nexport function chosen(x: number, s: number): number {\n  return x * Number(s.toFixed(1));\n}\n",
};

const inProject = (files: Record<string, string>) => tempProject(files, "adgen-matched-");

describe("files matched by a glob", () => {
  it("skip quietly the functions and files with nothing to differentiate, and generate the rest", async () => {
    const dir = inProject(files);
    const run = await adgen(dir, ["src/**/*.ts"], { generate });
    expect(run).toEqual({ code: 0, stdout: "wrote src/loss.grad.ts\nwrote src/mixed.grad.ts\n", stderr: "" });
    expect(existsSync(path.join(dir, "src/util.grad.ts"))).toBe(false);
    expect(existsSync(path.join(dir, "src/labels.grad.ts"))).toBe(false);
    const mixed = read(dir, "src/mixed.grad.ts");
    expect(mixed).toContain("export function energyGrad(");
    expect(mixed).not.toContain("clampLabel");

    const source = (await tsImport(path.join(dir, "src/mixed.ts"), import.meta.url)) as { energy: (x: number, k: number) => number };
    const gradient = (await tsImport(path.join(dir, "src/mixed.grad.ts"), import.meta.url)) as { energyGrad: never };
    expect(gradcheck(source.energy, gradient.energyGrad, [[0.5, 2], [-1.5, 0.3]], { throwOnFailure: false }).pass).toBe(true);
  }, 60_000);

  it("say what was skipped and why at --log-level debug", async () => {
    const run = await adgen(inProject(files), ["--log-level", "debug", "src/**/*.ts"], { generate });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.filter((line) => !line.includes(": ADG")).sort()).toEqual([
      "skipped src/labels.ts (no exported function returns a number)",
      "skipped src/util.ts (no function can be differentiated)",
      "skipped src/writes.ts (no function can be differentiated)",
      "wrote src/loss.grad.ts",
      "wrote src/mixed.grad.ts",
    ]);
    expect(lines).toHaveLength(8);
    expect(run.stdout).toMatch(/^skipped normalise in src\/writes\.ts: ADG1012 at src\/writes\.ts:2:\d+: /m);
    expect(run.stdout).toMatch(/^skipped roundPrice in src\/util\.ts: ADG1004 at src\/util\.ts:2:\d+: /m);
    expect(run.stdout).toMatch(/^skipped clampLabel in src\/mixed\.ts: ADG1004 at src\/mixed\.ts:6:\d+: /m);
  }, 60_000);

  it("report as errors the functions tagged @adgen or @wrt that cannot be differentiated", async () => {
    const dir = inProject({ ...files, ...tagged });
    const run = await adgen(dir, ["src/**/*.ts"], { generate });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("wrote src/loss.grad.ts\nwrote src/mixed.grad.ts\n");
    expect(run.stderr).toMatch(/^src\/tagged\.ts:3:\d+ - error ADG1004: /m);
    expect(run.stderr).toMatch(/^src\/wrt\.ts:3:\d+ - error ADG1004: /m);
    expect(run.stderr).toMatch(/\nFound \d+ errors in 2 files\.\n$/);
  }, 60_000);

  it("report a function whose gradient the output already holds: it could be differentiated, so it is meant", async () => {
    const dir = inProject(files);
    await adgen(dir, ["src/**/*.ts"], { generate });
    // Idempotent: the skipped clampLabel is not in the output, so it stays quiet.
    expect(await adgen(dir, ["src/**/*.ts"], { generate })).toEqual({ code: 0, stdout: "unchanged src/loss.grad.ts\nunchanged src/mixed.grad.ts\n", stderr: "" });
    const before = read(dir, "src/mixed.grad.ts");
    writeFileSync(path.join(dir, "src/mixed.ts"), files["src/mixed.ts"].replace("0.5 * k * x * x", "0.5 * k * Number(x.toFixed(3)) ** 2"));
    const run = await adgen(dir, ["src/**/*.ts"], { generate });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("unchanged src/loss.grad.ts\n");
    expect(run.stderr).toMatch(/^src\/mixed\.ts:2:\d+ - error ADG1004: /m);
    expect(run.stderr).not.toContain("clampLabel");
    expect(read(dir, "src/mixed.grad.ts")).toBe(before);
  }, 60_000);
});

describe("files the user names", () => {
  it("report every exported numeric function that cannot be differentiated", async () => {
    const run = await adgen(inProject(files), ["src/util.ts", "src/**/*.ts"], { generate });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^src\/util\.ts:2:\d+ - error ADG1004: /);
    expect(run.stderr).not.toContain("mixed.ts");
  }, 60_000);

  it("leave out a function that cannot be differentiated, with a warning, when the file's others can be (an error with --strict)", async () => {
    const dir = inProject({ "mixed.ts": files["src/mixed.ts"] });
    const run = await adgen(dir, ["mixed.ts"], { generate });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^warning: left out clampLabel of mixed\.ts: ADG1004 at mixed\.ts:6:\d+: /);
    expect(read(dir, "mixed.grad.ts")).toContain("export function energyGrad");
    expect(read(dir, "mixed.grad.ts")).not.toContain("clampLabel");
    const strict = await adgen(dir, ["--strict", "mixed.ts"], { generate });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^mixed\.ts:6:\d+ - error ADG1004: /);
  }, 60_000);

  it("leave out a function tagged @adgen-ignore", async () => {
    const source = "/** @adgen-ignore */\nexport function roundPrice(x: number): number {\n  return Number(x.toFixed(2));\n}\n\n" + files["src/loss.ts"];
    const dir = inProject({ "loss.ts": source });
    expect(await adgen(dir, ["loss.ts"], { generate })).toEqual({ code: 0, stdout: "wrote loss.grad.ts\n", stderr: "" });
    expect(read(dir, "loss.grad.ts")).not.toContain("roundPrice");
  }, 60_000);
});
