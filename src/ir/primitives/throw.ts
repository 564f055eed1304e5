/**
 * `throw new RangeError("...")`: an effect that ends the function where the
 * source's does. A path that throws has no derivative, so its reverse rule
 * does nothing; the gradient's forward sweep throws at the same point, with
 * the same error.
 */
import type { Primitive } from "../primitives.js";

/** The error classes a `throw` may make. */
export const ERROR_CLASSES: ReadonlySet<string> = new Set(["Error", "RangeError", "TypeError"]);

/** The primitive throwing `new errorClass(message)` (no message: `new errorClass()`). */
export function throwPrimitive(errorClass: string, message: string | undefined): Primitive {
  const text = `throw new ${errorClass}(${message === undefined ? "" : JSON.stringify(message)});`;
  return {
    name: "throw", arity: 0, resultType: "f64", memory: "write",
    emit: () => text, statement: () => text,
    reverse: () => [], shadow: () => undefined, tangentMemory: () => undefined,
  };
}
