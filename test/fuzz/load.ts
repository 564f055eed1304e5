/**
 * Loading a self-contained TypeScript module (a fuzzed file or its generated
 * gradient): the text goes to a temporary file, which tsx (esbuild) strips of
 * its types on import, and the file is removed once loaded. Stripping types
 * leaves every floating-point operation as written, so values compare bit for
 * bit. The same path serves vitest and the standalone runner.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

export type Module = Record<string, unknown>;

let loader: { import: (specifier: string, parent: string) => Promise<unknown>; directory: string } | undefined;
let loaded = 0;

function start(): NonNullable<typeof loader> {
  const directory = mkdtempSync(join(tmpdir(), "adgen-fuzz-"));
  process.on("exit", () => rmSync(directory, { recursive: true, force: true }));
  return { import: register({ namespace: "adgen-fuzz" }).import, directory };
}

export async function loadModule(text: string): Promise<Module> {
  loader ??= start();
  loaded += 1;
  const file = join(loader.directory, `module${loaded}.ts`);
  writeFileSync(file, text);
  try {
    return (await loader.import(pathToFileURL(file).href, import.meta.url)) as Module;
  } finally {
    rmSync(file);
  }
}
