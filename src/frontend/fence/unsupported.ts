/** What the subset check says of a construct it has no handler for. */
import { Node, SyntaxKind } from "ts-morph";
import { Codes } from "../../diagnostics.js";
import type { FenceContext } from "./context.js";

export function reportUnsupported(cx: FenceContext, node: Node): void {
  if (Node.isStatement(node)) {
    const what = statementNames.get(node.getKind()) ?? `'${node.getKindName()}'`;
    cx.report(node, Codes.UnsupportedStatement, `${what} is not supported`);
  } else {
    const what = expressionNames.get(node.getKind()) ?? `this expression ('${node.getKindName()}')`;
    cx.report(node, Codes.UnsupportedExpression, `${what} is not supported`);
  }
}

const statementNames = new Map<SyntaxKind, string>([
  [SyntaxKind.ForInStatement, "a 'for...in' loop"],
  [SyntaxKind.TryStatement, "'try'"],
  [SyntaxKind.ClassDeclaration, "a class declared inside a function (declare it at the top level of the module)"],
  [SyntaxKind.WithStatement, "'with'"],
  [SyntaxKind.DebuggerStatement, "'debugger'"],
]);

const expressionNames = new Map<SyntaxKind, string>([
  [SyntaxKind.ArrowFunction, "a function used as a value here (returned, stored in an array or object, or chosen at run time)"],
  [SyntaxKind.FunctionExpression, "a function used as a value here (returned, stored in an array or object, or chosen at run time)"],
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
