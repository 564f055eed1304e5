/**
 * A gradient IR function as the TypeScript functions of the generated API:
 * `<name>Grad` and `<name>GradInto`, or `<name>Vjp`, with the module-level
 * helpers and imports their code needs. The body is printed by printer.ts.
 */
import { primitiveOf } from "../ir/primitives.js";
import { isArray, Structural, type Func, type Op, type Param, type SourceParam, type Type, type Value } from "../ir/types.js";
import { terminator, walkOps } from "../ir/walk.js";
import { isVectorValued, leavesOf, shapeText } from "../ir/shape.js";
import { allocate } from "./allocate.js";
import type { Helper } from "./helpers.js";
import type { ModuleNames } from "./module-names.js";
import { elementOf, groupType, groupZeros, leafText, nestedEntries, type Entry } from "./records.js";
import { Printer, zerosText } from "./printer.js";
import { ownTapes, tapeOf, tapesOf, type TapeKind, type Tapes } from "./tapes.js";
import { tsType } from "./ts-types.js";
import { optionalLeafText, parameterListText } from "./optional.js";

export interface EmitContext {
  /** The primal function's name and where it is, for the doc comment. */
  primalName: string;
  sourceFile: string;
  sourceLine: number;
  /** The generated module's top-level names. */
  names: ModuleNames;
}


/**
 * Two functions per gradient: `<name>GradInto(...params, grad)`, which holds
 * the sweeps, adds the gradient into the caller's `grad` and returns the
 * value; and `<name>Grad(...params)`, which calls it with zeroed buffers and
 * returns `{ value, grad }`. The shadows of differentiated array parameters
 * are the caller's arrays themselves: the reverse sweep only ever adds into
 * them (parameters are never written), so starting from the caller's
 * contents accumulates. A vector-valued function gets one function,
 * `<name>Vjp(...params, seed)`, returning `{ value, grad }`.
 */
export function emitGradient(f: Func, ctx: EmitContext): { code: string; helpers: Set<Helper>; headers: Set<string> } {
  const g = planOf(f, ctx);
  const lines = g.vjp ? vjpFunction(g) : gradFunctions(g);
  return { code: lines.join("\n"), helpers: g.helpers, headers: headersOf(g.ops, ctx.names) };
}

/** What the functions of one gradient are printed from. */
export interface GradientPlan {
  f: Func;
  vjp: boolean;
  printer: Printer;
  ops: Op[];
  /** Each gradient entry's path in `grad` (the parameter's name, then fields or tuple indices). */
  paths: string[][];
  gradValues: Value[];
  gradName: string;
  helpers: Set<Helper>;
  /** The parameter list (`paramsBefore` where required parameters follow), the types of `grad` and the value, the doc comments' `where` and `about`. */
  params: string;
  paramsBefore: string;
  gradType: string;
  valueType: string;
  where: string;
  about: string;
  /** The source parameters' names in the generated code. */
  localNames: string[];
  /** The body of the function that holds the sweeps, and the pools after it. */
  body: string[];
  /** A parameter's leaf as the wrapper reads it (`model.w`), or any other value as printed. */
  sourceText: (v: Value) => string;
  /** Free names of the function for more buffers (`hvp`). */
  fresh: (hint: string) => string;
  /** A parameter's part as the wrapper reads it, by its path (`points`, `model.points`). */
  arrayText: (path: string[]) => string;
}

/** The gradient entries for `wrt` with `texts`, marked where a leaf is of an array of tuples or objects (emit/records.ts). */
export function entriesOf(f: Func, wrt: string[], texts: string[]): Entry[] {
  const paths = derivativePaths(f, wrt);
  return wrt.map((name, i) => ({ path: paths[i]!, element: elementOf(f.params, name), text: texts[i]! }));
}

/** The zeroed buffers `Grad` passes: zeros shaped like each parameter, arrays of tuples or objects element by element. */
export function zeroedText(g: GradientPlan, wrt: string[]): string {
  const texts = g.gradValues.map((v, i) => (isArray(v.type) && elementOf(g.f.params, wrt[i]!) === undefined
    ? zerosText(v.type, g.sourceText(v.def!.operands[0]!), g.printer.identifiers) : "0"));
  return nestedEntries(entriesOf(g.f, wrt, texts), (group) => groupZeros(g.arrayText(group.array), group), ",");
}

/**
 * How a derivative function's body is printed, beyond what every one shares:
 * which of its returned values are derivatives (after `valueCount` values),
 * which of them are the caller's buffers (by their path from a buffer name),
 * and how the return reads. Grad, GradInto and Vjp use the defaults.
 */
