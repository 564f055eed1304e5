/**
 * Reading the textual form of the IR (print.ts) back: tests of single passes
 * are written as IR in and IR out, like LLVM's FileCheck tests. Types the
 * text leaves out come from the primitive table (an op's result type), from
 * the `-> (types)` of structured ops (their results and region arguments),
 * or default to f64 (a pop). External calls and user rules have no textual
 * form of their own and are not read.
 */
import { Builder, emptyRegion } from "./builder.js";
import { primitive } from "./primitives.js";
import { Structural, type Func, type Op, type Param, type Region, type ResultRole, type Type, type Value } from "./types.js";

const types = new Set<Type>(["f64", "bool", "f64[]", "Float64Array", "f64[][]"]);

/** Every function in `text`, in order. */
export function parseFuncs(text: string): Func[] {
  const lines = text.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  const funcs: Func[] = [];
  for (let i = 0; i < lines.length;) {
    const parser = new FuncParser(lines, i);
    funcs.push(parser.func);
    i = parser.next;
  }
  return funcs;
}

/** The one function in `text`. */
export function parseFunc(text: string): Func {
  const [f, ...rest] = parseFuncs(text);
  if (!f || rest.length) throw new Error(`expected one function, found ${rest.length + (f ? 1 : 0)}`);
  return f;
}

class FuncParser {
  readonly func: Func;
  next: number;
  private readonly values = new Map<string, Value>();
  private readonly b: Builder;

