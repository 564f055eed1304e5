/**
 * The corpus under fixtures/real/: its files, the exported functions of each
 * (ES module `export`s and CommonJS `module.exports = { ... }`), the code each
 * function reaches (its own declaration and the same-file declarations it
 * uses, transitively), and variants of a file in which only one function is
 * exported, so that adgen's verdict can be had per function.
 *
 * Only the syntax is needed here, so each file is parsed on its own with the
 * TypeScript parser; no program or checker is built.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { repoRoot } from "../helpers/fixtures.js";

export const corpusDir = join(repoRoot, "fixtures/real");
const SOURCE = /\.(ts|js|mjs|cjs)$/;

export interface CorpusFunction {
  name: string;
  /** The declaration: a function declaration, or the variable declaration of an arrow or function expression. */
  node: ts.Node;
  /** Parameter names in order. */
  parameters: string[];
  /** The names of its `@wrt` JSDoc tag, when it has one: the parameters it is differentiable in. */
  wrt?: string[];
  /** Where the file exports it: the `export` keyword, or the shorthand property (with its comma) in `module.exports`. */
  exportSpan: { start: number; end: number };
}

export interface CorpusFile {
  /** Repository-relative path, e.g. `fixtures/real/finance.ts`. */
  path: string;
  absolute: string;
  text: string;
  sf: ts.SourceFile;
  functions: CorpusFunction[];
  /** Top-level value declarations by name (functions, classes, variables). */
  declarations: Map<string, ts.Node>;
}

export function listCorpus(): CorpusFile[] {
  return readdirSync(corpusDir)
    .filter((name) => SOURCE.test(name) && !name.includes(".grad."))
    .sort()
    .map((name) => readCorpusFile(join(corpusDir, name), `fixtures/real/${name}`));
}

export function readCorpusFile(absolute: string, path: string): CorpusFile {
  const text = readFileSync(absolute, "utf8");
  const kind = /\.(m|c)?js$/.test(path) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(absolute, text, ts.ScriptTarget.ES2022, true, kind);
  const declarations = topLevelDeclarations(sf);
  const functions: CorpusFunction[] = [];
  const add = (name: string, node: ts.Node, exportSpan: CorpusFunction["exportSpan"]) => {
    const fn = functionLike(node);
    if (!fn || name.endsWith("Samples")) return;
    functions.push({ name, node, parameters: fn.parameters.map((p) => p.name.getText(sf)), wrt: wrtTag(node), exportSpan });
  };
  for (const statement of sf.statements) {
    const exportKeyword = ts.canHaveModifiers(statement)
      ? ts.getModifiers(statement)?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : undefined;
    const span = exportKeyword && { start: exportKeyword.getStart(sf), end: exportKeyword.getEnd() };
    if (span && ts.isFunctionDeclaration(statement) && statement.name) add(statement.name.text, statement, span);
    if (span && ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) if (ts.isIdentifier(decl.name)) add(decl.name.text, decl, span);
    }
    for (const property of commonJsExports(statement)) {
      const node = declarations.get(property.name.text);
      const comma = text.slice(property.getEnd()).match(/^\s*,/);
      if (node) add(property.name.text, node, { start: property.getStart(sf), end: property.getEnd() + (comma?.[0].length ?? 0) });
    }
  }
  return { path, absolute, text, sf, functions, declarations };
}

/** The function a declaration holds: itself, or the arrow or function expression it is initialised with. */
export function functionLike(node: ts.Node): ts.SignatureDeclaration | undefined {
  if (ts.isFunctionDeclaration(node)) return node;
  if (ts.isVariableDeclaration(node) && node.initializer) {
    const init = node.initializer;
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

/** `module.exports = { a, b }`: the shorthand properties. */
function commonJsExports(statement: ts.Statement): ts.ShorthandPropertyAssignment[] {
  if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) return [];
  const { left, right, operatorToken } = statement.expression;
  if (operatorToken.kind !== ts.SyntaxKind.EqualsToken || left.getText() !== "module.exports" || !ts.isObjectLiteralExpression(right)) return [];
  return right.properties.filter(ts.isShorthandPropertyAssignment);
}

function topLevelDeclarations(sf: ts.SourceFile): Map<string, ts.Node> {
  const declarations = new Map<string, ts.Node>();
  for (const statement of sf.statements) {
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      declarations.set(statement.name.text, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) if (ts.isIdentifier(decl.name)) declarations.set(decl.name.text, decl);
    }
  }
  return declarations;
}

function wrtTag(node: ts.Node): string[] | undefined {
  const holder = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  const tag = ts.getJSDocTags(holder).find((t) => t.tagName.text === "wrt");
  const comment = tag && (typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment));
  return comment?.split(/[\s,]+/).filter(Boolean);
}

/** The statement that declares `node` (a variable declaration's statement), JSDoc included in its span. */
function declarationStatement(node: ts.Node): ts.Node {
  return ts.isVariableDeclaration(node) ? node.parent.parent : node;
}

/**
 * The top-level declarations a function reaches: its own, and every
 * top-level function, class or variable named in them, transitively
 * (local names that shadow a top-level one are taken for it: an
 * over-approximation, never a miss).
 */
export function reach(file: CorpusFile, fn: CorpusFunction): ts.Node[] {
  const seen = new Set<ts.Node>();
  const visit = (decl: ts.Node): void => {
    const statement = declarationStatement(decl);
    if (seen.has(statement)) return;
    seen.add(statement);
    const walk = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && !isPropertyName(node)) {
        const target = node.text.endsWith("Samples") ? undefined : file.declarations.get(node.text);
        if (target) visit(target);
      }
      ts.forEachChild(node, walk);
    };
    walk(decl);
  };
  visit(fn.node);
  return [...seen];
}

function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
}

/** Whether the 1-based line and column lie inside one of the nodes (JSDoc included). */
export function contains(file: CorpusFile, nodes: ts.Node[], line: number, column: number): boolean {
  const offset = file.sf.getPositionOfLineAndCharacter(line - 1, column - 1);
  return nodes.some((node) => offset >= node.getStart(file.sf, true) && offset < node.getEnd());
}

/**
 * The file with every corpus function but `fn` un-exported: each other
 * function's export is overwritten with spaces, so every line and column is
 * where it was in the file itself.
 */
export function isolate(file: CorpusFile, fn: CorpusFunction): string {
  let text = file.text;
  for (const other of file.functions) {
    if (other === fn) continue;
    const { start, end } = other.exportSpan;
    text = text.slice(0, start) + " ".repeat(end - start) + text.slice(end);
  }
  return text;
}
