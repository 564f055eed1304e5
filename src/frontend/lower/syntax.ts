/** Questions lowering asks of the syntax (does a statement return, which loop does a jump leave, which variables does a loop carry), answered once per node. */
import { DoStatement, ForOfStatement, ForStatement, Node, SyntaxKind, WhileStatement, type Expression, type Statement, type SwitchStatement, ts } from "ts-morph";
import type { FunctionLike } from "../functions.js";
import { InternalError } from "../../diagnostics.js";
import { compoundAssignments, isAssignmentOperator } from "../subset.js";
import { isAggregateNode } from "../resolve.js";
import { functionExpression, functionParameter, staticCallee } from "../functions.js";
import { constructedClass, methodOf } from "../classes.js";
import { descendants, descendantsOfKind } from "../descendants.js";

export type LoopStatement = ForStatement | WhileStatement | DoStatement | ForOfStatement;

export function isLoop(statement: Node): statement is LoopStatement {
  return Node.isForStatement(statement) || Node.isWhileStatement(statement) || Node.isDoStatement(statement)
    || Node.isForOfStatement(statement);
}

/** TypeScript's verdict: error 2366 ("lacks ending return statement") is reported for `fn`. */
export function endIsReachable(fn: FunctionLike): boolean {
  const start = fn.getStart();
  const end = fn.getEnd();
  return fn.getSourceFile().getPreEmitDiagnostics()
    .some((d) => d.getCode() === 2366 && (d.getStart() ?? -1) >= start && (d.getStart() ?? -1) <= end);
}

/**
 * Remembers a question about a syntax node. Lowering asks about the same
 * statements again and again (an `if` nested n deep is asked whether it may
 * return at every level above it); each answer walks the node's subtree.
 */
export function memoized<T>(question: (node: Node) => T): (node: Node) => T {
  const answers = new WeakMap<ts.Node, T>();
  return (node) => {
    if (answers.has(node.compilerNode)) return answers.get(node.compilerNode)!;
    const answer = question(node);
    answers.set(node.compilerNode, answer);
    return answer;
  };
}

/**
 * What a subtree holds, bottom-up over the compiler's nodes so that asking
 * about every statement of a deeply nested function costs one walk: whether
 * it returns, and how many `break`/`continue` jumps leave it (jumps to a loop
 * inside it do not; a labelled jump leaves every loop up to the one its label
 * names). Nested functions are their own world.
 */
export interface Leaving {
  returns: boolean;
  jumps: number;
  /** Of the jumps, the unlabelled breaks (which end a switch's case rather than leave it). */
  breaks: number;
  /** The labels of the labelled jumps among them, once per jump. */
  labels: string[];
}

export const leavingCache = new WeakMap<ts.Node, Leaving>();

export function leaving(node: ts.Node): Leaving {
  const known = leavingCache.get(node);
  if (known) return known;
  // A `throw` leaves the function as a `return` does.
  const jump = ts.isBreakStatement(node) || ts.isContinueStatement(node);
  const label = jump ? node.label?.text : undefined;
  const found: Leaving = {
    returns: ts.isReturnStatement(node) || ts.isThrowStatement(node),
    jumps: jump ? 1 : 0,
    breaks: ts.isBreakStatement(node) && label === undefined ? 1 : 0,
    labels: label === undefined ? [] : [label],
  };
  if (!ts.isFunctionLike(node)) {
    ts.forEachChild(node, (child) => {
      const inner = leaving(child);
      found.returns ||= inner.returns;
      found.jumps += inner.jumps;
      found.breaks += inner.breaks;
      found.labels.push(...inner.labels);
    });
    if (ts.isIterationStatement(node, false)) {
      // Only labelled jumps to an enclosing loop leave a loop.
      const own = ts.isLabeledStatement(node.parent) ? node.parent.label.text : undefined;
      found.labels = found.labels.filter((l) => l !== own);
      found.jumps = found.labels.length;
      found.breaks = 0;
    }
    // A switch's own breaks end its case; its continues leave it.
    if (ts.isSwitchStatement(node)) {
      found.jumps -= found.breaks;
      found.breaks = 0;
    }
  }
  leavingCache.set(node, found);
  return found;
}

export const hasReturn = (statement: Node): boolean => leaving(statement.compilerNode).returns;

/** The label of a `break` or `continue`, if it names one. */
export function jumpLabel(jump: Node): string | undefined {
  return (jump.compilerNode as ts.BreakOrContinueStatement).label?.text;
}

/**
 * The loop a `break` or `continue` leaves or repeats (or, for an unlabelled
 * `break`, the switch whose case it ends); a labelled jump's is the loop its
 * label names.
 */
