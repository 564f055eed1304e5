/**
 * The checkpointing benchmark: the mass-spring chain (bench/checkpoint.ts) over 100,000 steps, its
 * gradient with every step taped, with the time loop checkpointed by default (`@checkpoint`) and with 10
 * snapshots (`@checkpoint 10`, the binomial schedule). Reports the time of each (and the ratio to the
 * taped one, round by round) and the peak tape memory of each, counted entry by entry in an
 * instrumented copy of the generated code (tape-peak.ts), snapshots included.
 */
import { readFileSync } from "node:fs";
import { Random } from "./random.js";
import { instrumentedModule, type TapePeak } from "./tape-peak.js";
import { measure, median, pairedRatio, type TimingOptions } from "./timing.js";

type Grad = (...args: unknown[]) => { value: number; grad: Record<string, number | number[]> };

export const MASSES = 20;
export const STEPS = 100_000;
/** The targets: time at most 4 x the taped gradient's, peak tape memory at most 1/50 of its. */
export const TARGETS = { timeRatio: 4, memoryRatio: 1 / 50 };
/** The snapshots of the binomial case (`@checkpoint 10`). */
export const FEW_SNAPSHOTS = 10;

export interface CheckpointResult {
  size: string;
  msPerCall: { taped: number; checkpointed: number };
  /** Checkpointed over taped, median of the rounds' ratios. */
  timeRatio: number;
  /** Peak entries: tapes and snapshots. */
  peak: { taped: TapePeak; checkpointed: TapePeak };
  memoryRatio: number;
  /** The same with `@checkpoint 10`. */
  binomial: { snapshots: number; msPerCall: number; timeRatio: number; peak: TapePeak; memoryRatio: number };
  targets: typeof TARGETS;
}

export async function checkpointBenchmark(options: TimingOptions): Promise<CheckpointResult> {
  const random = new Random(20261202);
  const args = [random.vector(MASSES, -0.5, 0.5), random.vector(MASSES, -0.1, 0.1), 10, 2, 0.1, 0.01, STEPS, random.vector(MASSES, -0.2, 0.2)];
  const url = new URL("../checkpoint.grad.ts", import.meta.url);
  const module = (await import(url.href)) as Record<string, Grad>;
  const taped = module.springChainLongGrad!;
  const checkpointed = module.springChainCheckpointedGrad!;
  const few = module.springChainFewSnapshotsGrad!;
  sameBits(taped(...args), checkpointed(...args));
  sameBits(taped(...args), few(...args));
  const samples = measure([
    { label: "springs, 100,000 steps, taped", run: () => taped(...args).value },
    { label: "springs, 100,000 steps, checkpointed", run: () => checkpointed(...args).value },
    { label: `springs, 100,000 steps, ${FEW_SNAPSHOTS} snapshots`, run: () => few(...args).value },
  ], options);
  const counted = await instrumentedModule(readFileSync(url, "utf8"), "checkpoint-bench");
  counted.tapePeakTake();
  (counted.springChainLongGrad as Grad)(...args);
  const peakTaped = counted.tapePeakTake();
  (counted.springChainCheckpointedGrad as Grad)(...args);
  const peakCheckpointed = counted.tapePeakTake();
  (counted.springChainFewSnapshotsGrad as Grad)(...args);
  const peakFew = counted.tapePeakTake();
  const total = (p: TapePeak) => p.tape + p.snapshots;
  return {
    size: `${MASSES} masses, ${STEPS} steps`,
    msPerCall: { taped: median(samples[0]!), checkpointed: median(samples[1]!) },
    timeRatio: pairedRatio(samples[1]!, samples[0]!),
    peak: { taped: peakTaped, checkpointed: peakCheckpointed },
    memoryRatio: total(peakCheckpointed) / total(peakTaped),
    binomial: {
      snapshots: FEW_SNAPSHOTS,
      msPerCall: median(samples[2]!),
      timeRatio: pairedRatio(samples[2]!, samples[0]!),
      peak: peakFew,
      memoryRatio: total(peakFew) / total(peakTaped),
    },
    targets: TARGETS,
  };
}

/** The two gradients must agree bit for bit, or the timing means nothing. */
function sameBits(a: ReturnType<Grad>, b: ReturnType<Grad>): void {
  const flat = (r: ReturnType<Grad>) => [r.value, ...Object.values(r.grad).flatMap((v) => (typeof v === "number" ? [v] : v))];
  const [x, y] = [flat(a), flat(b)];
  if (x.length !== y.length || x.some((v, i) => !Object.is(v, y[i]))) throw new Error("the checkpointed gradient differs from the taped one");
}

export function formatCheckpoint(r: CheckpointResult, date: Date): string {
  const entries = (p: TapePeak) => `${(p.tape + p.snapshots).toLocaleString("en-US")} entries (${p.tape.toLocaleString("en-US")} tape + ${p.snapshots.toLocaleString("en-US")} snapshots)`;
  return [
    `Checkpointing (${date.toISOString().slice(0, 10)}): mass-spring chain, ${r.size}, gradient`,
    `  taped:        ${r.msPerCall.taped.toPrecision(3)} ms, peak ${entries(r.peak.taped)}`,
    `  checkpointed: ${r.msPerCall.checkpointed.toPrecision(3)} ms, peak ${entries(r.peak.checkpointed)}`,
    `  time ${r.timeRatio.toPrecision(3)} x taped (target <= ${r.targets.timeRatio}), memory 1/${(1 / r.memoryRatio).toFixed(0)} of taped (target <= 1/${1 / r.targets.memoryRatio})`,
    `  ${r.binomial.snapshots} snapshots: ${r.binomial.msPerCall.toPrecision(3)} ms, peak ${entries(r.binomial.peak)}`,
    `  time ${r.binomial.timeRatio.toPrecision(3)} x taped, memory 1/${(1 / r.binomial.memoryRatio).toFixed(0)} of taped`,
  ].join("\n");
}
