/**
 * Where the sample inputs of a function come from, in order of preference:
 * the source's `<name>Samples` export, then `<name>` in the JSON file beside
 * the source, then random inputs.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

export type SampleSource = "export" | "json" | "random";

export type Module = Record<string, unknown>;

/** A function's samples as the source gives them, or why they are unusable. */
export type GivenSamples = { source: SampleSource; samples: unknown[][] } | { source: SampleSource; error: string };

/** `dir/loss.ts` -> `dir/loss.samples.json`. */
export function samplesJsonPath(sourcePath: string): string {
  const ext = path.extname(sourcePath);
  return `${sourcePath.slice(0, sourcePath.length - ext.length)}.samples.json`;
}

/** The parsed samples file beside `sourcePath`, or undefined when there is none; throws when it is not a JSON object. */
export async function readSamplesJson(sourcePath: string): Promise<Record<string, unknown> | undefined> {
  const file = samplesJsonPath(sourcePath);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path.basename(file)} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${path.basename(file)} must hold an object: { "<function>": [[arg0, arg1, ...], ...] }`);
  }
  return parsed as Record<string, unknown>;
}

/** The samples `source` exports as `<name>Samples`, else those `json` lists under `<name>`; undefined when neither has any. */
export function givenSamples(name: string, source: Module, json: Record<string, unknown> | undefined): GivenSamples | undefined {
  const exported = source[`${name}Samples`];
  if (exported !== undefined) return checked("export", exported, `${name}Samples`);
  if (json && Object.hasOwn(json, name)) return checked("json", json[name], `"${name}" in the samples file`);
  return undefined;
}

function checked(source: SampleSource, samples: unknown, what: string): GivenSamples {
  if (Array.isArray(samples) && samples.every((args) => Array.isArray(args))) return { source, samples };
  return { source, error: `${what} must be an array of argument lists, e.g. [[1, 2], [3, 4]]` };
}
