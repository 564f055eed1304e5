/**
 * The state of one subset check: where diagnostics go, what has been checked,
 * and the user rules. `visit` walks a function's code with a work list and
 * hands each node to the handler of its kind (statements.ts,
 * expressions.ts); a kind without a handler is outside the subset
 * (unsupported.ts). Calls, signatures and the other checks are in their own
 * modules, reached through the methods below, so that every module depends
 * on this class only as a type.
 */
import { Node, SyntaxKind, type SourceFile } from "ts-morph";
import type { FunctionLike } from "../functions.js";
import { Codes, type Code, type Diagnostic } from "../../diagnostics.js";
import { isArrayNode, isRecordsNode } from "../subset.js";
import type { Rules, UserRule } from "../rules.js";
import { diagnosticAt } from "../source.js";
import * as calls from "./calls.js";
import * as expressions from "./expressions.js";
import * as signature from "./signature.js";
import * as statements from "./statements.js";
import { reportUnsupported } from "./unsupported.js";

/** Checks one node; returns whether the nodes it holds are to be visited too. */
export type Handler = (cx: FenceContext, node: Node, fn: FunctionLike, stack: FunctionLike[]) => boolean;

const handlers: Partial<Record<SyntaxKind, Handler>> = { ...statements.statementHandlers, ...expressions.expressionHandlers };

export class FenceContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Functions whose code has been checked (each once, wherever it is called from). */
  readonly checked = new Set<FunctionLike>();
  /** Module-level constants whose initialisers have been checked. */
  readonly checkedConstants = new Set<Node>();
  /** Classes whose field initialisers have been checked. */
  readonly checkedClasses = new Set<Node>();
  /** The user-defined adjoints' own functions: their code is run, not differentiated. */
  readonly adjoints: Set<FunctionLike>;

  constructor(readonly displayPath: string, readonly sf: SourceFile, readonly rules: Rules, readonly entryFunctions: Set<FunctionLike>) {
    this.adjoints = new Set([...rules.values()].map((r) => r.adjoint));
  }

  report(node: Node, code: Code, message: string): void {
    this.diagnostics.push(diagnosticAt(this.displayPath, node, code, message));
  }

  /** Checks a function called along `stack` (its signature, then its code), once. */
  visitFunction(fn: FunctionLike, stack: FunctionLike[]): void {
    if (this.checked.has(fn)) return;
    this.checked.add(fn);
    if (!this.checkSignature(fn)) return;
    const body = fn.getBody();
    if (body && !Node.isBlock(body)) this.visit(body, fn, [...stack, fn]); // an arrow function's expression
    else body?.forEachChild((child) => this.visit(child, fn, [...stack, fn]));
  }

  /** Checks a node and what it holds, with a work list (a sum of thousands of terms is thousands of levels deep). */
  visit(root: Node, fn: FunctionLike, stack: FunctionLike[]): void {
    const work = [root];
    while (work.length) {
      const node = work.pop()!;
      const kind = node.getKind();
      if (kind >= SyntaxKind.FirstPunctuation && kind <= SyntaxKind.LastPunctuation) continue;
      const handler = handlers[kind];
      if (!handler) {
        reportUnsupported(this, node);
        continue;
      }
      if (!handler(this, node, fn, stack)) continue;
      const children: Node[] = [];
      node.forEachChild((child) => void children.push(child));
      work.push(...children.reverse());
    }
  }

  // ---- the checks of each module
  checkSignature(fn: FunctionLike): boolean {
    return signature.checkSignature(this, fn);
  }
  checkPattern(pattern: Node): void {
    signature.checkPattern(this, pattern);
  }
  checkExpressionStatement(e: Node, fn: FunctionLike, stack: FunctionLike[]): boolean {
    return statements.checkExpressionStatement(this, e, fn, stack);
  }
  checkAssignTarget(target: Node, fn: FunctionLike): void {
    statements.checkAssignTarget(this, target, fn);
  }
  checkIdentifier(id: Node, fn: FunctionLike, stack: FunctionLike[], shorthand?: Node): void {
    expressions.checkIdentifier(this, id, fn, stack, shorthand);
  }
  expectArray(node: Node, what: string): void {
    if (!isArrayNode(node)) this.report(node, Codes.UnsupportedType, `${what} needs an array of the subset, not '${node.getType().getText(node)}'`);
    else if (what === "spread" && isRecordsNode(node)) this.report(node, Codes.UnsupportedExpression, `spread of an array of tuples or objects ('${node.getText()}') is not supported; write the loop that pushes its elements`);
  }
  expectType(node: Node, want: expressions.Wanted, what: string): void {
    expressions.expectType(this, node, want, what);
  }
  hasRule(node: Node): boolean {
    return expressions.hasRule(this, node);
  }
  checkCall(call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionLike, stack: FunctionLike[]): void {
    calls.checkCall(this, call, fn, stack);
  }
  rejectedCallee(call: Node & { getExpression(): Node }, fn: FunctionLike, stack: FunctionLike[]): boolean {
    return calls.rejectedCallee(this, call, fn, stack);
  }
  checkRuleCall(call: Node & { getExpression(): Node; getArguments(): Node[] }, rule: UserRule, fn: FunctionLike, stack: FunctionLike[]): void {
    calls.checkRuleCall(this, call, rule, fn, stack);
  }
  findCycle(fnDecl: FunctionLike, stack: FunctionLike[]): void {
    calls.findCycle(this, fnDecl, stack);
  }
  checkArguments(args: Node[], fn: FunctionLike, stack: FunctionLike[]): void {
    calls.checkArguments(this, args, fn, stack);
  }
  checkArrayMethod(call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionLike, stack: FunctionLike[]): void {
    calls.checkArrayMethod(this, call, fn, stack);
  }
}
