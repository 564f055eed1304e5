/**
 * A program shape to source text: module constants, helpers, and the exported
 * entry function, with everything the checker needs to know about the entry
 * and the arguments to try it on.
 */
import type {
  AggregateKind,
  ArrayType,
  EntryShape,
  HelperShape,
  InputShape,
  ParamShape,
  ProgramShape,
  Role,
} from "./shapes.js";
import { aggregateValue, declareAggregate, FIELD_ARGUMENT_BOUND, leaves, typeDeclarations } from "./aggregates.js";
import { fit, LIMIT } from "./domains.js";
import type { Expectation } from "./outcome.js";
import { HELPER_ARGUMENT_BOUND, mathConstants, renderCond, renderExpr, renderLiteral } from "./render-expr.js";
import { indent, renderStatements, returnStatement } from "./render-stmt.js";
import { FunctionScope, type Callable, type Constant, type Variable } from "./scope.js";
import { renderEffectHelper } from "./family-conditions.js";
import { renderModuleConstants, type ModuleConstants } from "./family-constants.js";
import { renderFeatures } from "./family-features.js";
import { renderLarge } from "./family-large.js";
import { ProgramNames, settle } from "./family-names.js";
import { unsupportedConstruct } from "./family-unsupported.js";

export interface Parameter {
  name: string;
  /** An aggregate parameter's type is the name of the program's type (`f_S`). */
  type: "number" | "boolean" | ArrayType | string;
}

/** What the checker needs to know about an exported function. */
export interface EntrySignature {
  name: string;
  params: Parameter[];
  /** The `@wrt` names, when the entry has the tag. */
  wrt?: string[];
  /** Number and array parameters that only steer control flow or are unused: the default `@wrt` leaves them out. */
  leftOut: string[];
}

export interface RenderedProgram {
  text: string;
  entry: EntrySignature;
  inputs: unknown[][];
  /** Checked in a file of its own: its outcome may be a diagnostic. */
  alone?: boolean;
  /** What adgen must do with it instead of (or as well as) differentiating it (outcome.ts). */
  expect?: Expectation;
  /** A long or deep program (family-large.ts), whose compile time is reported. */
  large?: { kind: string; size: number };
}

/**
 * Added to the generated base of each number argument (and, scaled by
 * 1 + j / 4, of element j of an array or number j of an aggregate) so that shrinking (which moves bases
 * to 0) does not land on the literals and ties where kinks are.
 */
const INPUT_OFFSETS = [0.03711, -0.05923, 0.08297, -0.04613];
const offset = (param: number, element = 0): number => INPUT_OFFSETS[param]! * (1 + element / 4);
/** Elements scale offsets by at most 2 (element 4 of an aggregate). */
const PARAMETER_BOUND = 2 + Math.max(...INPUT_OFFSETS.map(Math.abs)) * 2;
/** Parameter i is named `NUMBER_NAMES[i]`, `${NUMBER_NAMES[i]}s` for an array, `flag${i}` for a boolean. */
const NUMBER_NAMES = ["x", "y", "z", "w"];
const HELPER_PARAMETER_NAMES = ["a", "b", "c"];

/**
 * Several programs in one file, entries `f0`, `f1`, ...: one generate() call
 * serves them all. Their module-level names are distinct (`taken`).
 */
export function renderBatch(shapes: ProgramShape[]): RenderedProgram[] {
  const taken = new Set<string>(shapes.map((_, i) => `f${i}`));
  return shapes.map((shape, i) => renderProgram(shape, `f${i}`, taken));
}

/**
 * Renders one program; `name` is the entry's name and prefixes every other
 * module-level name (unless the program chooses names, family-names.ts).
 */
