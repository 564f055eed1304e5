/**
 * The bundler plugin, one implementation for Vite, Rollup, esbuild and
 * webpack through unplugin: importing `./loss.grad.js` (or `./loss.grad`)
 * beside `loss.ts` (or `loss.js`) generates the gradient module during the build and in the
 * dev server, without writing it to disk. Diagnostics are build errors (the
 * dev server's overlay); a change of `loss.ts` or of a file it imports
 * rebuilds the module (a hot update under Vite).
 */
import path from "node:path";
import { createUnplugin, type UnpluginContext } from "unplugin";
import { ts } from "ts-morph";
import { formatDiagnostic } from "../cli/format.js";
import { openProject } from "../cli/project.js";
import { generate, type GenerateOptions, type GenerateResult } from "../generate.js";
import { GRADIENT_ID, gradientId, sourceOfGradient } from "./ids.js";

export interface AdgenPluginOptions {
  /**
   * The tsconfig.json whose module resolution and `strict` the sources are
   * compiled with; `false` for adgen's own. Default: as the CLI chooses it,
   * the `tsconfig` of adgen.config.ts, else the nearest tsconfig.json from the
   * project root up.
   */
  tsconfig?: string | false;
}

const NAME = "adgen";

export const unplugin = createUnplugin<AdgenPluginOptions | undefined>((options = {}) => {
  let root = process.cwd();
  let generateOptions: Promise<GenerateOptions> | undefined;
  // The module is transpiled for the bundle, so its formatting does not matter: prettier's defaults, resolved for nothing.
  const projectOptions = async (): Promise<GenerateOptions> => {
    if (options.tsconfig === false) return { prettier: "defaults" };
    if (options.tsconfig) return { prettier: "defaults", tsconfig: path.resolve(root, options.tsconfig) };
    const { tsconfig } = (await openProject({}, root)).generate;
    return { prettier: "defaults", ...(tsconfig ? { tsconfig } : {}) };
  };
  /** Generated module id -> its source. */
  const sources = new Map<string, string>();
  let queue: Promise<unknown> = Promise.resolve();
  // generate() shares one TypeScript program: one compilation at a time.
  const compile = (source: string) => {
    generateOptions ??= projectOptions();
    const next = queue.then(async () => generate([source], await generateOptions));
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    name: NAME,
    enforce: "pre",
    resolveId: {
      filter: { id: GRADIENT_ID },
      handler(id, importer, options) {
        const source = sourceOfGradient(id, importer, root);
        if (!source) return null;
        // Vite's dependency scan reads what it resolves from disk, where the module is not: leave it out of the scan.
        if ((options as { scan?: boolean } | undefined)?.scan) return { id, external: true };
        const generated = gradientId(source);
        sources.set(generated, source);
        return generated;
      },
    },
    loadInclude: (id) => sources.has(id),
    async load(id) {
      const source = sources.get(id);
      if (!source) return null;
      const result = await compile(source);
      // What the module depends on: a change rebuilds it, and is a hot update under Vite.
      for (const file of [source, ...(result.imports?.[0]?.files ?? [])]) this.addWatchFile(file);
      const output = result.outputs[0];
      if (result.diagnostics.length || !output) {
        return { code: fail(this, result, `${path.basename(source)} has no exported function that returns a number, so it has no gradient module`), map: null };
      }
      // Beside a JavaScript source the module is JavaScript already.
      return { code: /\.[mc]?js$/.test(id) ? output.text : toJavaScript(output.text, id), map: null };
    },
    vite: {
      configResolved(config) {
        root = config.root;
      },
    },
  };
});

/**
 * Reports the diagnostics (or, without any, `otherwise`) as a build error
 * located at the first diagnostic. Rollup and Vite throw it; esbuild and
 * webpack collect it and fail the build, and get a module that would throw it.
 */
function fail(context: UnpluginContext, result: GenerateResult, otherwise: string): string {
  const text = result.diagnostics.length ? result.diagnostics.map((d) => formatDiagnostic(d, { cwd: process.cwd() })).join("\n\n") : otherwise;
  const first = result.diagnostics[0];
  context.error({ message: text, ...(first ? { id: first.file, loc: { file: first.file, line: first.line, column: first.column - 1 } } : {}) });
  return `throw new Error(${JSON.stringify(text)});\n`;
}

/** The generated TypeScript as JavaScript (it has only erasable type syntax), for bundlers that do not strip types. */
function toJavaScript(code: string, id: string): string {
  return ts.transpileModule(code, {
    fileName: id,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true, sourceMap: false },
  }).outputText;
}
