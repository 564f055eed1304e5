/**
 * The tape policy is a choice, not a correctness matter: the fixtures with
 * loops compiled with the policy that tapes every value (instead of
 * recomputing cheap ones) give the same values and gradients, bit for bit,
 * and tape at least as much.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { tapeEverything } from "../src/ad/reverse/tape-policy.js";
import { compileFile } from "../src/compile.js";
import { loadSource } from "../src/frontend/source.js";
import { importModule, listFixtures, repoRoot } from "./helpers/fixtures.js";

const withLoops = ["loops", "simulation", "rereads", "factorisation", "fusion", "counters", "network", "conditions"];

/** How many values a module's loops push on the tapes (statements, not trips). */
const pushes = (code: string) => code.split(/\[(?:top|itop|dtop)\+\+\] =/).length - 1;

describe("tape policies give the same gradients", () => {
  let tapedMore = 0;
  for (const fixture of listFixtures().filter((f) => withLoops.some((name) => f.path.endsWith(`/${name}.ts`)))) {
    test(fixture.path, async () => {
      const file = path.join(repoRoot, fixture.path);
      const compiled = compileFile(file, loadSource(file), undefined, { policy: tapeEverything });
      if ("diagnostics" in compiled) throw new Error(compiled.diagnostics.map((d) => d.message).join("; "));
      // Imports in the generated module are relative to the fixture, so it is written beside it, under another name.
      const out = path.join(path.dirname(file), `.${path.basename(file, ".ts")}.tape-everything.ts`);
      writeFileSync(out, compiled.code);
      const usualCode = readFileSync(path.join(repoRoot, fixture.path.replace(/\.ts$/, ".grad.ts")), "utf8");
      expect(pushes(compiled.code)).toBeGreaterThanOrEqual(pushes(usualCode));
      if (pushes(compiled.code) > pushes(usualCode)) tapedMore++;
      try {
        const everything = await importModule(out);
        const usual = await importModule(path.join(repoRoot, fixture.path.replace(/\.ts$/, ".grad.ts")));
        const source = await importModule(file);
        for (const key of Object.keys(source).filter((k) => k.endsWith("Samples"))) {
          const name = key.slice(0, -"Samples".length);
          const derivative = usual[`${name}Grad`] ? `${name}Grad` : `${name}Vjp`;
          for (const sample of source[key] as unknown[][]) {
            const args = () => structuredClone(sample);
            const seed = derivative.endsWith("Vjp") ? [seedFor((source[name] as (...a: unknown[]) => unknown)(...args()))] : [];
            const a = (usual[derivative] as (...a: unknown[]) => unknown)(...args(), ...seed);
            const b = (everything[derivative] as (...a: unknown[]) => unknown)(...args(), ...seed);
            expect(b, `${name} at ${JSON.stringify(sample)}`).toEqual(a);
          }
        }
      } finally {
        rmSync(out);
      }
    }, 30_000);
  }
  test("the policy is the one used: tapeEverything tapes more somewhere", () => {
    expect(tapedMore).toBeGreaterThan(0);
  });
});

/** A seed shaped like a result: ones. */
function seedFor(value: unknown): unknown {
  if (typeof value === "number") return 1;
  if (typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(seedFor);
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, seedFor(v)]));
}
