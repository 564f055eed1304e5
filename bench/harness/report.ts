/** The results: a table for the terminal and a JSON record. */
import { cpus, platform, release } from "node:os";
import type { CompileTime } from "../compile.js";
import { median } from "./timing.js";

export interface CaseResult {
  name: string;
  size: string;
  /** How many numbers the gradient has. */
  parameters?: number;
  /** Why the benchmark was not timed. */
  skipped?: string;
  /** Median milliseconds per call. */
  msPerCall?: { primal: number; adgen: number; hand?: number; fd: number; tfjs?: number; rose?: number };
  /** Finite differences are timed when cheap, otherwise estimated as 2 x parameters x the primal's time. */
  fdMethod?: "measured" | "estimated";
  /** Gradient time / primal time, and adgen / hand-written. */
  ratios?: { adgen: number; hand?: number; adgenOverHand?: number; fd: number; tfjs?: number; rose?: number };
}

export interface Summary {
  medianAdgenRatio: number;
  maxAdgenRatio: { value: number; benchmark: string };
  maxAdgenOverHand?: { value: number; benchmark: string };
}

/** The targets (README, Performance): median adgen/primal <= 2.5, none above 3.5, within 1.2x of hand-written. */
const TARGETS = { medianAdgenRatio: 2.5, maxAdgenRatio: 3.5, adgenOverHand: 1.2 };

export function summarise(results: readonly CaseResult[]): Summary | undefined {
  const timed = results.filter((r) => r.ratios);
  if (timed.length === 0) return undefined;
  return {
    medianAdgenRatio: median(timed.map((r) => r.ratios!.adgen)),
    maxAdgenRatio: largest(timed, (r) => r.ratios!.adgen)!,
    maxAdgenOverHand: largest(timed, (r) => r.ratios!.adgenOverHand),
  };
}

/** The largest defined value of `of` over the results, with the benchmark it belongs to. */
function largest(results: readonly CaseResult[], of: (r: CaseResult) => number | undefined): { value: number; benchmark: string } | undefined {
  let best: { value: number; benchmark: string } | undefined;
  for (const r of results) {
    const value = of(r);
    if (value !== undefined && (!best || value > best.value)) best = { value, benchmark: r.name };
  }
  return best;
}

/** The machine the figures were measured on. */
function machine(): { cpu: string; cores: number; node: string; os: string } {
  return { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version, os: `${platform()} ${release()}` };
}

export function formatTable(results: readonly CaseResult[], summary: Summary | undefined, date: Date): string {
  const header = ["benchmark", "size", "params", "primal", "adgen", "adgen/primal", "hand/primal", "adgen/hand", "FD/primal", "tfjs/primal", "rose/primal"];
  const rows = results.map((r) => {
    const t = r.msPerCall;
    const q = r.ratios;
    if (!t || !q) return [r.name, r.size, "", "skipped", "", "", "", "", "", "", ""];
    const fd = r.fdMethod === "estimated" ? `${ratio(q.fd)}*` : ratio(q.fd);
    return [r.name, r.size, String(r.parameters), time(t.primal), time(t.adgen), ratio(q.adgen), ratio(q.hand), ratio(q.adgenOverHand), fd, ratio(q.tfjs), ratio(q.rose)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
  const { cpu, cores, node } = machine();
  const out = [
    `${date.toISOString()}, ${cpu} (${cores} cores), Node ${node}`,
    "",
    line(header),
    ...rows.map(line),
    "",
    "Times: medians per call. Ratios: medians over rounds of gradient time / primal time. * estimated as 2 x params x primal.",
  ];
  if (summary) {
    out.push(
      `adgen/primal: median ${ratio(summary.medianAdgenRatio)} (target <= ${TARGETS.medianAdgenRatio}), ` +
        `max ${ratio(summary.maxAdgenRatio.value)} in ${summary.maxAdgenRatio.benchmark} (target <= ${TARGETS.maxAdgenRatio})`,
    );
    const overHand = summary.maxAdgenOverHand;
    if (overHand) out.push(`adgen/hand-written: max ${ratio(overHand.value)} in ${overHand.benchmark} (target <= ${TARGETS.adgenOverHand})`);
  }
  for (const r of results) if (r.skipped) out.push(`SKIPPED ${r.name}: ${r.skipped}`);
  return out.join("\n");
}

export function resultsJson(
  results: readonly CaseResult[],
  summary: Summary | undefined,
  date: Date,
  settings: object,
  compileTimes: readonly CompileTime[],
  sections: { forward?: object; checkpointing?: object } = {},
): string {
  const record = { date: date.toISOString(), machine: machine(), settings, targets: TARGETS, summary, benchmarks: results, compileTimes, ...sections };
  return `${JSON.stringify(record, null, 2)}\n`;
}

function time(ms: number): string {
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toPrecision(3)} us`;
  return `${(ms * 1e6).toPrecision(3)} ns`;
}

function ratio(value: number | undefined): string {
  if (value === undefined) return "-";
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
