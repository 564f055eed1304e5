/**
 * Tuples and objects from shapes. Every program declares three types: the
 * tuple `P = [number, number]`, the object `S = { p, q, r }` (two numbers and
 * an array of two) and the nested `N = { s: S, k }`. Their numbers and arrays
 * live in the scope as variables named by their access path (`s1.p`,
 * `n2.s.r`, `t3[0]`), so every statement that writes a variable or an element
 * also writes fields, in loops and branches alike.
 *
 * Aliasing is kept out of the bounds' way: an aggregate that another name
 * shares (the source of a `?:` between aggregates or of a destructuring) is
 * frozen, so that neither name is written afterwards; this also keeps to the
 * documented rule that an object a branch may have swapped is not written.
 */
import type { AggregateKind, Cond, Expr, Stmt } from "./shapes.js";
import { fit, LIMIT, type Rendered } from "./domains.js";
import { HELPER_ARGUMENT_BOUND, indexText, renderCond, renderExpr } from "./render-expr.js";
import { assignment, type RenderedStatements } from "./render-stmt.js";
import type { Callable, FunctionScope, Variable } from "./scope.js";

/** The length of the array field `r`. */
export const FIELD_LENGTH = 2;
/** What a `void` helper assumes of the fields of the object it is given: a loop-carried bound (render-loop.ts). */
export const FIELD_ARGUMENT_BOUND = 2 * LIMIT;

const plain = (...lines: string[]): RenderedStatements => ({ lines, returns: false });

/** The type declarations of a program whose names start with `prefix`. */
export const typeDeclarations = (prefix: string): string[] => [
  `export type ${prefix}_P = [number, number];`,
  `export interface ${prefix}_S {`,
  "  p: number;",
  "  q: number;",
  "  r: number[];",
  "}",
  `export interface ${prefix}_N {`,
  `  s: ${prefix}_S;`,
  "  k: number;",
  "}",
];

/** How many numbers an aggregate holds (its arguments' values, in field order). */
export const numberCount = (kind: AggregateKind): number => ({ P: 2, S: 2 + FIELD_LENGTH, N: 3 + FIELD_LENGTH })[kind];

/** An argument of type `kind` from `values` (at least numberCount(kind) of them). */
export function aggregateValue(kind: AggregateKind, values: number[]): unknown {
  const s = (v: number[]) => ({ p: v[0]!, q: v[1]!, r: v.slice(2, 2 + FIELD_LENGTH) });
  if (kind === "P") return [values[0]!, values[1]!];
  if (kind === "S") return s(values);
  return { s: s(values), k: values[2 + FIELD_LENGTH]! };
}

/**
 * Declares an aggregate `name` of `kind` and its fields; `bounds` gives the
 * bound of each number or array field in field order (cycled).
 */
export function declareAggregate(
  scope: FunctionScope,
  name: string,
  kind: AggregateKind,
  bounds: number[],
  writable: boolean,
): Variable {
  let next = 0;
  const bound = () => bounds[next++ % bounds.length] ?? 0;
  const field = (fieldName: string, type: "number" | "array"): Variable =>
    scope.declare({
      name: fieldName,
      type,
      bound: bound(),
      assignable: writable,
      conditionOnly: false,
      readable: true,
      ...(type === "array" && {
        array: { type: "number[]", length: FIELD_LENGTH, maxLength: FIELD_LENGTH, iterated: false, fixed: true },
      }),
    });
  const build = (path: string, k: AggregateKind): Variable => {
    const fields =
      k === "P"
        ? [field(`${path}[0]`, "number"), field(`${path}[1]`, "number")]
        : k === "S"
          ? [field(`${path}.p`, "number"), field(`${path}.q`, "number"), field(`${path}.r`, "array")]
          : [build(`${path}.s`, "S"), field(`${path}.k`, "number")];
    return scope.declare({
      name: path,
      type: "aggregate",
      bound: 0,
      assignable: false,
      conditionOnly: false,
      readable: true,
      aggregate: { kind: k, fields, writable },
    });
  };
  return build(name, kind);
}

/** The number and array fields of an aggregate, depth first (the order of `bounds` above). */
export const leaves = (v: Variable): Variable[] =>
  v.type === "aggregate" ? v.aggregate!.fields.flatMap(leaves) : [v];

/** From now on neither `v` nor any of its fields is written. */
export function freeze(v: Variable): void {
  if (v.aggregate) {
    v.aggregate.writable = false;
    v.aggregate.fields.forEach(freeze);
  }
  v.assignable = false;
}

