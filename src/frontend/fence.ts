/**
 * The subset check ("fence"): finds the functions to differentiate, walks
 * them and every same-file function they call, and reports each construct
 * outside the subset with a located diagnostic. Lowering runs only on code
 * that passed, so it can assume the subset.
 */
import { FunctionDeclaration, Node, SyntaxKind, VariableDeclarationKind, ts, type SourceFile } from "ts-morph";
import { Codes, type Code, type Diagnostic } from "../diagnostics.js";
import { mathFunctions, namedConstant } from "../ir/primitives.js";
import { calleeFunction, declarationOf, isAggregateNode, isRelativeImport, isStopGradient, partKeyOf, shorthandDeclaration as shorthandDeclarationNode } from "./resolve.js";
import { findRules, isAdjoint, ruleFor, type Rules, type UserRule } from "./rules.js";
import { leavesOf, shapeAt, shapeOf, shapeText } from "./shape.js";
import { diagnosticAt, scalarType, valueType } from "./source.js";

const SUPPORTED_TYPES = "number, boolean, number[], readonly number[], number[][], Float64Array, and tuples and objects of these";

export interface FenceResult {
  /** The exported functions to differentiate, in source order. */
  entries: Entry[];
  /** User-defined adjoints (`@adjoint f`), by the function they differentiate. */
  rules: Rules;
  diagnostics: Diagnostic[];
}

const arithmetic = new Set([
  SyntaxKind.PlusToken, SyntaxKind.MinusToken, SyntaxKind.AsteriskToken, SyntaxKind.SlashToken,
  SyntaxKind.PercentToken, SyntaxKind.AsteriskAsteriskToken,
]);
const comparisons = new Set([
  SyntaxKind.LessThanToken, SyntaxKind.LessThanEqualsToken, SyntaxKind.GreaterThanToken,
  SyntaxKind.GreaterThanEqualsToken, SyntaxKind.EqualsEqualsEqualsToken, SyntaxKind.ExclamationEqualsEqualsToken,
  SyntaxKind.EqualsEqualsToken, SyntaxKind.ExclamationEqualsToken,
]);
const logical = new Set([SyntaxKind.AmpersandAmpersandToken, SyntaxKind.BarBarToken]);
export const compoundAssignments = new Map([
  [SyntaxKind.PlusEqualsToken, SyntaxKind.PlusToken],
  [SyntaxKind.MinusEqualsToken, SyntaxKind.MinusToken],
  [SyntaxKind.AsteriskEqualsToken, SyntaxKind.AsteriskToken],
  [SyntaxKind.SlashEqualsToken, SyntaxKind.SlashToken],
  [SyntaxKind.PercentEqualsToken, SyntaxKind.PercentToken],
  [SyntaxKind.AsteriskAsteriskEqualsToken, SyntaxKind.AsteriskAsteriskToken],
]);

/**
 * The functions that get a gradient: exported function declarations that
 * return a number (`<name>Grad`), or numbers, arrays and matrices of numbers
 * in an array, tuple or object (`<name>Vjp`; booleans beside them carry no
 * derivative). User-defined adjoints and functions tagged `@adgen-ignore`
 * are not among them.
 */
export function findEntries(sf: SourceFile): Entry[] {
  const entries: Entry[] = [];
  for (const [exportName, declarations] of sf.getExportedDeclarations()) {
    for (const fn of declarations) {
      // Functions re-exported from another file get their gradients beside that file.
      if (!Node.isFunctionDeclaration(fn) || fn.getSourceFile() !== sf || !fn.hasBody() || isAdjoint(fn) || hasTag(fn, "adgen-ignore")) continue;
      // Booleans of a result (a flag beside the numbers) carry no derivative; a result of booleans only has none.
      const leaves = leavesOf(shapeOf(fn.getReturnType(), fn) ?? { kind: "tuple", items: [] });
      if (!leaves.some((leaf) => leaf.type !== "bool")) continue;
      entries.push({ fn, exportName, name: exportName === "default" ? fn.getName() ?? "" : exportName });
    }
  }
  return entries.sort((a, b) => a.fn.getStart() - b.fn.getStart());
}

/**
 * An exported function to differentiate, under the name it is exported by:
 * `export { loss as objective }` gives `objectiveGrad`, and a default export
 * its own name (`export default function loss` gives `lossGrad`).
 */
export interface Entry {
  fn: FunctionDeclaration;
  /** The name the gradient is named after. */
  name: string;
  /** The name the module exports it by ("default" for the default export). */
  exportName: string;
}

/**
 * Whether `fn` asks to be differentiated (`@adgen`, or `@wrt` naming its
 * parameters): in a file matched by a glob, where other functions that cannot
 * be differentiated are skipped, such a function's diagnostics are errors.
 */
export function isOptedIn(fn: FunctionDeclaration): boolean {
  return hasTag(fn, "adgen") || hasTag(fn, "wrt");
}

function hasTag(fn: FunctionDeclaration, name: string): boolean {
  return fn.getJsDocs().some((doc) => doc.getTags().some((tag) => tag.getTagName() === name));
}

