/** `gradcheck` from adgen/verify: the library users call from their own test suites. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { gradcheck, GradcheckError, type GradientFunction, type GradientIntoFunction, vjpcheck, type VjpFunction } from "../src/verify/index.js";
import { parameterNames } from "../src/verify/parameters.js";
import { readSignatures, sourceCallable } from "../src/verify/signatures.js";

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** `fixtures/*.ts` beside their generated modules. */
const fixtures = readdirSync(path.join(repoRoot, "fixtures"))
  .filter((name) => name.endsWith(".ts") && !name.endsWith(".grad.ts"))
  .map((name) => `fixtures/${name}`);

const importFile = async (file: string): Promise<Record<string, unknown>> => import(pathToFileURL(path.join(repoRoot, file)).href);

const square = (x: number, y: number) => x * x * y;
const squareGrad = (x: number, y: number) => ({ value: x * x * y, grad: { x: 2 * x * y, y: x * x } });
const squareSamples: [number, number][] = [
  [1, 2],
  [-0.5, 3],
];

/** The message gradcheck throws, or undefined when it passes. */
function failure(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(GradcheckError);
    return (error as Error).message;
  }
}

describe("on the fixtures' generated gradients", () => {
  for (const fixture of fixtures) {
    test(fixture, { timeout: 30_000 }, async () => {
      const [source, generated] = await Promise.all([importFile(fixture), importFile(fixture.replace(/\.ts$/, ".grad.ts"))]);
      const names = Object.keys(source).filter((key) => key.endsWith("Samples")).map((key) => key.slice(0, -"Samples".length));
      expect(names.length).toBeGreaterThan(0);
      const signatures = readSignatures(path.join(repoRoot, fixture));
      for (const name of names) {
        const samples = source[`${name}Samples`] as unknown[][];
        const signature = signatures.find((s) => s.name === name)!;
        const f = sourceCallable(source, signature) as (...args: unknown[]) => number;
        // A method of a class takes its receiver first; its parameters are the signature's.
        const parameters = signature.member ? signature.parameters.map((p) => p.name) : parameterNames(f)!;
        const frozen = source[`${name}Frozen`] as ((...args: unknown[]) => (...args: unknown[]) => number) | undefined;
        // What adgen differentiates, as adgen verify reads it from the source with the compiler.
        const wrt = signatures.find((signature) => signature.name === name)!.wrt!;
        const options = { name, parameters, wrt, ...(frozen ? { frozen } : {}) };
        const fVjp = generated[`${name}Vjp`] as VjpFunction<unknown[]> | undefined;
        const gradInto = generated[`${name}GradInto`] as GradientIntoFunction<unknown[]> | undefined;
        expect(gradInto === undefined).toBe(fVjp !== undefined);
        const report = fVjp
          ? vjpcheck(f, fVjp, samples, options)
          : gradcheck(f, generated[`${name}Grad`] as GradientFunction<unknown[]>, samples, { ...options, gradInto });
        expect(report).toMatchObject({ function: name, pass: true, samples: samples.length, checked: samples.length });
        expect(report.parameters.length).toBeGreaterThan(0);
        // The margin: true gradients use at most a quarter of what the tolerance allows.
        for (const p of report.parameters) expect(p.maxErrorRatio, `${name}: grad.${p.parameter}`).toBeLessThan(0.25);
      }
    });
  }
});