export function targetLoop(jump: Node): Node | undefined {
  const label = jumpLabel(jump);
  if (label !== undefined) {
    const labelled = jump.getFirstAncestor((a) => Node.isLabeledStatement(a) && a.getLabel().getText() === label);
    return labelled && Node.isLabeledStatement(labelled) ? labelled.getStatement() : undefined;
  }
  return jump.getFirstAncestor((a) => isLoop(a) || (Node.isBreakStatement(jump) && Node.isSwitchStatement(a)));
}

/** A labelled jump out of a loop to an enclosing one: `jump` is one of the jumps that go there. */
export interface Escape {
  target: Node;
  kind: "break" | "continue";
  jump: Node;
}

/** The labelled jumps out of `loop` to the loops around it, one per target and kind, in source order. */
export const escapesOf = memoized((loop: Node): Escape[] => {
  const found: Escape[] = [];
  const jumps = [...descendantsOfKind(loop, SyntaxKind.BreakStatement), ...descendantsOfKind(loop, SyntaxKind.ContinueStatement)]
    .filter((j) => jumpLabel(j) !== undefined && j.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a) || a === loop) === loop)
    .sort((a, b) => a.getStart() - b.getStart());
  for (const jump of jumps) {
    const target = targetLoop(jump);
    if (!target || target === loop || target.getAncestors().includes(loop)) continue;
    const kind = Node.isBreakStatement(jump) ? "break" : "continue";
    if (!found.some((e) => e.target === target && e.kind === kind)) found.push({ target, kind, jump });
  }
  return found;
});

/** A case of a switch as it runs: the tests that enter it (none for default) and its statements through the fall-throughs, without the closing `break`. */
export interface SwitchArm {
  tests: Expression[];
  statements: Statement[];
}

/** Whether control leaves a case at its end: a closing break, return, throw or continue. */
function closes(statements: Statement[]): boolean {
  const last = statements[statements.length - 1];
  return !!last && (Node.isBreakStatement(last) || Node.isReturnStatement(last) || Node.isThrowStatement(last) || Node.isContinueStatement(last));
}

/** The cases of a switch, and its default, each with what runs once it is entered. */
export function switchArms(s: SwitchStatement): { cases: SwitchArm[]; fallback?: SwitchArm } {
  const clauses = s.getCaseBlock().getClauses();
  const from = (i: number): Statement[] => {
    const out: Statement[] = [];
    for (let j = i; j < clauses.length; j++) {
      const own = clauses[j]!.getStatements();
      out.push(...own);
      if (closes(own)) break;
    }
    const last = out[out.length - 1];
    return last && Node.isBreakStatement(last) && jumpLabel(last) === undefined ? out.slice(0, -1) : out;
  };
  const cases: SwitchArm[] = [];
  let fallback: SwitchArm | undefined;
  clauses.forEach((clause, i) => {
    if (Node.isDefaultClause(clause)) fallback = { tests: [], statements: from(i) };
    else cases.push({ tests: [clause.getExpression()], statements: from(i) });
  });
  return { cases, ...(fallback ? { fallback } : {}) };
}

/** Whether `statement` contains a `break` of its own (not of a nested loop). */
export const hasBreak = memoized((loop: Node): boolean => descendantsOfKind(loop, SyntaxKind.BreakStatement).some((j) => targetLoop(j) === loop));

/** Whether control can leave `statement` other than by falling through: a return, or a jump to an enclosing loop. */
export function mayExit(statement: Node): boolean {
  const exits = leaving(statement.compilerNode);
  return exits.returns || exits.jumps > 0;
}

/** The condition a loop tests before each run of its body (undefined for `for (;;)`). */
export function statementCondition(loop: ForStatement | WhileStatement | DoStatement): Expression | undefined {
  return Node.isForStatement(loop) ? loop.getCondition() : loop.getExpression();
}

/** Variables a loop assigns that live across iterations: declared outside it or in a `for` initializer. */
export function carriedVariables(loop: LoopStatement): Node[] {
  const found = new Set<Node>();
  const inside = (d: Node) => d.getAncestors().includes(loop) && !isForInitializer(d, loop);
  const consider = (target: Node) => {
    const decl = target.getSymbol()?.getDeclarations()[0];
    if (decl && !inside(decl)) found.add(decl);
  };
  for (const e of descendantsOfKind(loop, SyntaxKind.BinaryExpression)) {
    const kind = e.getOperatorToken().getKind();
    if ((kind === SyntaxKind.EqualsToken || compoundAssignments.has(kind)) && Node.isIdentifier(e.getLeft())) consider(e.getLeft());
    // `[a, b] = [b, a]`
    if (kind === SyntaxKind.EqualsToken && Node.isArrayLiteralExpression(e.getLeft())) e.getLeft().asKindOrThrow(SyntaxKind.ArrayLiteralExpression).getElements().filter(Node.isIdentifier).forEach(consider);
  }
  for (const e of [...descendantsOfKind(loop, SyntaxKind.PrefixUnaryExpression), ...descendantsOfKind(loop, SyntaxKind.PostfixUnaryExpression)]) {
    const op = e.getOperatorToken();
    if (op === SyntaxKind.PlusPlusToken || op === SyntaxKind.MinusMinusToken) consider(e.getOperand());
  }
  if (Node.isForStatement(loop)) {
    const init = loop.getInitializer();
    if (init && Node.isVariableDeclarationList(init)) for (const d of init.getDeclarations()) found.add(d.getNameNode().getSymbol()?.getDeclarations()[0] ?? d);
  }
  return [...found];
}