  constructor(private readonly lines: string[], start: number) {
    const header = /^func @(\w+)\((.*)\) -> (.*) \{$/.exec(lines[start]!);
    if (!header) throw this.error(start, "expected 'func @name(...) -> ... {'");
    const body = emptyRegion(undefined);
    this.b = new Builder(body);
    const params: Param[] = splitList(header[2]!).map((p) => {
      const [name, type] = p.split(/:\s*/) as [string, string];
      const value = this.define(name, typeOf(type), (n, t) => this.b.argument(body, t, n, "source"));
      body.args.push(value);
      return { name: value.name, type: value.type, value, typeText: type };
    });
    const { resultTypes, resultRoles } = results(header[3]!);
    this.next = this.region(body, start + 1, 1);
    if (lines[this.next] !== "}") throw this.error(this.next, "expected '}' closing the function");
    this.next++;
    this.func = { name: header[1]!, params, body, resultTypes, resultRoles };
  }

  /** Reads ops into `region` from line `i` at indentation `depth`; returns the line after them. */
  private region(region: Region, i: number, depth: number): number {
    const pad = "  ".repeat(depth);
    while (i < this.lines.length) {
      const line = this.lines[i]!;
      // A line indented less, or a closing brace, ends the region.
      if (!line.startsWith(pad) || line[pad.length] === " " || line.slice(pad.length).startsWith("}")) break;
      i = this.op(region, line.slice(pad.length), i, depth);
    }
    return i;
  }

  /** One op (with its regions, for a structured op); returns the line after it. */
  private op(region: Region, text: string, i: number, depth: number): number {
    const [code, comment] = splitComment(text);
    const m = /^(?:(.+?) = )?(\S+)(?: (.*?))?(?: -> \((.*)\) \{)?$/.exec(code);
    if (!m) throw this.error(i, "cannot read this op");
    const [, lhs, kind, operandText, structured] = m;
    const operands = operandText ? splitList(operandText).map((o) => this.operand(o, region, i)) : [];
    const names = lhs ? splitList(lhs) : [];
    const op: Op = { kind: kind!, operands, results: [], regions: [], parent: region };
    if (comment) {
      const loc = /^L(\d+)( rev)?( checkpoint(?: (\d+))?)?$/.exec(comment);
      if (!loc) throw this.error(i, `cannot read the comment '${comment}'`);
      op.loc = { line: Number(loc[1]), column: 1, text: "" };
      if (loc[2]) op.reverse = true;
      if (loc[3]) op.checkpoint = Number(loc[4] ?? 0);
    }
    region.ops.push(op);
    if (structured !== undefined) return this.structured(op, names, structured, i, depth);
    const p = primitive(kind!);
    const resultType = p ? p.resultTypeOf?.(operands) ?? p.resultType : "f64";
    op.results = names.map((n) => this.define(n, resultType, (name, t) => this.b.newValue(t, name, nameKind(name), op)));
    return i + 1;
  }

  /** A `while`, `repeat` or `if`: results typed by `-> (types)`, then its regions. */
  private structured(op: Op, names: string[], typeList: string, i: number, depth: number): number {
    const resultTypes = typeList ? splitList(typeList).map(typeOf) : [];
    op.results = names.map((n, j) => this.define(n, resultTypes[j]!, (name, t) => this.b.newValue(t, name, nameKind(name), op)));
    const pad = "  ".repeat(depth);
    const count = op.kind === Structural.If ? 2 : op.kind === Structural.While ? 2 : 1;
    i++;
    for (let r = 0; r < count; r++) {
      const region = emptyRegion(op);
      op.regions.push(region);
      if (op.kind !== Structural.If) {
        const args = /^\((.*)\):$/.exec(this.lines[i]!.slice(pad.length + 2));
        if (!args) throw this.error(i, "expected the region's arguments '(...):'");
        region.args = (args[1] ? splitList(args[1]) : []).map((n, j) => this.define(n, resultTypes[j]!, (name, t) => this.b.argument(region, t, name, nameKind(name))));
        i++;
      }
      i = this.region(region, i, depth + 1);
      const close = this.lines[i];
      const expected = r < count - 1 ? `${pad}} ${op.kind === Structural.If ? "else" : "do"} {` : `${pad}}`;
      if (close !== expected) throw this.error(i, `expected '${expected.trim()}'`);
      i++;
    }
    return i;
  }

  /** A value by name, or a literal: a constant op placed just before the op that reads it. */
  private operand(text: string, region: Region, i: number): Value {
    if (text.startsWith("%")) {
      const v = this.values.get(text);
      if (!v) throw this.error(i, `${text} is used before it is defined`);
      return v;
    }
    const literal = text === "true" ? true : text === "false" ? false : Number(text);
    if (typeof literal === "number" && Number.isNaN(literal) && text !== "NaN") throw this.error(i, `cannot read the operand '${text}'`);
    const op = this.b.makeOp(Structural.Const, [], [typeof literal === "boolean" ? "bool" : "f64"]);
    op.literal = literal;
    op.parent = region;
    region.ops.push(op);
    return op.results[0]!;
  }

  /** A value named `%text`, defined once. */
  private define(text: string, type: Type, make: (name: string, type: Type) => Value): Value {
    if (!text.startsWith("%")) throw new Error(`a value's name starts with '%': ${text}`);
    if (this.values.has(text)) throw new Error(`${text} is defined twice`);
    const base = text.slice(1).replace(/\.\d+$/, "");
    const v = make(base === "t" ? "" : base, type);
    this.values.set(text, v);
    return v;
  }

  private error(i: number, message: string): Error {
    return new Error(`IR line ${i + 1}: ${message}: ${this.lines[i] ?? "(end)"}`);
  }
}

/** `dx`-style names are adjoints, `t` is a temporary, the rest are the source's. */
function nameKind(name: string): Value["nameKind"] {
  if (name === "") return "temp";
  return /^d[A-Z]|^d.$/.test(name) ? "adjoint" : "source";
}

function typeOf(text: string): Type {
  if (!types.has(text as Type)) throw new Error(`unknown type '${text}'`);
  return text as Type;
}

/** The results of a function: `f64` (a primal's one result), `f64, f64`, or `(value: f64, x: f64)` with their roles. */
function results(text: string): { resultTypes: Type[]; resultRoles: ResultRole[] } {
  if (!text.startsWith("(")) return { resultTypes: text ? splitList(text).map(typeOf) : [], resultRoles: [] };
  const entries = splitList(text.slice(1, -1)).map((e) => e.split(/:\s*/) as [string, string]);
  return {
    resultTypes: entries.map(([, t]) => typeOf(t)),
    resultRoles: entries.map(([n]): ResultRole => (n === "value" ? { role: "value" }
      : n.startsWith("tangent.") ? { role: "tangent", of: n.slice("tangent.".length) } : { role: "derivative", param: n })),
  };
}

/** `a, b[], c` split at the commas outside brackets. */
function splitList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(" || ch === "[") depth++;
    if (ch === ")" || ch === "]") depth--;
    if (ch === "," && depth === 0) {
      out.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function splitComment(text: string): [string, string | undefined] {
  const at = text.indexOf("  // ");
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 5)];
}

