/**
 * The gradient module of a JavaScript source, as JavaScript: the TypeScript
 * the emitter prints, with its types moved into JSDoc (`@param {number[]} w`,
 * `@returns {{ value: number; grad: { w: number[] } }}`, `@type` on annotated
 * variables and casts) the way TypeScript reads a checked JavaScript file,
 * then stripped of its type syntax by TypeScript's own transpiler. A CommonJS
 * source gets a CommonJS module (`require`, `module.exports`), any other an
 * ES module. Runs before formatting, which lays the text out as for a
 * TypeScript module.
 */
// TypeScript as ts-morph bundles it: the package depends on ts-morph, not on typescript.
import { ts } from "ts-morph";

export type ModuleFormat = "esm" | "commonjs";

/** The JavaScript of a generated TypeScript module `code` (which starts with the adgen header). */
export function toJavaScript(code: string, format: ModuleFormat): string {
  const { outputText } = ts.transpileModule(withJsDocTypes(code), {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: format === "commonjs" ? ts.ModuleKind.CommonJS : ts.ModuleKind.ES2022,
      removeComments: false,
    },
    reportDiagnostics: false,
  });
  return withHeaderFirst(spaced(outputText), code);
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * `code` with each type annotation also said in JSDoc, where a checked
 * JavaScript file reads it: a function's parameters and result as `@param`
 * and `@returns` in its doc comment (whose text is kept), an arrow
 * function's parameters each with its `@type`, a variable's as
 * `@type` before its statement (the emitter declares one per statement),
 * `e as T` as the cast `/** @type {T} *\/ (e)`. The annotations themselves
 * stay for the transpiler to remove.
 */
function withJsDocTypes(code: string): string {
  const sf = ts.createSourceFile("gradient.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: Edit[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node)) edits.push(functionDoc(node, sf));
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      for (const p of node.parameters) if (p.type) edits.push({ start: p.getStart(sf), end: p.getStart(sf), text: `/** @type {${typeText(p.type, sf)}} */ ` });
    }
    if (ts.isVariableStatement(node) && node.declarationList.declarations.length === 1) {
      const declaration = node.declarationList.declarations[0]!;
      if (declaration.type) edits.push({ start: node.getStart(sf), end: node.getStart(sf), text: `/** @type {${typeText(declaration.type, sf)}} */ ` });
      if (declaration.exclamationToken) edits.push(...unset(declaration, sf));
    }
    if (ts.isAsExpression(node) && node.type.getText(sf) !== "const") {
      // The outermost cast only: an inner one is left to the transpiler, so that no two edits overlap.
      edits.push({ start: node.getStart(sf), end: node.getEnd(), text: cast(node, sf) });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  let text = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return text;
}

/**
 * `let x!: T;`, a variable the emitter knows is assigned before it is read
 * where TypeScript's flow analysis cannot tell (assigned in one branch, read
 * under the same test later). JavaScript has no `!` for that; the variable
 * starts out `undefined`, as `let x;` would, through a cast that says so.
 */
function unset(declaration: ts.VariableDeclaration, sf: ts.SourceFile): Edit[] {
  const bang = declaration.exclamationToken!;
  return [
    { start: bang.getStart(sf), end: bang.getEnd(), text: "" },
    { start: declaration.getEnd(), end: declaration.getEnd(), text: " = /** @type {any} */ (undefined)" },
  ];
}

/**
 * A cast in JSDoc. TypeScript reads `x === /** @type {number} *\/ (NaN)` as
 * a comparison with NaN, always false (TS2845), where `x === (NaN as number)`
 * is not; `Number.NaN` is the same value and is not flagged.
 */
function cast(node: ts.AsExpression, sf: ts.SourceFile): string {
  const expression = node.expression.getText(sf);
  if (expression === "NaN") return "Number.NaN";
  return `/** @type {${typeText(node.type, sf)}} */ (${expression})`;
}

/** The doc comment of a function with its types: replaces the comment it has, or goes before it. */
function functionDoc(fn: ts.FunctionDeclaration, sf: ts.SourceFile): Edit {
  const docs = ts.getJSDocCommentsAndTags(fn).filter(ts.isJSDoc);
  const description = docs.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "").filter(Boolean).join("\n\n");
  const lines = description ? description.split("\n") : [];
  for (const p of fn.parameters) {
    // An optional parameter (`k?: number`) is bracketed: `@param {number} [k]`.
    const name = p.questionToken ? `[${p.name.getText(sf)}]` : p.name.getText(sf);
    lines.push(`@param {${p.type ? typeText(p.type, sf) : "any"}} ${name}`);
  }
  if (fn.type) lines.push(`@returns {${typeText(fn.type, sf)}}`);
  const text = `/**\n${lines.map((line) => ` * ${line}`.trimEnd()).join("\n")}\n */\n`;
  const start = docs.length ? docs[0]!.getStart(sf) : fn.getStart(sf);
  return { start, end: fn.getStart(sf), text };
}

/** A type on one line, as JSDoc braces hold it. */
function typeText(type: ts.TypeNode, sf: ts.SourceFile): string {
  return type.getText(sf).replace(/\s*\n\s*/g, " ");
}

/**
 * A blank line before each top-level declaration and its doc comment (the
 * transpiler drops blank lines; the formatter keeps those it finds).
 */
function spaced(text: string): string {
  return text.replace(/(?<!\*\/)\n(?=(\/\*\*|export |function |const |let ))/g, "\n\n").replace(/\n{3,}/g, "\n\n");
}

/** The adgen header stays the first line (CommonJS output starts with `"use strict"` and the exports' preamble). */
function withHeaderFirst(text: string, code: string): string {
  const header = code.slice(0, code.indexOf("\n"));
  if (text.startsWith(header)) return text;
  return `${header}\n${text.replace(`${header}\n`, "")}`;
}