/** Checks `only` (the file's entries by default; when given, exported function expressions are not reported). */
export function fence(displayPath: string, sf: SourceFile, only?: Entry[]): FenceResult {
  const diagnostics: Diagnostic[] = [];
  const report = (node: Node, code: Code, message: string) =>
    diagnostics.push(diagnosticAt(displayPath, node, code, message));
  const entries = only ?? findEntries(sf);
  const entryFunctions = new Set(entries.map((e) => e.fn));
  for (const entry of entries) {
    if (!entry.name) {
      report(entry.fn, Codes.UnsupportedFunction,
        "a default-exported function needs a name to differentiate it: its gradient is named after it ('export default function loss(...)' gives 'lossGrad')");
    }
  }
  const checked = new Set<FunctionDeclaration>();
  /** Module-level constants whose initialisers have been checked. */
  const checkedConstants = new Set<Node>();
  const { rules, diagnostics: ruleDiagnostics } = findRules(displayPath, sf);
  diagnostics.push(...ruleDiagnostics);
  const adjoints = new Set([...rules.values()].map((r) => r.adjoint));

  for (const statement of only ? [] : sf.getVariableStatements()) {
    for (const decl of statement.getDeclarations()) {
      const init = decl.getInitializer();
      if (decl.isExported() && init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))
        && scalarType(init.getReturnType()) === "f64") {
        report(decl.getNameNode(), Codes.UnsupportedFunction,
          `'${decl.getName()}' is a function expression; write it as 'export function ${decl.getName()}(...)' to differentiate it`);
      }
    }
  }

  const visitFunction = (fn: FunctionDeclaration, stack: FunctionDeclaration[]): void => {
    if (checked.has(fn)) return;
    checked.add(fn);
    checkSignature(fn);
    fn.getBody()?.forEachChild((child) => visit(child, fn, [...stack, fn]));
  };

  const checkSignature = (fn: FunctionDeclaration): void => {
    if (fn.isAsync() || fn.isGenerator()) {
      report(fn.getNameNode() ?? fn, Codes.UnsupportedFunction, `'${fn.getName()}' is ${fn.isAsync() ? "async" : "a generator"}; only plain synchronous functions can be differentiated`);
    }
    if (fn.getTypeParameters().length > 0) {
      report(fn.getTypeParameters()[0]!, Codes.UnsupportedFunction, "generic functions are not supported");
    }
    for (const p of fn.getParameters()) {
      if (!Node.isIdentifier(p.getNameNode()) && entryFunctions.has(fn)) {
        report(p, Codes.UnsupportedFunction,
          "an exported function's parameters need names, so that the gradient can name them; destructure in the body (e.g. 'const { w, b } = model;')");
      } else if (p.isRestParameter()) {
        report(p, Codes.UnsupportedFunction, "rest parameters are not supported");
      } else if (p.hasInitializer() || p.hasQuestionToken()) {
        report(p, Codes.UnsupportedFunction, "optional and default parameters are not supported; pass every argument");
      } else if (!shapeOf(p.getType(), p)) {
        report(p, Codes.UnsupportedType, p.getType().isAny()
          ? `parameter '${p.getName()}' has no type; annotate it: ${typeAdvice(p, p.getName())}`
          : `parameter '${p.getName()}' has type '${p.getType().getText(p)}'; supported are ${SUPPORTED_TYPES}`);
      } else if (!Node.isIdentifier(p.getNameNode())) {
        checkPattern(p.getNameNode());
      }
    }
    const rt = fn.getReturnType();
    if (!shapeOf(rt, fn) && !rt.isVoid()) {
      report(fn.getReturnTypeNode() ?? fn.getNameNode() ?? fn, Codes.UnsupportedType,
        `'${fn.getName()}' returns '${rt.getText(fn)}'; supported results are ${SUPPORTED_TYPES}, and void for helpers`);
    }
  };

  /** A destructuring pattern: names (possibly renamed or nested), no defaults, no rest. */
  const checkPattern = (pattern: Node): void => {
    for (const element of pattern.getChildrenOfKind(SyntaxKind.BindingElement)) {
      if (element.getDotDotDotToken()) report(element, Codes.UnsupportedExpression, "rest elements ('...') in destructuring are not supported");
      else if (element.getInitializer()) report(element, Codes.UnsupportedExpression, "default values in destructuring are not supported");
      else if (!Node.isIdentifier(element.getNameNode())) checkPattern(element.getNameNode());
    }
  };

  /** Checks a node and what it holds, with a work list (a sum of thousands of terms is thousands of levels deep). */
  const visit = (root: Node, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void => {
    const work = [root];
    while (work.length) {
      const node = work.pop()!;
      const kind = node.getKind();
      if (kind >= SyntaxKind.FirstPunctuation && kind <= SyntaxKind.LastPunctuation) continue;
      if (!checkNode(node, fn, stack)) continue;
      const children: Node[] = [];
      node.forEachChild((child) => void children.push(child));
      work.push(...children.reverse());
    }
  };

  /** Checks one node; returns whether its children should be visited. */
  const checkNode = (node: Node, fn: FunctionDeclaration, stack: FunctionDeclaration[]): boolean => {
    switch (node.getKind()) {
      // ---- statements
      case SyntaxKind.Block:
      case SyntaxKind.EmptyStatement:
        return true;
      case SyntaxKind.IfStatement:
        expectType(node.asKindOrThrow(SyntaxKind.IfStatement).getExpression(), "bool", "an 'if' condition");
        return true;
      case SyntaxKind.WhileStatement:
      case SyntaxKind.DoStatement: {
        const loop = node as Node & { getExpression(): Node; getStatement(): Node };
        expectType(loop.getExpression(), "bool", "a loop condition");
        visit(loop.getExpression(), fn, stack);
        visit(loop.getStatement(), fn, stack);
        return false;
      }
      case SyntaxKind.ForStatement: {
        const loop = node.asKindOrThrow(SyntaxKind.ForStatement);
        const init = loop.getInitializer();
        if (init && Node.isVariableDeclarationList(init)) {
          if (init.getDeclarationKind() === VariableDeclarationKind.Var) {
            report(init, Codes.UnsupportedStatement, "'var' is not supported; use 'let'");
          } else {
            init.getDeclarations().forEach((d) => visit(d, fn, stack));
          }
        } else if (init) {
          checkExpressionStatement(init, fn, stack);
        }
        const cond = loop.getCondition();
        if (cond) {
          expectType(cond, "bool", "a loop condition");
          visit(cond, fn, stack);
        }
        const inc = loop.getIncrementor();
        if (inc) checkExpressionStatement(inc, fn, stack);
        visit(loop.getStatement(), fn, stack);
        return false;
      }
      case SyntaxKind.BreakStatement:
      case SyntaxKind.ContinueStatement:
        if ((node as Node & { getLabel(): Node | undefined }).getLabel()) {
          report(node, Codes.UnsupportedStatement, "labelled 'break' and 'continue' are not supported");
        }
        return false;
      case SyntaxKind.ReturnStatement:
        if (!node.asKindOrThrow(SyntaxKind.ReturnStatement).getExpression() && !fn.getReturnType().isVoid()) {
          report(node, Codes.UnsupportedStatement, "'return' without a value; return a number");
          return false;
        }
        return true;
      case SyntaxKind.VariableStatement: {
        const list = node.asKindOrThrow(SyntaxKind.VariableStatement).getDeclarationList();
        if (list.getDeclarationKind() === VariableDeclarationKind.Var) {
          report(node, Codes.UnsupportedStatement, "'var' is not supported; use 'let' or 'const'");
          return false;
        }
        return true;
      }
      case SyntaxKind.VariableDeclarationList:
        return true;
      case SyntaxKind.VariableDeclaration: {
        const decl = node.asKindOrThrow(SyntaxKind.VariableDeclaration);
        if (!Node.isIdentifier(decl.getNameNode())) {
          if (!decl.getInitializer()) return false; // TypeScript reports the missing initializer
          checkPattern(decl.getNameNode());
        }
        const init0 = decl.getInitializer();
        if (init0 && (Node.isArrowFunction(init0) || Node.isFunctionExpression(init0))) {
          reportUnsupported(init0);
          return false;
        }
        const declared = Node.isIdentifier(decl.getNameNode()) ? shapeOf(decl.getType(), decl) : shapeAt(decl.getInitializerOrThrow());
        if (!declared) {
          const hint = decl.getType().getText(decl) === "any[]" ? " (annotate it, e.g. 'const a: number[] = new Array(n).fill(0)')" : "";
          report(decl.getNameNode(), Codes.UnsupportedType,
            `'${decl.getName()}' has type '${decl.getType().getText(decl)}'; supported are ${SUPPORTED_TYPES}${hint}`);
          return false;
        }
        const init = decl.getInitializer();
        if (init) visit(init, fn, stack);
        return false;
      }
      case SyntaxKind.ExpressionStatement:
        return checkExpressionStatement(node.asKindOrThrow(SyntaxKind.ExpressionStatement).getExpression(), fn, stack);

      // ---- expressions
      case SyntaxKind.NumericLiteral:
      case SyntaxKind.TrueKeyword:
      case SyntaxKind.FalseKeyword:
        return false;
      case SyntaxKind.ParenthesizedExpression:
      case SyntaxKind.NonNullExpression:
        return true;
      case SyntaxKind.ConditionalExpression:
        expectType(node.asKindOrThrow(SyntaxKind.ConditionalExpression).getCondition(), "bool", "a '?:' condition");
        if (!shapeAt(node)) {
          report(node, Codes.UnsupportedType, `a '?:' whose branches have type '${node.getType().getText(node)}'; both must have one type of the subset`);
          return false;
        }
        return true;
      case SyntaxKind.AsExpression:
      case SyntaxKind.SatisfiesExpression:
      case SyntaxKind.TypeAssertionExpression: {
        const inner = (node as Node & { getExpression(): Node }).getExpression();
        visit(inner, fn, stack);
        return false;
      }
      case SyntaxKind.Identifier:
        checkIdentifier(node, fn, stack);
        return false;
      case SyntaxKind.PrefixUnaryExpression: {
        const e = node.asKindOrThrow(SyntaxKind.PrefixUnaryExpression);
        const op = e.getOperatorToken();
        if (op === SyntaxKind.PlusPlusToken || op === SyntaxKind.MinusMinusToken) {
          report(node, Codes.UnsupportedExpression, "'++' and '--' are supported only as statements");
          return false;
        }
        if (op === SyntaxKind.TildeToken) {
          report(node, Codes.UnsupportedOperator, "bitwise '~' is not supported");
          return false;
        }
        if (op === SyntaxKind.ExclamationToken) expectType(e.getOperand(), "bool", "'!'");
        else expectType(e.getOperand(), "f64", `unary '${op === SyntaxKind.MinusToken ? "-" : "+"}'`);
        return true;
      }
      case SyntaxKind.PostfixUnaryExpression:
        report(node, Codes.UnsupportedExpression, "'++' and '--' are supported only as statements");
        return false;
      case SyntaxKind.BinaryExpression: {
        const e = node.asKindOrThrow(SyntaxKind.BinaryExpression);
        const op = e.getOperatorToken();
        const kind = op.getKind();
        if (kind === SyntaxKind.EqualsToken || compoundAssignments.has(kind)) {
          report(node, Codes.UnsupportedExpression, "an assignment can only be a statement of its own, not part of an expression");
          return false;
        }
        if (arithmetic.has(kind)) {
          expectType(e.getLeft(), "f64", `'${op.getText()}'`);
          expectType(e.getRight(), "f64", `'${op.getText()}'`);
        } else if (logical.has(kind)) {
          expectType(e.getLeft(), "bool", `'${op.getText()}'`);
          expectType(e.getRight(), "bool", `'${op.getText()}'`);
        } else if (comparisons.has(kind)) {
          const l = scalarType(e.getLeft().getType());
          const r = scalarType(e.getRight().getType());
          const unreachable = e.getLeft().getType().isNever() || e.getRight().getType().isNever();
          if (!unreachable && (!l || l !== r)) {
            report(node, Codes.UnsupportedOperator, `'${op.getText()}' compares values of different or unsupported types`);
          }
        } else {
          report(op, Codes.UnsupportedOperator, `operator '${op.getText()}' is not supported`);
          return false;
        }
        return true;
      }
      case SyntaxKind.CallExpression:
        checkCall(node.asKindOrThrow(SyntaxKind.CallExpression), fn, stack);
        return false;
      case SyntaxKind.ElementAccessExpression: {
        const e = node.asKindOrThrow(SyntaxKind.ElementAccessExpression);
        if (e.hasQuestionDotToken()) {
          report(node, Codes.UnsupportedExpression, "optional chaining ('?.') is not supported");
          return false;
        }
        if (isAggregateNode(e.getExpression())) {
          const shape = shapeOf(e.getExpression().getType(), e);
          const key = partKeyOf(e);
          if (shape?.kind !== "tuple" || key === undefined || !(Number(key) < shape.items.length)) {
            report(e.getArgumentExpressionOrThrow(), Codes.UnsupportedExpression,
              `'${e.getText()}': a tuple is indexed by a number literal within its length (${shape?.kind === "tuple" ? shape.items.length : 0})`);
            return false;
          }
          visit(e.getExpression(), fn, stack);
          return false;
        }
        if (!isArrayNode(e.getExpression())) {
          report(node, Codes.UnsupportedExpression, `'${e.getText()}': element access is supported on arrays of numbers and tuples only`);
          return false;
        }
        const index = e.getArgumentExpressionOrThrow();
        expectType(index, "f64", "an array index");
        visit(e.getExpression(), fn, stack);
        visit(index, fn, stack);
        return false;
      }
      case SyntaxKind.ArrayLiteralExpression: {
        if (shapeAt(node)?.kind === "tuple") {
          for (const element of node.asKindOrThrow(SyntaxKind.ArrayLiteralExpression).getElements()) {
            if (Node.isSpreadElement(element) || Node.isOmittedExpression(element)) report(element, Codes.UnsupportedExpression, "a tuple literal needs every element written out");
            else visit(element, fn, stack);
          }
          return false;
        }
        const t = literalType(node);
        if (t !== "f64[]" && t !== "f64[][]") {
          report(node, Codes.UnsupportedExpression, `an array literal of type '${node.getType().getText(node)}'; give it a number[] or number[][] type`);
          return false;
        }
        return true;
      }
      case SyntaxKind.NewExpression: {
        const e = node.asKindOrThrow(SyntaxKind.NewExpression);
        const args = e.getArguments();
        if (e.getExpression().getText() === "Float64Array" && args.length === 1 && scalarType(args[0]!.getType()) === "f64") {
          visit(args[0]!, fn, stack);
          return false;
        }
        report(node, Codes.UnsupportedExpression, "of 'new' only 'new Float64Array(n)' and 'new Array(n).fill(v)' are supported");
        return false;
      }
      case SyntaxKind.ForOfStatement: {
        const loop = node.asKindOrThrow(SyntaxKind.ForOfStatement);
        const init = loop.getInitializer();
        const decls = Node.isVariableDeclarationList(init) ? init.getDeclarations() : [];
        if (loop.isAwaited() || decls.length !== 1 || !Node.isIdentifier(decls[0]!.getNameNode())
          || (init as Node & { getDeclarationKind(): VariableDeclarationKind }).getDeclarationKind() === VariableDeclarationKind.Var) {
          report(init, Codes.UnsupportedStatement, "a 'for...of' loop needs one 'const' or 'let' variable");
          return false;
        }
        if (!isArrayNode(loop.getExpression())) {
          report(loop.getExpression(), Codes.UnsupportedType, "'for...of' is supported over arrays only");
          return false;
        }
        visit(loop.getExpression(), fn, stack);
        visit(loop.getStatement(), fn, stack);
        return false;
      }
      case SyntaxKind.ObjectLiteralExpression: {
        const shape = shapeAt(node);
        if (shape?.kind !== "object") {
          report(node, Codes.UnsupportedType, `an object literal of type '${node.getType().getText(node)}'; give it a type whose fields are ${SUPPORTED_TYPES}`);
          return false;
        }
        for (const prop of node.asKindOrThrow(SyntaxKind.ObjectLiteralExpression).getProperties()) {
          if (Node.isPropertyAssignment(prop) && Node.isIdentifier(prop.getNameNode())) visit(prop.getInitializerOrThrow(), fn, stack);
          else if (Node.isShorthandPropertyAssignment(prop)) checkIdentifier(prop.getNameNode(), fn, stack, prop);
          else report(prop, Codes.UnsupportedExpression, "an object literal takes 'name: value' and 'name' fields only (no spread, methods, accessors or computed names)");
        }
        return false;
      }
      case SyntaxKind.PropertyAccessExpression: {
        const e = node.asKindOrThrow(SyntaxKind.PropertyAccessExpression);
        if (namedConstant(e.getExpression().getText(), e.getName()) !== undefined && !e.hasQuestionDotToken()) return false;
        if (isAggregateNode(e.getExpression()) && !e.hasQuestionDotToken()) {
          visit(e.getExpression(), fn, stack);
          return false;
        }
        if (e.getName() === "length" && isArrayNode(e.getExpression()) && !e.hasQuestionDotToken()) {
          visit(e.getExpression(), fn, stack);
          return false;
        }
        report(node, Codes.UnsupportedExpression, `'${e.getText()}' is not supported; of properties only fields of tuples and objects, '.length' and the Math and Number constants are`);
        return false;
      }
      default:
        reportUnsupported(node);
        return false;
    }
  };

  const checkExpressionStatement = (e: Node, fn: FunctionDeclaration, stack: FunctionDeclaration[]): boolean => {
    if (Node.isBinaryExpression(e)) {
      const kind = e.getOperatorToken().getKind();
      if (kind === SyntaxKind.EqualsToken || compoundAssignments.has(kind)) {
        checkAssignTarget(e.getLeft(), fn);
        if (compoundAssignments.has(kind)) expectType(e.getLeft(), "f64", `'${e.getOperatorToken().getText()}'`);
        visit(e.getRight(), fn, stack);
        return false;
      }
    }
    if (Node.isPrefixUnaryExpression(e) || Node.isPostfixUnaryExpression(e)) {
      const op = e.getOperatorToken();
      if (op === SyntaxKind.PlusPlusToken || op === SyntaxKind.MinusMinusToken) {
        checkAssignTarget(e.getOperand(), fn);
        expectType(e.getOperand(), "f64", op === SyntaxKind.PlusPlusToken ? "'++'" : "'--'");
        return false;
      }
    }
    if (Node.isCallExpression(e) && arrayMethod(e) && ["push", "fill"].includes(arrayMethod(e)!)) {
      checkArrayMethod(e, fn, stack);
      return false;
    }
    if (Node.isCallExpression(e)) {
      const before = diagnostics.length;
      checkCall(e, fn, stack);
      if (diagnostics.length > before || e.getReturnType().isVoid()) return false;
      report(e, Codes.UnsupportedStatement, "a call whose result is unused has no effect in differentiable code; remove it or use its value");
      return false;
    }
    report(e, Codes.UnsupportedStatement, "this expression statement is not supported; only assignments, '++' and '--' are");
    return false;
  };

  const checkAssignTarget = (target: Node, fn: FunctionDeclaration): void => {
    if ((Node.isPropertyAccessExpression(target) || Node.isElementAccessExpression(target)) && isAggregateNode(target.getExpression())) {
      visit(target, fn, [fn]);
      if (isAggregateNode(target)) {
        report(target, Codes.UnsupportedExpression,
          `'${target.getText()}' is a tuple or object; assign its fields one by one, or assign a new object to the variable that holds '${target.getExpression().getText()}'`);
      }
      return;
    }
    if (Node.isElementAccessExpression(target)) {
      visit(target, fn, [fn]);
      return;
    }
    if (!Node.isIdentifier(target)) {
      report(target, Codes.UnsupportedExpression, "only local variables, parameters, array elements and fields of tuples and objects can be assigned");
      return;
    }
    const decl = target.getSymbol()?.getDeclarations()[0];
    if (!decl || decl.getFirstAncestorByKind(SyntaxKind.FunctionDeclaration) !== fn
      || !(Node.isVariableDeclaration(decl) || Node.isParameterDeclaration(decl) || Node.isBindingElement(decl))) {
      report(target, Codes.UnknownName, `'${target.getText()}' is not a local variable or parameter of '${fn.getName()}'; only those can be assigned`);
    }
  };

  /** A name read in `fn`; `shorthand` is the `{ name }` property it appears in, if any. */
  const checkIdentifier = (id: Node, fn: FunctionDeclaration, stack: FunctionDeclaration[], shorthand?: Node): void => {
    const text = id.getText();
    if (text === "NaN" || text === "Infinity") return;
    const local = shorthand
      ? fn.getDescendants().find((d) => d.compilerNode === shorthandDeclarationNode(shorthand))
      : id.getSymbol()?.getDeclarations()[0];
    if (local && (Node.isParameterDeclaration(local) || Node.isVariableDeclaration(local) || Node.isBindingElement(local))
      && local.getFirstAncestorByKind(SyntaxKind.FunctionDeclaration) === fn) return;
    const decl = shorthand ? undefined : declarationOf(id);
    if (decl && Node.isVariableDeclaration(decl) && isModuleConstant(decl)) {
      // Its initialiser is lowered where the constant is read: it must be in the subset too.
      if (!checkedConstants.has(decl)) {
        checkedConstants.add(decl);
        visit(decl.getInitializerOrThrow(), fn, stack);
      }
      return;
    }
    if (decl && Node.isFunctionDeclaration(decl)) {
      report(id, Codes.UnsupportedExpression, `function '${text}' used as a value; functions can only be called`);
      return;
    }
    report(id, Codes.UnknownName, decl || local
      ? `'${text}' is not a parameter, local variable or module-level numeric constant`
      : `cannot find name '${text}'`);
  };

  const checkCall = (call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void => {
    const callee = call.getExpression();
    const args = call.getArguments();
    if (call.getDescendantsOfKind(SyntaxKind.QuestionDotToken).some((t) => t.getParent() === call || t.getParent() === callee)) {
      report(call, Codes.UnsupportedExpression, "optional chaining ('?.') is not supported");
      return;
    }
    // A call adgen cannot make at all is the one root cause: its arguments are not looked at.
    if (!rejectedCallee(call, fn, stack)) {
      for (const a of args) {
        if (Node.isSpreadElement(a)) report(a, Codes.UnsupportedExpression, "spread arguments are not supported");
        else {
          visit(a, fn, stack);
          if (!shapeAt(a)) report(a, Codes.UnsupportedType, `argument of type '${a.getType().getText(a)}' is not supported`);
        }
      }
    }
    if (arrayMethod(call)) {
      checkArrayMethod(call, fn, stack);
      return;
    }
    if (Node.isPropertyAccessExpression(callee) && callee.getExpression().getText() === "Math") {
      const name = callee.getName();
      if (!mathFunctions.has(name)) {
        report(callee, Codes.UnknownCall, `'Math.${name}' is not supported${name === "random" ? " (it is not a function of its inputs)" : ""}`);
      } else if (args.length === 0 && name !== "min" && name !== "max" && name !== "hypot") {
        report(call, Codes.UnsupportedExpression, `'Math.${name}' needs an argument`);
      }
      return;
    }
    if (isStopGradient(call)) {
      const shape = args.length === 1 ? shapeAt(args[0]!) : undefined;
      const numbers = shape && (shape.kind === "value" ? shape.type === "f64" : !/\[\]|Float64Array|boolean/.test(shapeText(shape)));
      if (!numbers) report(call, Codes.UnsupportedExpression, "'stopGradient' takes one number, or one tuple or object of numbers");
      return;
    }
    const rule = ruleFor(rules, callee);
    if (rule) {
      checkRuleCall(call, rule, fn, stack);
      return;
    }
    const decl = calleeFunction(callee);
    if ((!decl || !decl.hasBody() || decl.getSourceFile().isDeclarationFile()) && [...stack, fn].some((f) => adjoints.has(f))) {
      // An adjoint's code is run, not differentiated: it may call functions adgen cannot see into.
      if (scalarType(call.getType()) !== "f64") {
        report(call, Codes.UnknownCall, `'${callee.getText()}' must return a number to be called from an adjoint`);
      }
      return;
    }
    const visible = decl && (decl.getSourceFile() === fn.getSourceFile() || isRelativeImport(callee)) && !decl.getSourceFile().isDeclarationFile();
    if (!decl || !visible) {
      const where = Node.isIdentifier(callee) && callee.getSymbol()?.getDeclarations()[0]?.isKind(SyntaxKind.ImportSpecifier)
        ? " (it is imported from a package, not from a file of this project)" : "";
      report(callee, Codes.UnknownCall,
        `cannot differentiate a call to '${callee.getText()}'${where}: only Math functions, functions of this file and functions imported by relative path ('./helpers.js') can be called, or give it an adjoint: ${ruleHint(callee.getText(), args.length)}`);
      return;
    }
    if (!decl.hasBody()) {
      report(callee, Codes.UnknownCall, `'${decl.getName()}' is declared without a body, so it cannot be differentiated; give it an adjoint: ${ruleHint(callee.getText(), args.length)}`);
      return;
    }
    const at = stack.indexOf(decl);
    if (at >= 0) {
      const cycle = [...stack.slice(at), decl].map((f) => f.getName()).join(" -> ");
      report(call, Codes.Recursion, `recursion is not supported: ${cycle}`);
      return;
    }
    if (args.length !== decl.getParameters().length) {
      report(call, Codes.UnsupportedExpression, `'${decl.getName()}' takes ${decl.getParameters().length} arguments, got ${args.length}`);
      return;
    }
    if (!checked.has(decl)) {
      visitFunction(decl, stack);
    } else {
      // Already checked from another path: still look for a cycle through this call.
      findCycle(decl, stack);
    }
  };

  /** Whether checkCall rejects the callee itself: a Math function outside the subset, or a function adgen cannot see into and has no adjoint for. */
  const rejectedCallee = (call: Node & { getExpression(): Node }, fn: FunctionDeclaration, stack: FunctionDeclaration[]): boolean => {
    const callee = call.getExpression();
    if (arrayMethod(call) || isStopGradient(call) || ruleFor(rules, callee)) return false;
    if (Node.isPropertyAccessExpression(callee) && callee.getExpression().getText() === "Math") return !mathFunctions.has(callee.getName());
    const decl = calleeFunction(callee);
    const opaque = !decl || !decl.hasBody() || decl.getSourceFile().isDeclarationFile();
    if (opaque && [...stack, fn].some((f) => adjoints.has(f))) return false;
    const visible = decl && (decl.getSourceFile() === fn.getSourceFile() || isRelativeImport(callee));
    return opaque || !visible;
  };

  /** A call of a function with a user-defined adjoint: the adjoint's body is checked, and the function's own if adgen inlines it. */
  const checkRuleCall = (call: Node & { getExpression(): Node; getArguments(): Node[] }, rule: UserRule, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void => {
    const args = call.getArguments();
    if (args.length !== rule.arity) {
      report(call, Codes.BadRule, `this call passes ${args.length} arguments; its adjoint '${rule.adjoint.getName()}' takes ${rule.arity} (then the value and its adjoint)`);
      return;
    }
    // An untyped import (a JavaScript package without types) is `any`: the adjoint says it returns a number.
    if (scalarType(call.getType()) !== "f64" && !call.getType().isAny()) {
      report(call, Codes.BadRule, `an adjoint ('${rule.adjoint.getName()}') is supported for a function returning a number, not '${call.getType().getText(call)}'`);
      return;
    }
    for (const [i, a] of args.entries()) {
      const t = shapeAt(a);
      const want = rule.adjoint.getParameters()[i]!;
      if (t?.kind !== "value" || (t.type === "f64") !== (scalarType(want.getType()) === "f64")) {
        report(a, Codes.BadRule, `argument ${i + 1} has type '${a.getType().getText(a)}', but '${rule.adjoint.getName()}' takes '${want.getType().getText(want)}'`);
      }
    }
    if (!checked.has(rule.adjoint)) visitFunction(rule.adjoint, stack);
    const primal = calleeFunction(call.getExpression());
    const at = primal ? stack.indexOf(primal) : -1;
    if (at >= 0) {
      // The function's value is still computed by inlining it.
      const cycle = [...stack.slice(at), primal!].map((f) => f.getName()).join(" -> ");
      report(call, Codes.Recursion, `recursion is not supported: ${cycle}`);
      return;
    }
    if (primal?.hasBody() && !primal.getSourceFile().isDeclarationFile() && !stack.includes(primal) && !checked.has(primal)) visitFunction(primal, stack);
  };

  const findCycle = (fnDecl: FunctionDeclaration, stack: FunctionDeclaration[]): void => {
    for (const call of fnDecl.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      const decl = calleeFunction(callee);
      if (decl && stack.includes(decl)) {
        checkCall(call, fnDecl, [...stack, fnDecl]);
      }
    }
  };

  /** `a.push(v)` and `a.fill(v)` as statements, `a.slice()`, and `new Array(n).fill(v)`. */
  const checkArrayMethod = (call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void => {
    const method = arrayMethod(call)!;
    const target = (call.getExpression() as Node & { getExpression(): Node }).getExpression();
    const args = call.getArguments();
    const statement = Node.isExpressionStatement(call.getParent());
    if (Node.isNewExpression(target)) {
      const n = target.getArguments();
      if (method !== "fill" || target.getExpression().getText() !== "Array" || n.length !== 1 || args.length !== 1) {
        report(call, Codes.UnsupportedExpression, "of 'new Array' only 'new Array(n).fill(v)' is supported");
        return;
      }
      expectType(n[0]!, "f64", "an array length");
      expectType(args[0]!, "f64", "the fill value");
      visit(n[0]!, fn, stack);
      visit(args[0]!, fn, stack);
      return;
    }
    const ok = method === "slice" ? args.length === 0 && !statement : statement && args.length === 1;
    if (!ok) {
      report(call, Codes.UnsupportedExpression, method === "slice"
        ? "only 'a.slice()' (a whole copy) is supported"
        : `'${method}' is supported as a statement with one argument ('a.${method}(v);')`);
      return;
    }
    visit(target, fn, stack);
    for (const a of args) visit(a, fn, stack);
  };

  const expectType = (node: Node, want: "f64" | "bool", what: string): void => {
    if (want === "f64" && arithmeticResult(node)) return;
    // An untyped parameter or variable is reported where it is declared, once, not at every use.
    if (Node.isIdentifier(node) && node.getType().isAny() && declaredHere(node)) return;
    // TypeScript narrows an operand that cannot run (`flag || flag` inside `if (flag)`) to never.
    if (node.getType().isNever()) return;
    const got = hasRule(node) ? "f64" : scalarType(node.getType());
    if (got !== want) {
      report(node, Codes.UnsupportedOperator,
        `${what} needs ${want === "f64" ? "a number" : "a boolean"} operand, not '${node.getType().getText(node)}'`);
    }
  };

  /** Whether an expression is a call of a function with a user-defined adjoint (which returns a number). */
  const hasRule = (node: Node): boolean => {
    while (Node.isParenthesizedExpression(node)) node = node.getExpression();
    return Node.isCallExpression(node) && ruleFor(rules, node.getExpression()) !== undefined;
  };

  const reportUnsupported = (node: Node): void => {
    if (Node.isStatement(node)) {
      const what = statementNames.get(node.getKind()) ?? `'${node.getKindName()}'`;
      report(node, Codes.UnsupportedStatement, `${what} is not supported`);
    } else {
      const what = expressionNames.get(node.getKind()) ?? `this expression ('${node.getKindName()}')`;
      report(node, Codes.UnsupportedExpression, `${what} is not supported`);
    }
  };

  for (const fn of entryFunctions) visitFunction(fn, []);
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { entries, rules, diagnostics: dedupe(diagnostics) };
}

/** A function of a file matched by a glob that was skipped: it cannot be differentiated, for these reasons. */
export interface SkippedFunction {
  name: string;
  diagnostics: Diagnostic[];
}

/**
 * The subset check of a file matched by a glob rather than named: an entry
 * whose check fails is skipped (into `skipped`) unless it is opted in
 * (`isOptedIn`), and the file's other entries are checked as usual. Errors
 * that belong to no entry (an `@adjoint` rule that does not fit) still count.
 */
export function fenceMatched(displayPath: string, sf: SourceFile, skipped: SkippedFunction[]): FenceResult {
  const all = fence(displayPath, sf);
  if (all.diagnostics.length === 0) return all;
  const shared = fence(displayPath, sf, []).diagnostics.length;
  const kept = all.entries.filter((entry) => {
    if (isOptedIn(entry.fn)) return true;
    const alone = fence(displayPath, sf, [entry]).diagnostics;
    if (alone.length > shared) skipped.push({ name: entry.name, diagnostics: alone });
    return alone.length === shared;
  });
  return fence(displayPath, sf, kept);
}

/**
 * Whether an expression is arithmetic on numbers by its form alone: a
 * numeric literal, or `- * / % **` (which TypeScript, whose check the input
 * has passed, allows on numbers only once bigints are ruled out, as the
 * fence does), or a `+` of such. Asking the checker for the type of every
 * operand of a long sum would check the sum again at every level (the
 * checker does not keep the types of binary expressions): quadratic in its
 * length.
 */
const arithmeticCache = new WeakMap<ts.Node, boolean>();
function arithmeticResult(node: Node): boolean {
  // Down the left spine (parentheses and binary operators) to its first answered or leaf node, then back up.
  const spine: Node[] = [];
  for (let n: Node | undefined = node; n && arithmeticCache.get(n.compilerNode) === undefined;) {
    if (Node.isParenthesizedExpression(n)) {
      spine.push(n);
      n = n.getExpression();
    } else if (Node.isBinaryExpression(n)) {
      spine.push(n);
      n = n.getLeft();
    } else {
      arithmeticCache.set(n.compilerNode, Node.isNumericLiteral(n));
      n = undefined;
    }
  }
  const numeric = (n: Node) => arithmeticResult(n) || scalarType(n.getType()) === "f64";
  for (const n of spine.reverse()) {
    let result = false;
    if (Node.isParenthesizedExpression(n)) result = arithmeticCache.get(n.getExpression().compilerNode)!;
    else if (Node.isBinaryExpression(n) && (n.getOperatorToken().getKind() === SyntaxKind.PlusToken || arithmetic.has(n.getOperatorToken().getKind()))) {
      result = numeric(n.getLeft()) && numeric(n.getRight());
    }
    arithmeticCache.set(n.compilerNode, result);
  }
  return arithmeticCache.get(node.compilerNode)!;
}

/** How to annotate a declaration in its language: `x: number`, or JSDoc in a JavaScript file. */
function typeAdvice(node: Node, name: string): string {
  return /\.[cm]?js$/.test(node.getSourceFile().getFilePath()) ? `'@param {number} ${name}' in the function's JSDoc` : `'${name}: number'`;
}

/** Whether a name is a parameter or variable of the program (whose own declaration a diagnostic names). */
function declaredHere(id: Node): boolean {
  const decl = id.getSymbol()?.getDeclarations()[0];
  return !!decl && (Node.isParameterDeclaration(decl) || Node.isVariableDeclaration(decl) || Node.isBindingElement(decl));
}

/** How to write an adjoint for `name`, for diagnostics. */
function ruleHint(callee: string, arity: number): string {
  const name = callee.split(".").pop()!; // `m.twice` -> `twice`, for a namespace import
  const params = Array.from({ length: arity }, (_, i) => `x${i + 1}: number`).join(", ");
  return `'/** @adjoint ${name} */ function ${name}Adjoint(${params}${arity ? ", " : ""}value: number, dvalue: number): { x1: number } { ... }' (see the README, "User-defined adjoints")`;
}

/** The type of an array literal: its own, or for `[]` the type its context expects. */
export function literalType(node: Node): ReturnType<typeof valueType> {
  const own = valueType(node.getType());
  if (own) return own;
  const contextual = (node as Node & { getContextualType(): ReturnType<Node["getType"]> | undefined }).getContextualType();
  return contextual ? valueType(contextual) : undefined;
}

/** Whether an expression is an array of the subset. */
function isArrayNode(node: Node): boolean {
  const t = valueType(node.getType());
  return t !== undefined && t !== "f64" && t !== "bool";
}

/** The array method a call invokes (`push`, `fill`, `slice`), if it is one. */
export function arrayMethod(call: Node & { getExpression(): Node }): string | undefined {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.hasQuestionDotToken()) return undefined;
  const name = callee.getName();
  if (!["push", "fill", "slice"].includes(name)) return undefined;
  const target = callee.getExpression();
  return isArrayNode(target) || Node.isNewExpression(target) ? name : undefined;
}

/** A module-level `const` with an initializer: its value is inlined where it is used. */
export function isModuleConstant(decl: Node): boolean {
  if (!Node.isVariableDeclaration(decl)) return false;
  const statement = decl.getVariableStatement();
  return !!statement && Node.isSourceFile(statement.getParent())
    && statement.getDeclarationKind() === VariableDeclarationKind.Const
    && decl.hasInitializer() && scalarType(decl.getType()) === "f64";
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.line}:${d.column}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const statementNames = new Map<SyntaxKind, string>([
  [SyntaxKind.ForInStatement, "a 'for...in' loop"],
  [SyntaxKind.SwitchStatement, "'switch'"],
  [SyntaxKind.TryStatement, "'try'"],
  [SyntaxKind.ThrowStatement, "'throw'"],
  [SyntaxKind.ClassDeclaration, "a class declaration"],
  [SyntaxKind.FunctionDeclaration, "a nested function declaration"],
  [SyntaxKind.LabeledStatement, "a labelled statement"],
  [SyntaxKind.WithStatement, "'with'"],
  [SyntaxKind.DebuggerStatement, "'debugger'"],
]);

const expressionNames = new Map<SyntaxKind, string>([
  [SyntaxKind.ArrowFunction, "an arrow function (closure)"],
  [SyntaxKind.FunctionExpression, "a function expression (closure)"],
  [SyntaxKind.StringLiteral, "a string value"],
  [SyntaxKind.NoSubstitutionTemplateLiteral, "a string value"],
  [SyntaxKind.TemplateExpression, "a template string"],
  [SyntaxKind.ObjectLiteralExpression, "an object literal"],
  [SyntaxKind.NewExpression, "'new'"],
  [SyntaxKind.TypeOfExpression, "'typeof'"],
  [SyntaxKind.ThisKeyword, "'this'"],
  [SyntaxKind.SpreadElement, "spread"],
  [SyntaxKind.AwaitExpression, "'await'"],
  [SyntaxKind.YieldExpression, "'yield'"],
  [SyntaxKind.DeleteExpression, "'delete'"],
  [SyntaxKind.VoidExpression, "'void'"],
  [SyntaxKind.BigIntLiteral, "a bigint literal"],
  [SyntaxKind.NullKeyword, "'null'"],
  [SyntaxKind.RegularExpressionLiteral, "a regular expression"],
  [SyntaxKind.TaggedTemplateExpression, "a tagged template"],
  [SyntaxKind.ClassExpression, "a class expression"],
  [SyntaxKind.CommaToken, "the comma operator"],
]);
