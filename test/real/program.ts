/**
 * One TypeScript program over the corpus, type-checked as its authors would
 * check it: strict, with the JavaScript files checked through their JSDoc
 * types (`checkJs`). The idiom detector uses its checker.
 */
import ts from "typescript";

export const corpusCompilerOptions: ts.CompilerOptions = {
  strict: true,
  allowJs: true,
  checkJs: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2022.d.ts"],
  types: [],
  skipLibCheck: true,
};

export function corpusProgram(files: string[]): ts.Program {
  return ts.createProgram(files, corpusCompilerOptions);
}

/** Type errors in the corpus files, one line each (`file:line:column message`). */
export function typeErrors(program: ts.Program): string[] {
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const place = d.file ? `${d.file.fileName}:${(where?.line ?? 0) + 1}:${(where?.character ?? 0) + 1}` : "";
    return `${place} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}
