/**
 * Name resolution shared by the fence and lowering: what a name or callee
 * refers to, through imports, and the few syntactic forms both stages must
 * read the same way (tuple indices, parts of aggregates, `stopGradient`).
 */
import { FunctionDeclaration, ImportDeclaration, Node, SyntaxKind, ts } from "ts-morph";
import { shapeOf } from "./shape.js";
import { isRelativeSpecifier } from "./source.js";

/** The module adgen's marker functions are imported from. */
export const RUNTIME_MODULE = "adgen/runtime";

/** The first declaration of the symbol `node` names, following imports to the declaration they import. */
export function declarationOf(node: Node): Node | undefined {
  let symbol = node.getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
  return symbol?.getDeclarations()[0];
}

/** The import a name comes from, when it is imported (by name, as a module's default export, or `ns.name` of a namespace import). */
function importOf(node: Node): { module: string; name: string } | undefined {
  const space = namespaceOf(node);
  if (space) return { module: space.getModuleSpecifierValue(), name: (node as Node & { getName(): string }).getName() };
  const decl = node.getSymbol()?.getDeclarations()[0];
  if (decl && Node.isImportSpecifier(decl)) return { module: decl.getImportDeclaration().getModuleSpecifierValue(), name: decl.getName() };
  const parent = decl && Node.isImportClause(decl) ? decl.getParent() : undefined;
  if (parent && Node.isImportDeclaration(parent)) return { module: parent.getModuleSpecifierValue(), name: "default" };
  return undefined;
}

/**
 * Whether `call` is a stop-gradient: `stopGradient(x)` imported from adgen's
 * runtime module, or a call of a function declared with the JSDoc tag
 * `@stopGradient` (in this file, or imported), which code that runs without
 * adgen installed declares for itself.
 */
export function isStopGradient(call: Node & { getExpression(): Node }): boolean {
  const imported = importOf(call.getExpression());
  if (imported?.module === RUNTIME_MODULE && imported.name === "stopGradient") return true;
  const decl = declarationOf(call.getExpression());
  return !!decl && Node.isFunctionDeclaration(decl) && decl.getJsDocs().some((doc) => doc.getTags().some((tag) => tag.getTagName() === "stopGradient"));
}

/**
 * Whether the module a name is imported from is one of the project's own
 * files: a relative path, or a `paths` alias of the tsconfig that leads to a
 * source outside node_modules.
 */
export function isRelativeImport(node: Node): boolean {
  const imported = importOf(node);
  if (!imported) return false;
  if (isRelativeSpecifier(imported.module)) return true;
  const file = declarationOf(node)?.getSourceFile();
  return !!file && !file.isDeclarationFile() && !file.isInNodeModules() && !file.isFromExternalLibrary();
}

/** The function declaration a callee names (in this file, imported from another, or `ns.f` of a namespace import), if it is one. */
export function calleeFunction(callee: Node): FunctionDeclaration | undefined {
  const name = Node.isIdentifier(callee) ? callee : namespaceOf(callee) ? (callee as Node & { getNameNode(): Node }).getNameNode() : undefined;
  const decl = name && declarationOf(name);
  return decl && Node.isFunctionDeclaration(decl) ? decl : undefined;
}

/** For `ns.name` where `ns` is a namespace import (`import * as ns from "./m.js"`): that import. */
function namespaceOf(node: Node): ImportDeclaration | undefined {
  if (!Node.isPropertyAccessExpression(node)) return undefined;
  const decl = node.getExpression().getSymbol()?.getDeclarations()[0];
  return decl && Node.isNamespaceImport(decl) ? decl.getFirstAncestorByKind(SyntaxKind.ImportDeclaration) : undefined;
}

/** Whether an expression's type is a tuple or object of the subset (not a number, boolean or array, nor an array of these). */
export function isAggregateNode(node: Node): boolean {
  const shape = shapeOf(node.getType(), node);
  return !!shape && shape.kind !== "value" && shape.kind !== "records";
}

/** The part key of `p.name` or `t[0]` on an aggregate: the field name, or the tuple index as text. */
export function partKeyOf(e: Node): string | undefined {
  if (Node.isPropertyAccessExpression(e)) return e.getName();
  if (Node.isElementAccessExpression(e)) {
    const arg = e.getArgumentExpression();
    if (arg && Node.isNumericLiteral(arg)) return String(Number(arg.compilerNode.text));
  }
  return undefined;
}

/** The declaration (compiler node) a shorthand property (`{ w }`) reads. */
export function shorthandDeclaration(prop: Node): ts.Node | undefined {
  const checker = prop.getProject().getTypeChecker().compilerObject;
  return checker.getShorthandAssignmentValueSymbol(prop.compilerNode as ts.ShorthandPropertyAssignment)?.declarations?.[0];
}
