import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DiagnosticError } from "../src/diagnostics.js";
import { generate, GENERATED_HEADER_PREFIX, type GenerateResult } from "../src/generate.js";
import { adgen, diagnosticAt, generatedText, type Run, spawnCli } from "./build/cli-harness.js";
import { repoRoot, tempProject, writeFiles } from "./build/temp.js";

const read = (dir: string, name: string) => readFileSync(path.join(dir, name), "utf8");
const tempDir = () => tempProject({}, "adgen-cli-");

const seed = "export function f(x: number): number {\n  return x * x + x;\n}\n";
const cube = "export function g(x: number): number {\n  return x * x * x;\n}\n";
const broken = "export function h(x: number): number {\n  return x * bad;\n}\n";

describe("writing outputs", () => {
  it("skips, with a note, a file in which no exported function returns a number", async () => {
    const dir = tempDir();
    writeFiles(dir, { "util.ts": "export function label(x: number): string {\n  return String(x);\n}\n" });
    expect(await adgen(dir, ["util.ts"], { generate })).toEqual({
      code: 0,
      stdout: "skipped util.ts (no exported function returns a number)\n",
      stderr: "",
    });
    expect(existsSync(path.join(dir, "util.grad.ts"))).toBe(false);
  });

  it("names, in the note on a skipped file, the untagged methods of its exported classes that return numbers", async () => {
    const dir = tempDir();
    const spring = [
      "export class Spring {",
      "  constructor(public k: number, public rest: number) {}",
      "  energy(x: number): number {",
      "    const d = x - this.rest;",
      "    return 0.5 * this.k * d * d;",
      "  }",
      "  get stiff(): boolean {",
      "    return this.k > 10;",
      "  }",
      "  private half(): number {",
      "    return this.k / 2;",
      "  }",
      "}",
      "",
    ].join("\n");
    writeFiles(dir, { "spring.ts": spring });
    expect(await adgen(dir, ["spring.ts"], { generate })).toEqual({
      code: 0,
      stdout:
        "skipped spring.ts (no exported function returns a number; the methods of an exported class are differentiated when they ask to be: " +
        "tag 'Spring.energy' /** @adgen */, or the class for all its public ones)\n",
      stderr: "",
    });
    // Tagged, it is differentiated, and the note is gone.
    writeFiles(dir, { "spring.ts": spring.replace("  energy(", "  /** @adgen */\n  energy(") });
    expect(await adgen(dir, ["spring.ts"], { generate })).toEqual({ code: 0, stdout: "wrote spring.grad.ts\n", stderr: "" });
  });

  it("writes <name>.grad.ts beside each input and exits 0", async () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": seed });
    expect(await adgen(dir, ["seed.ts"])).toEqual({ code: 0, stdout: "wrote seed.grad.ts\n", stderr: "" });
    expect(read(dir, "seed.grad.ts")).toBe(generatedText(path.join(dir, "seed.ts"), seed));
  });

  it("accepts several files and globs, skipping generated files and duplicates", async () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": seed, "lib/b.ts": cube, "lib/a.ts": cube, "lib/a.grad.ts": generatedText("a.ts", "old"), "lib/types.d.ts": "" });
    const run = await adgen(dir, ["seed.ts", "lib/*.ts", "lib/a.ts"]);
    expect(run).toEqual({ code: 0, stdout: "wrote seed.grad.ts\nwrote lib/a.grad.ts\nwrote lib/b.grad.ts\n", stderr: "" });
  });

  it("skips generated files named on the command line, as after shell expansion of *.ts", async () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": seed });
    await adgen(dir, ["seed.ts"]);
    expect(await adgen(dir, ["seed.grad.ts", "seed.ts"])).toEqual({ code: 0, stdout: "unchanged seed.grad.ts\n", stderr: "" });
  });

  it("does not rewrite an output whose content is unchanged", async () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": seed });
    await adgen(dir, ["seed.ts"]);
    const output = path.join(dir, "seed.grad.ts");
    const past = new Date("2001-02-03T04:05:06Z");
    utimesSync(output, past, past);

    expect(await adgen(dir, ["seed.ts"])).toEqual({ code: 0, stdout: "unchanged seed.grad.ts\n", stderr: "" });
    expect(statSync(output).mtime).toEqual(past);
  });

  it("rewrites a stale output and leaves no temporary file behind", async () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": seed, "seed.grad.ts": generatedText("seed.ts", "old") });
    expect(await adgen(dir, ["seed.ts"])).toEqual({ code: 0, stdout: "wrote seed.grad.ts\n", stderr: "" });
    expect(read(dir, "seed.grad.ts")).toBe(generatedText(path.join(dir, "seed.ts"), seed));
    expect(readdirSync(dir).sort()).toEqual(["seed.grad.ts", "seed.ts"]);
  });

  it("refuses to overwrite a *.grad.ts that adgen did not generate, and still writes the other outputs", async () => {
    const dir = tempDir();
    const handWritten = "export const mine = 1;\n";
    writeFiles(dir, { "seed.ts": seed, "cube.ts": cube, "seed.grad.ts": handWritten });
    const run = await adgen(dir, ["seed.ts", "cube.ts"]);
    expect(run).toEqual({
      code: 1,
      stdout: "wrote cube.grad.ts\n",
      stderr:
        'seed.grad.ts - error: refusing to overwrite a file that adgen did not generate (it does not start with "// Code generated by adgen from"); move or delete it first\n\n' +
        "Found 1 error in 1 file.\n",
    });
    expect(read(dir, "seed.grad.ts")).toBe(handWritten);
  });
});

