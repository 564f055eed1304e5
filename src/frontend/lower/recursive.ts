/**
 * A call of a recursive function (frontend/recursion.ts) is not inlined: it
 * calls the function the generated module defines for it, `<name>Partials`,
 * which returns `[value, d/da_1, ..., d/da_m]` for its m number arguments
 * (compiled once on its own, recursive.ts at the top of src/), and a
 * `partials` op (ad/partials.ts) joins the value to the arguments through
 * those partial derivatives. The call's arguments reach it behind `nograd`:
 * what flows back to them flows through the `partials` op.
 */
import { partialsPrimitive } from "../../ad/partials.js";
import type { ExternalFunction, Primitive } from "../../ir/primitives.js";
import type { Value } from "../../ir/types.js";
import type { Binding } from "../aggregate.js";
import { functionName, type FunctionLike } from "../functions.js";
import { recursiveKey } from "../recursion.js";
import type { Lowerer } from "../lower.js";

/** The function the generated module defines for the recursive `fn`. */
export function recursiveFunction(fn: FunctionLike): ExternalFunction {
  return { key: recursiveKey(fn), hint: `${functionName(fn)}Partials`, source: { kind: "recursive", declaration: fn } };
}

/** The primitive calling `<name>Partials` (one per function, however many calls). */
function partialsCall(lw: Lowerer, fn: FunctionLike): Primitive {
  const external = recursiveFunction(fn);
  let p = lw.externalPrimitives.get(external.key);
  if (!p) {
    p = { name: `call:${external.hint}`, arity: "variadic", resultType: "f64[]", memory: "read", emit: (a) => `${external.hint}(${a.join(", ")})`, external };
    lw.externalPrimitives.set(external.key, p);
  }
  return p;
}

/** `fn(args)` for a recursive `fn`: its value, with its partial derivatives attached. */
export function recursiveCall(lw: Lowerer, fn: FunctionLike, args: Binding[]): Value {
  const b = lw.b;
  const values = args as Value[];
  const numbers = values.filter((v) => v.type === "f64");
  const result = b.prim(partialsCall(lw, fn), values.map((v) => (v.type === "f64" ? b.prim("nograd", [v]) : v)));
  result.name = functionName(fn);
  result.nameKind = "source";
  const value = b.prim("load", [result, b.const(0)]);
  const partials = numbers.map((_, i) => b.prim("load", [result, b.const(i + 1)]));
  const joined = b.prim(partialsPrimitive(numbers.length), [value, ...partials, ...numbers]);
  return joined;
}
