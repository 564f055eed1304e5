/**
 * The forward-mode functions of a fuzzed entry, beside its gradient: the
 * file is generated with `grad, jvp, hvp`, and at each input `<name>Jvp`
 * and `<name>Hvp` are held to what `adgen verify` holds them to
 * (src/verify/forward.ts): values exactly the function's, the dot-product
 * test between Jvp and Grad to rounding, J·u and H·v against numerical
 * derivatives along random directions. The dot-product test and the values
 * hold at kinks too; a numerical comparison counts only at an input where
 * the gradient's own check skipped nothing (no kink near it).
 */
import { forwardcheck } from "../../src/verify/forward.js";
import { formatError } from "../../src/verify/report.js";
import { leaves } from "../../src/verify/coordinates.js";
import type { Failure } from "./check.js";
import type { GradFunction, SourceFunction } from "./compare.js";
import type { EntrySignature } from "./render.js";

/** The kinds a fuzzed file is generated with. */
export const FUZZED_DERIVATIVES = ["grad", "jvp", "hvp"] as const;

const RTOL = 1e-6;

export function checkModes(
  f: SourceFunction,
  g: GradFunction,
  generated: Record<string, unknown>,
  entry: EntrySignature,
  input: unknown[],
  nearKink: boolean,
): Failure[] {
  const fail = (message: string): Failure => ({ entry: entry.name, input, message });
  const jvp = generated[`${entry.name}Jvp`];
  const hvp = generated[`${entry.name}Hvp`];
  if (typeof jvp !== "function" || typeof hvp !== "function") return [fail(`the generated module lacks ${entry.name}Jvp or ${entry.name}Hvp`)];
  const { grad } = g(...structuredClone(input));
  const wrt = Object.keys(grad);
  const scale = Math.max(1, ...leaves(grad).map(Math.abs));
  if (wrt.length === 0) return [];
  const fns = { jvp: jvp as SourceFunction, hvp: hvp as SourceFunction, reverse: g };
  const options = { name: entry.name, rtol: RTOL, parameters: entry.params.map((p) => p.name), wrt, vector: false, seed: 7 };
  const { rows, failures } = forwardcheck(f, fns, [input], options);
  return [
    ...failures.map((n) => fail(n.message)),
    ...rows.filter((r) => !r.pass && (r.problem || (!nearKink && !rounding(r, scale)))).map((r) => fail(r.problem ?? worstText(r))),
  ];
}

/**
 * A numerical comparison that failed only by rounding: the derivative and its
 * estimate both within ROUNDING of zero, relative to the gradient's size
 * (forward over reverse leaves 1e-14 where differences of the gradient give 1e-16).
 */
const ROUNDING = 1e-11;
function rounding(r: { worst?: { ad: number; fd: number } }, scale: number): boolean {
  return !!r.worst && Math.abs(r.worst.ad) <= ROUNDING * scale && Math.abs(r.worst.fd) <= ROUNDING * scale;
}

function worstText(r: { parameter: string; maxErrorRatio: number; worst?: { coordinate: string; ad: number; fd: number } }): string {
  const w = r.worst;
  return `${r.parameter}: ${w ? `${w.coordinate}: got ${w.ad}, numerically ${w.fd}` : "no comparison"} (${formatError(r.maxErrorRatio)} times the allowed error)`;
}
