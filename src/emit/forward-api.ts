/**
 * The forward-mode API functions around a forward-mode IR function's body:
 * `<name>Jvp(...params, tangent)` -> `{ value, tangent }` (the Jacobian-
 * vector product), and `<name>Hvp(...params, v)` -> `{ value, grad, hvp }`
 * with `<name>HvpInto(...params, v, grad, hvp)`, which adds the gradient and
 * the Hessian-vector product into the caller's buffers and returns the value
 * (allocation-free after warm-up, for optimiser loops). The body is printed
 * by printer.ts, as a gradient's is.
 *
 * The vector modes the Jacobian and the Hessian call are module-private:
 * `<name>JvpBlock(...params, tangent0, ..., tangentK)` -> `{ value, tangents }`
 * and `<name>HvpBlockInto(...params, v0, ..., grad, hvp0, ...)`, one tangent
 * (one buffer) per lane.
 */
import { isArray, type Func, type Value } from "../ir/types.js";
import { leavesOf } from "../ir/shape.js";
import { headersOf, planBody, zeroedText, type EmitContext } from "./gradient.js";
import { elementOf, groupAdds, grouped, resultText } from "./records.js";
import type { Helper } from "./helpers.js";
import { accessText } from "./structure.js";

export interface Emitted {
  code: string;
  helpers: Set<Helper>;
  headers: Set<string>;
}

/** The result's leaves' paths in a tuple or object result ([] for one value). */
function valuePathsOf(f: Func): string[][] {
  return f.resultShape && f.resultShape.kind !== "value" ? leavesOf(f.resultShape).map((l) => l.path) : [];
}

/** `<name>Jvp(...params, tangent)`: one forward sweep, returning the value and J·tangent in the result's shape. */
export function emitJvp(f: Func, ctx: EmitContext, lanes?: number): Emitted {
  const tangent = f.signature![f.signature!.length - (lanes ?? 1)]!.name;
  const wrt = [...new Set(f.params.filter((p) => p.path?.[0] === tangent).map((p) => p.path![1]!))];
  const wrtAbout = wrt.length ? `with respect to ${wrt.join(", ")}` : "(it depends on no parameter differentiably)";
  const valuePaths = valuePathsOf(f);
  const k = Math.max(1, valuePaths.length);
  const shape = (texts: string[]) => (valuePaths.length ? resultText(f.resultShape, valuePaths, texts) : texts[0]!);
  const g = planBody(f, ctx, {
    vjp: true, valueCount: k, owner: f.name,
    returnText: (operands, expr) => {
      const texts = operands.map(expr);
      if (lanes === undefined) return [`return { value: ${shape(texts.slice(0, k))}, tangent: ${shape(texts.slice(k))} };`];
      const tangents = Array.from({ length: lanes }, (_, j) => shape(texts.slice(k + j * k, k + (j + 1) * k)));
      return [`return { value: ${shape(texts.slice(0, k))}, tangents: [${tangents.join(", ")}] };`];
    },
  });
  const code = lanes === undefined ? [
    `/**`,
    ` * Value of ${g.where} and its Jacobian-vector product J·tangent ${wrtAbout}, by forward mode:`,
    ` * one sweep with no tape. \`tangent\` has the shape of the gradient; the result's has the value's.`,
    ` */`,
    `export function ${f.name}(${g.params}): { value: ${g.valueType}; tangent: ${g.valueType} } {`,
    ...g.body,
  ] : [
    `/**`,
    ` * Value of ${g.where} and the Jacobian-vector products J·tangent0 ... J·tangent${lanes - 1} ${wrtAbout}, by`,
    ` * forward mode with ${lanes} tangents at once (the Jacobian's block of columns): one sweep, the primal's work shared.`,
    ` */`,
    `function ${f.name}(${g.params}): { value: ${g.valueType}; tangents: ${g.valueType}[] } {`,
    ...g.body,
  ];
  return { code: code.join("\n"), helpers: g.helpers, headers: headersOf(g.ops, ctx.names) };
}

/**
 * `<name>HvpInto(...params, v, grad, hvp)` with the sweeps (the forward
 * sweep of the gradient's code) and `<name>Hvp(...params, v)`, a wrapper
 * making zeroed buffers.
 */
