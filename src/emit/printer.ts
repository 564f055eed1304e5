/**
 * Prints a gradient IR function's body as TypeScript. Layout is left to
 * prettier; this module decides statements, expressions and comments. Each
 * group of reverse-sweep statements starts with a comment naming the source
 * line it reverses.
 */
import path from "node:path";
import { InternalError } from "../diagnostics.js";
import { literalText } from "../ir/literal.js";
import { primitiveOf } from "../ir/primitives.js";
import { isArray, Structural, type Func, type Op, type Region, type Type, type Value } from "../ir/types.js";
import { terminator, walkOps, diverges } from "../ir/walk.js";
import type { Allocation, Variable } from "./allocate.js";
import type { Liveness } from "./liveness.js";
import type {  ModuleIdentifiers } from "./helpers.js";
import type { ModuleNames } from "./module-names.js";
import { accessText } from "./structure.js";
import { elementOf, groupAdds, grouped, groupValue, nestedEntries, resultText, type Entry } from "./records.js";
import { roomOn, tapeComment, tapeOf, type Tapes } from "./tapes.js";
import { tsType } from "./ts-types.js";

const compound = new Map([["add", "+="], ["sub", "-="], ["mul", "*="], ["div", "/="]]);
const commutative = new Set(["add", "mul"]);

/** Fresh zeros in the shape of array `a`. */
export function zerosText(type: Type, a: string, n: ModuleIdentifiers): string {
  return type === "f64[][]" ? `${n.zerosLike}(${a})` : type === "Float64Array" ? `new Float64Array(${a}.length)` : `${n.zeroArray}(${a}.length)`;
}


/**
 * A printed line, or the declaration of a variable with its first value,
 * whose keyword is known only once the whole body is printed: `let` when a
 * statement assigns the variable again, `const` otherwise.
 */
type Line = string | { declares: Variable; text: string };

/** A stash's variable: numbers and booleans start from a placeholder, arrays are assigned before any read. */
function stashDeclaration(x: Variable, type: Type, bare = false): Line {
  if (bare) return `let ${x.name}!: ${tsType(type)};`;
  if (type === "f64") return { declares: x, text: `${x.name} = 0;` };
  if (type === "bool") return { declares: x, text: `${x.name} = false;` };
  return `let ${x.name}!: ${tsType(type)};`;
}


/** The source line an op reverses, as a key for its comment group. */
const groupOf = (op: Op): string | undefined => (op.loc ? `${op.loc.file ?? ""}:${op.loc.line}` : undefined);

export class Printer {
  private readonly predeclared: Set<Variable>;
  private readonly firstDefinitions = new Map<Variable, Value>();

  /** Values printed as a statement somewhere other than the return. */
  private readonly usedBeforeReturn = new Set<Value>();
  private readonly params: Set<Value>;
  /** Loops a `reserve` made room for: their trips push without checking. */
  private readonly reservedLoops = new Set<Op>();
  /** Variables a statement assigns after their declaration: declared with `let`. */
  private readonly written = new Set<Variable>();
  /** The parameters printed so far, and whether the caller's gradient buffers were. */
  private readonly printedParams = new Set<Value>();
  private printedGrad = false;
  /** For each gradient entry of a leaf of an array of tuples or objects: where its path leaves the array (emit/records.ts). */
  private readonly gradElements: (number | undefined)[];
  private readonly resultShape: Func["resultShape"];
  /** The pool slot each pooled shadow takes (see `poolSlots`). */
  private readonly slots: Map<Op, string>;

