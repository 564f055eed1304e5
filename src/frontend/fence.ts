/**
 * The subset check ("fence"): finds the functions to differentiate, walks
 * them and every function of the project they call, and reports each
 * construct outside the subset with a located diagnostic. Lowering runs only
 * on code that passed, so it can assume the subset. The walk and its state
 * are in fence/context.ts, one handler per construct in fence/statements.ts
 * and fence/expressions.ts, calls in fence/calls.ts, signatures in
 * fence/signature.ts.
 */
import { Node, SyntaxKind, type ClassDeclaration, type GetAccessorDeclaration, type MethodDeclaration, type SourceFile } from "ts-morph";
import { commonJsFunction } from "./commonjs.js";
import { boundFunction, functionName, hasBody, jsDocsOf, type FunctionLike } from "./functions.js";
import { FenceContext } from "./fence/context.js";
import { Codes, uniqueDiagnostics, type Diagnostic } from "../diagnostics.js";
import { findRules, isAdjoint, type Rules } from "./rules.js";
import { leavesOf, shapeOf } from "./shape.js";

export interface FenceResult {
  /** The exported functions to differentiate, in source order. */
  entries: Entry[];
  /** User-defined adjoints (`@adjoint f`), by the function they differentiate. */
  rules: Rules;
  diagnostics: Diagnostic[];
}

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
    for (const declaration of declarations) {
      if (Node.isClassDeclaration(declaration) && declaration.getSourceFile() === sf) {
        entries.push(...memberEntries(declaration, exportName));
        continue;
      }
      // An exported function declaration, or a `const` holding an arrow function or function expression.
      // In a CommonJS module, a property of `module.exports` or `exports` naming or holding a function.
      const fn = Node.isFunctionDeclaration(declaration) ? declaration : boundFunction(declaration) ?? commonJsFunction(declaration);
      // Functions re-exported from another file get their gradients beside that file.
      if (!fn || fn.getSourceFile() !== sf || !hasBody(fn) || (Node.isFunctionDeclaration(fn) && isAdjoint(fn)) || hasTag(fn, "adgen-ignore")) continue;
      // Booleans of a result (a flag beside the numbers) carry no derivative; a result of booleans only has none.
      if (!hasNumbers(fn)) continue;
      const own = Node.isFunctionDeclaration(fn) ? fn.getName() ?? "" : functionName(fn);
      entries.push({ fn, exportName, name: exportName === "default" ? own : exportName });
    }
  }
  return entries.sort((a, b) => a.fn.getStart() - b.fn.getStart());
}

/** Whether a function's result has a number to differentiate (booleans beside numbers carry no derivative). */
function hasNumbers(fn: FunctionLike): boolean {
  const leaves = leavesOf(shapeOf(fn.getReturnType(), fn) ?? { kind: "tuple", items: [] });
  return leaves.some((leaf) => leaf.type !== "bool");
}

/**
 * The public methods and getters returning numbers of the file's exported
 * classes that are not differentiated because nothing asks for them
 * (`Spring.energy`): what a file with no other entry has to tell its user.
 */
export function untaggedMembers(sf: SourceFile): string[] {
  // A script (no imports or exports) is left out of the project, and has no exported class.
  if (sf.wasForgotten()) return [];
  const found: string[] = [];
  for (const [exportName, declarations] of sf.getExportedDeclarations()) {
    for (const cls of declarations) {
      if (!Node.isClassDeclaration(cls) || cls.getSourceFile() !== sf) continue;
      const tagged = new Set(memberEntries(cls, exportName).map((entry) => entry.fn));
      for (const member of publicMembers(cls)) {
        if (!tagged.has(member) && hasNumbers(member) && !hasTag(member, "adgen-ignore")) found.push(`${exportName === "default" ? cls.getName() ?? "default" : exportName}.${member.getName()}`);
      }
    }
  }
  return found;
}

/** The methods and getters of a class with a body that its users can call: not `private`, `protected` or `#`. */
function publicMembers(cls: ClassDeclaration): (MethodDeclaration | GetAccessorDeclaration)[] {
  return cls.getMembers().filter((member): member is MethodDeclaration | GetAccessorDeclaration =>
    (Node.isMethodDeclaration(member) || Node.isGetAccessorDeclaration(member)) && member.hasBody()
    && !member.hasModifier(SyntaxKind.PrivateKeyword) && !member.hasModifier(SyntaxKind.ProtectedKeyword) && !member.getName().startsWith("#"));
}

/**
 * The methods and getters of an exported class that ask to be differentiated
 * (`@adgen` on the member, or on the class for all its public ones returning
 * numbers): `Vec3.dot` gives `Vec3DotGrad(self, o)`, a static method
 * `Vec3.from` gives `Vec3FromGrad(t)` (classes.ts).
 */
function memberEntries(cls: ClassDeclaration, exportName: string): Entry[] {
  const all = cls.getJsDocs().some((doc) => doc.getTags().some((tag) => tag.getTagName() === "adgen"));
  const className = exportName === "default" ? cls.getName() ?? "" : exportName;
  return publicMembers(cls).flatMap((member): Entry[] => {
    if (!(all ? hasNumbers(member) : hasTag(member, "adgen")) || hasTag(member, "adgen-ignore")) return [];
    const name = `${className}${member.getName().charAt(0).toUpperCase()}${member.getName().slice(1)}`;
    return [{ fn: member, exportName, name }];
  });
}

/**
 * An exported function to differentiate, under the name it is exported by:
 * `export { loss as objective }` gives `objectiveGrad`, and a default export
 * its own name (`export default function loss` gives `lossGrad`).
 */
export interface Entry {
  fn: FunctionLike;
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
export function isOptedIn(fn: FunctionLike): boolean {
  return hasTag(fn, "adgen") || hasTag(fn, "wrt");
}

function hasTag(fn: FunctionLike, name: string): boolean {
  return jsDocsOf(fn).some((doc) => doc.getTags().some((tag) => tag.getTagName() === name));
}

/** Checks `only` (the file's entries by default; when given, exported function expressions are not reported). */
export function fence(displayPath: string, sf: SourceFile, only?: Entry[]): FenceResult {
  const entries = only ?? findEntries(sf);
  const { rules, diagnostics: ruleDiagnostics } = findRules(displayPath, sf);
  const cx = new FenceContext(displayPath, sf, rules, new Set(entries.map((e) => e.fn)));
  cx.diagnostics.push(...ruleDiagnostics);
  for (const entry of entries) {
    if (!entry.name) {
      cx.report(entry.fn, Codes.UnsupportedFunction,
        "a default-exported function needs a name to differentiate it: its gradient is named after it ('export default function loss(...)' gives 'lossGrad')");
    }
  }
  for (const fn of cx.entryFunctions) cx.visitFunction(fn, []);
  cx.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { entries, rules, diagnostics: uniqueDiagnostics(cx.diagnostics) };
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
