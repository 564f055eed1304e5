/**
 * The fuzzer's check in forward mode and second order (`checkFile(..., {
 * modes: true })`): at each input, the generated `<name>Jvp` must return
 * exactly the source's value and agree with the gradient by the dot-product
 * test (J·u = grad · u to rounding), and `<name>Hvp` must return exactly the
 * gradient's value and gradient, and H·v matching central differences of
 * the generated gradient along v, away from kinks.
 */
import { directional } from "../../src/verify/forward.js";
import { errorRatio } from "../../src/verify/numeric.js";
import { dot, mapNumbers, numbersOf, random, type Tree } from "../../src/verify/trees.js";
import type { Report } from "./check.js";
import type { GradFunction } from "./compare.js";
import type { EntrySignature } from "./render.js";

const RTOL = 1e-6;
type Fn = (...args: unknown[]) => any;

export function checkModes(g: GradFunction, jvp: Fn | undefined, hvp: Fn | undefined, entry: EntrySignature, args: unknown[], report: Report): void {
  const fail = (message: string): void => void report.failures.push({ entry: entry.name, input: args, message });
  if (typeof jvp !== "function" || typeof hvp !== "function") return fail("the generated module exports no Jvp or Hvp");
  const { value, grad } = g(...args);
  if (!Number.isFinite(value)) return;
  const rand = random(numbersOf(args).length + 17);
  const u = mapNumbers(grad, () => rand()) as Record<string, Tree>;
  const j = jvp(...args, u);
  if (!Object.is(j.value, value)) fail(`Jvp's value is ${j.value}, the gradient's ${value}`);
  const gu = dot(numbersOf(grad), numbersOf(u));
  const scale = numbersOf(grad).reduce((s, x, i) => s + Math.abs(x * numbersOf(u)[i]!), 0);
  if (!(Math.abs(j.tangent - gu) <= 1e-9 * scale + 1e-13)) fail(`J·u is ${j.tangent}, grad · u is ${gu}: the dot-product test fails`);
  const h = hvp(...args, u);
  if (!Object.is(h.value, value)) fail(`Hvp's value is ${h.value}, the gradient's ${value}`);
  const hg = numbersOf(h.grad);
  if (hg.some((x, i) => !Object.is(x, numbersOf(grad)[i]) && !(x === 0 && numbersOf(grad)[i] === 0))) fail("Hvp's gradient is not the gradient's");
  const names = entry.params.map((p) => p.name);
  const fd = directional((...a) => numbersOf(g(...a).grad), args, names, u);
  numbersOf(h.hvp).forEach((x, k) => {
    const d = fd[k]!;
    if (!Number.isFinite(d.value)) report.skipped += 1;
    else if (errorRatio(x, d, RTOL) <= 1) report.checked += 1;
    // A kink of the gradient (a branch, abs, min) near the input: differences of the gradient jump there.
    else if (d.error > 1e-3 * Math.max(1, d.scale)) report.skipped += 1;
    else fail(`(H·v)[${k}] is ${x}, central differences of the gradient give ${d.value}`);
  });
}