  constructor(
    f: Func,
    private readonly a: Allocation,
    /** How the module and this function spell the tapes, helpers and pools. */
    private readonly module: { tapes: Tapes; names: ModuleNames; pools: { f64: string; floats: string } },
    /** Each gradient entry's path in `grad`. */
    private readonly gradPaths: string[][],
    /** Gradient buffers the caller passes, each with its access path (the buffer's name first). */
    private readonly buffers: Map<Value, string[]>,
    private readonly pooled: Map<Value, "f64" | "floats">,
    /** For a VJP: how many values the return starts with, and their paths in a tuple or object result. */
    private readonly vjp?: { valueCount: number; valuePaths: string[][] },
    /** The entry's file name: comments on lines of other files name theirs. */
    private readonly sourceFile = "",
    /** How the return reads, when not as a gradient's or a VJP's (the forward-mode API). */
    private readonly returnText?: (operands: Value[], expr: (v: Value) => string) => string[],
  ) {
    for (const op of walkOps(f.body)) {
      if (op.kind !== Structural.Return) for (const v of op.operands) this.usedBeforeReturn.add(v);
      if (op.kind === Structural.Reserve) this.reservedLoops.add(op.partner!);
    }
    this.params = new Set(f.params.map((p) => p.value));
    this.resultShape = f.resultShape;
    this.gradElements = f.resultRoles.flatMap((r) => (r.role === "derivative" ? [elementOf(f.params, r.param)] : []));
    this.slots = poolSlots([...pooled.keys()].map((v) => v.def!), a.liveness, a.locals.pooled);
    this.predeclared = new Set([
      ...[...a.declarations.values()].flatMap((ds) => ds.map((d) => d.variable)),
      ...[...a.loopInits.values()].flatMap((ds) => ds.map((d) => d.variable)),
      ...[...a.stashes.values()].flatMap((ds) => ds.map((d) => d.variable)),
    ]);
  }

  /** The statements of a function body, each variable declared `const` unless something assigns it again. */
  body(r: Region): string[] {
    const counts = [...this.slots.values()].some((slot) => slot.endsWith("++"));
    const lines = [...(counts ? [`let ${this.a.locals.pooled} = 0;`] : []), ...this.region(r)];
    return lines.map((line) => (typeof line === "string" ? line : `${this.written.has(line.declares) ? "let" : "const"} ${line.text}`));
  }

  /** The statements of a region; `group` is the source line (`groupOf`) whose reverse comment is already in force. */
  private region(r: Region, group?: string): Line[] {
    const out: Line[] = [];
    for (let i = 0; i < r.ops.length; i++) {
      const op = r.ops[i]!;
      if (op.kind === Structural.Const || op.kind === Structural.Yield) continue;
      if (op.kind === Structural.Push) {
        let end = i;
        while (r.ops[end + 1]?.kind === Structural.Push) end++;
        out.push(...this.pushes(r.ops.slice(i, end + 1)));
        i = end;
        continue;
      }
      if (op.results.length === 1 && this.a.inlined.has(op.results[0]!)) continue;
      if (op.reverse && op.loc && groupOf(op) !== group) {
        group = groupOf(op);
        // A line of an imported file says which file.
        const file = op.loc.file && path.basename(op.loc.file) !== this.sourceFile ? `${path.basename(op.loc.file)} ` : "";
        out.push(`// reverse of ${file}line ${op.loc.line}: ${abbreviate(op.loc.text)}`);
      }
      out.push(...this.statement(op));
    }
    return out;
  }

  /** The gradient entries of returned values, for emit/records.ts. */
  private gradEntries(grads: Value[], recordsOnly = false): Entry[] {
    return grads.flatMap((g, i) => (recordsOnly && this.gradElements[i] === undefined ? []
      : [{ path: this.gradPaths[i]!, element: this.gradElements[i], text: this.expr(g) }]));
  }

