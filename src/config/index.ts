/**
 * `adgen/config`: the shape of adgen.config.ts and `defineConfig`, which
 * only gives it a type. Loads nothing of the compiler.
 *
 *   // adgen.config.ts
 *   import { defineConfig } from "adgen/config";
 *   export default defineConfig({ include: ["src/**\/*.ts"], exclude: ["src/legacy/**"] });
 */
import type { PrettierChoice } from "../format-output.js";
import type { DerivativeKind } from "./derivatives.js";

export type { DerivativeKind } from "./derivatives.js";

export interface AdgenConfig {
  /**
   * Globs, relative to the configuration file, of the sources to compile when
   * no files are named on the command line. A file they match that holds
   * nothing to differentiate is skipped quietly. Default: the tsconfig's files.
   */
  include?: string[];
  /** Globs, relative to the configuration file, of files a glob or `include` never selects (named files still compile). */
  exclude?: string[];
  /**
   * How generated files are formatted: `"project"` (default) with the
   * prettier configuration resolved for each output, prettier's defaults when
   * there is none; `"defaults"`; or prettier options.
   */
  prettier?: PrettierChoice;
  /**
   * The tsconfig.json, relative to the configuration file, whose module
   * resolution, `strict` and (when neither files nor `include` are given)
   * files are used; `false` for none. Default: the nearest from the working
   * directory up (`-p` on the command line overrides both).
   */
  tsconfig?: string | false;
  /**
   * The derivative functions each differentiated function gets: any of
   * "grad", "jvp", "hvp", "jacobian", "hessian" (default ["grad"]). The
   * command line's `--derivatives` wins over it, and a function's
   * `@derivatives` tag over both.
   */
  derivatives?: DerivativeKind[];
}

/** Returns `config`: it only gives an adgen.config.ts its type. */
export function defineConfig(config: AdgenConfig): AdgenConfig {
  return config;
}
