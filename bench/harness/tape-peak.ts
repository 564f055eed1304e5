/**
 * Peak tape memory of a generated gradient, counted rather than timed: the
 * generated module's text is instrumented so that every push records how
 * far up its tape it wrote, and the snapshots of checkpointed loops record
 * their length. The peak is the largest position reached on each typed tape
 * (numbers, indices, decisions) added up, plus the snapshot entries.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export interface TapePeak {
  /** Entries: the tapes' highest positions, added up. */
  tape: number;
  /** Entries of the snapshot stores. */
  snapshots: number;
}

const probe = `
const tapePeakProbe = { tops: new Map<string, number>(), snapshots: 0 };
function tapePeakAt(tape: string, position: number): number {
  if (position + 1 > (tapePeakProbe.tops.get(tape) ?? 0)) tapePeakProbe.tops.set(tape, position + 1);
  return position;
}
function tapePeakSnapshots<T extends Float64Array>(store: T): T {
  tapePeakProbe.snapshots += store.length;
  return store;
}
/** The peak since the last call, and a fresh start. */
export function tapePeakTake(): { tape: number; snapshots: number } {
  const tape = [...tapePeakProbe.tops.values()].reduce((a, b) => a + b, 0);
  const taken = { tape, snapshots: tapePeakProbe.snapshots };
  tapePeakProbe.tops.clear();
  tapePeakProbe.snapshots = 0;
  return taken;
}
`;

/** The generated module's text with every push and snapshot store counted (see `tapePeakTake`). */
export function instrumentTapes(code: string): string {
  const pushes = code.replace(/\b(\w+)\[(\w*top\w*)\+\+\] =/g, (_, tape: string, top: string) => `${tape}[tapePeakAt("${top}", ${top}++)] =`);
  // The snapshots, made per call or taken from the function's pool.
  const stores = pushes.replace(/(const snapshots\w* = )((?:new Float64Array|\w*pooledFloats\w*)\([^;]*\));/g, "$1tapePeakSnapshots($2);");
  return `${stores}\n${probe}`;
}

/** Imports an instrumented copy of a generated module (written to a temporary directory). */
export async function instrumentedModule(code: string, name: string): Promise<Record<string, unknown> & { tapePeakTake: () => TapePeak }> {
  const dir = mkdtempSync(join(tmpdir(), "adgen-tape-peak-"));
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, instrumentTapes(code));
  return (await import(pathToFileURL(file).href)) as Record<string, unknown> & { tapePeakTake: () => TapePeak };
}