  private statement(op: Op): Line[] {
    if (op.kind === Structural.Return) {
      if (this.returnText) return this.returnText(op.operands, (v) => this.expr(v));
      if (this.vjp) {
        const { valueCount, valuePaths } = this.vjp;
        const values = op.operands.slice(0, valueCount).map((v) => this.expr(v));
        const value = valuePaths.length ? resultText(this.resultShape, valuePaths, values) : values[0]!;
        const grad = nestedEntries(this.gradEntries(op.operands.slice(valueCount)), groupValue, ",");
        return [`return { value: ${value}, grad: ${grad} };`];
      }
      // Array adjoints were added into the caller's arrays in place; numbers are added here.
      const [value, ...grads] = op.operands;
      const adds = grads.flatMap((g, i) => {
        if (isArray(g.type) || (g.def?.kind === Structural.Const && g.def.literal === 0)) return [];
        this.printedGrad = true;
        return [`${accessText([this.a.gradName, ...this.gradPaths[i]!])} += ${this.expr(g)};`];
      });
      // Arrays of tuples or objects: their leaves' adjoints added into the caller's elements.
      const groups = grouped(this.gradEntries(grads, true), (g) => groupAdds([this.a.gradName, ...g.array], g).join("\n")).texts;
      if (groups.length) this.printedGrad = true;
      return [...adds, ...groups.flatMap((t) => t.split("\n")), `return ${this.expr(value!)};`];
    }
    if (op.kind === Structural.Reserve) return this.reserve(op);
    if (op.kind === Structural.Recall) return [];
    if (op.kind === Structural.Stash) {
      // The stashed value was computed straight into the stash's variable, unless it is an expression printed here.
      const slot = this.variableOf(op.partner!.results[0]!);
      const v = op.operands[0]!;
      if (this.a.variable.get(v) === slot) return [];
      this.written.add(slot);
      return [`${slot.name} = ${this.expr(v)};`];
    }
    if (op.kind === Structural.If) return this.ifStatement(op);
    if (op.kind === Structural.While) return this.whileStatement(op);
    if (op.kind === Structural.Repeat) return this.repeatStatement(op);
    if (op.results.length === 0) return [this.effect(op)];
    const v = op.results[0]!;
    if (this.buffers.has(v) && !this.usedBeforeReturn.has(v)) return [];
    const x = this.variableOf(v);
    if (!this.isFirstDefinition(x, v)) return [this.assignment(x, op)];
    return [{ declares: x, text: `${x.name} = ${this.rhs(op)};` }];
  }

  /** A store or a push: `a[i] = v`, `a[i] += v` when v adds to what a[i] holds, `a.push(v)`. */
  private effect(op: Op): string {
    const p = primitiveOf(op)!;
    if (op.kind !== "store") return p.statement!(op.operands.map((x) => this.expr(x)));
    const [a, i, v] = op.operands as [Value, Value, Value];
    const d = v.def;
    if (d && this.a.inlined.has(v) && (d.kind === "add" || d.kind === "sub")) {
      const [l, r] = d.operands as [Value, Value];
      const same = (x: Value) => x.def?.kind === "load" && this.a.inlined.has(x) && x.def.operands[0] === a && x.def.operands[1] === i;
      const element = elementRead(`${this.expr(a)}[${this.expr(i)}]`);
      if (same(l)) return `${element} ${d.kind === "add" ? "+=" : "-="} ${this.expr(r)};`;
      if (d.kind === "add" && same(r)) return `${element} += ${this.expr(l)};`;
    }
    return p.statement!(op.operands.map((x) => this.expr(x)));
  }

  /** Records values on the tapes, making room once for the whole run of pushes. */
  /** Room on each tape for all trips of the loop a `reserve` serves: its pushes per trip times the trips. */
  private reserve(op: Op): string[] {
    const loop = op.partner!;
    const trips = this.expr(op.operands[0]!);
    return (["f64", "i32", "bool"] as const).flatMap((type) => {
      const perTrip = loop.regions[1]!.ops.filter((o) => o.kind === Structural.Push && tapeOf(o) === type).length;
      if (perTrip === 0) return [];
      const t = this.module.tapes[type];
      return [roomOn(t, `${t.top} + ${perTrip === 1 ? "" : `${perTrip} * `}${trips}`)];
    });
  }

  private pushes(ops: Op[]): string[] {
    const out: string[] = [];
    // A loop with a reserve made room for all its trips' pushes before it started.
    const owner = ops[0]?.parent?.owner;
    const reserved = owner !== undefined && this.reservedLoops.has(owner);
    const references = ops.filter((o) => tapeOf(o) === "ref").map((o) => o.operands[0]!);
    for (const v of references) out.push(`${this.module.names.identifiers.arrays}.push(${this.expr(v)});`);
    for (const type of ["f64", "i32", "bool"] as const) {
      const values = ops.filter((o) => tapeOf(o) === type).map((o) => o.operands[0]!);
      if (values.length === 0) continue;
      const t = this.module.tapes[type];
      if (!reserved) out.push(roomOn(t, `${t.top} + ${values.length}`));
      for (const v of values) out.push(`${t.data}[${t.top}++] = ${type === "bool" ? `${this.expr(v)} ? 1 : 0` : this.expr(v)};`);
    }
    return out;
  }

