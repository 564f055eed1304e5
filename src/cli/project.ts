/**
 * What a run compiles and how: the configuration file, the tsconfig.json and
 * the files, from the command line if it names any, else from the
 * configuration's `include`, else from the tsconfig's files.
 */
import path from "node:path";
import { glob } from "tinyglobby";
import type { AdgenConfig } from "../config/index.js";
import { type LoadedConfig, loadConfig } from "../config/load.js";
import { findTsconfig, projectTsconfig, readTsconfig } from "../config/tsconfig.js";
import type { GenerateOptions } from "../generate.js";
import type { DerivativeKind } from "../config/derivatives.js";
import { UsageError } from "./exit.js";
import { displayPath } from "./format.js";
import { type Input, isSource, resolveInputs } from "./inputs.js";

export interface ProjectFlags {
  /** `-p`: a tsconfig.json or a directory holding one. */
  project?: string;
  /** `--config`: the configuration file, instead of searching for one. */
  config?: string;
  /** `--derivatives`: wins over the configuration's `derivatives`. */
  derivatives?: DerivativeKind[];
}

export interface Project {
  config: LoadedConfig;
  /** The tsconfig.json in use, if any. */
  tsconfig?: string;
  /** What generate() is given besides the inputs. */
  generate: Pick<GenerateOptions, "prettier" | "tsconfig" | "derivatives">;
}

/** Loads the configuration and finds the tsconfig for a run in `cwd`. */
export async function openProject(flags: ProjectFlags, cwd: string): Promise<Project> {
  const config = await loadConfig(cwd, flags.config);
  const tsconfig = chooseTsconfig(flags, config, cwd);
  const { prettier } = config.config;
  const derivatives = flags.derivatives ?? config.config.derivatives;
  return { config, ...(tsconfig ? { tsconfig } : {}),
    generate: { ...(prettier ? { prettier } : {}), ...(tsconfig ? { tsconfig } : {}), ...(derivatives ? { derivatives } : {}) } };
}

function chooseTsconfig(flags: ProjectFlags, { config, dir }: LoadedConfig, cwd: string): string | undefined {
  if (flags.project) return projectTsconfig(flags.project, cwd);
  if (config.tsconfig === false) return undefined;
  if (config.tsconfig) return projectTsconfig(config.tsconfig, dir);
  return findTsconfig(cwd);
}

/**
 * The inputs of a run: the files and globs on the command line; else the
 * configuration's `include`; else the tsconfig's files. Files found by a glob
 * (not named) are `matched`, and the configuration's `exclude` drops them.
 */
export async function projectInputs(patterns: string[], project: Project, cwd: string): Promise<Input[]> {
  const { config, dir, path: configPath } = project.config;
  const excluded = new Set(await globFiles(config.exclude ?? [], dir));
  const keep = (inputs: Input[]) => inputs.filter((input) => !(input.matched && excluded.has(input.path)));
  if (patterns.length) return keep(await resolveInputs(patterns, cwd));
  const found = await includedFiles(config, dir, project.tsconfig);
  const inputs = keep(found.files.filter(isSource).map((file) => ({ path: file, matched: true })));
  if (inputs.length === 0) {
    const where = found.from === "include" ? `the include globs of ${displayPath(configPath ?? dir, cwd)}` : `the files of ${displayPath(project.tsconfig!, cwd)}`;
    throw new UsageError(`no input files: nothing to compile in ${where} (*.grad.ts and *.d.ts files are skipped)`);
  }
  return inputs;
}

async function includedFiles(config: AdgenConfig, dir: string, tsconfig: string | undefined): Promise<{ files: string[]; from: "include" | "tsconfig" }> {
  if (config.include) return { files: await globFiles(config.include, dir), from: "include" };
  if (tsconfig) return { files: readTsconfig(tsconfig).fileNames, from: "tsconfig" };
  throw new UsageError("no input files: name files or globs, or give 'include' in adgen.config.ts, or run where a tsconfig.json lists them");
}

async function globFiles(patterns: string[], dir: string): Promise<string[]> {
  if (patterns.length === 0) return [];
  const files = await glob(patterns, { cwd: dir, absolute: true, onlyFiles: true, expandDirectories: false, ignore: ["**/node_modules/**"] });
  return files.map((file) => path.resolve(file)).sort();
}
