/**
 * The user's tsconfig.json, read with the TypeScript compiler's own parser
 * (so `extends`, `include`, `exclude` and `files` mean what they mean to tsc):
 * adgen takes the options that decide how imports resolve and `strict` from
 * it, and, when no files are named, its source files.
 */
import path from "node:path";
import { ts } from "ts-morph";

/** A problem with a configuration file: reported as a usage error (exit 2). */
export class ConfigError extends Error {}

export interface Tsconfig {
  /** Absolute path of the tsconfig.json. */
  path: string;
  options: ts.CompilerOptions;
  /** The files its `files`, `include` and `exclude` select, as absolute paths. */
  fileNames: string[];
}

/** "No inputs were found in config file": harmless here, adgen may be given files. */
const NO_INPUTS = 18003;

/** The nearest tsconfig.json from `dir` upwards, as tsc finds it without `-p`. */
export function findTsconfig(dir: string): string | undefined {
  return ts.findConfigFile(dir, ts.sys.fileExists);
}

/** `-p`: a tsconfig file, or a directory holding tsconfig.json. */
export function projectTsconfig(project: string, cwd: string): string {
  const given = path.resolve(cwd, project);
  const file = ts.sys.directoryExists(given) ? path.join(given, "tsconfig.json") : given;
  if (!ts.sys.fileExists(file)) throw new ConfigError(`cannot find a tsconfig.json at ${project}`);
  return file;
}

/** Parses `file`; syntax errors and unknown options are ConfigErrors. */
export function readTsconfig(file: string): Tsconfig {
  const absolute = path.resolve(file);
  const read = ts.readConfigFile(absolute, ts.sys.readFile);
  if (read.error) throw new ConfigError(describe(read.error, absolute));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(absolute), undefined, absolute);
  const errors = parsed.errors.filter((d) => d.code !== NO_INPUTS);
  if (errors.length) throw new ConfigError(errors.map((d) => describe(d, absolute)).join("\n"));
  return { path: absolute, options: parsed.options, fileNames: parsed.fileNames.map((name) => path.resolve(name)) };
}

/** `file(line,col): error TSnnnn: message`, as tsc prints it, or `file: error ...` without a position. */
function describe(d: ts.Diagnostic, file: string): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (!d.file || d.start === undefined) return `${file}: error TS${d.code}: ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${d.file.fileName}(${line + 1},${character + 1}): error TS${d.code}: ${message}`;
}
