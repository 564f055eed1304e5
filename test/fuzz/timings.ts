/**
 * Compile times of the large programs (family-large.ts): each program's, and
 * per kind the range of sizes and times, the time per unit of size, and the exponent of
 * the best power law `ms = a * size^b` (least squares on logarithms). An
 * exponent well above 1, or a program over SLOW_MS, is flagged.
 */
import type { Timing } from "./check.js";

/** "Compiles in a few seconds." */
export const SLOW_MS = 5_000;
/** An exponent above this is reported as superlinear (timing noise on a shared machine stays below it). */
export const SUPERLINEAR = 1.3;

/** The exponent b of ms = a * size^b fitted to `timings`, or undefined without two distinct sizes. */
export function exponent(timings: Timing[]): number | undefined {
  const points = timings.map((t) => [Math.log(t.size), Math.log(Math.max(t.ms, 1))] as const);
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  if (n < 2 || sxx < 1e-9) return undefined;
  return points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
}

export function compileTimes(timings: Timing[]): string[] {
  if (timings.length === 0) return [];
  const lines = ["compile times of large programs:"];
  for (const kind of [...new Set(timings.map((t) => t.kind))]) {
    const of = timings.filter((t) => t.kind === kind);
    const sizes = of.map((t) => t.size);
    const ms = of.map((t) => t.ms);
    const b = exponent(of);
    const perUnit = of.reduce((s, t) => s + t.ms / t.size, 0) / of.length;
    const slow = of.filter((t) => t.ms > SLOW_MS);
    lines.push(
      `  ${kind}: ${of.length} programs, size ${Math.min(...sizes)}-${Math.max(...sizes)}, ` +
        `${Math.min(...ms).toFixed(0)}-${Math.max(...ms).toFixed(0)} ms, ${perUnit.toFixed(2)} ms per unit, ` +
        `exponent ${b === undefined ? "n/a" : b.toFixed(2)}` +
        (b !== undefined && b > SUPERLINEAR ? " SUPERLINEAR" : "") +
        (slow.length > 0 ? `; ${slow.length} over ${SLOW_MS / 1000} s: ${slow.map((t) => `${t.size} in ${t.ms.toFixed(0)} ms`).join(", ")}` : ""),
    );
  }
  const each = [...timings].sort((a, b) => a.kind.localeCompare(b.kind) || a.size - b.size);
  return [...lines, "  each (kind size ms):", ...each.map((t) => `    ${t.kind} ${t.size} ${t.ms.toFixed(0)}`)];
}
