/**
 * CommonJS modules, as JavaScript files are often written: what TypeScript
 * reports as their exports (`module.exports = { loss, grad: step }`,
 * `exports.loss = function (...) {...}`, `module.exports.loss = (...) => ...`)
 * resolved to the functions they name, and which module format a JavaScript
 * source is in, so that its gradient module is written in the same one.
 */
import { Node, SyntaxKind, type SourceFile } from "ts-morph";
import type { ModuleFormat } from "../emit/javascript.js";
import { boundFunction, functionExpression } from "./functions.js";

/** The function a CommonJS export declaration names, if it names one. */
export function commonJsFunction(declaration: Node) {
  if (Node.isShorthandPropertyAssignment(declaration)) return namedFunction(declaration.getValueSymbol()?.getDeclarations()[0]);
  if (Node.isPropertyAssignment(declaration)) return valueFunction(declaration.getInitializer());
  if (Node.isPropertyAccessExpression(declaration)) {
    const assignment = declaration.getParentIfKind(SyntaxKind.BinaryExpression);
    if (assignment && assignment.getLeft() === declaration) return valueFunction(assignment.getRight());
  }
  return undefined;
}

/** A function value: written in place, or a name bound to a function. */
function valueFunction(value: Node | undefined) {
  if (!value) return undefined;
  if (Node.isIdentifier(value)) return namedFunction(value.getSymbol()?.getDeclarations()[0]);
  return functionExpression(value);
}

function namedFunction(declaration: Node | undefined) {
  if (declaration && Node.isFunctionDeclaration(declaration)) return declaration;
  return boundFunction(declaration);
}

/**
 * The module format of the gradient of a JavaScript source: CommonJS for a
 * `.cjs` file and for a `.js` file that assigns `module.exports` or `exports`
 * and has no `import` or `export` of its own; an ES module otherwise.
 */
export function moduleFormatOf(sf: SourceFile): ModuleFormat {
  const file = sf.getFilePath();
  if (file.endsWith(".cjs")) return "commonjs";
  if (file.endsWith(".mjs")) return "esm";
  const esm = sf.getStatements().some((s) => Node.isImportDeclaration(s) || Node.isExportDeclaration(s) || Node.isExportAssignment(s) ||
    (Node.isModifierable(s) && s.hasModifier(SyntaxKind.ExportKeyword)));
  return !esm && isCommonJs(sf) ? "commonjs" : "esm";
}

/** Whether a file assigns to `module.exports` or `exports` at its top level. */
export function isCommonJs(sf: SourceFile): boolean {
  return sf.getStatements().some((s) => {
    if (!Node.isExpressionStatement(s)) return false;
    const e = s.getExpression();
    if (!Node.isBinaryExpression(e) || e.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) return false;
    const target = e.getLeft().getText();
    return /^(module\.exports|exports)(\.|$)/.test(target);
  });
}
