/**
 * The checks a user's project may hold generated files to: TypeScript's
 * strictest common flags, in one program over every file, and ESLint with
 * typescript-eslint's recommended config, in one process through ESLint's
 * Node API. Files are given as texts under paths beside their sources, so
 * outputs that are not on disk (fresh outputs, a bad sample) are checked as
 * if they were.
 */
import { dirname, relative } from "node:path";
import eslintJs from "@eslint/js";
import { ESLint, type Linter } from "eslint";
import ts from "typescript";
import tseslint from "typescript-eslint";

/** A generated file: an absolute path (next to its source, which it may import) and its text. */
export interface CheckedFile {
  path: string;
  text: string;
}

/**
 * `strict` and the flags on top of it that projects turn on, among them
 * what Node's type stripping needs (erasableSyntaxOnly, verbatimModuleSyntax)
 * and what declaration emitters that work file by file need
 * (isolatedDeclarations).
 */
export const STRICTEST: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  exactOptionalPropertyTypes: true,
  noImplicitOverride: true,
  verbatimModuleSyntax: true,
  isolatedDeclarations: true,
  erasableSyntaxOnly: true,
  declaration: true,
  noEmit: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  types: [],
  skipLibCheck: true,
};

/** The names of STRICTEST's flags beyond `strict`, as a tsconfig spells them. */
export const STRICTEST_FLAGS = [
  "strict",
  "noUncheckedIndexedAccess",
  "noUnusedLocals",
  "noUnusedParameters",
  "exactOptionalPropertyTypes",
  "noImplicitOverride",
  "verbatimModuleSyntax",
  "isolatedDeclarations",
  "erasableSyntaxOnly",
] as const;

/** One problem, `path:line:column code message`, with the path relative to `root`. */
export type Problem = string;

/**
 * TypeScript's diagnostics in the given files under STRICTEST. The files'
 * imports (the sources beside them, declaration files) are read from disk
 * and checked only as far as the given files need them: their own errors
 * are the user's, not the generated code's.
 */
export function typeProblems(files: CheckedFile[], root: string): Problem[] {
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const host = ts.createCompilerHost(STRICTEST);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => texts.get(name) ?? readFile(name);
  host.fileExists = (name) => texts.has(name) || fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, create) => {
    const text = texts.get(name);
    return text === undefined ? getSourceFile(name, language, onError, create) : ts.createSourceFile(name, text, language);
  };
  const program = ts.createProgram([...texts.keys()], STRICTEST, host);
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...files.flatMap((file) => {
      const source = program.getSourceFile(file.path);
      if (!source) throw new Error(`${file.path} is not in the program`);
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source), ...program.getDeclarationDiagnostics(source)];
    }),
  ];
  return diagnostics.map((d) => formatTsDiagnostic(d, root));
}

function formatTsDiagnostic(d: ts.Diagnostic, root: string): Problem {
  const message = ts.flattenDiagnosticMessageText(d.messageText, " ");
  if (!d.file || d.start === undefined) return `TS${d.code} ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${relative(root, d.file.fileName)}:${line + 1}:${character + 1} TS${d.code} ${message}`;
}

/**
 * The lint config: ESLint's recommended rules and typescript-eslint's
 * recommended config over them, the setup typescript-eslint's documentation
 * starts a project from. Nothing is turned off for generated files.
 */
export const LINT_CONFIG: Linter.Config[] = [
  eslintJs.configs.recommended,
  ...(tseslint.configs.recommended as Linter.Config[]),
  { files: ["**/*.ts", "**/*.mts", "**/*.cts"], linterOptions: { reportUnusedDisableDirectives: "error", noInlineConfig: true } },
];

/**
 * ESLint's problems in the given files under LINT_CONFIG, in one ESLint
 * instance. Inline configuration is off, so an `eslint-disable` comment in a
 * generated file hides nothing.
 */
export async function lintProblems(files: CheckedFile[], root: string): Promise<Problem[]> {
  const cwd = commonDirectory(files.map((file) => file.path), root);
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: LINT_CONFIG, ignore: false });
  const results = await Promise.all(files.map((file) => eslint.lintText(file.text, { filePath: file.path })));
  return results.flat().flatMap((result) =>
    result.messages.map((m) => `${relative(root, result.filePath)}:${m.line}:${m.column} ${m.ruleId ?? "eslint"} ${m.message}`),
  );
}

/** The directory ESLint runs in: `root`, which must hold every file (ESLint lints nothing outside its cwd). */
function commonDirectory(paths: string[], root: string): string {
  const outside = paths.filter((path) => relative(root, dirname(path)).startsWith(".."));
  if (outside.length > 0) throw new Error(`files outside ${root}: ${outside.join(", ")}`);
  return root;
}