  /**
   * Loop state starting from a number parameter starts from `+param` (the
   * same number): V8 may otherwise keep such state boxed and allocate a heap
   * number per trip (it did once the function called a tape's grow helper).
   */
  private loopInits(op: Op): Line[] {
    return (this.a.loopInits.get(op) ?? []).map((d) => {
      const unboxed = d.init.type === "f64" && this.params.has(d.init) ? "+" : "";
      return { declares: d.variable, text: `${d.variable.name} = ${unboxed}${this.expr(d.init)};` };
    });
  }

  private whileStatement(op: Op): Line[] {
    const [cond, body] = op.regions as [Region, Region];
    // A loop of the reverse sweep (a user rule's, a seed's) is under its own comment already.
    const group = op.reverse ? groupOf(op) : undefined;
    const condLines = this.region(cond, group);
    const test = terminator(cond).operands[0]!;
    const bodyLines = [...this.region(body, group), ...this.yieldAssignments(op, body, new Map())];
    const head = [...this.loopInits(op), ...tapeComment(body)];
    if (condLines.length === 0) return [...head, `while (${this.test(test)}) {`, ...bodyLines, "}"];
    return [...head, "for (;;) {", ...condLines, `if (${this.negation(test)}) break;`, ...bodyLines, "}"];
  }

  private repeatStatement(op: Op): Line[] {
    const body = op.regions[0]!;
    const k = this.a.repeatCounters.get(op)!;
    const group = groupOf(op);
    const lines = [...this.region(body, group), ...this.yieldAssignments(op, body, new Map())];
    return [
      ...this.loopInits(op),
      `for (let ${k} = ${this.expr(op.operands[0]!)}; ${k} > 0; ${k}--) {`,
      // The trips' reverse may have come to nothing (its trip count is still computed, so the loop stays).
      ...(lines.length ? lines : ["// nothing to reverse in these trips"]),
      "}",
    ];
  }

  private ifStatement(op: Op): Line[] {
    const out: Line[] = [];
    for (const d of this.a.declarations.get(op) ?? []) {
      out.push(d.init ? { declares: d.variable, text: `${d.variable.name} = ${this.expr(d.init)};` } : `let ${d.variable.name}: ${tsType(d.result.type)};`);
    }
    // Beside a branch that throws, no path reads a stash's initial value (a lint would say so): none is given.
    const bare = op.regions.some(diverges);
    for (const { variable, type } of this.a.stashes.get(op) ?? []) out.push(stashDeclaration(variable, type, bare));
    const declared = new Map((this.a.declarations.get(op) ?? []).map((d) => [d.result, d.init]));
    const group = op.reverse ? groupOf(op) : undefined;
    const branch = (region: Region) => [...this.region(region, group), ...this.yieldAssignments(op, region, declared)];
    const test = op.operands[0]!;
    if (test.def?.kind === Structural.Const) {
      // A condition folded to a constant: only the branch it takes, in a block of its own when
      // it assigns variables declared here (so that their single assignment is not a `const`'s).
      const taken = branch(op.regions[test.def.literal ? 0 : 1]!);
      out.push(...(declared.size && taken.length ? ["{", ...taken, "}"] : taken));
      return out;
    }
    const branches = op.regions.map(branch);
    if (branches[0]!.length === 0) {
      out.push(`if (${this.negation(test)}) {`, ...branches[1]!, "}");
    } else {
      out.push(`if (${this.test(test)}) {`, ...branches[0]!);
      if (branches[1]!.length) out.push("} else {", ...branches[1]!);
      out.push("}");
    }
    return out;
  }

