/**
 * A recursive function compiled on its own (src/recursive.ts) as a function
 * of the generated module, not exported: `<name>Partials(...args)` returns
 * `[value, d/da_1, ..., d/da_m]`, one partial derivative per number
 * parameter, and every call of the function in the module's code calls it.
 * It may run again inside its own forward sweep, so its tapes are its own
 * arrays (`reentrant`).
 */
import type { RecursiveUnit } from "../recursive.js";
import { headersOf, planBody, type EmitContext } from "./gradient.js";
import type { Emitted } from "./forward-api.js";
import type { Func } from "../ir/types.js";

export function emitRecursive(unit: RecursiveUnit, ctx: EmitContext): Emitted {
  const partials = unit.gradient.params.filter((p) => p.type === "f64").map((p) => `d/d${p.name}`);
  return emitUnitFunction(unit.gradient, ctx.names.external(unit.external), ctx, "number[]", (operands) => `[${operands.join(", ")}]`, (where) => [
    ` * Value of ${where} and its partial derivatives, [value${partials.map((p) => `, ${p}`).join("")}]:`,
    ` * \`${ctx.primalName}\` is recursive, so its calls call this function rather than being inlined.`,
  ]);
}

/**
 * The forward mode of a recursive function's `<name>Partials`, for the
 * Hessian-vector products that call it (ad/forward/recursive.ts):
 * `<name>PartialsJvp(...args, ...tangents)` returns `[[value, d/da_1, ...],
 * [their tangents]]`.
 */
export function emitRecursiveTangent(unit: RecursiveUnit, ctx: EmitContext): Emitted {
  const f = unit.tangent!.func;
  const half = f.resultTypes.length / 2;
  return emitUnitFunction(f, ctx.names.external(unit.tangent!.external), ctx, "number[][]",
    (operands) => `[[${operands.slice(0, half).join(", ")}], [${operands.slice(half).join(", ")}]]`, () => [
      ` * ${ctx.names.external(unit.external)} and the tangents of its results, [[value, partials...], [tangents...]], given the`,
      ` * tangents of its number arguments: forward mode over it, for the Hessian-vector products that call it.`,
    ]);
}

/** A function of the module (not exported) from `f`, returning `result` of its results' texts, with the doc lines `doc` gives. */
function emitUnitFunction(f: Func, name: string, ctx: EmitContext, resultType: string, result: (operands: string[]) => string,
  doc: (where: string) => string[]): Emitted {
  const g = planBody(f, ctx, {
    vjp: true, valueCount: 1, owner: name, reentrant: true,
    returnText: (operands, expr) => [`return ${result(operands.map(expr))};`],
  });
  const code = [`/**`, ...doc(g.where), ` */`, `function ${name}(${g.params}): ${resultType} {`, ...g.body];
  return { code: code.join("\n"), helpers: g.helpers, headers: headersOf(g.ops, ctx.names) };
}
