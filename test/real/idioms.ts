/**
 * Which of the idioms outside adgen's subset each corpus function uses,
 * found in its code and the code it reaches (helpers, classes, constants),
 * with the type checker where syntax alone cannot tell (arrays of objects,
 * booleans used as numbers, closures over enclosing variables).
 */
import ts from "typescript";
import { reach, type CorpusFile, type CorpusFunction } from "./corpus.js";

/** The idioms, in the order tables list them. */
export const IDIOMS = {
  "use-strict": '`"use strict"`',
  jsdoc: "JSDoc-typed JavaScript",
  "exported-arrow": "exported arrow function",
  "local-arrow": "local arrow or function expression",
  "closure-read": "closure reading an enclosing variable",
  "closure-write": "closure writing an enclosing variable",
  "function-argument": "helper called with a function argument",
  map: "`map`",
  reduce: "`reduce`",
  reduceRight: "`reduceRight`",
  forEach: "`forEach`",
  filter: "`filter`",
  some: "`some`",
  every: "`every`",
  find: "`find`",
  findIndex: "`findIndex`",
  indexOf: "`indexOf`",
  includes: "`includes`",
  "slice-negative": "`slice` with a negative argument",
  concat: "`concat`",
  reverse: "`reverse`",
  "array-from": "`Array.from({ length }, fn)`",
  "spread-literal": "spread in an array or object literal",
  "spread-call": "spread in a call",
  class: "class with fields and methods",
  getter: "getter",
  "new-class": "`new C(...)` of a class of the file",
  "exported-class-method": "method of an exported class",
  "object-array": "array of objects or tuples",
  "default-param": "default parameter",
  "optional-param": "optional parameter",
  switch: "`switch`",
  "switch-fallthrough": "`switch` case falling through",
  "switch-default": "`switch` with `default`",
  throw: "`throw` guard",
  var: "`var`",
  label: "labelled `break`/`continue`",
  comma: "comma operator",
  "chained-assignment": "chained assignment",
  "bitwise-or-zero": "`x \\| 0`",
  recursion: "recursive helper",
  "assignment-value": "assignment used as a value",
  "increment-value": "`++`/`--` used as a value",
  "boolean-number": "boolean used as a number",
  isNaN: "`isNaN`",
  "number-isfinite": "`Number.isFinite`",
  "number-epsilon": "`Number.EPSILON`",
} as const;

export type Idiom = keyof typeof IDIOMS;

const ARRAY_METHODS = new Set<Idiom>(["map", "reduce", "reduceRight", "forEach", "filter", "some", "every", "find", "findIndex", "indexOf", "includes", "concat", "reverse"]);
const ASSIGNMENTS = new Set([
  ts.SyntaxKind.EqualsToken, ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.SlashEqualsToken, ts.SyntaxKind.PercentEqualsToken, ts.SyntaxKind.AsteriskAsteriskEqualsToken,
]);

const isAssignment = (node: ts.Node): node is ts.BinaryExpression => ts.isBinaryExpression(node) && ASSIGNMENTS.has(node.operatorToken.kind);
const isIncrement = (node: ts.Node): node is ts.PrefixUnaryExpression | ts.PostfixUnaryExpression =>
  (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
  (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken);

/** Whether the value of an expression is used: not a statement of its own, a `for` header's step or start, or a side of a comma in such a place. */
function valueUsed(node: ts.Node): boolean {
  let child = node;
  let parent = node.parent;
  while (ts.isParenthesizedExpression(parent) || (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.CommaToken)) {
    child = parent;
    parent = parent.parent;
  }
  if (ts.isExpressionStatement(parent)) return false;
  if (ts.isForStatement(parent) && (parent.incrementor === child || parent.initializer === child)) return false;
  return !(isAssignment(parent) && parent.right === child); // a chained assignment is its own idiom
}

function enclosingFunction(node: ts.Node): ts.Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}

function within(node: ts.Node, container: ts.Node): boolean {
  return node.pos >= container.pos && node.end <= container.end;
}

function isObjectArray(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (!checker.isArrayType(type)) return false;
  const [element] = checker.getTypeArguments(type as ts.TypeReference);
  if (!element || checker.isArrayType(element)) return false;
  return checker.isTupleType(element) || (!!(element.flags & ts.TypeFlags.Object) && element.getCallSignatures().length === 0);
}

