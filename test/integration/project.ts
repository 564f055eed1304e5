/**
 * Temporary projects that install the packed adgen (and whatever else they
 * need from the registry) with npm, as a user's project does.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const seedSource = readFileSync(path.join(repoRoot, "fixtures", "seed.ts"), "utf8");
export const read = (dir: string, name: string): string => readFileSync(path.join(dir, name), "utf8");

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/** Runs a command in `cwd` and throws, with its output, when it fails. */
export function sh(command: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  const run = exec(command, args, cwd, env);
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${run.status}) in ${cwd}:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

export function exec(command: string, args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 64 * 1024 * 1024 });
}

/** npm's flags for these installs: no audit or funding requests, and the local cache first. */
const NPM_FLAGS = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel", "error"];

/**
 * A project holding `files`, with a package.json of `manifest` whose
 * dependency lists name the packages to install (`adgen` means the tarball),
 * installed with `npm install` (which writes package-lock.json).
 */
export function installedProject(tarball: string, manifest: Record<string, unknown>, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "adgen-project-"));
  made.push(dir);
  const withTarball = (deps: unknown) =>
    deps && typeof deps === "object" ? Object.fromEntries(Object.entries(deps).map(([name, version]) => [name, name === "adgen" ? `file:${tarball}` : version])) : deps;
  const packageJson = { name: "user-project", version: "1.0.0", private: true, ...manifest };
  for (const key of ["dependencies", "devDependencies"]) if (key in packageJson) (packageJson as Record<string, unknown>)[key] = withTarball((packageJson as Record<string, unknown>)[key]);
  writeFiles(dir, { ...files, "package.json": `${JSON.stringify(packageJson, null, 2)}\n` });
  sh("npm", ["install", ...NPM_FLAGS], dir);
  return dir;
}

/** `npm ci` with extra flags (`--omit=dev`). */
export function npmCi(dir: string, flags: string[] = []): void {
  sh("npm", ["ci", ...NPM_FLAGS, ...flags], dir);
}

/** The installed adgen's CLI in `dir`. */
export function adgen(dir: string, args: string[]): SpawnSyncReturns<string> {
  return exec(process.execPath, [path.join(dir, "node_modules", "adgen", "dist", "cli.js"), ...args], dir);
}