export function emitHvp(f: Func, ctx: EmitContext): Emitted {
  const { g, hvpName, wrt } = hvpBody(f, ctx, 1);
  const into = `${f.name}Into`;
  const vName = f.signature![f.signature!.length - 1]!.name;
  const zeroed = zeroedText(g, wrt);
  const grad = g.gradName;
  const hvp = hvpName[0]!;
  const code = [
    `/** Value, gradient and Hessian-vector product H·${vName} of ${g.where} ${g.about} (forward over reverse). */`,
    `export function ${f.name}(${g.params}): { value: number; grad: ${g.gradType}; hvp: ${g.gradType} } {`,
    `const ${grad}: ${g.gradType} = ${zeroed};`,
    `const ${hvp}: ${g.gradType} = ${zeroed};`,
    `return { value: ${into}(${[...g.localNames, grad, hvp].join(", ")}), ${grad === "grad" ? "grad" : `grad: ${grad}`}, ${hvp === "hvp" ? "hvp" : `hvp: ${hvp}`} };`,
    "}",
    "",
    `/**`,
    ` * Value of ${g.where}; adds its gradient ${g.about} into \`${grad}\` and the Hessian-vector`,
    ` * product H·${vName} into \`${hvp}\` (forward over reverse: the tangent of the gradient's sweeps).`,
    ` */`,
    `export function ${into}(${g.paramsBefore}, ${grad}: ${g.gradType}, ${hvp}: ${g.gradType}): number {`,
    ...g.body,
  ];
  return { code: code.join("\n"), helpers: g.helpers, headers: headersOf(g.ops, ctx.names) };
}

/**
 * `<name>HvpBlockInto(...params, v0, ..., grad, hvp0, ...)`: forward over
 * reverse with one tangent per lane, the Hessian's block of columns; adds the
 * gradient into `grad` and H·v_j into `hvp_j`, returns the value.
 */
export function emitHvpBlock(f: Func, ctx: EmitContext, lanes: number): Emitted {
  const { g, hvpName } = hvpBody(f, ctx, lanes);
  const grad = g.gradName;
  const vs = f.signature!.slice(f.signature!.length - lanes).map((p) => p.name);
  const buffers = hvpName.map((h) => `${h}: ${g.gradType}`).join(", ");
  const code = [
    `/**`,
    ` * Value of ${g.where}; adds its gradient ${g.about} into \`${grad}\` and the Hessian-vector products`,
    ` * H·${vs.join(", H·")} into \`${hvpName.join("`, `")}\`: forward over reverse with ${lanes} tangents at once (the`,
    ` * Hessian's block of columns), the gradient's sweeps shared.`,
    ` */`,
    `function ${f.name}Into(${g.paramsBefore}, ${grad}: ${g.gradType}, ${buffers}): number {`,
    ...g.body,
  ];
  return { code: code.join("\n"), helpers: g.helpers, headers: headersOf(g.ops, ctx.names) };
}

/** The body of an HvpInto with `lanes` tangents: the gradient into the caller's `grad`, lane j's H·v into `hvp_j`. */
function hvpBody(f: Func, ctx: EmitContext, lanes: number) {
  const m = f.resultRoles.filter((r) => r.role === "derivative").length;
  let hvpName: string[] = ["hvp"];
  let gradName = "grad";
  const paths = f.resultRoles.slice(1, 1 + m).map((r) => (r.role === "derivative" ? f.params.find((p) => p.name === r.param)?.path ?? [r.param] : []));
  const wrt = f.resultRoles.slice(1, 1 + m).map((r) => (r.role === "derivative" ? r.param : ""));
  // Leaves of arrays of tuples or objects have shadows of their own, added into the caller's elements at the end (emit/records.ts).
  const elements = wrt.map((name) => elementOf(f.params, name));
  /** The buffer of returned derivative i (after the value): the gradient's, then each lane's. */
  const bufferOf = (i: number) => (i < m ? gradName : hvpName[Math.floor(i / m) - 1]!);
  const g = planBody(f, ctx, {
    vjp: false, valueCount: 1, owner: `${f.name}Into`,
    buffers: (names, returned) => {
      hvpName = lanes === 1 ? [names.fresh("hvp")] : Array.from({ length: lanes }, (_, j) => names.fresh(`hvp${j}`));
      gradName = names.gradName;
      const buffers = new Map<Value, string[]>();
      returned.slice(1).forEach((v, i) => {
        if (isArray(v.type) && v.def?.kind === "zeros" && elements[i % m] === undefined) buffers.set(v, [bufferOf(i), ...paths[i % m]!]);
      });
      return buffers;
    },
    wrapped: (returned) => returned.slice(1),
    returnText: (operands, expr) => {
      const adds = operands.slice(1).flatMap((v, i) => {
        if (isArray(v.type) || (v.def?.kind === "const" && v.def.literal === 0)) return [];
        return [`${accessText([bufferOf(i), ...paths[i % m]!])} += ${expr(v)};`];
      });
      const records = [gradName, ...hvpName].flatMap((buffer, half) => {
        const entries = operands.slice(1 + half * m, 1 + (half + 1) * m).flatMap((v, i) => (elements[i] === undefined ? [] : [{ path: paths[i]!, element: elements[i], text: expr(v) }]));
        return grouped(entries, (group) => groupAdds([buffer, ...group.array], group).join("\n")).texts.flatMap((t) => t.split("\n"));
      });
      return [...adds, ...records, `return ${expr(operands[0]!)};`];
    },
  });
  return { g, hvpName, wrt };
}
