/**
 * The gradient must leave the caller's arguments untouched, and its forward
 * sweep replays the function, so an exported function may not write into
 * its own array parameters. This check finds every store or push whose target
 * may be (part of) a parameter: the parameter itself, a row of it, an alias
 * through a variable, a branch or a loop, or a row of it kept in another array.
 */

import { functionName, type FunctionLike } from "./functions.js";
import { aliasClasses } from "../ad/activity.js";
import { Codes, type Diagnostic } from "../diagnostics.js";
import { constantOf } from "../ir/builder.js";
import { accessText } from "../ir/shape.js";
import { isArray, Structural, type Func, type SourceLoc, type Value } from "../ir/types.js";
import { terminator, walkOps } from "../ir/walk.js";
import { displayPathOf } from "./source.js";

export function parameterWrites(displayPath: string, fn: FunctionLike, f: Func): Diagnostic[] {
  const origin = parameterOrigins(f);
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const op of walkOps(f.body)) {
    if (op.kind !== "store" && op.kind !== "append") continue;
    const names = [...(origin.get(op.operands[0]!) ?? [])];
    // One write of an element of an array of tuples or objects writes each leaf's array: one diagnostic.
    const key = op.loc && `${op.loc.file}:${op.loc.line}:${op.loc.column}:${names[0]}`;
    if (names.length > 0 && op.loc && !reported.has(key!)) {
      reported.add(key!);
      diagnostics.push(writeDiagnostic(displayPath, fn, op.loc, names[0]!));
    }
  }
  return diagnostics;
}

/** For each array value, the parameters (or their arrays, `t[0]`) it may be, to a fixed point over rows, branches and loops. */
function parameterOrigins(f: Func): Map<Value, Set<string>> {
  const classes = aliasClasses(f.body);
  /** The parameters an array value may belong to. */
  const origin = new Map<Value, Set<string>>();
  /**
   * The parameters the rows stored into a class of matrices may belong to, by
   * the constant index they were stored at ("*" for any other index): a row
   * read back at a constant index is one of those stored there or anywhere.
   * So `[P[0].slice(), P[1]]` holds a copy at 0 and the parameter's row at 1.
   */
  const stored = new Map<string, Set<string>>();
  const slot = (matrix: Value, index: Value) => {
    const c = constantOf(index);
    return `${classes.find(matrix).id}:${typeof c === "number" ? c : "*"}`;
  };
  const storedAt = (matrix: Value, index: Value): Set<string> => {
    const any = stored.get(`${classes.find(matrix).id}:*`) ?? new Set<string>();
    const c = constantOf(index);
    if (typeof c !== "number") {
      // Any index: every row stored into the class.
      const prefix = `${classes.find(matrix).id}:`;
      return new Set([...stored].filter(([key]) => key.startsWith(prefix)).flatMap(([, names]) => [...names]));
    }
    return new Set([...any, ...(stored.get(slot(matrix, index)) ?? [])]);
  };
  const of = (v: Value) => origin.get(v) ?? new Set<string>();
  let changed = true;
  const add = <K>(m: Map<K, Set<string>>, v: K, names: Set<string>) => {
    const set = m.get(v) ?? new Set<string>();
    for (const n of names) if (!set.has(n)) { set.add(n); changed = true; }
    m.set(v, set);
  };
  // A leaf of a tuple or object parameter is named as the source reads it (`t[0]`, `model.w`).
  // A leaf's array of an array of tuples or objects is named by that array, marked with a trailing "[]".
  for (const p of f.params) if (isArray(p.type)) add(origin, p.value, new Set([p.element !== undefined ? `${accessText(p.path!.slice(0, p.element))}[]` : p.path ? accessText(p.path) : p.name]));
  const ops = walkOps(f.body);
  while (changed) {
    changed = false;
    for (const op of ops) {
      if (op.kind === "load" && isArray(op.results[0]!.type)) {
        const [a, i] = op.operands as [Value, Value];
        add(origin, op.results[0]!, of(a));
        add(origin, op.results[0]!, storedAt(a, i));
      } else if ((op.kind === "store" || op.kind === "append") && isArray(op.operands[2]!.type)) {
        add(stored, slot(op.operands[0]!, op.operands[1]!), of(op.operands[2]!));
      } else if (op.kind === Structural.If) {
        op.results.forEach((r, j) => op.regions.forEach((region) => add(origin, r, of(terminator(region).operands[j]!))));
      } else if (op.kind === Structural.While) {
        const [cond, body] = op.regions;
        op.results.forEach((r, j) => {
          for (const v of [op.operands[j]!, terminator(body!).operands[j]!]) {
            for (const target of [r, cond!.args[j]!, body!.args[j]!]) add(origin, target, of(v));
          }
        });
      }
    }
  }
  return origin;
}

/** ADG1012 for a write at `loc` into the parameter (or parameter's array) `name`, in the file the write is in. */
function writeDiagnostic(displayPath: string, fn: FunctionLike, loc: SourceLoc, name: string): Diagnostic {
  const own = fn.getSourceFile();
  // The write may be in a helper imported from another file: report it there.
  const file = loc.file ? own.getProject().getSourceFile(loc.file) ?? own : own;
  const sourceLine = file.getFullText().split(/\r?\n/)[loc.line - 1] ?? "";
  return {
    code: Codes.ParameterWrite,
    message: name.endsWith("[]")
      ? `'${functionName(fn)}' writes into its parameter '${name.slice(0, -2)}' or its elements; the gradient must leave arguments unchanged, so build a new array of new objects first (push '{ x: p.x, ... }' for each element p) and change that`
      : name.includes(".") || name.includes("[")
      ? `'${functionName(fn)}' writes into its parameter's array '${name}'; the gradient must leave arguments unchanged, so copy the array first (e.g. 'const copy = ${name}.slice()')`
      : `'${functionName(fn)}' writes into its parameter '${name}'; the gradient must leave arguments unchanged, so copy the array first (e.g. 'const ${name}Copy = ${name}.slice()')`,
    file: displayPathOf(displayPath, own.getFilePath(), file.getFilePath()),
    line: loc.line,
    column: loc.column,
    length: Math.max(1, sourceLine.trimEnd().length - (loc.column - 1)),
    sourceLine,
  };
}
