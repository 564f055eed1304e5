/** Loading sources with ts-morph, and turning AST nodes into locations and diagnostics. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Node, Project, ts, type SourceFile, type Type as TsType } from "ts-morph";
import { isCommonJs } from "./commonjs.js";
import { Codes, type Code, type Diagnostic } from "../diagnostics.js";
import type { SourceLoc, Type } from "../ir/types.js";

let project: Project | undefined;
/** The options of the user's tsconfig.json in use (see useCompilerOptions). */
let userOptions: ts.CompilerOptions = {};

/**
 * The options of a tsconfig.json that decide how the project's imports
 * resolve and how strictly its types read; adgen keeps its own target, lib
 * and everything else.
 */
const USER_OPTIONS = ["strict", "module", "moduleResolution", "paths", "baseUrl", "pathsBasePath", "customConditions", "allowImportingTsExtensions"];

/**
 * Compiles with those of `options` (parsed from the user's tsconfig.json)
 * that USER_OPTIONS lists, from the next load on; `{}` goes back to adgen's
 * own. Changing them starts a new project.
 */
export function useCompilerOptions(options: ts.CompilerOptions): void {
  const picked = Object.fromEntries(USER_OPTIONS.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
  if (JSON.stringify(picked) === JSON.stringify(userOptions)) return;
  userOptions = picked;
  project = undefined;
}

/** One shared ts-morph project: creating one costs far more than re-parsing a file. */
function sharedProject(): Project {
  project ??= new Project({
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      // The numeric subset needs no DOM types; lib.dom.d.ts alone takes longer to load than most inputs.
      lib: ["lib.es2022.d.ts"],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noEmit: true,
      // JavaScript inputs are read with their JSDoc types, and checked like TypeScript.
      allowJs: true,
      checkJs: true,
      skipLibCheck: true,
      ...userOptions,
    },
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
  });
  return project;
}

/**
 * Parses `text` (or the file's contents) as the source file at `filePath`,
 * replacing any earlier version, and (re)loads the project files it imports
 * (by relative path, or through the tsconfig's `paths`), so that calls into
 * them can be checked and inlined.
 */
export function loadSource(filePath: string, text?: string): SourceFile {
  const absolute = path.resolve(filePath);
  const sf = withText(absolute, text ?? readFileSync(absolute, "utf8"));
  const loaded = new Set([absolute]);
  const load = (file: SourceFile): void => {
    for (const imported of projectImports(file)) {
      if (loaded.has(imported)) continue;
      loaded.add(imported);
      load(withText(imported, readFileSync(imported, "utf8")));
    }
  };
  load(sf);
  // Module resolution ran before the imported files were (re)loaded.
  if (loaded.size > 1) sharedProject().getProgram();
  return sf;
}

/**
 * Adds several inputs to the project at once, so that compiling them one
 * after another builds one TypeScript program and checker, not one each.
 * Scripts (files without imports or exports) are left out: their top-level
 * declarations would be global to the other files. Returns the inputs with
 * the texts read, so that their turn reads nothing again; an unreadable file
 * keeps no text and is left for its turn, which reports it.
 */
export function preloadSources(inputs: { path: string; text?: string }[]): { path: string; text?: string }[] {
  return inputs.map((input) => {
    let text = input.text;
    try {
      text ??= readFileSync(path.resolve(input.path), "utf8");
    } catch {
      return input;
    }
    const sf = withText(path.resolve(input.path), text);
    if (!isModule(sf)) sharedProject().removeSourceFile(sf);
    return { path: input.path, text };
  });
}

/** Whether a loaded file is a script (no imports or exports): it is taken out of the project again. */
export function isScript(sf: SourceFile): boolean {
  if (isModule(sf)) return false;
  sharedProject().removeSourceFile(sf);
  return true;
}

/** An ES module, or a CommonJS one (`module.exports = ...`, `exports.f = ...`). */
function isModule(sf: SourceFile): boolean {
  const node = sf.compilerNode as ts.SourceFile & { commonJsModuleIndicator?: ts.Node };
  // The binder sets the indicator only once the file is bound; the syntax says it before.
  return ts.isExternalModule(node) || node.commonJsModuleIndicator !== undefined || isCommonJs(sf);
}

/** The project's file at `absolute` holding `text`: the one already there when its text is the same (keeping the program), else a new version. */
function withText(absolute: string, text: string): SourceFile {
  const existing = sharedProject().getSourceFile(absolute);
  if (existing && existing.getFullText() === text) return existing;
  return sharedProject().createSourceFile(absolute, text, { overwrite: true });
}

/** `sf` and the project files it imports, directly or not (as loaded by loadSource). */
export function projectFiles(sf: SourceFile): SourceFile[] {
  const files = new Map<string, SourceFile>([[sf.getFilePath(), sf]]);
  const visit = (file: SourceFile): void => {
    for (const found of projectImports(file)) {
      const imported = files.has(found) ? undefined : sharedProject().getSourceFile(found);
      if (!imported) continue;
      files.set(found, imported);
      visit(imported);
    }
  };
  visit(sf);
  return [...files.values()];
}