describe("diagnostics", () => {
  it("are printed to stderr with a summary, exit 1, and leave the previous output untouched", async () => {
    const dir = tempDir();
    const previous = generatedText("broken.ts", "previous");
    writeFiles(dir, { "src/broken.ts": broken, "src/broken.grad.ts": previous, "src/seed.ts": seed });
    const run = await adgen(dir, ["src/broken.ts", "src/seed.ts"]);
    expect(run).toEqual({
      code: 1,
      stdout: "wrote src/seed.grad.ts\n",
      stderr: [
        "src/broken.ts:2:14 - error ADG1009: cannot find name 'bad'",
        "",
        "2   return x * bad;",
        "               ~~~",
        "",
        "Found 1 error in 1 file.",
        "",
      ].join("\n"),
    });
    expect(read(dir, "src/broken.grad.ts")).toBe(previous);
  });

  it("in a file the input imports name that file and show its line", async () => {
    const dir = tempDir();
    writeFiles(dir, {
      "loss.ts": 'import { scale } from "./lib/ops.js";\nexport function loss(a: number[], k: number): number {\n  scale(a, k);\n  return a[0];\n}\n',
      "lib/ops.ts": "export function scale(a: number[], k: number): void {\n  a[0] *= k;\n}\n",
    });
    const run = await adgen(dir, ["loss.ts"], { generate });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^lib\/ops\.ts:2:3 - error ADG1012: /);
    expect(run.stderr).toContain("a[0] *= k;");
  });

  it("thrown by generate() as a DiagnosticError are reported the same way", async () => {
    const dir = tempDir();
    writeFiles(dir, { "broken.ts": broken });
    const d = diagnosticAt(path.join(dir, "broken.ts"), broken, broken.indexOf("bad"));
    const run = await adgen(dir, ["broken.ts"], {
      generate: async () => {
        throw new DiagnosticError([d]);
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^broken\.ts:2:14 - error ADG1009: cannot find name 'bad'\n/);
    expect(run.stderr).toMatch(/\nFound 1 error in 1 file\.\n$/);
    expect(readdirSync(dir)).toEqual(["broken.ts"]);
  });

  it("are coloured only when stderr is a terminal and NO_COLOR is unset", async () => {
    const dir = tempDir();
    writeFiles(dir, { "broken.ts": broken });
    const hasEscape = (run: Run) => run.stderr.includes("\u001b[");
    expect(hasEscape(await adgen(dir, ["broken.ts"], { stderrIsTTY: true }))).toBe(true);
    expect(hasEscape(await adgen(dir, ["broken.ts"], { stderrIsTTY: true, env: { NO_COLOR: "1" } }))).toBe(false);
    expect(hasEscape(await adgen(dir, ["broken.ts"], { stderrIsTTY: false }))).toBe(false);
  });
});

describe("internal errors", () => {
  const boom = async (): Promise<GenerateResult> => {
    throw new TypeError("cannot read properties of undefined");
  };

  it("print one message and a request to report the input, exit 2, no stack trace", async () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": seed });
    expect(await adgen(dir, ["seed.ts"], { generate: boom })).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "adgen: internal error: cannot read properties of undefined\n" +
        "This is a bug in adgen; please report it with the input file (seed.ts).\n",
    });
    expect(readdirSync(dir)).toEqual(["seed.ts"]);
  });

  it("include the stack trace when ADGEN_DEBUG is set", async () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": seed });
    const run = await adgen(dir, ["seed.ts"], { generate: boom, env: { ADGEN_DEBUG: "1" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^TypeError: cannot read properties of undefined\n\s+at /m);
  });
});

