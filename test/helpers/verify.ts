/** Running `adgen verify` in-process through main(), in temporary directories that are removed after the tests. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { main } from "../../src/cli/main.js";

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh directory holding `files` (name to text). */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "adgen-verify-"));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

export async function adgen(cwd: string, argv: string[], { stdoutIsTTY = false, env = {} } = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    cwd,
    env,
    stdout: { write: (text: string) => (stdout += text), isTTY: stdoutIsTTY },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

/**
 * Generates `name` in `dir` with adgen, then rewrites the generated file with
 * `edit` (a hand edit), failing loudly when the edit changes nothing.
 */
export async function generateAndEdit(dir: string, name: string, edit: (text: string) => string): Promise<void> {
  const generated = await adgen(dir, [name]);
  if (generated.code !== 0) throw new Error(`adgen ${name} failed: ${generated.stderr}`);
  const file = path.join(dir, name.replace(/\.ts$/, ".grad.ts"));
  const before = readFileSync(file, "utf8");
  const after = edit(before);
  if (after === before) throw new Error(`the hand edit of ${path.basename(file)} changed nothing`);
  writeFileSync(file, after);
}

/** `text` with `from` replaced by `to`; throws unless `from` occurs exactly once. */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`expected exactly one ${JSON.stringify(from)} in\n${text}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}