  /**
   * The parallel copy at the end of a branch: each result's variable receives
   * what the branch yields. Copies are ordered so that none overwrites a
   * variable a later copy still reads; a cycle (a swap) goes through a temporary.
   */
  private yieldAssignments(op: Op, region: Region, declared: Map<Value, Value | undefined>): Line[] {
    if (diverges(region)) return []; // after a throw: nothing it yields is read
    const pending: { target: Variable; source: Value; statement: string; reads: string[] }[] = [];
    terminator(region).operands.forEach((source, j) => {
      const result = op.results[j]!;
      const target = this.variableOf(result);
      if (this.a.variable.get(source) === target) return;
      if (declared.get(result) === source) return; // the declaration's initial constant
      pending.push({ target, source, statement: this.store(target, source), reads: this.readsOf(source) });
    });
    const out: Line[] = [];
    while (pending.length) {
      const free = pending.findIndex((c) => pending.every((o) => o === c || !o.reads.includes(c.target.name)));
      if (free >= 0) {
        out.push(pending.splice(free, 1)[0]!.statement);
        continue;
      }
      // Every target is still read by another copy: compute the value of a copy that reads one
      // now, so it reads nothing later; each time this happens one copy fewer reads anything.
      const at = pending.findIndex((c) => pending.some((o) => o !== c && c.reads.includes(o.target.name)));
      const c = pending[at]!;
      const temp = this.a.names.fresh(`${c.target.name}__next`);
      out.push(`const ${temp} = ${this.expr(c.source)};`);
      pending[at] = { ...c, statement: `${c.target.name} = ${temp};`, reads: [] };
    }
    return out;
  }

  /** `x = <value>`, or `x += <rest>` when the value adds to what x holds. */
  private store(x: Variable, v: Value): string {
    if (this.a.inlined.has(v)) return this.assignment(x, v.def!);
    this.written.add(x);
    return `${x.name} = ${this.expr(v)};`;
  }

  private readsOf(v: Value): string[] {
    if (v.def?.kind === Structural.Const) return [];
    if (this.a.inlined.has(v)) return v.def!.operands.flatMap((w) => this.readsOf(w));
    return [this.variableOf(v).name];
  }

  private assignment(x: Variable, op: Op): string {
    this.written.add(x);
    const assign = compound.get(op.kind);
    if (assign) {
      const [l, r] = op.operands as [Value, Value];
      const holdsLeft = this.a.variable.get(l) === x;
      const holdsRight = commutative.has(op.kind) && this.a.variable.get(r) === x;
      if (holdsLeft || holdsRight) return `${x.name} ${assign} ${this.expr(holdsLeft ? r : l)};`;
    }
    return `${x.name} = ${this.rhs(op)};`;
  }

  private isFirstDefinition(x: Variable, v: Value): boolean {
    const first = this.firstDefinitions.get(x);
    if (first) return first === v;
    if (this.predeclared.has(x)) return false;
    this.firstDefinitions.set(x, v);
    return true;
  }

  private variableOf(v: Value): Variable {
    const x = this.a.variable.get(v);
    if (!x) throw new InternalError(`no variable for value ${v.name || v.id}`);
    return x;
  }

  /** The right-hand side of a definition: the op's expression without outer parentheses. */
  private rhs(op: Op): string {
    if (op.kind === Structural.Pop) {
      const kind = tapeOf(op);
      if (kind === "ref") return `${this.module.names.identifiers.arrays}.pop() as ${tsType(op.results[0]!.type)}`;
      const t = this.module.tapes[kind];
      return kind === "bool" ? `${t.data}[--${t.top}] === 1` : elementRead(`${t.data}[--${t.top}]`);
    }
    const pool = this.pooled.get(op.results[0]!);
    if (pool) {
      const n = op.kind === "zeros" ? `${this.expr(op.operands[0]!)}.length` : this.expr(op.operands[0]!);
      const { identifiers } = this.module.names;
      const { pools } = this.module;
      const counter = this.slots.get(op)!;
      return pool === "f64" ? `${identifiers.pooledZeros}(${pools.f64}, ${counter}, ${n})` : `${identifiers.pooledFloats}(${pools.floats}, ${counter}, ${n})`;
    }
    if (op.kind === "zeros") {
      const buffer = this.buffers.get(op.results[0]!);
      if (buffer) this.printedGrad = true;
      return buffer ? accessText(buffer) : zerosText(op.results[0]!.type, this.expr(op.operands[0]!), this.module.names.identifiers);
    }
    const p = primitiveOf(op);
    if (!p) throw new InternalError(`cannot print op ${op.kind}`);
    // An element read, asserted in range for noUncheckedIndexedAccess (see `elementRead`).
    if (op.kind === "load") return elementRead(p.emit(op.operands.map((v) => this.expr(v))));
    if (p.helper) return `${this.module.names.identifiers[p.helper]}(${op.operands.map((v) => this.expr(v)).join(", ")})`;
    if (p.external) return `${this.module.names.external(p.external)}(${op.operands.map((v) => this.expr(v)).join(", ")})`;
    if (op.kind === "eq" || op.kind === "ne") {
      // TypeScript narrows a variable through the tests before it (`0 !== x` leaves x: 0 in
      // the else branch) and then rejects `x === 0.01` (TS2367). Tests taken from the source
      // may meet such narrowing once folded and inlined, so their constants are widened.
      const [a, b] = op.operands as [Value, Value];
      const widen = (v: Value, other: Value) => (!op.reverse && literalTyped(v)) || (literalTyped(v) && literalTyped(other));
      const text = (v: Value, other: Value) => (widen(v, other) ? `(${this.expr(v)} as ${tsType(v.type)})` : this.expr(v));
      return p.emit([text(a, b), text(b, a)]);
    }
    if (op.kind === "not" || op.kind === "select") return p.emit(op.operands.map((v, i) => (i === 0 ? this.test(v) : this.expr(v))));
    return p.emit(op.operands.map((v) => this.expr(v)));
  }