export interface BodySpec {
  vjp: boolean;
  valueCount: number;
  /** The function the pools belong to, for their comment. */
  owner: string;
  /** Returned values that are caller buffers, each with its access path (the buffer's name first). */
  buffers?: (names: { gradName: string; fresh: (hint: string) => string }, returned: Value[]) => Map<Value, string[]>;
  /** The return statement, given the returned values and how a value prints. */
  returnText?: (operands: Value[], expr: (v: Value) => string) => string[];
  /** The values a wrapper makes zeros for (they decide helpers). */
  wrapped?: (returned: Value[]) => Value[];
  /** A function its own forward sweep may call again (a recursive one's): its tapes are its own, and it keeps no pools between calls. */
  reentrant?: true;
}

function planOf(f: Func, ctx: EmitContext): GradientPlan {
  const vjp = isVectorValued(f);
  const valueCount = f.resultRoles.filter((r) => r.role === "value").length;
  return planBody(f, ctx, {
    vjp, valueCount, owner: vjp ? f.name : `${f.name}Into`,
    buffers: ({ gradName }, returned) => {
      const buffers = new Map<Value, string[]>();
      if (vjp) return buffers;
      const wrt = f.resultRoles.flatMap((r) => (r.role === "derivative" ? [r.param] : []));
      const paths = derivativePaths(f, wrt);
      const elements = wrt.map((name) => elementOf(f.params, name));
      returned.slice(valueCount).forEach((g, i) => {
        // A leaf of an array of tuples or objects has a shadow of its own, added into the caller's elements at the end.
        if (isArray(g.type) && g.def?.kind === "zeros" && elements[i] === undefined) buffers.set(g, [gradName, ...paths[i]!]);
      });
      return buffers;
    },
    wrapped: (returned) => (vjp ? [] : returned.slice(valueCount)),
  });
}

/** Each differentiated parameter's path in `grad`: its name, or the source parameter's name then fields. */
export function derivativePaths(f: Func, wrt: string[]): string[][] {
  return wrt.map((name) => f.params.find((p) => p.name === name)?.path ?? [name]);
}

