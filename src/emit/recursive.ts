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

export function emitRecursive(unit: RecursiveUnit, ctx: EmitContext): Emitted {
  const f = unit.gradient;
  const name = ctx.names.external(unit.external);
  const g = planBody(f, ctx, {
    vjp: true, valueCount: 1, owner: name, reentrant: true,
    returnText: (operands, expr) => [`return [${operands.map(expr).join(", ")}];`],
  });
  const partials = f.params.filter((p) => p.type === "f64").map((p) => `d/d${p.name}`);
  const code = [
    `/**`,
    ` * Value of ${g.where} and its partial derivatives, [value${partials.map((p) => `, ${p}`).join("")}]:`,
    ` * \`${ctx.primalName}\` is recursive, so its calls call this function rather than being inlined.`,
    ` */`,
    `function ${name}(${g.params}): number[] {`,
    ...g.body,
  ];
  return { code: code.join("\n"), helpers: g.helpers, headers: headersOf(g.ops, ctx.names) };
}

/**
 * The forward mode of a recursive function's `<name>Partials`, for the
 * Hessian-vector products that call it (ad/forward/recursive.ts):
 * `<name>PartialsJvp(...args, ...tangents)` returns `[[value, d/da_1, ...],
 * [their tangents]]`.
 */
export function emitRecursiveTangent(unit: RecursiveUnit, ctx: EmitContext): Emitted {
  const f = unit.tangent!.func;
  const name = ctx.names.external(unit.tangent!.external);
  const half = f.resultTypes.length / 2;
  const g = planBody(f, ctx, {
    vjp: true, valueCount: 1, owner: name, reentrant: true,
    returnText: (operands, expr) => [`return [[${operands.slice(0, half).map(expr).join(", ")}], [${operands.slice(half).map(expr).join(", ")}]];`],
  });
  const code = [
    `/**`,
    ` * ${ctx.names.external(unit.external)} and the tangents of its results, [[value, partials...], [tangents...]], given the`,
    ` * tangents of its number arguments: forward mode over it, for the Hessian-vector products that call it.`,
    ` */`,
    `function ${name}(${g.params}): number[][] {`,
    ...g.body,
  ];
  return { code: code.join("\n"), helpers: g.helpers, headers: headersOf(g.ops, ctx.names) };
}
