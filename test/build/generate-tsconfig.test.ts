/**
 * generate() with a tsconfig.json: imports through `paths` are followed,
 * inlined and reloaded when they change, as relative imports are.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../src/generate.js";
import { tempProject } from "./temp.js";

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
