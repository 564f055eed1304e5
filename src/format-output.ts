/**
 * Formatting of generated files with prettier, so that `prettier --check`
 * passes on them in the user's repository: by default with the prettier
 * configuration that applies to the output file (resolved as the prettier CLI
 * does: `.prettierrc*`, `prettier.config.*`, the `prettier` key of
 * package.json, overrides, `.editorconfig`), and with prettier's defaults
 * when there is none.
 */
import prettier from "prettier";

/**
 * How generated files are formatted: `"project"` (the default) with the
 * prettier configuration resolved for the output file, or prettier's
 * defaults when none applies; `"defaults"` with prettier's defaults whatever
 * the project says; or the given prettier options.
 */
export type PrettierChoice = "project" | "defaults" | prettier.Options;

/** The options prettier formats the file at `outputPath` with, under `choice`. */
export async function prettierOptionsFor(outputPath: string, choice: PrettierChoice = "project"): Promise<prettier.Options> {
  if (choice === "defaults") return {};
  if (choice !== "project") return choice;
  // The prettier CLI reads .editorconfig too, so `prettier --check` does; the API only when asked.
  return (await prettier.resolveConfig(outputPath, { editorconfig: true })) ?? {};
}

/** `code` formatted as the file at `outputPath` under `choice`. */
export async function formatOutput(code: string, outputPath: string, choice: PrettierChoice = "project"): Promise<string> {
  const options = await prettierOptionsFor(outputPath, choice);
  // With a .ts filepath prettier skips guessing whether the text is JSX, which is slow on long files.
  // Its babel-ts parser gives the same output as its typescript parser a third faster; with plugins
  // (which may hook into the typescript parser) or a parser of the user's choice, prettier picks as
  // `prettier --check` does.
  const parser = options.parser ?? (options.plugins?.length ? undefined : "babel-ts");
  return prettier.format(code, { ...options, ...(parser ? { parser } : {}), filepath: outputPath });
}