export function renderProgram(shape: ProgramShape, name = "f", taken = new Set<string>([name])): RenderedProgram {
  if (shape.large) return renderLarge(shape.large, name, shape.inputs);
  if (shape.features) return renderFeatures(shape.features, name, shape.inputs);
  const names = shape.names && new ProgramNames(shape.names, name, taken);
  const lines: string[] = [...typeDeclarations(name), ""];
  const types: Record<AggregateKind, string> = { P: `${name}_P`, S: `${name}_S`, N: `${name}_N` };
  const module = shape.moduleConstants
    ? renderModuleConstants(shape.moduleConstants, name)
    : plainConstants(shape.constants, name);
  lines.push(...module.lines);
  const constants = [...module.constants, ...mathConstants];
  const callables: Callable[] = [];
  const scopeFor = (returns: FunctionScope["returns"]) => {
    const scope = new FunctionScope([...callables], constants, returns, types);
    scope.namer = names?.namer;
    return scope;
  };
  const effects = shape.effects ?? [];
  // Helpers with effects and the others alternate, so that either kind may call the other.
  for (let i = 0; i < Math.max(shape.helpers.length, effects.length); i++) {
    const [helper, effect] = [shape.helpers[i], effects[i]];
    if (effect) {
      const helperName = names?.helper(`${name}_e${i}`) ?? `${name}_e${i}`;
      const rendered = renderEffectHelper(effect, helperName, scopeFor(effect.returns), names);
      lines.push("", ...settleLines(rendered.lines));
      callables.push(rendered.callable);
    }
    if (helper) {
      const prefix = { number: "h", boolean: "is", tuple: "t", void: "u" }[helper.returns];
      const helperName = names?.helper(`${name}_${prefix}${i}`) ?? `${name}_${prefix}${i}`;
      const rendered = renderHelper(helper, helperName, scopeFor(helper.returns), names);
      lines.push("", ...rendered.lines);
      callables.push(rendered.callable);
    }
  }
  const scope = scopeFor("number");
  const params = entryParams(shape.entry.params, name, (fallback) => names?.parameter(fallback, scope) ?? fallback);
  const construct = shape.unsupported && unsupportedConstruct(shape.unsupported, params, name);
  const prologue = [...module.prologue(params), ...(construct?.lines ?? [])];
  const entry = renderEntry(shape.entry, name, params, scope, prologue);
  if (construct && construct.module.length > 0) lines.push("", ...construct.module);
  lines.push("", ...entry.lines);
  const inputs = shape.inputs.map((input) => params.map((p, i) => argument(p, i, input)));
  const text = lines.join("\n").trimStart() + "\n";
  // Where a diagnostic must point is found in the final text (outcome.ts markers).
  const expect = (construct?.expect ?? module.expect)?.(text);
  return { text, entry: entry.signature, inputs, ...(expect && { alone: true, expect }) };
}

/** `const f_K0 = 1.5;`: the base family's module constants. */
function plainConstants(hundredths: number[], name: string): ModuleConstants {
  const lines: string[] = [];
  const constants = hundredths.map((h, i): Constant => {
    const constant = `${name}_K${i}`;
    lines.push(`const ${constant} = ${renderLiteral({ hundredths: h, notation: 0 }).text};`);
    return { text: constant, bound: Math.abs(h) / 100, literal: true };
  });
  return { lines, constants, prologue: () => [] };
}

/**
 * A helper: number parameters `a, b, c`, the last a tuple `P` when the shape
 * says so (not for predicates); a `void` helper takes an object `S` first
 * (`s`), writes into it, and ends by fitting every field that could have
 * grown past LIMIT, so that callers know its fields' bounds.
 */
function renderHelper(
  shape: HelperShape,
  name: string,
  scope: FunctionScope,
  names?: ProgramNames,
): { lines: string[]; callable: Callable } {
  const tupleParam = shape.tupleParam && shape.returns !== "boolean" && shape.returns !== "void";
  const rename = (fallback: string) => names?.parameter(fallback, scope) ?? fallback;
  const object =
    shape.returns === "void" ? declareAggregate(scope, rename("s"), "S", [FIELD_ARGUMENT_BOUND], true) : undefined;
  const params = HELPER_PARAMETER_NAMES.slice(0, shape.arity).map((p, i) => ({
    name: rename(p),
    type: tupleParam && i === shape.arity - 1 ? scope.types.P : "number",
  }));
  for (const p of params) {
    if (p.type !== "number") {
      declareAggregate(scope, p.name, "P", [HELPER_ARGUMENT_BOUND], false);
      continue;
    }
    scope.declare({
      name: p.name,
      type: "number",
      bound: HELPER_ARGUMENT_BOUND,
      assignable: true,
      conditionOnly: false,
      readable: true,
    });
  }
  const body = renderStatements(shape.body, scope);
  const severalReturns = body.lines.some((line) => /\breturn\b/.test(line));
  if (object) body.lines.push(...leaves(object).flatMap((v) => fitField(v, scope)));
  else if (!body.returns) {
    body.lines.push(
      shape.returns === "boolean"
        ? `return ${renderCond(shape.resultTest, scope).text};`
        : returnStatement(renderExpr(shape.result, scope, false), scope),
    );
  }
  const signature = [...(object ? [`${object.name}: ${scope.types.S}`] : []), ...params.map((p) => `${p.name}: ${p.type}`)];
  const returns = shape.returns === "tuple" ? scope.types.P : shape.returns;
  return {
    lines: settleLines([`function ${name}(${signature.join(", ")}): ${returns} {`, ...indent(body.lines), "}"]),
    callable: {
      name,
      returns: shape.returns,
      arity: params.length + (object ? 1 : 0),
      resultBound: scope.resultBound,
      tupleParam,
      severalReturns,
      ...(object && { fieldBounds: leaves(object).map((v) => v.bound) }),
    },
  };
}

