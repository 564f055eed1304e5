/**
 * The one place `adgen explain` reaches into the compiler. Everything else in
 * src/explain/ sees the compiler through the functions and types exported
 * here, so that a change of the compiler's internals (names, files) is a
 * change of this file only.
 *
 * What explain takes from the compiler: the checked, lowered primal IR of each
 * function (the same IR the gradient is built from), the primitive table
 * (how each primitive reads in TypeScript and its adjoint rule), the source
 * ranges of the helper functions that were inlined, and the generated
 * gradient module's text (for the check).
 */
import { isClassMember } from "../frontend/functions.js";
import { SyntaxKind, type FunctionDeclaration, type SourceFile } from "ts-morph";
import { DiagnosticError, type Diagnostic } from "../diagnostics.js";
import { fence } from "../frontend/fence.js";
import { calleeFunction } from "../frontend/resolve.js";
import { loadSource, projectFiles, syntaxDiagnostics } from "../frontend/source.js";
import { generate } from "../generate.js";
import { Builder, emptyRegion } from "../ir/builder.js";
import { mathFunctions, primitiveOf, type ExternalFunction } from "../ir/primitives.js";
import { userRuleReverse } from "../ad/user-rules.js";
import { isVectorValued } from "../ir/shape.js";
import { isArray, Structural, type Func, type Op, type Region, type Value } from "../ir/types.js";
import { lowerEntry } from "../compile.js";
import { descendantsOfKind } from "../frontend/descendants.js";

export type { Diagnostic } from "../diagnostics.js";
export type { Func, Op, Param, Region, SourceLoc, Type, Value } from "../ir/types.js";
export { DiagnosticError, isArray, isVectorValued };

/** The structural op kinds of the IR (`if`, `while`, `yield`, ...). */
export const Kind = Structural;

/** The Math functions of the subset, by primitive name. */
export const mathPrimitives: ReadonlySet<string> = new Set(mathFunctions.values());

/** An inlined function's place in the source: which ops came from it, and whom it calls. */
export interface FunctionScope {
  name: string;
  /** Absolute path of its file. */
  file: string;
  start: { line: number; column: number };
  end: { line: number; column: number };
  /** The functions it calls directly (by name), which lowering inlined. */
  callees: string[];
}

export interface CompiledFunction {
  /** The name its gradient is named after. */
  name: string;
  /** The key of the source module's export ("default" for the default export). */
  exportName: string;
  /** The primal IR, as the gradient is built from it. */
  primal: Func;
  /** True when the function returns an array, tuple or object: its derivative is a vector-Jacobian product. */
  vectorValued: boolean;
  /** The names of its source parameters, in order. */
  parameterNames: string[];
}

export interface CompiledSource {
  functions: CompiledFunction[];
  /** Every function of the source and the files it imports by relative path. */
  scopes: FunctionScope[];
}

/** Checks and lowers every differentiable function of a source file, or returns its diagnostics. */
export function compileSource(displayPath: string, text?: string): CompiledSource | { diagnostics: Diagnostic[] } {
  const sf = loadSource(displayPath, text);
  const syntax = syntaxDiagnostics(displayPath, sf);
  if (syntax.length) return { diagnostics: syntax };
  const checked = fence(displayPath, sf);
  if (checked.diagnostics.length) return { diagnostics: checked.diagnostics };
  const functions: CompiledFunction[] = [];
  const diagnostics: Diagnostic[] = [];
  // `adgen explain` shows functions; methods of classes are not among them yet.
  for (const entry of checked.entries.filter((e) => !isClassMember(e.fn))) {
    try {
      const primal = lowerEntry(displayPath, entry, checked.rules);
      functions.push({
        name: primal.name,
        exportName: entry.exportName,
        primal,
        vectorValued: isVectorValued(primal),
        parameterNames: entry.fn.getParameters().map((p) => p.getName()),
      });
    } catch (e) {
      if (e instanceof DiagnosticError) diagnostics.push(...e.diagnostics);
      else throw e;
    }
  }
  if (diagnostics.length) return { diagnostics };
  return { functions, scopes: projectFiles(sf).flatMap(scopesOf) };
}

function scopesOf(file: SourceFile): FunctionScope[] {
  const position = (pos: number) => file.getLineAndColumnAtPos(pos);
  return file.getFunctions().filter((fn) => fn.hasBody()).map((fn: FunctionDeclaration) => ({
    name: fn.getName() ?? "default",
    file: file.getFilePath(),
    start: position(fn.getStart()),
    end: position(fn.getEnd()),
    callees: descendantsOfKind(fn, SyntaxKind.CallExpression)
      .map((call) => calleeFunction(call.getExpression())?.getName())
      .filter((name): name is string => name !== undefined),
  }));
}

/** How a primitive reads and differentiates, as far as explain needs to know. */
export interface PrimitiveInfo {
  /** TypeScript text of the op applied to operand texts (`A * B`, `Math.sqrt(C)`, `x[i]`, `a[i] = v;`). */
  text(operands: string[]): string;
  /** A pure adjoint rule: local derivatives times the result's adjoint. */
  pure: boolean;
  /** A memory rule (load, store, push, a user-defined adjoint): works on the shadows of arrays. */
  memory: "read" | "write" | "alloc" | undefined;
  /** Has a reverse (memory) rule. */
  reverse: boolean;
  /** A call of a function adgen cannot see into: its import or declaration. */
  external?: string;
  /** A call with a user-defined adjoint (operand 0 is the value). */
  userRule: boolean;
}