export function planBody(f: Func, ctx: EmitContext, spec: BodySpec): GradientPlan {
  const { vjp, valueCount } = spec;
  const wrt = f.resultRoles.flatMap((r) => (r.role === "derivative" ? [r.param] : []));
  const paths = derivativePaths(f, wrt);
  const allocation = allocate(f, ctx.names.all());
  const moduleTapes = tapesOf(allocation.locals, ctx.names.identifiers);
  const tapes = spec.reentrant ? ownTapes(moduleTapes) : moduleTapes;
  /** A parameter's leaf as generated code reads it: `model.w` with the parameter's name in the generated code. */
  const argumentText = (path: string[], element?: number) => leafText([allocation.paramNames.get(path[0]!) ?? path[0]!, ...path.slice(1)], element);
  /** A parameter leaf as the body reads it: `model.w`, or of an optional parameter `(k ?? 0)` and `k !== undefined`. */
  const leafOf = (p: Param) => (p.optional ? optionalLeafText(p.optional, p.type, argumentText(p.path!)) : argumentText(p.path!, p.element));
  const ret = terminator(f.body);
  const gradValues = ret.operands.slice(valueCount, valueCount + wrt.length);
  const fresh = (hint: string) => allocation.names.fresh(hint);
  /** Shadows of array parameters, by their path from the buffer's name (the Into functions). */
  const buffers = spec.buffers?.({ gradName: allocation.gradName, fresh }, ret.operands) ?? new Map<Value, string[]>();
  const ops = [...walkOps(f.body)];
  const pools = ctx.names.poolsOf(f.name);
  const returned = new Set(ret.operands);
  const pooled = new Map(ops.filter((o) => !spec.reentrant && isPooledShadow(o, buffers) && !returned.has(o.results[0]!))
    .map((o) => [o.results[0]!, o.results[0]!.type === "Float64Array" ? "floats" as const : "f64" as const]));
  // A vector-valued function's value has the shape of its result.
  const valueShape = f.resultShape && f.resultShape.kind !== "value" ? f.resultShape : undefined;
  const valuePaths = valueShape ? leavesOf(valueShape).map((l) => l.path) : [];
  const printer = new Printer(f, allocation, { tapes, names: ctx.names, pools }, paths, buffers, pooled,
    vjp ? { valueCount, valuePaths } : undefined, ctx.sourceFile, spec.returnText);
  const pushed = new Set(ops.filter((o) => o.kind === Structural.Push).map(tapeOf));
  const prologue = [...pushed].sort().flatMap((kind) => (kind === "ref" ? [] : [spec.reentrant ? `let ${tapes[kind].data}: ${tapes[kind].array} = new ${tapes[kind].array}(64);` : `let ${tapes[kind].data} = ${tapes[kind].store};`, `let ${tapes[kind].top} = 0;`]));
  const sourceParams: SourceParam[] = f.signature ?? f.params.map((p) => ({ name: p.name, typeText: p.typeText }));
  const localNames = sourceParams.map((p) => allocation.paramNames.get(p.name) ?? p.name);
  const owner = spec.owner;
  const poolDeclarations = [...new Set(pooled.values())].sort().map((kind) => kind === "f64"
    ? `/** Shadow arrays of ${owner}'s own arrays, kept between calls. */\nconst ${pools.f64}: number[][] = [];`
    : `/** ${floatsPooled(pooled, owner)}, kept between calls. */\nconst ${pools.floats}: Float64Array[] = [];`);
  const statements = printer.body(f.body);
  // The leaves of tuple and object parameters the code reads, as variables.
  // (A parameter's gradient buffer is the caller's: its zeros do not read the parameter.)
  const leaves = f.params.filter((p) => p.path && printer.reads(p.value))
    .map((p) => `const ${allocation.variable.get(p.value)!.name} = ${leafOf(p)};`);
  const unread = sourceParams.flatMap((s, i) => (f.params.some((p) => (p.path?.[0] ?? p.name) === s.name && printer.reads(p.value)) ? [] : [localNames[i]!]));
  if (!vjp && !printer.readsGrad) unread.push(allocation.gradName);
  return {
    f, vjp, printer, ops, paths, gradValues, gradName: allocation.gradName, localNames, fresh,
    helpers: helpersUsed(ops, pushed, tapes, buffers, pooled, spec.wrapped?.(ret.operands) ?? []),
    params: parameterListText(sourceParams, localNames),
    paramsBefore: parameterListText(sourceParams, localNames, true),
    // An empty gradient's type says so (`{}` would admit any value but null and undefined).
    gradType: paths.length ? nestedEntries(entriesOf(f, wrt, gradValues.map((g) => tsType(g.type))), groupType, ";") : "Record<string, never>",
    valueType: f.resultShape ? shapeText(f.resultShape) : tsType(f.resultTypes[0]!),
    where: `\`${ctx.primalName}\` (${ctx.sourceFile}:${ctx.sourceLine})`,
    about: wrt.length ? `with respect to ${[...new Set(paths.map((p) => p[0]))].join(", ")}` : "(it depends on no parameter differentiably)",
    body: [...unreadParameters(unread), ...leaves, ...prologue, ...statements, "}", ...poolDeclarations.flatMap((d) => ["", d])],
    sourceText: (v) => {
      const p = f.params.find((q) => q.value === v);
      return p?.path ? leafOf(p) : printer.expr(v);
    },
    arrayText: (path) => argumentText(path),
  };
}

/**
 * Parameters the sweeps never read (the value does not depend on them, or
 * every derivative is 0 and `grad` is left as it is) are read with `void`,
 * so that the function keeps the source's parameter names and still passes
 * noUnusedParameters and no-unused-vars.
 */
function unreadParameters(names: string[]): string[] {
  return names.length ? [`// Not read: ${names.join(", ")}.`, ...names.map((n) => `void ${n};`)] : [];
}

/** `<name>Vjp(...params, seed)`: the sweeps, returning the value and seed^T J. */
function vjpFunction(g: GradientPlan): string[] {
  return [
    `/** Value of ${g.where} and the vector-Jacobian product seed^T J ${g.about}. */`,
    `export function ${g.f.name}(${g.params}): { value: ${g.valueType}; grad: ${g.gradType} } {`,
    ...g.body,
  ];
}

