/** How IR types are spelled in TypeScript. */
import type { Type } from "../ir/types.js";

const typeNames: Record<Type, string> = {
  f64: "number",
  bool: "boolean",
  "f64[]": "number[]",
  Float64Array: "Float64Array",
  "f64[][]": "number[][]",
};
export const tsType = (t: Type): string => typeNames[t];
