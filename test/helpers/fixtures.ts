/** The source fixtures under fixtures/ and what the tests need to know about them. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ArrowFunction, FunctionDeclaration, FunctionExpression, Node, Project, SyntaxKind, type SourceFile } from "ts-morph";
import type { Diagnostic } from "../../src/diagnostics.js";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const fixturesDir = join(repoRoot, "fixtures");

export interface Fixture {
  /** Repository-relative path, e.g. `fixtures/seed.ts`. */
  path: string;
  /** Input for generate(): the relative path with the text, so output does not depend on the working directory. */
  input: { path: string; text: string };
  /** Absolute path of the source, like the two below. */
  sourceFile: string;
  /** The committed generated module, `fixtures/<name>.grad.ts`. */
  gradFile: string;
  /** The committed IR text, `fixtures/<name>.ir`. */
  irFile: string;
}

/** Every `fixtures/*.ts` except generated `*.grad.ts` files; subdirectories such as fixtures/errors/ are not included. */
export function listFixtures(): Fixture[] {
  return readdirSync(fixturesDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".grad.ts"))
    .map((entry) => {
      const base = entry.name.slice(0, -".ts".length);
      const sourceFile = join(fixturesDir, entry.name);
      const path = `fixtures/${entry.name}`;
      return {
        path,
        input: { path, text: readFileSync(sourceFile, "utf8") },
        sourceFile,
        gradFile: join(fixturesDir, `${base}.grad.ts`),
        irFile: join(fixturesDir, `${base}.ir`),
      };
    });
}

export type Module = Record<string, unknown>;

export async function importModule(file: string): Promise<Module> {
  return (await import(pathToFileURL(file).href)) as Module;
}

export interface Parameter {
  name: string;
  /** The declared type, e.g. `number` or `boolean`. */
  type: string;
}

export interface ExportedFunction {
  /** The name it is exported by, which its gradient is named after (its own name for the default export). */
  name: string;
  /** The key of the module's export ("default" for the default export). */
  exportName: string;
  parameters: Parameter[];
  /** The names of a `@wrt` JSDoc tag, when the function has one. */
  wrt?: string[];
  /** The declared return type, e.g. `number` or `[number, number]`. */
  returnType: string;
  /** For a method or getter of an exported class (`Vec2.dot`, named `Vec2Dot`): where it is; a receiver's `self` comes first in `parameters`. */
  member?: { className: string; name: string; getter: boolean; isStatic: boolean };
}

/** The function a fixture's exported function is: the export itself, or for a class member `(self, ...args) => self.m(...args)`. */
export function sourceFunction(module: Module, fn: ExportedFunction): (...args: unknown[]) => unknown {
  const m = fn.member;
  if (!m) return module[fn.exportName] as (...args: unknown[]) => unknown;
  const cls = module[m.className] as Record<string, (...args: unknown[]) => unknown>;
  if (m.isStatic) return (...args) => cls[m.name]!(...args);
  return (self, ...args) => {
    const receiver = self as Record<string, unknown>;
    return m.getter ? receiver[m.name] : (receiver[m.name] as (...a: unknown[]) => unknown)(...args);
  };
}

/**
 * The members of exported classes that get gradients: methods and getters
 * tagged `@adgen`, or all public ones returning numbers in a class tagged
 * `@adgen`, named `<Class><Member>`.
 */
function memberFunctions(source: SourceFile): ExportedFunction[] {
  return source.getClasses().filter((cls) => cls.isExported()).flatMap((cls) => {
    const all = cls.getJsDocs().some((doc) => doc.getTags().some((tag) => tag.getTagName() === "adgen"));
    return cls.getMembers().flatMap((member): ExportedFunction[] => {
      if (!Node.isMethodDeclaration(member) && !Node.isGetAccessorDeclaration(member)) return [];
      const tagged = member.getJsDocs().some((doc) => doc.getTags().some((tag) => tag.getTagName() === "adgen"));
      const returnType = member.getReturnTypeNode()?.getText() ?? "";
      if (!(tagged || (all && /^(number|\[.*\])$/.test(returnType)))) return [];
      const className = cls.getName()!;
      const wrt = member.getJsDocs().flatMap((doc) => doc.getTags()).find((tag) => tag.getTagName() === "wrt")?.getCommentText()?.split(/[\s,]+/).filter(Boolean);
      const self = member.isStatic() ? [] : [{ name: "self", type: className }];
      return [{
        name: `${className}${member.getName().charAt(0).toUpperCase()}${member.getName().slice(1)}`,
        exportName: className,
        parameters: [...self, ...member.getParameters().map((p) => ({ name: p.getName(), type: p.getTypeNode()?.getText() ?? p.getType().getText(p) }))],
        returnType,
        member: { className, name: member.getName(), getter: Node.isGetAccessorDeclaration(member), isStatic: member.isStatic() },
        ...(wrt ? { wrt } : {}),
      }];
    });
  });
}

/** The exported function declarations of a fixture, under each name they are exported by, read from its source text. */
export function exportedFunctions(fixture: Fixture): ExportedFunction[] {
  const project = new Project({ useInMemoryFileSystem: true });
  const source = project.createSourceFile(fixture.path, fixture.input.text);
  const functions = [...source.getExportedDeclarations()]
    .flatMap(([exportName, declarations]) => declarations.flatMap((d) => {
      // A function declaration, or a `const` holding an arrow function or function expression.
      if (Node.isFunctionDeclaration(d)) return [{ exportName, fn: d as FunctionDeclaration | ArrowFunction | FunctionExpression, docs: d.getJsDocs() }];
      const init = Node.isVariableDeclaration(d) ? d.getInitializer() : undefined;
      if (!init || !(Node.isArrowFunction(init) || Node.isFunctionExpression(init))) return [];
      return [{ exportName, fn: init, docs: d.getFirstAncestorByKindOrThrow(SyntaxKind.VariableStatement).getJsDocs() }];
    }))
    .sort((a, b) => a.fn.getStart() - b.fn.getStart())
    .map(({ exportName, fn, docs }): ExportedFunction => {
      const wrtTag = docs
        .flatMap((doc) => doc.getTags())
        .find((tag) => tag.getTagName() === "wrt");
      return {
        name: exportName === "default" ? (Node.isArrowFunction(fn) ? "" : fn.getName() ?? "") : exportName,
        exportName,
        parameters: fn.getParameters().map((p) => ({ name: p.getName(), type: p.getTypeNode()?.getText() ?? p.getType().getText(p) })),
        returnType: fn.getReturnTypeNode()?.getText() ?? "",
        wrt: wrtTag
          ?.getCommentText()
          ?.split(/[\s,]+/)
          .filter(Boolean),
      };
    });
  return [...functions, ...memberFunctions(source)];
}

/** Diagnostics one per line, so that an unexpected one reads well in a test failure. */
export function diagnosticLines(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.file}:${d.line}:${d.column} - error ${d.code}: ${d.message}`);
}