  /** `!(c)` for a test `c`, or `c` itself for a test that is `!c` (not `!!c`). */
  private negation(test: Value): string {
    const d = test.def;
    return d?.kind === "not" && this.a.inlined.has(test) ? this.test(d.operands[0]!) : `!(${this.test(test)})`;
  }

  /**
   * A value where JavaScript tests it (an `if`, a `while`, `?:`, `!`): a
   * number's truthiness, inlined, is the number itself (`while (k)`,
   * `!(n - 3)`), which JavaScript tests the same way as `!!k`.
   */
  private test(v: Value): string {
    const d = v.def;
    return d?.kind === "truthy" && this.a.inlined.has(v) ? this.expr(d.operands[0]!) : this.expr(v);
  }

  /** The module's helper identifiers, as this module spells them. */
  get identifiers(): ModuleIdentifiers {
    return this.module.names.identifiers;
  }

  /** A value in operand position: a name, a literal, or a parenthesised inlined expression. */
  expr(v: Value): string {
    if (v.def?.kind === Structural.Const) {
      const text = literalText(v.def.literal!);
      return text.startsWith("-") ? `(${text})` : text;
    }
    if (this.a.inlined.has(v)) return `(${this.rhs(v.def!)})`;
    if (this.params.has(v)) this.printedParams.add(v);
    return this.variableOf(v).name;
  }

  /** Whether the code printed so far reads parameter `v`. */
  reads(v: Value): boolean {
    return this.printedParams.has(v);
  }

  /** Whether the code printed so far reads the caller's gradient buffers. */
  get readsGrad(): boolean {
    return this.printedGrad;
  }
}


/**
 * The pool slot of each pooled shadow, as printed: a call takes slots 0, 1,
 * ... in the order it makes them (`pooled++`). A shadow after which no other
 * can be made in the same call (none later, none in a loop around it) takes
 * `pooled` without counting on, since nothing reads the count again; when
 * that is every shadow, a call makes at most one and it takes slot 0.
 */
function poolSlots(ops: Op[], liveness: Liveness, counter: string): Map<Op, string> {
  const counts = (op: Op) => ops.some((other) => liveness.reachable(op, other));
  const anyCounts = ops.some(counts);
  return new Map(ops.map((op) => [op, !anyCounts ? "0" : counts(op) ? `${counter}++` : counter]));
}

/**
 * An element read as generated code prints it: `a[i]!`. Under
 * noUncheckedIndexedAccess TypeScript types `a[i]` as possibly undefined;
 * the `!` only asserts the type and changes no value. Every read generated
 * code makes is in range wherever the source's own reads are: a shadow has
 * its array's length (it grows with it, ad/bounds.ts), a row's shadow row
 * its row's, and a tape pop reads what the forward sweep pushed. (A source
 * that reads past the end reads `undefined` in the generated code too, as
 * it does itself.)
 */
const elementRead = (text: string): string => `${text}!`;

/**
 * Whether TypeScript may give a value a literal type: a constant, or a choice
 * (whose branches it may narrow to literals, as `x` in `x !== 0 ? 0 : x`).
 */
function literalTyped(v: Value): boolean {
  return v.def?.kind === Structural.Const || v.def?.kind === "select";
}

function abbreviate(text: string): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > 72 ? `${oneLine.slice(0, 69)}...` : oneLine;
}

