/**
 * `adgen --watch` in a temporary project: edits to an input and to a file it
 * imports regenerate its gradient, one line each; a diagnostic is printed and
 * the watch goes on; a new file the glob matches is compiled. In-process with
 * the real compiler and watcher, and once as the built CLI stopped by SIGINT.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { tsImport } from "tsx/esm/api";
import { afterEach, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { openProject } from "../../src/cli/project.js";
import { generate } from "../../src/generate.js";
import { gradcheck } from "../../src/verify/index.js";
import { watch, type Watching } from "../../src/watch/watch.js";
import { builtCli } from "./cli-harness.js";
import { read, tempProject } from "./temp.js";

const loss = (power: number) => `import { scale } from "./lib/scale.js";\n\nexport function loss(x: number): number {\n  return scale(x) ** ${power};\n}\n`;
const scale = (k: number) => `export function scale(x: number): number {\n  return ${k} * x + Math.sin(x);\n}\n`;
const LINE = /^\[\d\d:\d\d:\d\d\] (.*) \((\d+ ms|\d+\.\d s)\)$/;

/** Captured output, and a way to wait until it shows something. */
function capture() {
  const out = { stdout: "", stderr: "" };
  const io: Partial<CliIo> = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    env: {},
    generate,
  };
  const until = async (test: () => boolean, what: string, timeoutMs = 20_000): Promise<void> => {
    const start = Date.now();
    while (!test()) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; stdout:\n${out.stdout}\nstderr:\n${out.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  /** The one-line reports of regenerations so far. */
  const rounds = () => out.stdout.split("\n").flatMap((line) => LINE.exec(line)?.[1] ?? []).filter((text) => !text.startsWith("watching"));
  return { out, io, until, rounds };
}

let watching: Watching | undefined;
afterEach(async () => {
  await watching?.close();
  watching = undefined;
});

async function start(dir: string, patterns: string[], io: Partial<CliIo>): Promise<void> {
  const cli = { cwd: dir, color: false, ...io } as CliIo;
  watching = watch(patterns, await openProject({}, dir), cli, {});
  await watching.ready;
}

describe("adgen --watch", () => {
  it("regenerates on a change of an input or of a file it imports, reports errors and keeps going, and picks up new files", async () => {
    const dir = tempProject({ "loss.ts": loss(2), "lib/scale.ts": scale(3), "util.ts": "export const unit = 1;\n" });
    const { out, io, until, rounds } = capture();
    await start(dir, ["*.ts"], io);
    expect(out.stdout).toMatch(/^wrote loss\.grad\.ts\n\[\d\d:\d\d:\d\d\] watching 2 files for changes \(first run [^)]+\); press Ctrl-C to stop\n$/);
    expect(read(dir, "loss.grad.ts")).toContain("3 * x");

    writeFileSync(path.join(dir, "loss.ts"), loss(3));
    await until(() => rounds().length === 1, "the regeneration after editing loss.ts");
    expect(rounds()).toEqual(["wrote loss.grad.ts"]);
    expect(read(dir, "loss.grad.ts")).toContain("** 3");

    writeFileSync(path.join(dir, "lib/scale.ts"), scale(5));
    await until(() => rounds().length === 2, "the regeneration after editing the imported lib/scale.ts");
    expect(rounds()[1]).toBe("wrote loss.grad.ts");
    expect(read(dir, "loss.grad.ts")).toContain("5 * x");

    writeFileSync(path.join(dir, "loss.ts"), loss(3).replace("scale(x)", "scale(y)"));
    await until(() => rounds().length === 3, "the report of the error");
    expect(rounds()[2]).toBe("1 error");
    expect(out.stderr).toMatch(/^loss\.ts:4:16 - error TS2304: Cannot find name 'y'/m);
    expect(read(dir, "loss.grad.ts")).toContain("5 * x");

    writeFileSync(path.join(dir, "loss.ts"), loss(2));
    await until(() => rounds().length === 4, "the regeneration after the fix");
    expect(rounds()[3]).toBe("wrote loss.grad.ts");

    writeFileSync(path.join(dir, "cube.ts"), "export function cube(x: number): number {\n  return x * x * x;\n}\n");
    await until(() => rounds().length === 5, "the new file");
    expect(rounds()[4]).toBe("wrote cube.grad.ts");

    // The gradient the watch wrote last is right.
    const source = (await tsImport(path.join(dir, "loss.ts"), import.meta.url)) as { loss: (x: number) => number };
    const gradient = (await tsImport(path.join(dir, "loss.grad.ts"), import.meta.url)) as { lossGrad: never };
    expect(gradcheck(source.loss, gradient.lossGrad, [[0.4], [-1.3], [2.2]], { throwOnFailure: false }).pass).toBe(true);
  }, 120_000);

  it("leaves alone an input that nothing changed", async () => {
    const dir = tempProject({ "a.ts": loss(2), "b.ts": "export function b(x: number): number {\n  return x * x;\n}\n", "lib/scale.ts": scale(3) });
    const { io, until, rounds } = capture();
    await start(dir, ["a.ts", "b.ts"], io);
    writeFileSync(path.join(dir, "b.ts"), "export function b(x: number): number {\n  return x * x * x;\n}\n");
    await until(() => rounds().length === 1, "the regeneration of b.ts");
    expect(rounds()).toEqual(["wrote b.grad.ts"]);
  }, 60_000);

  it("as the built CLI, runs until SIGINT and exits 0", async () => {
    const dir = tempProject({ "seed.ts": "export function f(x: number): number {\n  return x * x + x;\n}\n" });
    const child = spawn(process.execPath, [builtCli, "--watch", "seed.ts"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const until = async (test: () => boolean) => {
      for (let waited = 0; !test(); waited += 50) {
        if (waited > 30_000) throw new Error(`timed out; stdout:\n${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until(() => stdout.includes("watching 1 file for changes"));
    writeFileSync(path.join(dir, "seed.ts"), "export function f(x: number): number {\n  return x * x * x;\n}\n");
    await until(() => /\] wrote seed\.grad\.ts \(/.test(stdout));
    expect(read(dir, "seed.grad.ts")).toContain("x * x * x");
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  }, 60_000);
});
