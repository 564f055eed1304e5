/**
 * Finding user-defined adjoints. The convention: a function tagged
 * `@adjoint f` is the adjoint of `f`; it takes f's arguments, then f's value
 * and the value's adjoint, and returns an object whose fields, named after
 * its own parameters, are those parameters' adjoint contributions:
 *
 *     /** @adjoint logSumExp *\/
 *     function logSumExpAdjoint(x: readonly number[], value: number, dvalue: number): { x: number[] } { ... }
 *
 * `f` may be a function of the project (its derivative is then the rule's,
 * not the mechanical one) or one adgen cannot see into: declared, or
 * imported from a package. A rule is looked for in the file being compiled
 * and the files it imports by relative path.
 */
import path from "node:path";
import { FunctionDeclaration, Node, type SourceFile } from "ts-morph";
import { Codes, type Diagnostic } from "../diagnostics.js";
import { calleeFunction, declarationOf } from "./resolve.js";
import { shapeOf } from "./shape.js";
import { diagnosticAt, isRelativeSpecifier, projectFiles } from "./source.js";

export interface UserRule {
  /** The adjoint function. */
  adjoint: FunctionDeclaration;
  /** A stable name for the rule's primitive. */
  key: string;
  /** How many arguments the differentiated function takes. */
  arity: number;
  /** For each field the adjoint returns (in order), the argument it belongs to. */
  outputs: number[];
}

export type Rules = Map<string, UserRule>;

/** The rule of the function a callee names, if it has one. */
export function ruleFor(rules: Rules, callee: Node): UserRule | undefined {
  const key = ruleKey(callee);
  return key === undefined ? undefined : rules.get(key);
}

/** Where a callee's rule is filed: by declaration for project functions, by module and name for imports from packages. */
function ruleKey(callee: Node): string | undefined {
  const own = callee.getSymbol()?.getDeclarations()[0];
  if (own && Node.isImportSpecifier(own)) {
    const module = own.getImportDeclaration().getModuleSpecifierValue();
    if (!isRelativeSpecifier(module)) return `${module}#${own.getName()}`;
  }
  const decl = calleeFunction(callee);
  return decl ? declarationKey(decl) : undefined;
}

function declarationKey(decl: Node): string {
  return `${decl.getSourceFile().getFilePath()}#${decl.getStart()}`;
}

/** Whether a function is a user-defined adjoint (tagged `@adjoint`). */
export function isAdjoint(fn: FunctionDeclaration): boolean {
  return fn.getJsDocs().some((d) => d.getTags().some((t) => t.getTagName() === "adjoint"));
}

/** Every `@adjoint` function reachable from `sf`, checked; diagnostics for those that do not fit. */
export function findRules(displayPath: string, sf: SourceFile): { rules: Rules; diagnostics: Diagnostic[] } {
  const rules: Rules = new Map();
  const diagnostics: Diagnostic[] = [];
  const report = (node: Node, message: string) => diagnostics.push(diagnosticAt(displayPath, node, Codes.BadRule, message));
  for (const file of projectFiles(sf)) {
    for (const adjoint of file.getFunctions()) {
      const tag = adjoint.getJsDocs().flatMap((d) => d.getTags()).find((t) => t.getTagName() === "adjoint");
      if (!tag) continue;
      const name = (tag.getCommentText() ?? "").trim();
      const target = name ? resolveInFile(file, name) : undefined;
      if (!target) {
        report(tag, name ? `'@adjoint ${name}': no function '${name}' is declared or imported in this file` : "'@adjoint' needs the name of the function it differentiates");
        continue;
      }
      const checked = checkSignature(adjoint, report);
      if (!checked) continue;
      const key = target.key;
      if (rules.has(key)) {
        report(tag, `'${name}' already has an adjoint: '${rules.get(key)!.adjoint.getName()}'`);
        continue;
      }
      const line = adjoint.getStartLineNumber();
      rules.set(key, { adjoint, key: `${adjoint.getName()}@${path.basename(file.getFilePath())}:${line}`, ...checked });
    }
  }
  return { rules, diagnostics };
}

/** The rule key of the function `name` names in `file`: declared there, or imported. */
function resolveInFile(file: SourceFile, name: string): { key: string } | undefined {
  const local = file.getFunction(name);
  if (local) return { key: declarationKey(local) };
  for (const imp of file.getImportDeclarations()) {
    for (const spec of imp.getNamedImports()) {
      const alias = spec.getAliasNode() ?? spec.getNameNode();
      if (alias.getText() !== name) continue;
      const module = imp.getModuleSpecifierValue();
      if (!isRelativeSpecifier(module)) return { key: `${module}#${spec.getName()}` };
      const decl = declarationOf(alias);
      return decl && Node.isFunctionDeclaration(decl) ? { key: declarationKey(decl) } : undefined;
    }
  }
  return undefined;
}

/** `(...args, value: number, dvalue: number) => { arg: adjoint, ... }` with number and array arguments. */
function checkSignature(adjoint: FunctionDeclaration, report: (node: Node, message: string) => void): { arity: number; outputs: number[] } | undefined {
  const params = adjoint.getParameters();
  const where = adjoint.getNameNode() ?? adjoint;
  const usage = "an adjoint takes the function's arguments, then its value and the value's adjoint (numbers), and returns { <argument>: adjoint, ... }";
  if (params.length < 3) {
    report(where, `'${adjoint.getName()}' has ${params.length} parameters; ${usage}`);
    return undefined;
  }
  const args = params.slice(0, -2);
  const types = params.map((p) => shapeOf(p.getType(), p));
  for (const [i, p] of params.entries()) {
    const t = types[i];
    const ok = t?.kind === "value" && (i >= args.length ? t.type === "f64" : t.type === "f64" || t.type === "f64[]" || t.type === "Float64Array");
    if (!ok || !Node.isIdentifier(p.getNameNode())) {
      report(p, i >= args.length
        ? `'${p.getName()}' must be a number: ${usage}`
        : `'${p.getName()}' has type '${p.getType().getText(p)}'; arguments of a function with an adjoint must be numbers or arrays of numbers`);
      return undefined;
    }
  }
  const result = shapeOf(adjoint.getReturnType(), adjoint);
  if (result?.kind !== "object") {
    report(adjoint.getReturnTypeNode() ?? where, `'${adjoint.getName()}' returns '${adjoint.getReturnType().getText(adjoint)}'; ${usage}`);
    return undefined;
  }
  const outputs: number[] = [];
  for (const field of result.fields) {
    const i = args.findIndex((p) => p.getName() === field.name);
    const expected = i >= 0 ? types[i] : undefined;
    const matches = expected?.kind === "value" && field.shape.kind === "value"
      && (expected.type === "f64" ? field.shape.type === "f64" : field.shape.type === "f64[]" || field.shape.type === "Float64Array");
    if (!matches) {
      report(adjoint.getReturnTypeNode() ?? where, i < 0
        ? `'${adjoint.getName()}' returns a field '${field.name}', which is not one of its arguments (${args.map((p) => p.getName()).join(", ")})`
        : `'${adjoint.getName()}' returns '${field.name}' as '${field.shape.kind === "value" ? field.shape.text : "an object"}'; it must have the argument's type (a number for a number, an array for an array)`);
      return undefined;
    }
    outputs.push(i);
  }
  return { arity: args.length, outputs };
}
