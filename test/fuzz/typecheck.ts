/**
 * Type-checking in memory: fuzzed programs must be valid TypeScript (the
 * fuzzer's side of the contract), and their generated modules must
 * type-check under --strict with noUnusedLocals (the compiler's: no dead code).
 */
import ts from "typescript";

const options: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  module: ts.ModuleKind.ES2022,
  target: ts.ScriptTarget.ES2022,
  types: [],
  skipLibCheck: true,
};

/** The standard library's declarations, parsed once. */
const libraries = new Map<string, ts.SourceFile | undefined>();

/** The formatted type errors of `files` (name to text), each file a module on its own. */
export function typeErrors(files: Map<string, string>, extra: ts.CompilerOptions = {}): string[] {
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.getSourceFile = (name, language) => {
    const text = files.get(name);
    if (text !== undefined) return ts.createSourceFile(name, text, language);
    if (!libraries.has(name)) libraries.set(name, getSourceFile(name, language));
    return libraries.get(name);
  };
  const program = ts.createProgram([...files.keys()], { ...options, ...extra }, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where =
      d.file && d.start !== undefined
        ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `
        : "";
    return `${where}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}
