/**
 * The programmatic API from the package's entry point, as the README shows
 * it: generate(), then check() and write() against the disk, and
 * formatDiagnostic(). Gradients it writes are checked numerically.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tsImport } from "tsx/esm/api";
import { describe, expect, it } from "vitest";
import { check, formatDiagnostic, generate, write } from "../../src/index.js";
import { gradcheck } from "../../src/verify/index.js";
import { seedSource, tempProject } from "./temp.js";

describe("the programmatic API", () => {
  it("generate, check and write: missing, written, fresh, unchanged, stale, refused", async () => {
    const dir = tempProject({ "seed.ts": seedSource, "cube.ts": "export function g(x: number): number {\n  return x * x * x;\n}\n" });
    const files = [path.join(dir, "seed.ts"), path.join(dir, "cube.ts")];
    const { outputs, diagnostics } = await generate(files);
    expect(diagnostics).toEqual([]);
    const status = async () => (await check(outputs)).map((file) => [path.basename(file.outputPath), file.status]);
    expect(await status()).toEqual([["seed.grad.ts", "missing"], ["cube.grad.ts", "missing"]]);
    expect((await write(outputs)).map((file) => file.status)).toEqual(["wrote", "wrote"]);
    expect(await status()).toEqual([["seed.grad.ts", "fresh"], ["cube.grad.ts", "fresh"]]);
    expect((await write(outputs)).map((file) => file.status)).toEqual(["unchanged", "unchanged"]);
    writeFileSync(path.join(dir, "seed.grad.ts"), outputs[0]!.text.replace("1 + x + x", "2 * x"));
    writeFileSync(path.join(dir, "cube.grad.ts"), "export const mine = 1;\n");
    expect(await status()).toEqual([["seed.grad.ts", "stale"], ["cube.grad.ts", "foreign"]]);
    expect((await write(outputs)).map((file) => file.status)).toEqual(["wrote", "refused"]);
    expect(readFileSync(path.join(dir, "cube.grad.ts"), "utf8")).toBe("export const mine = 1;\n");

    const { f } = (await tsImport(files[0]!, import.meta.url)) as { f: (x: number) => number };
    const { fGrad } = (await tsImport(path.join(dir, "seed.grad.ts"), import.meta.url)) as { fGrad: never };
    expect(gradcheck(f, fGrad, [[2], [-0.5], [1.25]], { throwOnFailure: false }).pass).toBe(true);
  }, 60_000);

  it("formatDiagnostic prints as the CLI does, pretty or on one line", async () => {
    const { diagnostics } = await generate([{ path: "src/bad.ts", text: "export function h(x: number): number {\n  return x * bad;\n}\n" }]);
    expect(diagnostics).toHaveLength(1);
    const d = diagnostics[0]!;
    expect(formatDiagnostic(d)).toBe(`src/bad.ts:2:14 - error TS2304: Cannot find name 'bad'.\n\n2   return x * bad;\n${" ".repeat(15)}~~~`);
    expect(formatDiagnostic(d, { pretty: false })).toBe("src/bad.ts(2,14): error TS2304: Cannot find name 'bad'.");
    expect(formatDiagnostic(d, { color: true })).toContain("\u001b[31merror\u001b[39m");
  }, 60_000);
});
