/**
 * Choosing the derivative functions: `generate({ derivatives })` (what the
 * CLI's `--derivatives` and the configuration's `derivatives` pass on), the
 * `@derivatives` tag winning for its function, and the diagnostics of a bad
 * tag (ADG1014) and of a second derivative through a call adgen cannot see
 * into (ADG1015), each located at its source.
 */
import { describe, expect, test } from "vitest";
import { parseArgs } from "../src/cli/args.js";
import { validateConfig } from "../src/config/validate.js";
import { generate } from "../src/generate.js";
import { listFixtures } from "./helpers/fixtures.js";
import { adgen, project } from "./helpers/verify.js";
import { readFileSync } from "node:fs";
import path from "node:path";

const exportsOf = (text: string) => [...text.matchAll(/^export (?:function|const) (\w+)/gm)].map((m) => m[1]);

const source = [
  "export function f(x: number[], b: number): number {",
  "  let s = 0;",
  "  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]! * b;",
  "  return s;",
  "}",
  "",
  "/** @derivatives jvp, jacobian */",
  "export function g(x: number[]): number[] {",
  "  return [x[0]! * x[1]!, Math.sin(x[0]!)];",
  "}",
  "",
].join("\n");

async function run(text: string, derivatives?: Parameters<typeof generate>[1] extends infer O ? O extends { derivatives?: infer D } ? D : never : never) {
  return generate([{ path: "src/f.ts", text }], derivatives ? { derivatives } : {});
}

describe("what is generated", () => {
  test("by default only today's gradient: <f>Grad and <f>GradInto (and the tagged function's own list)", async () => {
    const result = await run(source);
    expect(result.diagnostics).toEqual([]);
    expect(exportsOf(result.outputs[0]!.text)).toEqual(["fGrad", "fGradInto", "gVjp", "gJvp", "gJacobianRows", "gJacobianColumns", "gJacobian"]);
  });

  test("the run's list for the untagged function; what does not apply to it is left out; the tag wins for its function", async () => {
    const result = await run(source, ["grad", "jvp", "hvp", "jacobian", "hessian"]);
    expect(result.diagnostics).toEqual([]);
    expect(exportsOf(result.outputs[0]!.text)).toEqual([
      "fGrad", "fGradInto", "fJvp", "fHvp", "fHvpInto", "fHessianLeaves", "fHessian",
      "gVjp", "gJvp", "gJacobianRows", "gJacobianColumns", "gJacobian",
    ]);
  });

  test("hvp alone: the Hvp without the gradient's functions", async () => {
    const result = await run(source.replace("/** @derivatives jvp, jacobian */\n", ""), ["hvp"]);
    expect(exportsOf(result.outputs[0]!.text)).toEqual(["fHvp", "fHvpInto"]);
  });
});

describe("diagnostics", () => {
  test("ADG1014 at a tag naming something adgen does not generate", async () => {
    const result = await run(source.replace("@derivatives jvp, jacobian", "@derivatives jvp, laplacian"));
    expect(result.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ["ADG1014", 7, "'@derivatives' names 'laplacian'; adgen generates grad, jvp, hvp, jacobian, hessian"],
    ]);
  });

  test("ADG1014 at a tag asking for a Hessian of a vector-valued function, or a Jacobian of a number", async () => {
    const vector = await run(source.replace("@derivatives jvp, jacobian", "@derivatives hessian"));
    expect(vector.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ["ADG1014", 7, "'g' returns more than one number: it has a Jacobian, not a Hessian"],
    ]);
    const scalar = await run(`/** @derivatives jacobian */\n${source}`);
    expect(scalar.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ["ADG1014", 1, "'f' returns one number: its Jacobian is its gradient ('grad')"],
    ]);
  });

  test("ADG1015 at the call a user-defined adjoint makes into a library, when the Hvp would differentiate it", async () => {
    const rules = listFixtures().find((f) => f.path === "fixtures/rules.ts")!;
    const result = await generate([rules.input], { derivatives: ["hvp"] });
    expect(result.diagnostics.map((d) => [d.code, d.file, d.line, d.sourceLine.trim()])).toEqual([
      ["ADG1015", "fixtures/rules.ts", 11, "return { x: -dvalue * besselJ1(x) };"],
    ]);
    expect(result.diagnostics[0]!.message).toContain("give 'besselJ1' an '@adjoint' rule");
    // Its Jvp needs only the rule itself.
    expect((await generate([rules.input], { derivatives: ["jvp"] })).diagnostics).toEqual([]);
  });
});

describe("the command line and the configuration", () => {
  const quiet = { write: () => true };
  test("--derivatives grad,hvp is read as a list; an unknown kind is a usage error", () => {
    const run = parseArgs(["--derivatives", "hvp,grad", "src/f.ts"], quiet, quiet);
    expect(run.kind === "run" && run.flags.derivatives).toEqual(["grad", "hvp"]);
    const errors: string[] = [];
    const bad = parseArgs(["--derivatives", "grad,laplace", "src/f.ts"], quiet, { write: (t: string) => (errors.push(t), true) });
    expect(bad).toEqual({ kind: "exit", code: 2 });
    expect(errors.join("")).toContain("'laplace' is not one of grad, jvp, hvp, jacobian, hessian");
    const verify = parseArgs(["verify", "--derivatives", "jvp", "src/f.ts"], quiet, quiet);
    expect(verify.kind === "verify" && verify.flags.derivatives).toEqual(["jvp"]);
  });

  test("adgen uses the configuration's derivatives, and --derivatives wins over them", async () => {
    const dir = project({ "f.ts": source.replace("/** @derivatives jvp, jacobian */\n", ""), "adgen.config.json": '{ "derivatives": ["jvp"] }' });
    expect((await adgen(dir, ["f.ts"])).code).toBe(0);
    expect(exportsOf(readFileSync(path.join(dir, "f.grad.ts"), "utf8"))).toEqual(["fJvp", "gJvp"]);
    expect((await adgen(dir, ["--derivatives", "grad", "f.ts"])).code).toBe(0);
    expect(exportsOf(readFileSync(path.join(dir, "f.grad.ts"), "utf8"))).toEqual(["fGrad", "fGradInto", "gVjp"]);
  }, 60_000);

  test("the configuration's derivatives: a list of kinds", () => {
    expect(validateConfig({ derivatives: ["grad", "hessian"] }, "adgen.config.json")).toEqual({ derivatives: ["grad", "hessian"] });
    expect(() => validateConfig({ derivatives: ["grad", "hessians"] }, "adgen.config.json")).toThrow(
      `adgen.config.json: 'derivatives' must be a list of "grad", "jvp", "hvp", "jacobian", "hessian"`);
  });
});
