/**
 * Every fixture in every derivative mode: each `fixtures/<name>.ts` is
 * generated with `grad, jvp, hvp, jacobian, hessian` (into
 * `fixtures/.<name>.modes.grad.ts`, ignored by git), and at each sample:
 *
 * - Jvp: the value is exactly the function's; J·u matches the numerical
 *   directional derivative along a random u (the sum of u_k times each
 *   partial derivative by central differences); and the dot-product test
 *   <J·u, w> = <u, Jᵀ·w> against the gradient or VJP holds to rounding,
 *   far tighter than any numerical derivative.
 * - Hvp (functions returning a number): value and gradient are exactly
 *   Grad's; H·v matches central differences of the generated gradient
 *   along v; and <H·v, w> = <v, H·w> to rounding (H is symmetric).
 * - Hessian: value and gradient are Grad's; row k is exactly the Hvp with the
 *   k-th unit vector; it is symmetric to rounding.
 * - Jacobian (vector-valued functions): the value is exactly the function's,
 *   row i equals the VJP of the i-th unit vector and J·u equals the Jvp, to
 *   rounding; taken by forward mode (no more columns than rows), column k is
 *   exactly the Jvp with the k-th unit vector.
 *
 * The Hessian and the forward Jacobian come by blocks of columns, one sweep
 * with several tangents each (the vector mode): the exact comparisons with
 * one Hvp or one Jvp per column are what show that a lane computes what a
 * sweep with one tangent does.
 */
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { generate } from "../src/generate.js";
import { directional } from "../src/verify/forward.js";
import { seedLike } from "../src/verify/vjp.js";
import { copyOf } from "../src/verify/coordinates.js";
import { expectGradClose } from "./oracle.js";
import { diagnosticLines, exportedFunctions, importModule, listFixtures, sourceFunction, type Module } from "./helpers/fixtures.js";
import { dot, mapNumbers, numbersOf, random, unsigned, type Tree } from "../src/verify/trees.js";

const RTOL = 1e-6;
/** Agreement "to rounding": relative to the sum of the magnitudes of the terms. */
const ROUNDING = 1e-10;
const GENERATE_TIMEOUT_MS = 60_000;
const ALL = ["grad", "jvp", "hvp", "jacobian", "hessian"] as const;

type Fn = (...args: unknown[]) => any;

/** |a - b| within ROUNDING of `scale` (the sum of the magnitudes of what was added up). */
function expectRounding(a: number, b: number, scale: number, label: string): void {
  // Below 1e-14 a product of numbers of size 1 is rounding noise (a Hessian entry that cancels to 1e-17).
  const allowed = ROUNDING * scale + 1e-14;
  if (!(Math.abs(a - b) <= allowed)) throw new Error(`${label}: ${a} and ${b} differ by ${Math.abs(a - b)}, more than ${allowed}`);
}

/** |<a, b>|'s terms added up: the scale a dot product's rounding is relative to. */
const magnitude = (a: number[], b: number[]) => a.reduce((s, x, i) => s + Math.abs(x * b[i]!), 0);

/** Where a fixture's module with every derivative is written (ignored by git). */
const modesFile = (fixture: ReturnType<typeof listFixtures>[number]) => join(fixture.sourceFile, "..", `.${basename(fixture.sourceFile, ".ts")}.modes.grad.ts`);

/**
 * The fixture's module with every derivative. A function whose Hvp would
 * differentiate a call adgen cannot see into (a user rule's adjoint calling a
 * library) is an ADG1015 diagnostic: such functions are tagged
 * `@derivatives grad, jvp` and the file generated again, and are listed. So
 * are functions taking an array of tuples or objects, whose Jacobian and
 * Hessian are an ADG1014 diagnostic: they are tagged `@derivatives grad, jvp, hvp`.
 */
function loader(fixture: ReturnType<typeof listFixtures>[number], untraced: Set<string>): () => Promise<Module> {
  let loading: Promise<Module> | undefined;
  return () => (loading ??= (async () => {
    let result = await generate([fixture.input], { derivatives: ALL });
    const records = (d: { code: string; message: string }) => d.code === "ADG1014" && /(takes|returns) an array of tuples or objects/.test(d.message);
    if (result.diagnostics.length && result.diagnostics.every((d) => d.code === "ADG1015" || records(d))) {
      let text = fixture.input.text;
      for (const d of result.diagnostics) {
        const name = /of '(\w+)'(?: needs|, which (?:takes|returns))/.exec(d.message)![1]!;
        if (records(d)) tagged.add(name);
        else untraced.add(name);
        const kinds = records(d) && d.message.includes("takes") ? "grad, jvp, hvp" : "grad, jvp";
        text = text.replace(new RegExp(`^export function ${name}\\b`, "m"), `/** @derivatives ${kinds} */\nexport function ${name}`);
      }
      result = await generate([{ path: fixture.input.path, text }], { derivatives: ALL });
    }
    expect(diagnosticLines(result.diagnostics)).toEqual([]);
    const file = modesFile(fixture);
    writeFileSync(file, result.outputs[0]!.text);
    return importModule(file);
  })());
}