describe("a wrong gradient", () => {
  test("throws a message naming the parameter, coordinate, sample and errors", () => {
    // d/dx of x*x*y with a stray + 1: off by 1 everywhere, relatively most where |2xy| is smallest.
    const wrong = (x: number, y: number) => ({ value: x * x * y, grad: { x: 2 * x * y + 1, y: x * x } });
    const message = failure(() => gradcheck(square, wrong, squareSamples));
    expect(message).toMatch(/^square: gradient check failed \(rtol 1e-6\)\n {2}grad\.x: worst at x, sample 1: gradient -2, numerical -3\.0\d*; abs error 1, rel error 0\.33, allowed 3\.0e-6$/);
  });

  test("names the element of a nested array parameter", () => {
    const f = (w: number[], X: number[][]) => w[0]! * X[1]![0]! + w[1]! * X[0]![1]!;
    const fGrad = (w: number[], X: number[][]) => ({
      value: f(w, X),
      grad: { w: [X[1]![0]!, X[0]![1]!], X: [[0, w[1]!], [-w[0]!]] },
    });
    const message = failure(() => gradcheck(f, fGrad, [[[1.5, 2], [[0, 3], [4]]]]));
    expect(message).toMatch(/^ {2}grad\.X: worst at X\[1\]\[0\], sample 0: gradient -1\.5, numerical 1\.4999\d*; abs error 3, rel error 2, allowed 1\.5e-6$/m);
    expect(message).not.toMatch(/grad\.w/);
  });

  test("with throwOnFailure: false is a report", () => {
    const wrong = (x: number, y: number) => ({ value: x * x * y, grad: { x: 2 * x * y, y: x } });
    const report = gradcheck(square, wrong, squareSamples, { throwOnFailure: false });
    expect(report.pass).toBe(false);
    expect(report.parameters.map((p) => [p.parameter, p.pass, p.samples])).toEqual([
      ["x", true, 2],
      ["y", false, 2],
    ]);
    expect(report.parameters[1]!.worst).toMatchObject({ sample: 1, coordinate: "y", ad: -0.5 });
    expect(report.parameters[1]!.maxAbsError).toBeCloseTo(0.75, 9);
  });

  test("of the wrong shape is a problem of its parameter", () => {
    const f = (w: number[]) => w[0]! + w[1]!;
    const report = gradcheck(f, (w: number[]) => ({ value: f(w), grad: { w: [1] } }), [[[1, 2]]], { throwOnFailure: false });
    expect(report.parameters[0]).toMatchObject({ parameter: "w", pass: false, problem: "sample 0: grad.w is an array of length 1, expected an array of length 2" });
  });

  test("checks typed arrays element by element", () => {
    const f = (v: Float64Array) => v[0]! * v[1]!;
    const fGrad = (v: Float64Array) => ({ value: f(v), grad: { v: new Float64Array([v[1]!, v[1]!]) } });
    expect(failure(() => gradcheck(f, fGrad, [[new Float64Array([2, 3])]]))).toMatch(/grad\.v: worst at v\[1\], sample 0: gradient 3, numerical 2/);
  });
});