describe("--check", () => {
  it("exits 0 and prints nothing when every output is fresh", async () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": seed, "cube.ts": cube });
    await adgen(dir, ["seed.ts", "cube.ts"]);
    expect(await adgen(dir, ["--check", "seed.ts", "cube.ts"])).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("lists stale and missing outputs, exits 1, and writes nothing", async () => {
    const dir = tempDir();
    const stale = generatedText("seed.ts", "old");
    writeFiles(dir, { "seed.ts": seed, "seed.grad.ts": stale, "cube.ts": cube });
    expect(await adgen(dir, ["--check", "seed.ts", "cube.ts"])).toEqual({
      code: 1,
      stdout: "stale seed.grad.ts\nmissing cube.grad.ts\n",
      stderr: "adgen: 2 out-of-date outputs; run adgen without --check to update\n",
    });
    expect(read(dir, "seed.grad.ts")).toBe(stale);
    expect(readdirSync(dir).sort()).toEqual(["cube.ts", "seed.grad.ts", "seed.ts"]);
  });

  it("fails on diagnostics and on an output adgen would refuse to overwrite", async () => {
    const dir = tempDir();
    writeFiles(dir, { "broken.ts": broken, "seed.ts": seed, "seed.grad.ts": "// mine\n" });
    const run = await adgen(dir, ["--check", "broken.ts", "seed.ts"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^broken\.ts:2:14 - error ADG1009/);
    expect(run.stderr).toMatch(/\nseed\.grad\.ts - error: refusing to overwrite/);
    expect(run.stderr).toMatch(/\nFound 2 errors in 2 files\.\n$/);
  });
});

describe("--emit-ir", () => {
  it("prints the IR and writes nothing", async () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": seed });
    expect(await adgen(dir, ["--emit-ir", "seed.ts"])).toEqual({ code: 0, stdout: "ir of seed.ts\n", stderr: "" });
    expect(readdirSync(dir)).toEqual(["seed.ts"]);
  });

  it("heads the IR of each input with its path when there are several", async () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": seed, "cube.ts": cube });
    const run = await adgen(dir, ["--emit-ir", "seed.ts", "cube.ts"]);
    expect(run.stdout).toBe("==> seed.ts <==\nir of seed.ts\n\n==> cube.ts <==\nir of cube.ts\n");
  });
});

describe("usage errors: one line on stderr, exit 2", () => {
  it.each([
    { name: "no inputs, no configuration and no tsconfig.json", argv: [], stderr: "adgen: error: no input files: name files or globs, or give 'include' in adgen.config.ts, or run where a tsconfig.json lists them\n" },
    { name: "an unknown flag", argv: ["--chek", "seed.ts"], stderr: "adgen: error: unknown option '--chek' (Did you mean --check?)\n" },
    { name: "a missing file", argv: ["nope.ts"], stderr: "adgen: error: file not found: nope.ts\n" },
    { name: "a glob matching nothing", argv: ["src/**/*.ts"], stderr: "adgen: error: no files match src/**/*.ts\n" },
    { name: "a directory", argv: ["."], stderr: "adgen: error: . is a directory; pass files or a glob such as './*.ts'\n" },
    { name: "a file that is not TypeScript", argv: ["notes.md"], stderr: "adgen: error: not a .ts, .mts, .cts, .js, .mjs or .cjs file: notes.md\n" },
    { name: "only generated files", argv: ["seed.grad.ts"], stderr: "adgen: error: no input files (*.grad.ts, *.grad.js and *.d.ts files are skipped)\n" },
    { name: "--check with --emit-ir", argv: ["--check", "--emit-ir", "seed.ts"], stderr: "adgen: error: option '--check' cannot be used with option '--emit-ir'\n" },
    { name: "verify with an unknown flag", argv: ["verify", "--seeds", "3", "seed.ts"], stderr: "adgen: error: unknown option '--seeds' (Did you mean --seed?)\n" },
  ])("$name", async ({ argv, stderr }) => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": seed, "seed.grad.ts": generatedText("seed.ts", seed), "notes.md": "" });
    expect(await adgen(dir, argv)).toEqual({ code: 2, stdout: "", stderr });
  });

  it("--help prints usage to stdout and exits 0", async () => {
    const run = await adgen(tempDir(), ["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: adgen \[options\] \[command\] \[files\.\.\.\]/);
    expect(run.stdout).toContain("--emit-ir");
    expect(run.stderr).toBe("");
  });
});

describe("the built CLI (dist/, built by the test setup)", () => {
  it("generates the seed example and then finds it fresh", () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": read(repoRoot, "fixtures/seed.ts") });
    const first = spawnCli(dir, ["seed.ts"]);
    expect({ status: first.status, stdout: first.stdout, stderr: first.stderr }).toEqual({ status: 0, stdout: "wrote seed.grad.ts\n", stderr: "" });
    expect(read(dir, "seed.grad.ts").startsWith(`${GENERATED_HEADER_PREFIX}seed.ts. DO NOT EDIT.`)).toBe(true);
    expect(spawnCli(dir, ["--check", "seed.ts"]).status).toBe(0);
  }, 60_000);

  it("verifies the seed example, loading TypeScript at run time", () => {
    const dir = tempDir();
    writeFiles(dir, { "seed.ts": read(repoRoot, "fixtures/seed.ts") });
    const run = spawnCli(dir, ["verify", "seed.ts"]);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(/^ {2}f +x +3 .* PASS$/m);
  }, 60_000);

  it("reports a bad flag in one line with exit 2", () => {
    const run = spawnCli(tempDir(), ["--bogus"]);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: "adgen: error: unknown option '--bogus'\n" });
  }, 60_000);
});
