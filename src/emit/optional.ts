/**
 * Optional parameters without a default (`k?: number`) at the API's
 * boundary: how the parameter is declared, and how the body reads whether it
 * was passed and its value (a placeholder when it was not, which the body
 * never reads then).
 */
import type { SourceParam, Type } from "../ir/types.js";

/** What an optional parameter's value leaf holds when the caller leaves it out. */
function absentText(type: Type): string {
  switch (type) {
    case "bool": return "false";
    case "Float64Array": return "new Float64Array(0)";
    case "f64[]":
    case "f64[][]": return "[]";
    default: return "0";
  }
}

/** An optional parameter's leaf read from the argument `text`: whether it was passed, or its value. */
export function optionalLeafText(part: "present" | "value", type: Type, text: string): string {
  return part === "present" ? `${text} !== undefined` : `(${text} ?? ${absentText(type)})`;
}

/**
 * A parameter list: `k?: number` for an optional parameter that only
 * optional or defaulted ones follow, `k: number | undefined` where a
 * required one does (`more`: the list goes on with required parameters, as
 * `GradInto`'s `grad`).
 */
export function parameterListText(sig: SourceParam[], locals: string[], more = false): string {
  const required = sig.map((p) => !p.optional && p.defaultText === undefined);
  return sig.map((p, i) => {
    const defaulted = p.defaultText !== undefined ? ` = ${p.defaultText}` : "";
    if (!p.optional) return `${locals[i]}: ${p.typeText}${defaulted}`;
    const trailing = !more && !required.slice(i + 1).some(Boolean);
    return trailing ? `${locals[i]}?: ${p.typeText}` : `${locals[i]}: ${p.typeText} | undefined`;
  }).join(", ");
}
