/**
 * The state of one subset check: where diagnostics go, what has been checked,
 * and the user rules. `visit` walks a function's code with a work list and
 * hands each node to the handler of its kind (statements.ts,
 * expressions.ts); a kind without a handler is outside the subset
 * (unsupported.ts). Calls, signatures and the other checks are in their own
 * modules, reached through the methods below, so that every module depends
 * on this class only as a type.
 */
import { FunctionDeclaration, Node, SyntaxKind, type SourceFile } from "ts-morph";
import type { Code, Diagnostic } from "../../diagnostics.js";
import type { Rules, UserRule } from "../rules.js";
import { diagnosticAt } from "../source.js";
import * as calls from "./calls.js";
import * as expressions from "./expressions.js";
import * as signature from "./signature.js";
import * as statements from "./statements.js";
import { reportUnsupported } from "./unsupported.js";

/** Checks one node; returns whether the nodes it holds are to be visited too. */
export type Handler = (cx: FenceContext, node: Node, fn: FunctionDeclaration, stack: FunctionDeclaration[]) => boolean;

const handlers: Partial<Record<SyntaxKind, Handler>> = { ...statements.statementHandlers, ...expressions.expressionHandlers };

export class FenceContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Functions whose code has been checked (each once, wherever it is called from). */
  readonly checked = new Set<FunctionDeclaration>();
  /** Module-level constants whose initialisers have been checked. */
  readonly checkedConstants = new Set<Node>();
  /** The user-defined adjoints' own functions: their code is run, not differentiated. */
  readonly adjoints: Set<FunctionDeclaration>;

  constructor(readonly displayPath: string, readonly sf: SourceFile, readonly rules: Rules, readonly entryFunctions: Set<FunctionDeclaration>) {
    this.adjoints = new Set([...rules.values()].map((r) => r.adjoint));
  }

  report(node: Node, code: Code, message: string): void {
    this.diagnostics.push(diagnosticAt(this.displayPath, node, code, message));
  }

  /** Checks a function called along `stack` (its signature, then its code), once. */
  visitFunction(fn: FunctionDeclaration, stack: FunctionDeclaration[]): void {
    if (this.checked.has(fn)) return;
    this.checked.add(fn);
    this.checkSignature(fn);
    fn.getBody()?.forEachChild((child) => this.visit(child, fn, [...stack, fn]));
  }

  /** Checks a node and what it holds, with a work list (a sum of thousands of terms is thousands of levels deep). */
  visit(root: Node, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void {
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
  checkSignature(fn: FunctionDeclaration): void {
    signature.checkSignature(this, fn);
  }
  checkPattern(pattern: Node): void {
    signature.checkPattern(this, pattern);
  }
  checkExpressionStatement(e: Node, fn: FunctionDeclaration, stack: FunctionDeclaration[]): boolean {
    return statements.checkExpressionStatement(this, e, fn, stack);
  }
  checkAssignTarget(target: Node, fn: FunctionDeclaration): void {
    statements.checkAssignTarget(this, target, fn);
  }
  checkIdentifier(id: Node, fn: FunctionDeclaration, stack: FunctionDeclaration[], shorthand?: Node): void {
    expressions.checkIdentifier(this, id, fn, stack, shorthand);
  }
  expectType(node: Node, want: "f64" | "bool", what: string): void {
    expressions.expectType(this, node, want, what);
  }
  hasRule(node: Node): boolean {
    return expressions.hasRule(this, node);
  }
  checkCall(call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void {
    calls.checkCall(this, call, fn, stack);
  }
  rejectedCallee(call: Node & { getExpression(): Node }, fn: FunctionDeclaration, stack: FunctionDeclaration[]): boolean {
    return calls.rejectedCallee(this, call, fn, stack);
  }
  checkRuleCall(call: Node & { getExpression(): Node; getArguments(): Node[] }, rule: UserRule, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void {
    calls.checkRuleCall(this, call, rule, fn, stack);
  }
  findCycle(fnDecl: FunctionDeclaration, stack: FunctionDeclaration[]): void {
    calls.findCycle(this, fnDecl, stack);
  }
  checkArrayMethod(call: Node & { getExpression(): Node; getArguments(): Node[] }, fn: FunctionDeclaration, stack: FunctionDeclaration[]): void {
    calls.checkArrayMethod(this, call, fn, stack);
  }
}