export function isForInitializer(decl: Node, loop: LoopStatement): boolean {
  return Node.isForStatement(loop) && decl.getParent() === loop.getInitializer();
}

export function variableName(decl: Node): string {
  return (decl.compilerNode as ts.VariableDeclaration | ts.ParameterDeclaration).name.getText();
}

export function declarationOf(id: Node): Node {
  const decl = id.getSymbol()?.getDeclarations()[0];
  if (!decl) throw new InternalError(`unresolved name ${id.getText()} passed the fence`);
  return decl;
}

/** Whether a loop may write a field or tuple element: it assigns one, or calls a helper that might. */
export function mayWriteCells(loop: Node): boolean {
  const assigns = descendants(loop).some((d) => {
    const target = Node.isBinaryExpression(d) && (d.getOperatorToken().getKind() === SyntaxKind.EqualsToken || compoundAssignments.has(d.getOperatorToken().getKind()))
      ? d.getLeft()
      : (Node.isPrefixUnaryExpression(d) || Node.isPostfixUnaryExpression(d)) ? d.getOperand() : undefined;
    return !!target && (Node.isPropertyAccessExpression(target) || Node.isElementAccessExpression(target)) && isAggregateNode(target.getExpression());
  });
  return assigns || callsHelper(loop);
}

/** Whether an expression calls a function of the project (which may write fields or arrays). */
export const callsHelper = memoized((e: Node): boolean => {
  const calls = Node.isCallExpression(e) ? [e, ...descendantsOfKind(e, SyntaxKind.CallExpression)] : descendantsOfKind(e, SyntaxKind.CallExpression);
  const news = Node.isNewExpression(e) ? [e, ...descendantsOfKind(e, SyntaxKind.NewExpression)] : descendantsOfKind(e, SyntaxKind.NewExpression);
  return calls.some((c) => staticCallee(c.getExpression()) !== undefined || methodOf(c.getExpression()) !== undefined || functionParameter(c.getExpression())
    || c.getArguments().some((a) => functionExpression(a) !== undefined || staticCallee(a) !== undefined))
    || news.some((n) => constructedClass(n) !== undefined);
});

/** Whether an expression assigns anything (`(t -= 1.5) * t`, `a[i++]`, `x = y = 0`) where it runs. */
export const assignsIn = memoized((e: Node): boolean => [e, ...descendants(e)].some((d) =>
  (Node.isBinaryExpression(d) && isAssignmentOperator(d.getOperatorToken().getKind()))
  || ((Node.isPrefixUnaryExpression(d) || Node.isPostfixUnaryExpression(d))
    && (d.getOperatorToken() === SyntaxKind.PlusPlusToken || d.getOperatorToken() === SyntaxKind.MinusMinusToken))));

/** Whether evaluating an expression may change anything: it assigns or calls a function of the project. */
export const hasEffects = (e: Node): boolean => callsHelper(e) || assignsIn(e);

export const binaryPrimitive = new Map<SyntaxKind, string>([
  [SyntaxKind.PlusToken, "add"], [SyntaxKind.MinusToken, "sub"], [SyntaxKind.AsteriskToken, "mul"],
  [SyntaxKind.SlashToken, "div"], [SyntaxKind.PercentToken, "rem"], [SyntaxKind.AsteriskAsteriskToken, "pow"],
  [SyntaxKind.LessThanToken, "lt"], [SyntaxKind.LessThanEqualsToken, "le"], [SyntaxKind.GreaterThanToken, "gt"],
  [SyntaxKind.GreaterThanEqualsToken, "ge"], [SyntaxKind.EqualsEqualsEqualsToken, "eq"],
  [SyntaxKind.EqualsEqualsToken, "eq"], [SyntaxKind.ExclamationEqualsEqualsToken, "ne"],
  [SyntaxKind.ExclamationEqualsToken, "ne"], [SyntaxKind.AmpersandAmpersandToken, "and"],
  [SyntaxKind.BarBarToken, "or"], [SyntaxKind.BarToken, "bor"], [SyntaxKind.AmpersandToken, "band"],
  [SyntaxKind.CaretToken, "bxor"], [SyntaxKind.LessThanLessThanToken, "shl"], [SyntaxKind.GreaterThanGreaterThanToken, "shr"],
  [SyntaxKind.GreaterThanGreaterThanGreaterThanToken, "ushr"],
]);
