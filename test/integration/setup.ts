/**
 * Global setup of `npm run test:integration`: builds dist/ and packs the
 * working tree with `npm pack`, once; the tests install that tarball into
 * temporary projects, as a user installs adgen from the registry.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

declare module "vitest" {
  export interface ProvidedContext {
    /** The packed working tree, adgen-<version>.tgz. */
    tarball: string;
  }
}

function npm(args: string[], cwd: string): string {
  const run = spawnSync("npm", args, { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`npm ${args.join(" ")} failed:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

export default function setup(project: TestProject): () => void {
  npm(["run", "build"], repoRoot);
  const dir = mkdtempSync(path.join(tmpdir(), "adgen-pack-"));
  const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", dir], repoRoot)) as { filename: string }[];
  project.provide("tarball", path.join(dir, packed!.filename));
  return () => rmSync(dir, { recursive: true, force: true });
}