/** A derivative function a fixture's `@derivatives` tag leaves out is not there to check (the tag wins over the run's list). */
function skippedByTag(m: Module, exported: string, name: string): boolean {
  if (typeof m[exported] === "function") return false;
  expect(tagged.has(name), `${exported} is missing, and ${name} has no @derivatives tag`).toBe(true);
  return true;
}
const tagged = new Set<string>();

const loads: { fixture: ReturnType<typeof listFixtures>[number]; load: () => Promise<Module> }[] = [];

for (const fixture of listFixtures()) {
  for (const m of fixture.input.text.matchAll(/@derivatives[^*]*\*\/\s*export function (\w+)/g)) tagged.add(m[1]!);
  const untraced = new Set<string>();
  const load = loader(fixture, untraced);
  loads.push({ fixture, load });
  const source = await importModule(fixture.sourceFile);
  describe(fixture.path, () => {
    for (const fn of exportedFunctions(fixture)) {
      const samples = source[`${fn.name}Samples`] as unknown[][] | undefined;
      if (!samples) continue;
      const f = sourceFunction(source, fn) as Fn;
      const frozen = source[`${fn.name}Frozen`] as ((...args: unknown[]) => Fn) | undefined;
      const names = fn.parameters.map((p) => p.name);
      const scalar = fn.returnType === "number";
      samples.forEach((given, i) => {
        // Arguments a sample leaves out are passed as undefined: the derivatives' own parameters come after them.
        const args = [...given, ...new Array<undefined>(Math.max(0, names.length - given.length)).fill(undefined)];
        const rand = random(1000 * i + fn.name.length + 7);
        const differentiated = frozen?.(...args) ?? f;
        test(`${fn.name} sample ${i}: Jvp against numerical directional derivatives and the dot-product test`, { timeout: GENERATE_TIMEOUT_MS }, async () => {
          const m = await load();
          if (skippedByTag(m, `${fn.name}Jvp`, fn.name)) return;
          const value = f(...copyOf(args));
          const reverse = scalar ? m[`${fn.name}Grad`] as Fn : m[`${fn.name}Vjp`] as Fn;
          const w = scalar ? 1 : mapNumbers(seedLike(value), () => rand());
          const { grad } = scalar ? reverse(...args) : reverse(...args, w);
          // Steps of each coordinate's size (largest 1, times max(1, |x|)), as far as a partial derivative's numerical step goes.
          const raw = mapNumbers(grad, () => rand());
          const top = Math.max(1e-3, ...numbersOf(raw).map(Math.abs));
          const sizes = numbersOf(Object.fromEntries(Object.keys(grad).map((key) => [key, args[names.indexOf(key)]])));
          const u = mapNumbers(raw, (x, k) => (x / top) * Math.max(1, Math.abs(sizes[k] ?? 1))) as Record<string, Tree>;
          const jvp = (m[`${fn.name}Jvp`] as Fn)(...args, u);
          if (scalar) expect(Object.is(jvp.value, value), `value ${jvp.value}, f gives ${value}`).toBe(true);
          else expect(jvp.value).toStrictEqual(value);
          const along = directional((...a) => numbersOf(differentiated(...a)), args, names, u);
          const ju = numbersOf(jvp.tangent);
          expect(ju.length).toBe(along.length);
          ju.forEach((x, k) => expectGradClose(x, along[k]!, { rtol: RTOL, label: `(J·u)[${k}]` }));
          const wFlat = numbersOf(w);
          const uFlat = numbersOf(u);
          const jtw = numbersOf(grad);
          expectRounding(dot(ju, wFlat), dot(uFlat, jtw), magnitude(ju, wFlat) + magnitude(uFlat, jtw), "<J·u, w> against <u, Jᵀ·w>");
        });
        if (scalar) {
          test(`${fn.name} sample ${i}: Hvp against differences of the gradient; Hessian symmetric and equal to the stacked Hvps`, { timeout: GENERATE_TIMEOUT_MS }, async () => {
            const m = await load();
            if (untraced.has(fn.name)) {
              expect(m[`${fn.name}Hvp`]).toBeUndefined();
              return;
            }
            if (skippedByTag(m, `${fn.name}Hvp`, fn.name)) return;
            const gradOf = m[`${fn.name}Grad`] as Fn;
            const expected = gradOf(...args);
            const v = mapNumbers(expected.grad, () => rand()) as Record<string, Tree>;
            const w = mapNumbers(expected.grad, () => rand()) as Record<string, Tree>;
            const hvpOf = m[`${fn.name}Hvp`] as Fn;
            const hv = hvpOf(...args, v);
            expect(Object.is(hv.value, expected.value)).toBe(true);
            expect(unsigned(numbersOf(hv.grad))).toStrictEqual(unsigned(numbersOf(expected.grad)));
            // With a stopGradient the Hvp is the frozen function's, whose gradient is not generated: symmetry checks it below.
            if (!frozen) {
              const along = directional((...a) => numbersOf(gradOf(...a).grad), args, names, v);
              numbersOf(hv.hvp).forEach((x, k) => expectGradClose(x, along[k]!, { rtol: RTOL, label: `(H·v)[${k}]` }));
            }
            const hw = numbersOf(hvpOf(...args, w).hvp);
            const [hvFlat, vFlat, wFlat] = [numbersOf(hv.hvp), numbersOf(v), numbersOf(w)];
            expectRounding(dot(hvFlat, wFlat), dot(vFlat, hw), magnitude(hvFlat, wFlat) + magnitude(vFlat, hw), "<H·v, w> against <v, H·w>");

            if (skippedByTag(m, `${fn.name}Hessian`, fn.name)) return;
            const { value, grad, hessian } = (m[`${fn.name}Hessian`] as Fn)(...args) as { value: number; grad: Tree; hessian: number[][] };
            expect(Object.is(value, expected.value)).toBe(true);
            expect(unsigned(numbersOf(grad))).toStrictEqual(unsigned(numbersOf(expected.grad)));
            const n = numbersOf(expected.grad).length;
            expect(hessian.length).toBe(n);
            const largest = Math.max(0, ...hessian.flat().map(Math.abs));
            for (let k = 0; k < n; k++) {
              const unit = mapNumbers(expected.grad, (_, j) => (j === k ? 1 : 0)) as Record<string, Tree>;
              expect(unsigned(hessian[k]!)).toStrictEqual(unsigned(numbersOf(hvpOf(...args, unit).hvp)));
              for (let j = 0; j < k; j++) expectRounding(hessian[k]![j]!, hessian[j]![k]!, largest * n, `H[${k}][${j}] against H[${j}][${k}]`);
            }
          });
        } else {
          test(`${fn.name} sample ${i}: Jacobian rows equal the VJPs of unit vectors, columns the Jvps`, { timeout: GENERATE_TIMEOUT_MS }, async () => {
            const m = await load();
            if (skippedByTag(m, `${fn.name}Jacobian`, fn.name)) return;
            const value = f(...copyOf(args));
            const { value: got, jacobian } = (m[`${fn.name}Jacobian`] as Fn)(...args) as { value: unknown; jacobian: number[][] };
            expect(got).toStrictEqual(value);
            const seed = seedLike(value);
            const outputs = numbersOf(seed).length;
            expect(jacobian.length).toBe(outputs);
            const vjp = m[`${fn.name}Vjp`] as Fn;
            const grad0 = vjp(...args, seed).grad;
            const largest = Math.max(0, ...jacobian.flat().map(Math.abs));
            for (let r = 0; r < outputs; r++) {
              const row = numbersOf(vjp(...args, mapNumbers(seed, (_, k) => (k === r ? 1 : 0))).grad);
              expect(jacobian[r]!.length).toBe(row.length);
              row.forEach((x, c) => expectRounding(jacobian[r]![c]!, x, largest * row.length, `J[${r}][${c}]`));
            }
            const jvpOf = m[`${fn.name}Jvp`] as Fn;
            const inputs = numbersOf(grad0).length;
            if (inputs <= outputs) {
              for (let c = 0; c < inputs; c++) {
                const column = numbersOf(jvpOf(...args, mapNumbers(grad0, (_, k) => (k === c ? 1 : 0))).tangent);
                expect(unsigned(jacobian.map((row) => row[c]!))).toStrictEqual(unsigned(column));
              }
            }
            const u = mapNumbers(grad0, () => rand()) as Record<string, Tree>;
            const ju = numbersOf(jvpOf(...args, u).tangent);
            const uFlat = numbersOf(u);
            jacobian.forEach((row, r) => expectRounding(dot(row, uFlat), ju[r]!, magnitude(row, uFlat), `(J·u)[${r}]`));
          });
        }
      });
    }
  }, GENERATE_TIMEOUT_MS);
}

test("every generated module, in every mode, type-checks with strict: true and noUnusedLocals", async () => {
  for (const { load } of loads) await load();
  const files = loads.flatMap(({ fixture }) => [fixture.sourceFile, modesFile(fixture)]);
  const program = ts.createProgram(files, {
    strict: true, noUnusedLocals: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022, types: [], skipLibCheck: true,
  });
  const host = { getCanonicalFileName: (n: string) => n, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n" };
  expect(ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), host)).toBe("");
}, 120_000);
