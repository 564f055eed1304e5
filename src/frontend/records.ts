/**
 * Arrays of tuples and objects (`Point[]`, `[number, number][]`,
 * `readonly { time: number; value: number }[]`): their shape, and the
 * questions the subset check and lowering ask of them. Such an array exists
 * only in the frontend, as one array per leaf of its element (structure of
 * arrays: `points` is `points.x: number[]` and `points.y: number[]`, one
 * length); an element read is the tuple or object of the leaves' reads.
 */
import type { Type as TsType } from "ts-morph";
import { Codes, type Diagnostic } from "../diagnostics.js";
import type { Func } from "../ir/types.js";
import { functionName, type FunctionLike } from "./functions.js";
import { diagnosticAt } from "./source.js";
import { leavesOf, type AggregateShape } from "../ir/shape.js";
import type { Shape } from "../ir/types.js";

export type RecordsShape = Extract<Shape, { kind: "records" }>;

/** The element type of `T[]`, `readonly T[]`, `Array<T>` or `ReadonlyArray<T>`. */
function elementType(t: TsType): TsType | undefined {
  if (t.isArray()) return t.getArrayElementType();
  const name = t.getSymbol()?.getName();
  if (name === "ReadonlyArray" || name === "Array") return t.getTypeArguments()[0];
  return undefined;
}

/** Whether `t` is spelled readonly (`readonly T[]`, `ReadonlyArray<T>`). */
function isReadonly(t: TsType): boolean {
  return t.getSymbol()?.getName() === "ReadonlyArray";
}

/**
 * The shape of an array whose elements are tuples or objects of numbers
 * (nested ones too), given how to shape the element type; undefined for
 * anything else (an array of numbers is a value, not records).
 */
export function recordsShape(t: TsType, shapeOfElement: (element: TsType) => Shape | undefined): RecordsShape | undefined {
  const element = elementType(t);
  if (!element) return undefined;
  const shape = shapeOfElement(element);
  if (!shape || shape.kind === "value" || shape.kind === "records") return undefined;
  if (!leavesOf(shape).every((l) => l.type === "f64")) return undefined;
  return { kind: "records", element: shape, readonly: isReadonly(t) };
}

export function isRecords(s: Shape | undefined): s is RecordsShape {
  return s?.kind === "records";
}

/** The element's shape of an array of records. */
export function elementOf(s: RecordsShape): AggregateShape {
  return s.element;
}

/** The array methods lowered over arrays of tuples and objects (frontend/lower/records.ts). */
export const recordsMethods = new Set(["map", "forEach", "reduce", "reduceRight", "filter", "some", "every", "findIndex", "slice", "push"]);

/** Why a method is not lowered over an array of tuples or objects, and what to write instead. */
export function recordsMethodProblem(method: string): string | undefined {
  if (recordsMethods.has(method)) return undefined;
  const instead = method === "indexOf" || method === "includes" ? "compare the fields in a loop or with findIndex" : "write the loop over the elements";
  return `'${method}' is not supported on an array of tuples or objects; ${instead} (supported there are ${[...recordsMethods].join(", ")})`;
}

/**
 * For a type that is an array (or an array of arrays) of tuples or objects
 * outside the subset: what its elements may be, for ADG1003; else undefined.
 */
export function recordsAdvice(t: TsType): string | undefined {
  let element = elementType(t);
  let depth = 1;
  while (element && elementType(element)) {
    element = elementType(element);
    depth++;
  }
  if (!element || !(element.isObject() || element.isTuple()) || element.getCallSignatures().length) return undefined;
  if (depth > 1) return "an array of arrays of tuples or objects is not supported; pass one array of tuples or objects per row, or flatten the rows into one";
  return "an array's tuples or objects may have only number fields (nested tuples and objects of numbers too), each required: no optional fields, booleans or arrays in them";
}



/**
 * The Jacobian and the Hessian are loops over the coordinates of the
 * parameters' leaves (emit/dense.ts), which do not yet walk the elements of
 * an array of tuples or objects: asking for them is one diagnostic on the
 * parameter (the gradient, Jvp and Hvp are generated).
 */
export function denseDiagnostics(displayPath: string, fn: FunctionLike, primal: Func, asked: readonly string[]): Diagnostic[] {
  const dense = asked.filter((k) => k === "jacobian" || k === "hessian");
  if (dense.length === 0) return [];
  const names = new Set(primal.params.filter((p) => p.element !== undefined).map((p) => p.path![0]!));
  if (primal.resultShape && JSON.stringify(primal.resultShape).includes('"records"')) {
    return [diagnosticAt(displayPath, fn.getReturnTypeNode() ?? fn, Codes.BadDerivatives,
      `the ${dense.join(" and ")} of '${functionName(fn)}', which returns an array of tuples or objects, are not supported yet; ask for grad and jvp ('@derivatives grad, jvp')`)];
  }
  return fn.getParameters().filter((p) => names.has(p.getName())).map((p) => diagnosticAt(displayPath, p, Codes.BadDerivatives,
    `the ${dense.join(" and ")} of '${functionName(fn)}', which takes an array of tuples or objects ('${p.getName()}'), are not supported yet; ask for grad, jvp or hvp ('@derivatives grad, jvp, hvp'), or pass the fields as number arrays`));
}