/** Whether a module specifier names a file of the project (`./vec.js`, `../lib/ops.js`) rather than a package. */
export function isRelativeSpecifier(specifier: string): boolean {
  return /^\.\.?(\/|$)/.test(specifier);
}

/** The source files of the project `file` imports (by relative path, or through `paths`), as absolute paths. */
function projectImports(file: SourceFile): string[] {
  return file.getImportDeclarations()
    .map((decl) => decl.getModuleSpecifierValue())
    .map((specifier) => (isRelativeSpecifier(specifier) ? importedFile(path.dirname(file.getFilePath()), specifier) : aliasedFile(file, specifier)))
    .filter((found): found is string => found !== undefined);
}

/** The project source a non-relative specifier names through the tsconfig's `paths` (not a package's file). */
function aliasedFile(file: SourceFile, specifier: string): string | undefined {
  if (!userOptions.paths) return undefined;
  const resolved = ts.resolveModuleName(specifier, file.getFilePath(), sharedProject().getCompilerOptions(), ts.sys).resolvedModule;
  if (!resolved || resolved.isExternalLibraryImport || !/\.(m|c)?ts$/.test(resolved.resolvedFileName) || /\.d\.(m|c)?ts$/.test(resolved.resolvedFileName)) return undefined;
  return path.resolve(resolved.resolvedFileName);
}

/**
 * The source file a relative module specifier names, if it exists: the
 * TypeScript file (`./vec.js` -> `vec.ts`), else the JavaScript file itself
 * (a JavaScript source's own imports; projectFiles keeps it only when the
 * program has it).
 */
function importedFile(dir: string, specifier: string): string | undefined {
  const base = path.resolve(dir, specifier);
  const stem = base.replace(/\.(m|c)?js$/, "");
  const candidates = [base, `${stem}.ts`, `${stem}.mts`, `${stem}.cts`, path.join(base, "index.ts")];
  const typescript = candidates.find((c) => /\.(m|c)?ts$/.test(c) && !c.endsWith(".d.ts") && existsSync(c));
  return typescript ?? (/\.(m|c)?js$/.test(base) && existsSync(base) ? base : undefined);
}

/** How to name `file` to the user who named `entry` (absolute) as `displayPath`: relative to it, in the same style. */
export function displayPathOf(displayPath: string, entry: string, file: string): string {
  if (file === entry) return displayPath;
  return path.join(path.dirname(displayPath), path.relative(path.dirname(entry), file));
}

/** The diagnostic for `node`, reported against the file as the user named it (another file relative to it). */
export function diagnosticAt(displayPath: string, node: Node, code: Code, message: string): Diagnostic {
  const sf = node.getSourceFile();
  displayPath = displayPathOf(displayPath, path.resolve(displayPath), sf.getFilePath());
  const start = node.getStart();
  const { line, column } = lineAndColumn(sf, start);
  const lineText = linesOf(sf)[line - 1] ?? "";
  const spanEnd = Math.min(node.getEnd(), start + (lineText.length - (column - 1)));
  return {
    code,
    message,
    file: displayPath,
    line,
    column,
    length: Math.max(1, spanEnd - start),
    sourceLine: lineText,
  };
}

/** TypeScript's own syntax errors, as ADG1000 diagnostics. */
export function syntaxDiagnostics(displayPath: string, sf: SourceFile): Diagnostic[] {
  const text = sf.getFullText();
  const lines = text.split(/\r?\n/);
  return sharedProject().getProgram().compilerObject
    .getSyntacticDiagnostics(sf.compilerNode)
    .map((d: ts.Diagnostic) => {
      const start = d.start ?? 0;
      const { line, character } = ts.getLineAndCharacterOfPosition(sf.compilerNode, start);
      return {
        code: Codes.SyntaxError,
        message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
        file: displayPath,
        line: line + 1,
        column: character + 1,
        length: Math.max(1, d.length ?? 1),
        sourceLine: lines[line] ?? "",
      };
    });
}

/**
 * TypeScript's own errors in `sf` and the project files it imports, as
 * diagnostics with TypeScript's code (`TS2300`): a program TypeScript rejects
 * has no meaning to differentiate (a redeclared parameter, a constant read
 * before its initialisation, a relative import that does not resolve). Left
 * to adgen, whose diagnostics say what to write instead: a parameter or
 * variable without a type (ADG1003), `this` outside a method (ADG1002), a
 * function that can end without returning (ADG1007), a variable read before
 * it is assigned (ADG1008), a package without types or not installed
 * (ADG1004 where it is called). Not reported: globals of the user's
 * environment this compilation does not load (`console`, `process`).
 */
