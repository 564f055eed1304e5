/** Regenerates the benchmarks' gradients with the built CLI (dist/cli.js), so they are never stale. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

/**
 * Runs `adgen bench/<name>.ts` for every name and returns adgen's complaint per name it could not
 * differentiate (diagnostics or an internal error); those keep their previous output, if any.
 */
export function generateGradients(names: readonly string[]): Map<string, string> {
  const failures = new Map<string, string>();
  const all = adgen(names);
  if (all.status === 0) return failures;
  // One file with diagnostics fails the whole call: find out which, one at a time.
  for (const name of names) {
    const one = adgen([name]);
    if (one.status !== 0) failures.set(name, one.output.trim());
  }
  if (failures.size === 0) throw new Error(`adgen failed on the benchmark sources together but not one by one:\n${all.output}`);
  return failures;
}

function adgen(names: readonly string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [cli, ...names.map((name) => `bench/${name}.ts`)], { cwd: root, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