/** A literal of `kind` from `items` (cycled), with the bound of each field. */
function literal(kind: AggregateKind, items: Rendered[]): { text: string; bounds: number[] } {
  let next = 0;
  const item = () => items[next++ % items.length]!;
  const pair = () => {
    const [a, b] = [item(), item()];
    return { text: `[${a.text}, ${b.text}]`, bounds: [a.bound, b.bound] };
  };
  if (kind === "P") return pair();
  const s = () => {
    const [p, q, r] = [item(), item(), pair()];
    return { text: `{ p: ${p.text}, q: ${q.text}, r: ${r.text} }`, bounds: [p.bound, q.bound, Math.max(...r.bounds)] };
  };
  if (kind === "S") return s();
  const inner = s();
  const k = item();
  return { text: `{ s: ${inner.text}, k: ${k.text} }`, bounds: [...inner.bounds, k.bound] };
}

/** A copy of `source` field by field (`{ p: o.p, q: o.q, r: o.r.slice() }`), reading every field. */
function copy(source: Variable, scope: FunctionScope): string {
  const { kind, fields } = source.aggregate!;
  const read = (v: Variable) => scope.use(v.name);
  if (kind === "P") return `[${read(fields[0]!)}, ${read(fields[1]!)}]`;
  if (kind === "S") return `{ p: ${read(fields[0]!)}, q: ${read(fields[1]!)}, r: ${read(fields[2]!)}.slice() }`;
  return `{ s: ${copy(fields[0]!, scope)}, k: ${read(fields[1]!)} }`;
}

interface Init {
  text: string;
  bounds: number[];
  writable: boolean;
}

/** `test ? a : b` between two aggregates; an aggregate in scope taking part is frozen. */
function conditional(test: Cond, a: Init, b: Init, scope: FunctionScope): Init {
  const text = `${renderCond(test, scope).text} ? ${a.text} : ${b.text}`;
  return { text, bounds: a.bounds.map((x, i) => Math.max(x, b.bounds[i]!)), writable: false };
}

/** An existing aggregate as an initializer (an alias): it is frozen. */
function shared(source: Variable, scope: FunctionScope): Init {
  freeze(source);
  return { text: scope.use(source.name), bounds: leaves(source).map((v) => v.bound), writable: false };
}

const items = (exprs: Expr[], scope: FunctionScope): Rendered[] =>
  exprs.map((e) => fit(renderExpr(e, scope, false), LIMIT, scope));

export function renderDeclareTuple(stmt: Stmt & { kind: "declareTuple" }, scope: FunctionScope): RenderedStatements {
  const values = () => ({ ...literal("P", items(stmt.items, scope)), writable: true });
  const sources = scope.aggregates("P");
  const source = sources[stmt.pick % sources.length];
  const helpers = scope.callables.filter((c) => c.returns === "tuple").reverse();
  const helper = helpers[stmt.pick % helpers.length];
  let init: Init;
  switch (stmt.form % 5) {
    case 1:
    case 4:
      init = helper ? helperCall(helper, stmt.items, scope) : values();
      break;
    case 2: {
      const other = helper && stmt.items.length > 1 ? helperCall(helper, stmt.items, scope) : values();
      init = conditional(stmt.test, source ? shared(source, scope) : values(), other, scope);
      break;
    }
    case 3:
      init = source ? { text: copy(source, scope), bounds: leaves(source).map((v) => v.bound), writable: true } : values();
      break;
    default:
      init = values();
  }
  if (stmt.destructure) {
    const names = [scope.freshName("number"), scope.freshName("number")];
    names.forEach((name, i) =>
      scope.declare({ name, type: "number", bound: init.bounds[i]!, assignable: false, conditionOnly: false, readable: true }),
    );
    return plain(`const [${names.join(", ")}] = ${init.text};`);
  }
  const name = scope.freshName("aggregate");
  declareAggregate(scope, name, "P", init.bounds, init.writable);
  return plain(`const ${name}: ${scope.types.P} = ${init.text};`);
}

/** `helper(args)` for a tuple helper; its result may not be written when the helper can return early. */
function helperCall(helper: Callable, args: Expr[], scope: FunctionScope): Init {
  const text = callText(helper, args, (e) => renderExpr(e, scope, false), scope);
  return { text, bounds: [helper.resultBound, helper.resultBound], writable: !helper.severalReturns };
}

export function renderDeclareObject(stmt: Stmt & { kind: "declareObject" }, scope: FunctionScope): RenderedStatements {
  const kind: AggregateKind = stmt.nested ? "N" : "S";
  const sources = scope.aggregates(kind);
  const source = sources[stmt.pick % sources.length];
  if (stmt.destructure && source) return destructureObject(source, scope);
  const values = (): Init => ({ ...literal(kind, items(stmt.items, scope)), writable: true });
  let init: Init;
  if (stmt.form % 3 === 1) {
    init = conditional(stmt.test, source ? shared(source, scope) : values(), values(), scope);
  } else if (stmt.form % 3 === 2 && source) {
    init = { text: copy(source, scope), bounds: leaves(source).map((v) => v.bound), writable: true };
  } else {
    init = values();
  }
  const name = scope.freshName("aggregate");
  declareAggregate(scope, name, kind, init.bounds, init.writable);
  return plain(`const ${name}: ${scope.types[kind]} = ${init.text};`);
}

