/** The exported functions adgen differentiates, with their parameter types, read with the compiler's front end. */
import type { Type } from "ts-morph";
import { findEntries } from "../frontend/fence.js";
import { loadSource, valueType } from "../frontend/source.js";
import type { InputType } from "./random.js";

export interface Signature {
  name: string;
  parameters: { name: string; type: InputType }[];
}

/** One entry per function that gets a gradient. */
export function readSignatures(sourcePath: string): Signature[] {
  return findEntries(loadSource(sourcePath)).map((fn) => ({
    name: fn.getName() ?? "",
    parameters: fn.getParameters().map((p) => ({ name: p.getName(), type: inputType(p.getType(), p.getTypeNode()?.getText()) })),
  }));
}

/** The compiler's own reading of the type, as a recipe for random inputs. */
function inputType(type: Type, written = type.getText()): InputType {
  const number: InputType = { kind: "number" };
  switch (valueType(type)) {
    case "f64": return number;
    case "bool": return { kind: "boolean" };
    case "Float64Array": return { kind: "float64array" };
    case "f64[]": return { kind: "array", element: number };
    case "f64[][]": return { kind: "array", element: { kind: "array", element: number } };
    default: return { kind: "unsupported", text: written };
  }
}
