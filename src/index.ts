/**
 * adgen's programmatic API: `generate()` turns TypeScript sources into
 * gradient modules and diagnostics without touching the disk.
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
export { Codes, type Diagnostic } from "./diagnostics.js";
