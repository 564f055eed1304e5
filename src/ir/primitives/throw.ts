/**
 * `throw new RangeError("...")`: an effect that ends the function where the
 * source's does. A path that throws has no derivative, so its reverse rule
 * does nothing; the gradient's forward sweep throws at the same point, with
 * the same error.
 */
import type { Primitive } from "../primitives.js";

/** The error classes a `throw` may make. */
export const ERROR_CLASSES: ReadonlySet<string> = new Set(["Error", "RangeError", "TypeError"]);

/**
 * The primitive throwing `new errorClass(message)` (no message: `new
 * errorClass()`). A template message (`bad label ${label}`) is its raw
 * pieces around the numbers substituted, which are the op's operands.
 */
export function throwPrimitive(errorClass: string, message: string | { pieces: string[] } | undefined): Primitive {
  const argument = (values: string[]) => message === undefined ? ""
    : typeof message === "string" ? JSON.stringify(message)
      : `\`${message.pieces.map((piece, i) => (i === 0 ? piece : `\${${values[i - 1]}}${piece}`)).join("")}\``;
  const text = (values: string[]) => `throw new ${errorClass}(${argument(values)});`;
  return {
    name: "throw", arity: typeof message === "object" ? message.pieces.length - 1 : 0, resultType: "f64", memory: "write",
    emit: text, statement: text,
    reverse: () => [], shadow: () => undefined, tangentMemory: () => undefined,
  };
}