/** `s.p = fit(s.p)` (every element, for an array) when a field's bound exceeds LIMIT. */
function fitField(v: Variable, scope: FunctionScope): string[] {
  if (v.bound <= LIMIT) return [];
  const places = v.array ? Array.from({ length: v.array.length }, (_, i) => `${v.name}[${i}]`) : [v.name];
  const lines = places.map((place) => {
    const fitted = fit({ text: place, atomic: true, bound: v.bound }, LIMIT, scope);
    return { line: `${place} = ${fitted.text};`, bound: fitted.bound };
  });
  v.bound = Math.max(...lines.map((l) => l.bound));
  return lines.map((l) => l.line);
}

type EntryParam = Parameter & { role?: Role; length?: number; aggregate?: AggregateKind };

/** Names the parameters (`rename` may choose other names); the first becomes a number parameter in values when no other is. */
function entryParams(shapes: ParamShape[], name: string, rename: (fallback: string) => string): EntryParam[] {
  const hasValue = shapes.some((p) => p.type === "number" && p.role === "value");
  return shapes.map((p, i) => {
    const shape: ParamShape = i === 0 && !hasValue ? { type: "number", role: "value" } : p;
    if (shape.type === "boolean") return { name: rename(`flag${i}`), type: "boolean" };
    if (shape.type === "number") return { name: rename(NUMBER_NAMES[i]!), type: "number", role: shape.role };
    if (shape.type === "aggregate") {
      return { name: rename(`m${i}`), type: `${name}_${shape.aggregate}`, aggregate: shape.aggregate };
    }
    return { name: rename(`${NUMBER_NAMES[i]}s`), type: shape.arrayType, role: shape.role, length: shape.length };
  });
}

/** A function's lines with placeholder parameter names settled (family-names.ts). */
const settleLines = (lines: string[]): string[] => settle(lines.join("\n")).split("\n");

function argument(p: EntryParam, i: number, { numbers, flags, arrays, aggregates }: InputShape): unknown {
  if (p.type === "boolean") return flags[i]!;
  if (p.aggregate) return aggregateValue(p.aggregate, aggregates[i]!.map((base, j) => base + offset(i, j)));
  if (p.type === "number") return numbers[i]! + offset(i);
  const values = arrays[i]!.slice(0, p.length).map((base, j) => base + offset(i, j));
  return p.type === "Float64Array" ? Float64Array.from(values) : values;
}

function renderEntry(
  shape: EntryShape,
  name: string,
  params: EntryParam[],
  scope: FunctionScope,
  prologue: string[],
): { lines: string[]; signature: EntrySignature } {
  for (const p of params) {
    if (p.role === "unused") continue;
    if (p.aggregate) {
      // An exported function may not write into its parameters' fields either.
      declareAggregate(scope, p.name, p.aggregate, [PARAMETER_BOUND], false);
      continue;
    }
    const array = p.length && { type: p.type as ArrayType, length: p.length, maxLength: p.length, iterated: false };
    scope.declare({
      name: p.name,
      type: array ? "array" : (p.type as "number" | "boolean"),
      bound: PARAMETER_BOUND,
      // An exported function may not write into its array parameters.
      assignable: p.role === "value" && !array,
      conditionOnly: p.role === "condition",
      readable: true,
      ...(array && { array }),
    });
  }
  const body = renderStatements(shape.body, scope);
  body.lines.unshift(...prologue);
  if (!body.returns) body.lines.push(returnStatement(renderExpr(shape.result, scope, false), scope));
  const numbers = params.filter((p) => p.type === "number");
  const chosen = shape.wrt && numbers.filter((_, i) => shape.wrt![i]).map((p) => p.name);
  const wrt = chosen && (chosen.length > 0 ? chosen : [numbers[0]!.name]);
  const signature = params.map((p) => `${p.name}: ${p.type}`).join(", ");
  const raw = [
    ...(wrt ? [`/** @wrt ${wrt.join(", ")} */`] : []),
    `export function ${name}(${signature}): number {`,
    ...indent(body.lines),
    "}",
  ];
  const lines = settleLines(raw);
  // The names the placeholders settle on in this function.
  const settled = (p: string) => settle(`${p} ${raw.join("\n")}`).split(" ")[0]!;
  return {
    lines,
    signature: {
      name,
      params: params.map(({ name, type }) => ({ name: settled(name), type })),
      ...(wrt && { wrt: wrt.map(settled) }),
      leftOut: params.filter((p) => p.role !== undefined && p.role !== "value").map((p) => settled(p.name)),
    },
  };
}