/** The idioms one function uses, by walking what it reaches. */
export function idiomsOf(file: CorpusFile, fn: CorpusFunction, program: ts.Program): Set<Idiom> {
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(file.absolute);
  if (!sf) throw new Error(`${file.path} is not in the program`);
  const found = new Set<Idiom>();
  const spans = reach(file, fn).map((n) => ({ pos: n.getStart(file.sf, true), end: n.getEnd() }));
  const declOf = (node: ts.Node) => checker.getSymbolAtLocation(node)?.declarations?.[0];
  if (/\.(m|c)?js$/.test(file.path)) found.add("jsdoc");
  if (sf.statements.some((s) => ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression) && s.expression.text === "use strict")) found.add("use-strict");
  if (ts.isVariableDeclaration(fn.node)) found.add("exported-arrow");

  const visit = (node: ts.Node): void => {
    if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && enclosingFunction(node)) {
      found.add("local-arrow");
      closures(node);
    }
    if (ts.isCallExpression(node)) call(node);
    if (ts.isNewExpression(node) && ts.isClassDeclaration(declOf(node.expression) ?? node)) found.add("new-class");
    if (ts.isSpreadElement(node)) found.add(ts.isArrayLiteralExpression(node.parent) ? "spread-literal" : "spread-call");
    if (ts.isSpreadAssignment(node)) found.add("spread-literal");
    if (ts.isClassDeclaration(node) && node.members.some(ts.isMethodDeclaration)) found.add("class");
    if (ts.isGetAccessorDeclaration(node)) found.add("getter");
    if (ts.isParameter(node)) parameter(node);
    if ((ts.isParameter(node) || ts.isVariableDeclaration(node)) && isObjectArray(checker, checker.getTypeAtLocation(node.name))) found.add("object-array");
    if (ts.isSwitchStatement(node)) {
      found.add("switch");
      const clauses = node.caseBlock.clauses;
      if (clauses.some(ts.isDefaultClause)) found.add("switch-default");
      if (clauses.some((c, i) => i < clauses.length - 1 && c.statements.length === 0)) found.add("switch-fallthrough");
    }
    if (ts.isThrowStatement(node)) found.add("throw");
    if (ts.isVariableDeclarationList(node) && !(node.flags & ts.NodeFlags.BlockScoped)) found.add("var");
    if ((ts.isBreakStatement(node) || ts.isContinueStatement(node)) && node.label) found.add("label");
    if (ts.isBinaryExpression(node)) binary(node);
    if (isIncrement(node) && valueUsed(node)) found.add("increment-value");
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.PlusToken && isBoolean(node.operand)) found.add("boolean-number");
    if (ts.isIdentifier(node) && node.text === "isNaN") found.add("isNaN");
    if (ts.isPropertyAccessExpression(node) && node.expression.getText(sf) === "Number") {
      if (node.name.text === "isFinite") found.add("number-isfinite");
      if (node.name.text === "EPSILON") found.add("number-epsilon");
      if (node.name.text === "isNaN") found.add("isNaN");
    }
    ts.forEachChild(node, visit);
  };

  const isBoolean = (node: ts.Expression) => !!(checker.getTypeAtLocation(node).flags & ts.TypeFlags.BooleanLike);

  /** Reads and writes, inside a local arrow, of variables declared in an enclosing function. */
  const closures = (arrow: ts.Node): void => {
    const walk = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) {
        const decl = declOf(node);
        const owner = decl && enclosingFunction(decl);
        if (decl && owner && !within(decl, arrow) && (ts.isVariableDeclaration(decl) || ts.isParameter(decl)) && within(arrow, owner)) {
          const parent = node.parent;
          const written = (isAssignment(parent) && parent.left === node) || isIncrement(parent);
          found.add(written ? "closure-write" : "closure-read");
        }
      }
      ts.forEachChild(node, walk);
    };
    walk(arrow);
  };

  const call = (node: ts.CallExpression): void => {
    const callee = node.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      const name = callee.name.text;
      const receiver = checker.getTypeAtLocation(callee.expression);
      const onArray = checker.isArrayType(receiver) || checker.isTupleType(receiver);
      if (onArray && ARRAY_METHODS.has(name as Idiom)) found.add(name as Idiom);
      if (onArray && name === "slice" && node.arguments.some((a) => ts.isPrefixUnaryExpression(a) && a.operator === ts.SyntaxKind.MinusToken)) found.add("slice-negative");
      if (callee.getText(sf) === "Array.from" && node.arguments[0] && ts.isObjectLiteralExpression(node.arguments[0])) found.add("array-from");
      const method = declOf(callee.name);
      if (method && ts.isMethodDeclaration(method) && ts.isClassDeclaration(method.parent)) {
        if (method.parent.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) found.add("exported-class-method");
      }
    }
    const target = declOf(callee);
    if (target && target.getSourceFile() === sf && (ts.isFunctionDeclaration(target) || ts.isVariableDeclaration(target))) {
      if (enclosingFunction(node) && target === enclosingFunction(node)) found.add("recursion");
      const passesFunction = node.arguments.some((a) => {
        const d = ts.isIdentifier(a) ? declOf(a) : undefined;
        return ts.isArrowFunction(a) || ts.isFunctionExpression(a) || (d !== undefined && (ts.isFunctionDeclaration(d) || (ts.isVariableDeclaration(d) && !!d.initializer && ts.isArrowFunction(d.initializer))));
      });
      if (passesFunction) found.add("function-argument");
    }
  };

  const parameter = (node: ts.ParameterDeclaration): void => {
    if (node.initializer) found.add("default-param");
    else if (node.questionToken || (/\.(m|c)?js$/.test(file.path) && checker.isOptionalParameter(node))) found.add("optional-param");
  };

  const binary = (node: ts.BinaryExpression): void => {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.CommaToken) found.add("comma");
    if (op === ts.SyntaxKind.BarToken && ts.isNumericLiteral(node.right) && node.right.text === "0") found.add("bitwise-or-zero");
    if (isAssignment(node) && isAssignment(skipParens(node.right))) found.add("chained-assignment");
    if (isAssignment(node) && valueUsed(node)) found.add("assignment-value");
    const arithmetic = [ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken].includes(op);
    if (arithmetic && (isBoolean(node.left) || isBoolean(node.right))) found.add("boolean-number");
  };

  const skipParens = (node: ts.Expression): ts.Expression => (ts.isParenthesizedExpression(node) ? skipParens(node.expression) : node);

  const inReach = (node: ts.Node) => spans.some((s) => node.getStart(sf, true) >= s.pos && node.getEnd() <= s.end);
  const topLevel = (node: ts.Node): void => {
    if (inReach(node)) visit(node);
    else ts.forEachChild(node, topLevel);
  };
  ts.forEachChild(sf, topLevel);
  return found;
}
