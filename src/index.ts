/**
 * adgen's programmatic API: `generate()` turns TypeScript sources into
 * gradient modules and diagnostics without touching the disk; `check()` and
 * `write()` compare them with the files on disk and write them, as the CLI
 * does; `formatDiagnostic()` prints a diagnostic as the CLI prints it.
 */
export {
  generate,
  outputPathFor,
  GENERATED_HEADER_PREFIX,
  type GenerateInput,
  type GenerateOptions,
  type GenerateResult,
  type GeneratedFile,
} from "./generate.js";
export { check, write, type CheckedFile, type OutputStatus, type WriteStatus, type WrittenFile } from "./cli/write.js";
export { formatDiagnostic, type FormatOptions } from "./cli/format.js";
export type { PrettierChoice } from "./format-output.js";
export { Codes, type Diagnostic } from "./diagnostics.js";
