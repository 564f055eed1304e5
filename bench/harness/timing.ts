/**
 * Timing: each subject is warmed up, given a batch size so that one batch takes about `batchMs`, then
 * timed batch by batch in rounds that interleave the subjects (in a rotating order) so that drift of the
 * machine affects all alike. Each round gives each subject one time per call; a ratio of two subjects is
 * best taken round by round (`pairedRatio`), since the two batches of a round ran moments apart.
 */

export interface Subject {
  label: string;
  /** One call; its result is summed and checked to be finite, so a broken subject cannot time as fast. */
  run: () => number;
}

export interface TimingOptions {
  rounds: number;
  batchMs: number;
  warmupMs: number;
}

/** Per subject, the time per call in milliseconds of each round. */
export function measure(subjects: readonly Subject[], options: TimingOptions): number[][] {
  const batchSizes = subjects.map((subject) => {
    warmUp(subject, options.warmupMs);
    return batchSize(subject, options.batchMs);
  });
  const perCall = subjects.map((): number[] => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < subjects.length; k++) {
      const i = (round + k) % subjects.length;
      perCall[i].push(timeBatch(subjects[i], batchSizes[i]) / batchSizes[i]);
    }
  }
  return perCall;
}

/** The median over rounds of a's time / b's time in the same round. */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((time, round) => time / b[round]));
}

/** A rough time per call in milliseconds, after warming up: enough to decide what is cheap to measure. */
export function estimate(subject: Subject, options: TimingOptions): number {
  warmUp(subject, options.warmupMs);
  const reps = batchSize(subject, options.batchMs);
  return timeBatch(subject, reps) / reps;
}

function warmUp(subject: Subject, ms: number): void {
  const end = performance.now() + ms;
  do subject.run();
  while (performance.now() < end);
}

/** Calls per batch so that a batch takes about `targetMs` (one call at least). */
function batchSize(subject: Subject, targetMs: number): number {
  let reps = 1;
  for (;;) {
    const ms = timeBatch(subject, reps);
    if (ms >= targetMs / 4) return Math.max(1, Math.round((reps * targetMs) / ms));
    reps *= 2;
  }
}

/** Milliseconds for `reps` calls. */
function timeBatch(subject: Subject, reps: number): number {
  let sum = 0;
  const start = performance.now();
  for (let r = 0; r < reps; r++) sum += subject.run();
  const ms = performance.now() - start;
  if (!Number.isFinite(sum)) throw new Error(`${subject.label} returned a value that is not finite`);
  return ms;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
