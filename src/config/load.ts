/**
 * Finding and loading the configuration: the first of `adgen.config.ts`,
 * `.mts`, `.cts`, `.js`, `.mjs`, `.cjs`, `.json` or an `adgen` key in
 * package.json, from the working directory up. lilconfig does the search (a
 * small, dependency-free searcher, the one postcss-load-config uses); `.ts`
 * files are loaded with tsx's `tsImport`, which adgen already depends on to
 * run TypeScript (adgen verify), so no second TypeScript loader is needed.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { lilconfig, type LilconfigResult, type Loader } from "lilconfig";
import { tsImport } from "tsx/esm/api";
import type { AdgenConfig } from "./index.js";
import { ConfigError } from "./tsconfig.js";
import { validateConfig } from "./validate.js";

export const CONFIG_FILES = [
  "package.json",
  "adgen.config.ts",
  "adgen.config.mts",
  "adgen.config.cts",
  "adgen.config.js",
  "adgen.config.mjs",
  "adgen.config.cjs",
  "adgen.config.json",
];

export interface LoadedConfig {
  config: AdgenConfig;
  /** The file it came from; undefined when there is none (an empty configuration). */
  path?: string;
  /** The directory its relative globs and paths are relative to: the file's, else the working directory. */
  dir: string;
}

/** A TypeScript configuration's default export (`module.exports.default` when it was compiled as CommonJS). */
const loadTypeScript: Loader = async (filepath) => {
  let value = ((await tsImport(pathToFileURL(filepath).href, import.meta.url)) as { default?: unknown }).default;
  const wrapped = (v: unknown): v is { default: unknown } =>
    typeof v === "object" && v !== null && "default" in v && Object.keys(v).every((key) => key === "default" || key === "__esModule");
  while (wrapped(value)) value = value.default;
  return value;
};

/** The configuration for a run in `cwd`: from `explicit` (`--config`) if given, else the nearest found. */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const searcher = lilconfig("adgen", {
    searchPlaces: CONFIG_FILES,
    loaders: { ".ts": loadTypeScript, ".mts": loadTypeScript, ".cts": loadTypeScript },
    cache: false,
  });
  let found: LilconfigResult;
  try {
    found = explicit ? await searcher.load(path.resolve(cwd, explicit)) : await searcher.search(cwd);
  } catch (error) {
    const where = explicit ?? "the configuration file";
    throw new ConfigError(`cannot load ${where}: ${(error as Error).message.split("\n")[0]}`);
  }
  if (!found) return { config: {}, dir: cwd };
  const config = validateConfig(found.config ?? {}, found.filepath);
  return { config, path: found.filepath, dir: path.dirname(found.filepath) };
}