export function typeErrors(displayPath: string, sf: SourceFile): Diagnostic[] {
  const program = sharedProject().getProgram().compilerObject;
  const entry = sf.getFilePath();
  return projectFiles(sf).flatMap((file) => program.getSemanticDiagnostics(file.compilerNode)
    .filter((d) => d.category === ts.DiagnosticCategory.Error && !leftToAdgen.has(d.code) && !environmentOnly.has(d.code)
      && !(d.code === 2307 && !isRelativeSpecifier(moduleNamed(file.getFullText(), d))))
    .map((d) => {
      const text = file.getFullText();
      const start = d.start ?? 0;
      const { line, character } = ts.getLineAndCharacterOfPosition(file.compilerNode, start);
      return {
        code: `TS${d.code}`,
        message: ts.flattenDiagnosticMessageText(d.messageText, " "),
        file: displayPathOf(displayPath, entry, file.getFilePath()),
        line: line + 1,
        column: character + 1,
        length: Math.max(1, d.length ?? 1),
        sourceLine: text.split(/\r?\n/)[line] ?? "",
      };
    }));
}

/** TypeScript errors adgen reports better itself (see typeErrors). */
const leftToAdgen = new Set([7005, 7006, 7008, 7010, 7016, 7019, 7031, 7034, 2366, 2454, 2683]);
/** "Cannot find name 'console'. Do you need to change your target library?" and the like. */
const environmentOnly = new Set([2580, 2582, 2583, 2584, 2591, 2592, 2593]);

/** The module specifier a "cannot find module" error points at (without its quotes). */
function moduleNamed(text: string, d: ts.Diagnostic): string {
  return text.slice((d.start ?? 0) + 1, (d.start ?? 0) + (d.length ?? 2) - 1);
}

export function locOf(node: Node): SourceLoc {
  const sf = node.getSourceFile();
  const { line, column } = lineAndColumn(sf, node.getStart());
  const text = (linesOf(sf)[line - 1] ?? "").trim();
  return { line, column, text, file: sf.getFilePath() };
}

/**
 * 1-based line and column of a position, by TypeScript's table of line starts
 * (ts-morph's own scans the text from the start each time: quadratic over a
 * long file).
 */
function lineAndColumn(sf: SourceFile, pos: number): { line: number; column: number } {
  const { line, character } = ts.getLineAndCharacterOfPosition(sf.compilerNode, pos);
  return { line: line + 1, column: character + 1 };
}

/** A source file's lines, split once per version of the file (lowering asks for a line per statement). */
const lineCache = new WeakMap<ts.SourceFile, string[]>();
function linesOf(sf: SourceFile): string[] {
  let lines = lineCache.get(sf.compilerNode);
  if (!lines) lineCache.set(sf.compilerNode, (lines = sf.getFullText().split(/\r?\n/)));
  return lines;
}

/** The IR type of a TypeScript type, or undefined when it is outside the subset. */
export function scalarType(t: TsType): Type | undefined {
  if (t.isNumber() || t.isNumberLiteral()) return "f64";
  if (t.isBoolean() || t.isBooleanLiteral()) return "bool";
  if (t.isUnion()) {
    const parts = t.getUnionTypes().map(scalarType);
    if (parts.every((p) => p === "f64")) return "f64";
    if (parts.every((p) => p === "bool")) return "bool";
  }
  return undefined;
}

/**
 * A string literal or a union of them (`"under" | "over"`): inside the
 * function such a value is a number, a code for each string, compared with
 * `===` and `switch` (lower/expressions.ts). It is never a number to
 * arithmetic: scalarType does not take it.
 */
export function isStringLiterals(t: TsType): boolean {
  return t.isStringLiteral() || (t.isUnion() && t.getUnionTypes().every((u) => u.isStringLiteral()));
}

/** The IR type of a TypeScript type, arrays included, or undefined when it is outside the subset. */
export function valueType(t: TsType): Type | undefined {
  const scalar = scalarType(t);
  if (scalar) return scalar;
  if (isStringLiterals(t)) return "f64";
  if (t.getSymbol()?.getName() === "Float64Array") return "Float64Array";
  const element = arrayElement(t);
  if (!element) return undefined;
  const inner = valueType(element);
  if (inner === "f64") return "f64[]";
  if (inner === "f64[]") return "f64[][]";
  return undefined;
}

/** The element type of `T[]` or `readonly T[]`. */
function arrayElement(t: TsType): TsType | undefined {
  if (t.isArray()) return t.getArrayElementType();
  const name = t.getSymbol()?.getName();
  if (name === "ReadonlyArray" || name === "Array") return t.getTypeArguments()[0];
  return undefined;
}

/** A self-contained TypeScript spelling of a subset type (no aliases), keeping `readonly`. */
export function typeText(t: TsType): string {
  const scalar = scalarType(t);
  if (scalar) return scalar === "f64" ? "number" : "boolean";
  if (isStringLiterals(t)) return (t.isUnion() ? t.getUnionTypes() : [t]).map((u) => u.getText()).join(" | ");
  if (t.getSymbol()?.getName() === "Float64Array") return "Float64Array";
  const element = arrayElement(t);
  if (!element) return t.getText();
  const inner = typeText(element);
  const wrapped = inner.startsWith("readonly") ? `(${inner})` : inner;
  const readonly = t.getSymbol()?.getName() === "ReadonlyArray";
  return `${readonly ? "readonly " : ""}${wrapped}[]`;
}