/**
 * `const { p, q, r } = o` (or with new names where a field's name is taken);
 * `r` and a nested `s` share the source's, so the source is frozen.
 */
function destructureObject(source: Variable, scope: FunctionScope): RenderedStatements {
  const taken = new Set(scope.visible().map((v) => v.name));
  const parts = source.aggregate!.fields.map((field) => {
    const key = field.name.slice(field.name.lastIndexOf(".") + 1);
    const name = taken.has(key) ? scope.freshName(field.type === "number" ? "number" : field.type) : key;
    return { field, key, name };
  });
  freeze(source);
  const text = `const { ${parts.map(({ key, name }) => (key === name ? key : `${key}: ${name}`)).join(", ")} } = ${scope.use(source.name)};`;
  for (const { field, name } of parts) {
    if (field.type === "aggregate") {
      declareAggregate(scope, name, field.aggregate!.kind, leaves(field).map((v) => v.bound), false);
    } else {
      scope.declare({ ...field, name, assignable: false, ...(field.array && { array: { ...field.array } }) });
    }
  }
  return plain(text);
}

/** `helper(o, args);`: a `void` helper writes into a writable object `S` whose fields are within what it assumes. */
export function renderUpdate(stmt: Stmt & { kind: "update" }, scope: FunctionScope): RenderedStatements {
  const helpers = scope.callables.filter((c) => c.returns === "void").reverse();
  const helper = helpers[stmt.pick % helpers.length];
  const targets = scope
    .aggregates("S", true)
    .filter((o) => leaves(o).every((v) => v.bound <= FIELD_ARGUMENT_BOUND));
  if (!helper) return plain();
  const target = targets[stmt.target % targets.length];
  if (!target) {
    // No object to write: declare one first.
    const declared = renderDeclareObject(
      { kind: "declareObject", form: 0, items: stmt.args, pick: 0, test: { kind: "flag", pick: 0 }, nested: false, destructure: false },
      scope,
    );
    return plain(...declared.lines, ...renderUpdate(stmt, scope).lines);
  }
  const numbers = Array.from({ length: helper.arity - 1 }, (_, i) =>
    fit(renderExpr(stmt.args[i] ?? { kind: "literal", hundredths: 100, notation: 0 }, scope, false), HELPER_ARGUMENT_BOUND, scope).text,
  );
  leaves(target).forEach((v, i) => scope.assigned(v, helper.fieldBounds![i]!));
  return plain(`${scope.use(helper.name)}(${[scope.use(target.name), ...numbers].join(", ")});`);
}

/**
 * `helper(args)` with every argument fitted to what the helper's parameters
 * assume (missing ones are 1); a tuple parameter gets a tuple in scope small
 * enough, or a literal.
 */
export function callText(helper: Callable, args: Expr[], render: (x: Expr) => Rendered, scope: FunctionScope): string {
  const one: Expr = { kind: "literal", hundredths: 100, notation: 0 };
  const number = (e: Expr | undefined) => fit(render(e ?? one), HELPER_ARGUMENT_BOUND, scope).text;
  const texts = Array.from({ length: helper.arity }, (_, i) => {
    if (!(helper.tupleParam && i === helper.arity - 1)) return number(args[i]);
    const tuples = scope.aggregates("P").filter((t) => leaves(t).every((v) => v.bound <= HELPER_ARGUMENT_BOUND));
    const tuple = tuples[i % Math.max(tuples.length, 1)];
    return tuple ? scope.use(tuple.name) : `[${number(args[i])}, ${number(args[0])}]`;
  });
  return `${scope.use(helper.name)}(${texts.join(", ")})`;
}

/** A write into a field of a writable tuple or object: the last declared ones first. */
export function renderWriteField(stmt: Stmt & { kind: "writeField" }, scope: FunctionScope): RenderedStatements {
  const fields = (["S", "N", "P"] as const)
    .flatMap((kind) => scope.aggregates(kind, true))
    .flatMap(leaves)
    .filter((v) => v.assignable && v.readable);
  const target = fields[stmt.pick % fields.length];
  if (!target) {
    const declared = renderDeclareObject(
      { kind: "declareObject", form: 0, items: [stmt.value], pick: 0, test: { kind: "flag", pick: 0 }, nested: stmt.index % 2 === 1, destructure: false },
      scope,
    );
    return plain(...declared.lines, ...renderWriteField(stmt, scope).lines);
  }
  const place = target.array ? `${scope.use(target.name)}[${indexText(target, stmt.index, scope)}]` : scope.use(target.name);
  return plain(assignment(target, place, { ...stmt, form: stmt.index }, scope));
}