export function primitiveInfo(op: Op): PrimitiveInfo | undefined {
  const p = primitiveOf(op);
  if (!p) return undefined;
  return {
    text: (operands) => (p.statement ? p.statement(operands).replace(/;$/, "") : p.emit(operands)),
    pure: !!p.adjoint,
    memory: p.memory,
    reverse: !!p.reverse || !!p.userRule,
    external: p.external ? externalHeader(p.external) : undefined,
    userRule: !!p.userRule,
  };
}

/** How a module gets an external function, under the name the source calls it by. */
function externalHeader(fn: ExternalFunction): string {
  const { source, hint } = fn;
  if (source.kind === "declare") return source.text;
  if (source.kind === "global" || source.kind === "recursive" || source.kind === "recursive-tangent") return "";
  return `import { ${source.exported === hint ? hint : `${source.exported} as ${hint}`} } from "${source.module}";`;
}

/**
 * An op's adjoint rule, instantiated once with placeholder values: evaluate
 * `region` with `operands`, `result`, `dy` and `shadows` bound to numbers and
 * arrays, then read each operand's adjoint contribution from
 * `contributions` (an undefined entry: no contribution).
 */
export interface RuleTemplate {
  region: Region;
  operands: Value[];
  result: Value | undefined;
  dy: Value | undefined;
  /** The shadow (adjoint array) of operand i, for the operands the rule reads or writes the shadow of. */
  shadows: Map<number, Value>;
  contributions: (Value | undefined)[];
}

/** The adjoint rule of `op`'s primitive as a template, or undefined when it has none. */
export function ruleTemplate(op: Op): RuleTemplate | undefined {
  const p = primitiveOf(op);
  const reverse = p?.userRule ? userRuleReverse(p.userRule) : p?.reverse;
  if (!p || (!p.adjoint && !reverse)) return undefined;
  const region = emptyRegion(undefined);
  const b = new Builder(region);
  b.reverse = true;
  b.exact = false;
  const operands = op.operands.map((v, i) => b.argument(region, v.type, `x${i}`));
  const y = op.results[0];
  const result = y ? b.argument(region, y.type, "y") : undefined;
  const dy = y?.type === "f64" ? b.argument(region, "f64", "dy") : undefined;
  const shadows = new Map<number, Value>();
  const shadow = (a: Value): Value | undefined => {
    const i = operands.indexOf(a);
    if (i < 0 || !isArray(a.type)) return undefined;
    if (!shadows.has(i)) shadows.set(i, b.argument(region, a.type, `d${i}`));
    return shadows.get(i);
  };
  const need = operands.map((v) => v.type === "f64");
  const contributions = p.adjoint
    ? p.adjoint(b, operands, result!, dy!, need)
    : reverse!(b, operands, result, dy, shadow);
  return { region, operands, result, dy, shadows, contributions };
}

/** The text of the generated gradient module of a source, as `adgen` would write it, or its diagnostics. */
export async function gradientModuleText(displayPath: string, text?: string): Promise<{ text: string } | { diagnostics: Diagnostic[] }> {
  const result = await generate([text === undefined ? displayPath : { path: displayPath, text }]);
  if (result.diagnostics.length) return { diagnostics: result.diagnostics };
  const output = result.outputs[0];
  if (!output) return { diagnostics: [] };
  return { text: output.text };
}

/** Every op of a region and its nested regions, in program order. */
function* opsOf(r: Region): Generator<Op> {
  for (const op of r.ops) {
    yield op;
    for (const inner of op.regions) yield* opsOf(inner);
  }
}

/**
 * The functions adgen cannot see into that evaluating `f` and its adjoint
 * rules calls, each with the import or declaration the generated module
 * uses for it (`import { besselJ0 } from "./lib/special.js";`).
 */
export function externalCalls(f: Func): Map<string, { name: string; header: string }> {
  const found = new Map<string, { name: string; header: string }>();
  const visit = (r: Region): void => {
    for (const op of opsOf(r)) {
      const info = primitiveInfo(op);
      const fn = primitiveOf(op)?.external;
      if (fn && !fn.source.kind.startsWith("recursive") && info?.external !== undefined) found.set(fn.key, { name: fn.hint, header: info.external });
      if (info?.userRule) {
        const t = ruleTemplate(op);
        if (t) visit(t.region);
      }
    }
  };
  visit(f.body);
  return found;
}

/** The recursive functions `f` calls (compiled on their own as functions of the generated module), by key: their names there. */
export function recursiveFunctions(f: Func): Map<string, string> {
  const found = new Map<string, string>();
  for (const op of opsOf(f.body)) {
    const fn = primitiveOf(op)?.external;
    if (fn?.source.kind === "recursive") found.set(fn.key, fn.hint);
  }
  return found;
}