describe("beside the components", () => {
  test("value must be exactly the function's result", () => {
    const off = (x: number, y: number) => ({ ...squareGrad(x, y), value: x * x * y + 1e-15 });
    expect(failure(() => gradcheck(square, off, [[1, 2]]))).toMatch(/^ {2}sample 0: value 2\.000000000000001 differs from square's 2$/m);
  });

  test("the arguments must be unchanged", () => {
    const f = (v: number[]) => v[0]! * 2;
    const mutating = (v: number[]) => {
      const value = f(v);
      v[0] = 0;
      return { value, grad: { v: [2] } };
    };
    expect(failure(() => gradcheck(f, mutating, [[[1]]]))).toMatch(/sample 0: the gradient changed its arguments/);
  });

  test("a parameter grad leaves out is compared as a gradient of 0; keys that are not parameters fail", () => {
    // A trip count: f is constant between integers, and at an integer the error estimate says the jump cannot be resolved.
    const power = (x: number, n: number) => {
      let p = 1;
      for (let i = 0; i < n; i++) p *= x;
      return p;
    };
    const powerGrad = (x: number, n: number) => ({ value: power(x, n), grad: { x: Math.ceil(n) * power(x, Math.ceil(n) - 1) } });
    const report = gradcheck(power, powerGrad, [[1.3, 5], [1.3, 2.5]]);
    expect(report.parameters.map((p) => [p.parameter, p.leftOut, p.pass])).toEqual([["x", undefined, true], ["n", true, true]]);

    const empty = (x: number, n: number) => ({ value: power(x, n), grad: {} });
    expect(failure(() => gradcheck(power, empty, [[1.3, 5]]))).toMatch(
      /^ {2}grad\.x is missing, but the function depends on x: worst at x, sample 0: numerical derivative 14\.28\d*; allowed 1\.4e-5$/m,
    );

    const extra = (x: number, n: number) => ({ ...powerGrad(x, n), grad: { x: n * power(x, n - 1), m: 0 } });
    expect(failure(() => gradcheck(power, extra, [[1.3, 5]]))).toMatch(/^ {2}sample 0: grad\.m is not a parameter of power$/m);
  });
});

describe("samples", () => {
  test("at which the function throws or is not finite are skipped, not failed", () => {
    const f = (x: number) => {
      if (x > 10) throw new Error("x too large");
      return Math.log(x);
    };
    const fGrad = (x: number) => ({ value: Math.log(x), grad: { x: 1 / x } });
    const report = gradcheck(f, fGrad, [[2], [-1], [20]]);
    expect(report).toMatchObject({ pass: true, samples: 3, checked: 1 });
    expect(report.skipped).toEqual([
      { sample: 1, message: "non-finite value NaN" },
      { sample: 2, message: "f throws: x too large" },
    ]);
  });

  test("none usable is a failure, with the reasons", () => {
    const f = (x: number) => Math.sqrt(x);
    const fGrad = (x: number) => ({ value: Math.sqrt(x), grad: { x: 0.5 / Math.sqrt(x) } });
    expect(failure(() => gradcheck(f, fGrad, [[-1], [-4]]))).toBe(
      [
        "f: gradient check failed (rtol 1e-6)",
        "  no usable sample: all 2 were skipped",
        "  skipped sample 0: non-finite value NaN",
        "  skipped sample 1: non-finite value NaN",
      ].join("\n"),
    );
    expect(failure(() => gradcheck(f, fGrad, []))).toMatch(/^ {2}no samples$/m);
  });

  test("too close to a singularity for the numerical derivative are skipped", () => {
    const report = gradcheck(Math.sqrt, (x: number) => ({ value: Math.sqrt(x), grad: { x: 0.5 / Math.sqrt(x) } }), [[1e-5], [4]], {
      parameters: ["x"],
    });
    expect(report.skipped).toEqual([{ sample: 0, message: "non-finite numerical derivative at x" }]);
  });
});

describe("parameter names", () => {
  test("are read from the function's text", () => {
    expect(parameterNames(function loss(w: number[], b: number) { return w.length + b; })).toEqual(["w", "b"]);
    expect(parameterNames((a: number, /* a comment */ b: number) => a + b)).toEqual(["a", "b"]);
    expect(parameterNames((x: number) => x)).toEqual(["x"]);
    expect(parameterNames(() => 1)).toEqual([]);
    expect(parameterNames(Math.hypot)).toBeUndefined();
  });

  test("that cannot be read must be passed", () => {
    const fGrad = (x: number) => ({ value: Math.sin(x), grad: { x: Math.cos(x) } });
    expect(() => gradcheck(Math.sin, fGrad, [[1]])).toThrow("gradcheck: cannot read the parameter names of sin; pass them as { parameters: [...] }");
    expect(gradcheck(Math.sin, fGrad, [[1]], { parameters: ["x"] }).pass).toBe(true);
  });
});

test("adgen/verify loads nothing of the compiler and no package, so test suites load it quickly", () => {
  const seen = new Set<string>();
  const imports: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(/^(?:import|export)[^;]*?from "([^"]+)"/gm)) {
      if (specifier!.startsWith(".")) visit(path.resolve(path.dirname(file), specifier!.replace(/\.js$/, ".ts")));
      else if (!specifier!.startsWith("node:")) imports.push(specifier!);
    }
  };
  visit(path.join(repoRoot, "src/verify/index.ts"));
  expect(imports).toEqual([]);
  expect(seen.size).toBeGreaterThan(3);
  expect([...seen].map((file) => path.relative(repoRoot, file)).every((file) => file.startsWith("src/verify/"))).toBe(true);
});