/** `<name>Grad(...params)`, a wrapper making zeroed buffers, and `<name>GradInto(...params, grad)` with the sweeps. */
function gradFunctions(g: GradientPlan): string[] {
  const { f, gradName: grad } = g;
  const into = `${f.name}Into`;
  const zeroed = zeroedText(g, f.resultRoles.flatMap((r) => (r.role === "derivative" ? [r.param] : [])));
  return [
    `/** Value and gradient of ${g.where} ${g.about}. */`,
    `export function ${f.name}(${g.params}): { value: ${g.valueType}; grad: ${g.gradType} } {`,
    // Annotated, so that a tuple's zeros are a tuple, not a number[].
    `const ${grad}: ${g.gradType} = ${zeroed};`,
    `return { value: ${into}(${[...g.localNames, grad].join(", ")}), ${grad === "grad" ? "grad" : `grad: ${grad}`} };`,
    "}",
    "",
    g.paths.length
      ? `/** Value of ${g.where}; adds its gradient ${g.about} into \`${grad}\`. */`
      : `/** Value of ${g.where}; its gradient is empty ${g.about}. */`,
    `export function ${into}(${g.paramsBefore ? `${g.paramsBefore}, ` : ""}${grad}: ${g.gradType}): ${g.valueType} {`,
    ...g.body,
  ];
}

/**
 * The module-level helpers the gradient's code calls: tapes, pools and
 * zeros. `wrapped` are the gradient values the `Grad` wrapper makes zeros for.
 */
export function helpersUsed(ops: Op[], pushed: Set<TapeKind>, tapes: Tapes, buffers: Map<Value, string[]>, pooled: Map<Value, "f64" | "floats">,
  wrapped: Value[]): Set<Helper> {
  const used = new Set<Helper>();
  for (const kind of pushed) {
    if (kind === "ref") used.add("tapeArrays");
    else for (const h of tapes[kind].helpers) used.add(h);
  }
  const freshZeros = (type: Type) => ops.some((o) => o.kind === "zeros" && o.results[0]!.type === type && !buffers.has(o.results[0]!) && !pooled.has(o.results[0]!));
  if (freshZeros("f64[][]") || wrapped.some((g) => g.type === "f64[][]")) used.add("zerosLike");
  const poolKinds = new Set(pooled.values());
  if (poolKinds.has("f64")) used.add("pooledZeros");
  if (poolKinds.has("floats")) used.add("pooledFloats");
  for (const o of ops) {
    const helper = primitiveOf(o)?.helper;
    if (helper) used.add(helper);
  }
  if (freshZeros("f64[]") || wrapped.some((g) => g.type === "f64[]") || used.has("zerosLike") || used.has("pooledZeros")) used.add("zeroArray");
  return used;
}


/** The imports and declarations the external functions called need. */
export function headersOf(ops: Op[], names: ModuleNames): Set<string> {
  const headers = new Set<string>();
  for (const op of ops) {
    const fn = primitiveOf(op)?.external;
    if (!fn) continue;
    const name = names.external(fn);
    const { source } = fn;
    if (source.kind === "declare") headers.add(source.text);
    else if (source.kind === "import" && source.exported === "default") headers.add(`import ${name} from "${source.module}";`);
    else if (source.kind === "import") headers.add(`import { ${source.exported === name ? name : `${source.exported} as ${name}`} } from "${source.module}";`);
  }
  return headers;
}


/** What a function's pool of Float64Arrays holds: shadows of its own, the snapshots of its checkpointed loops. */
function floatsPooled(pooled: Map<Value, "f64" | "floats">, owner: string): string {
  const floats = [...pooled].filter(([, kind]) => kind === "floats").map(([v]) => v);
  const held = [
    ...(floats.some((v) => !v.def?.pooled) ? [`shadow arrays of ${owner}'s own Float64Arrays`] : []),
    ...(floats.some((v) => v.def?.pooled) ? [`the snapshots and schedules of ${owner}'s checkpointed loops`] : []),
  ].join(" and ");
  return held.charAt(0).toUpperCase() + held.slice(1);
}

/**
 * Shadows of the arrays the function makes (named as adjoints by the forward
 * sweep) and zeros standing in for a missing shadow come from the function's
 * pools: a call takes slots 0, 1, ... in order, so after warm-up every slot
 * has the right length and is only zeroed again. Shadows never outlive the
 * call. Rows (`number[][]`) and arrays that start empty are not pooled. The
 * snapshots of a checkpointed loop (`Op.pooled`) are pooled as well.
 */
function isPooledShadow(op: Op, buffers: Map<Value, string[]>): boolean {
  const v = op.results[0];
  if (!v || (v.type !== "f64[]" && v.type !== "Float64Array")) return false;
  if (op.pooled) return true;
  if (op.kind === "zeros") return !buffers.has(v);
  // An empty array (`[]`) grows by `push`: a pooled one would never have the length asked for.
  const empty = op.operands[0]?.def?.kind === Structural.Const && op.operands[0].def.literal === 0;
  return (op.kind === "alloc" || op.kind === "falloc") && v.nameKind === "adjoint" && !empty;
}

