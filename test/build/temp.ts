/** Temporary projects for the build-integration tests: created under the OS temp directory, removed after the file's tests. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh directory holding `files` (relative path to text). */
export function tempProject(files: Record<string, string> = {}, prefix = "adgen-build-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

export const read = (dir: string, name: string): string => readFileSync(path.join(dir, name), "utf8");

export const seedSource = readFileSync(path.join(repoRoot, "fixtures", "seed.ts"), "utf8");
