/**
 * A program shape to source text: module constants, helpers, and the exported
 * entry function, with everything the checker needs to know about the entry
 * and the arguments to try it on.
 */
import type { ArrayType, EntryShape, HelperShape, InputShape, ParamShape, ProgramShape, Role } from "./shapes.js";
import { HELPER_ARGUMENT_BOUND, mathConstants, renderCond, renderExpr, renderLiteral } from "./render-expr.js";
import { indent, renderStatements, returnStatement } from "./render-stmt.js";
import { FunctionScope, type Callable, type Constant } from "./scope.js";

export interface Parameter {
  name: string;
  type: "number" | "boolean" | ArrayType;
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
}

/**
 * Added to the generated base of each number argument (and, scaled by
 * 1 + j / 4, of element j of an array) so that shrinking (which moves bases
 * to 0) does not land on the literals and ties where kinks are.
 */
const INPUT_OFFSETS = [0.03711, -0.05923, 0.08297, -0.04613];
const offset = (param: number, element = 0): number => INPUT_OFFSETS[param]! * (1 + element / 4);
const PARAMETER_BOUND = 2 + Math.max(...INPUT_OFFSETS.map(Math.abs)) * 1.5;
/** Parameter i is named `NUMBER_NAMES[i]`, `${NUMBER_NAMES[i]}s` for an array, `flag${i}` for a boolean. */
const NUMBER_NAMES = ["x", "y", "z", "w"];
const HELPER_PARAMETER_NAMES = ["a", "b", "c"];

/** Several programs in one file, entries `f0`, `f1`, ...: one generate() call serves them all. */
export function renderBatch(shapes: ProgramShape[]): RenderedProgram[] {
  return shapes.map((shape, i) => renderProgram(shape, `f${i}`));
}

/** Renders one program; `name` is the entry's name and prefixes every other module-level name. */
export function renderProgram(shape: ProgramShape, name = "f"): RenderedProgram {
  const lines: string[] = [];
  const moduleConstants = shape.constants.map((hundredths, i): Constant => {
    const constant = `${name}_K${i}`;
    lines.push(`const ${constant} = ${renderLiteral({ hundredths, notation: 0 }).text};`);
    return { text: constant, bound: Math.abs(hundredths) / 100, literal: true };
  });
  const constants = [...moduleConstants, ...mathConstants];
  const callables: Callable[] = [];
  shape.helpers.forEach((helper, i) => {
    const helperName = `${name}_${helper.returns === "number" ? "h" : "is"}${i}`;
    const rendered = renderHelper(helper, helperName, new FunctionScope([...callables], constants, helper.returns));
    lines.push("", ...rendered.lines);
    callables.push(rendered.callable);
  });
  const params = entryParams(shape.entry.params);
  const entry = renderEntry(shape.entry, name, params, new FunctionScope(callables, constants, "number"));
  lines.push("", ...entry.lines);
  const inputs = shape.inputs.map((input) => params.map((p, i) => argument(p, i, input)));
  return { text: lines.join("\n").trimStart() + "\n", entry: entry.signature, inputs };
}

function renderHelper(shape: HelperShape, name: string, scope: FunctionScope): { lines: string[]; callable: Callable } {
  const params = HELPER_PARAMETER_NAMES.slice(0, shape.arity);
  for (const p of params) {
    scope.declare({
      name: p,
      type: "number",
      bound: HELPER_ARGUMENT_BOUND,
      assignable: true,
      conditionOnly: false,
      readable: true,
    });
  }
  const body = renderStatements(shape.body, scope);
  if (!body.returns) {
    body.lines.push(
      shape.returns === "number"
        ? returnStatement(renderExpr(shape.result, scope, false), scope)
        : `return ${renderCond(shape.resultTest, scope).text};`,
    );
  }
  const signature = params.map((p) => `${p}: number`).join(", ");
  return {
    lines: [`function ${name}(${signature}): ${shape.returns} {`, ...indent(body.lines), "}"],
    callable: { name, returns: shape.returns, arity: params.length, resultBound: scope.resultBound },
  };
}

type EntryParam = Parameter & { role?: Role; length?: number };

/** Names the parameters; the first becomes a number parameter in values when no other is. */
function entryParams(shapes: ParamShape[]): EntryParam[] {
  const hasValue = shapes.some((p) => p.type === "number" && p.role === "value");
  return shapes.map((p, i) => {
    const shape: ParamShape = i === 0 && !hasValue ? { type: "number", role: "value" } : p;
    if (shape.type === "boolean") return { name: `flag${i}`, type: "boolean" };
    if (shape.type === "number") return { name: NUMBER_NAMES[i]!, type: "number", role: shape.role };
    return { name: `${NUMBER_NAMES[i]}s`, type: shape.arrayType, role: shape.role, length: shape.length };
  });
}

function argument(p: EntryParam, i: number, { numbers, flags, arrays }: InputShape): unknown {
  if (p.type === "boolean") return flags[i]!;
  if (p.type === "number") return numbers[i]! + offset(i);
  const values = arrays[i]!.slice(0, p.length).map((base, j) => base + offset(i, j));
  return p.type === "Float64Array" ? Float64Array.from(values) : values;
}

function renderEntry(
  shape: EntryShape,
  name: string,
  params: EntryParam[],
  scope: FunctionScope,
): { lines: string[]; signature: EntrySignature } {
  for (const p of params) {
    if (p.role === "unused") continue;
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
  if (!body.returns) body.lines.push(returnStatement(renderExpr(shape.result, scope, false), scope));
  const numbers = params.filter((p) => p.type === "number");
  const chosen = shape.wrt && numbers.filter((_, i) => shape.wrt![i]).map((p) => p.name);
  const wrt = chosen && (chosen.length > 0 ? chosen : [numbers[0]!.name]);
  const signature = params.map((p) => `${p.name}: ${p.type}`).join(", ");
  return {
    lines: [
      ...(wrt ? [`/** @wrt ${wrt.join(", ")} */`] : []),
      `export function ${name}(${signature}): number {`,
      ...indent(body.lines),
      "}",
    ],
    signature: {
      name,
      params: params.map(({ name, type }) => ({ name, type })),
      ...(wrt && { wrt }),
      leftOut: params.filter((p) => p.role !== undefined && p.role !== "value").map((p) => p.name),
    },
  };
}
