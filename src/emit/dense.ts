/**
 * Dense derivatives as loops over the generated products (no IR of their
 * own): `<name>Jacobian(...params)` -> `{ value, jacobian }` and
 * `<name>Hessian(...params)` -> `{ value, grad, hessian }`, with the order of
 * their rows and columns exported as constants (`<name>JacobianRows`,
 * `<name>JacobianColumns`, `<name>HessianLeaves`).
 *
 * Coordinates are the numbers of the leaves in order: a number is one, an
 * array each of its elements, rows each element row by row.
 *
 * - The Jacobian: the first Jvp (tangent: the first unit vector) gives the
 *   value and so the number of outputs m; with n inputs, when n <= m the
 *   other n - 1 columns come by Jvp (forward mode, n sweeps in all), else
 *   the m rows by the VJP (reverse mode, m sweeps after the first).
 * - The Hessian: one Hvp per coordinate (the Hessian's column for that unit
 *   vector, its row too by symmetry), into buffers made once; the first
 *   call's gradient is the one returned.
 */
import { leavesOf, shapeText } from "../ir/shape.js";
import { terminator } from "../ir/walk.js";
import type { SourceParam, Type } from "../ir/types.js";
import type { Compiled } from "../derivatives.js";
import type { EmitContext } from "./gradient.js";
import type { Emitted } from "./forward-api.js";
import type { Helper, ModuleIdentifiers } from "./helpers.js";
import { Names } from "./names.js";
import { zerosText } from "./printer.js";
import { accessText, nestedText } from "./structure.js";
import { tsType } from "./ts-types.js";

interface Leaf {
  path: string[];
  type: Type;
}

/** The top-level names a function's dense derivatives define. */
export function denseNames(c: Compiled): string[] {
  const name = c.primal.name;
  return [
    ...(c.asked?.includes("jacobian") ? [`${name}Jacobian`, `${name}JacobianRows`, `${name}JacobianColumns`] : []),
    ...(c.asked?.includes("hessian") ? [`${name}Hessian`, `${name}HessianLeaves`] : []),
  ];
}

/** The differentiated leaves (paths from the source parameter), in the gradient's order. */
function inputLeaves(c: Compiled): Leaf[] {
  return c.gradient.resultRoles.flatMap((r) => {
    if (r.role !== "derivative") return [];
    const p = c.primal.params.find((q) => q.name === r.param)!;
    return [{ path: p.path ?? [p.name], type: p.type }];
  });
}

/** The result's leaves that carry derivatives (booleans do not), paths from the value. */
function outputLeaves(c: Compiled): Leaf[] {
  const shape = c.primal.resultShape;
  const leaves = shape ? leavesOf(shape) : [{ path: [], type: c.primal.resultTypes[0]! }];
  return leaves.filter((l) => l.type !== "bool");
}

/** How a leaf is named in the order constants: `x`, `model.w`, `value[1]`. */
const leafName = (root: string, l: Leaf) => accessText([root, ...l.path]);

/** The count of coordinates of leaves under `root`: `x.length + 1`. */
function countText(root: string, leaves: Leaf[], L: Locals): string {
  const terms = leaves.map((l) => {
    const at = accessText([root, ...l.path]);
    if (l.type === "f64") return "1";
    return l.type === "f64[][]" ? `${at}.reduce((${L.s}, ${L.row}) => ${L.s} + ${L.row}.length, 0)` : `${at}.length`;
  });
  return terms.length ? terms.join(" + ") : "0";
}

/** The coordinates of leaves under `root` as one row: `[...x, b]`. */
function flatText(root: string, leaves: Leaf[]): string {
  return `[${leaves.map((l) => {
    const at = accessText([root, ...l.path]);
    return l.type === "f64" ? at : l.type === "f64[][]" ? `...${at}.flat()` : `...${at}`;
  }).join(", ")}]`;
}

/** Zeros in the shape of leaves read from `source` (the arguments, or a value). */
function zerosOf(source: string, allLeaves: { path: string[]; type: Type }[], ids: ModuleIdentifiers, helpers: Set<Helper>): string {
  const text = (l: { path: string[]; type: Type }) => {
    if (l.type === "bool") return "false";
    if (l.type === "f64") return "0";
    helpers.add("zeroArray");
    if (l.type === "f64[][]") helpers.add("zerosLike");
    return zerosText(l.type, accessText([source, ...l.path]), ids);
  };
  if (allLeaves.length === 1 && allLeaves[0]!.path.length === 0) return text(allLeaves[0]!);
  return nestedText(allLeaves.map((l) => l.path), allLeaves.map(text), ",");
}

/** Zeros in the shape of the gradient: `{ x: zeroArray(x.length), b: 0 }`. */
function zerosOfInputs(inputs: Leaf[], local: (path: string[]) => string, ids: ModuleIdentifiers, helpers: Set<Helper>): string {
  return nestedText(inputs.map((l) => l.path), inputs.map((l) => {
    if (l.type === "f64") return "0";
    helpers.add("zeroArray");
    if (l.type === "f64[][]") helpers.add("zerosLike");
    return zerosText(l.type, local(l.path), ids);
  }), ",");
}

/** A closure `name(k, to)` setting coordinate k of the leaves under `root` to `to`. */
function unitClosure(name: string, root: string, leaves: Leaf[], L: Locals): string[] {
  const { k, to, row } = L;
  const lines = [`const ${name} = (${k}: number, ${to}: number): void => {`];
  leaves.forEach((l, i) => {
    const at = accessText([root, ...l.path]);
    // Past the last leaf there is nothing to count down to.
    const last = i === leaves.length - 1;
    if (l.type === "f64") lines.push(`if (${k} === 0) {`, `${at} = ${to};`, `return;`, `}`, ...(last ? [] : [`${k} -= 1;`]));
    else if (l.type === "f64[][]") lines.push(`for (const ${row} of ${at}) {`, `if (${k} < ${row}.length) {`, `${row}[${k}] = ${to};`, `return;`, `}`, `${k} -= ${row}.length;`, `}`);
    else lines.push(`if (${k} < ${at}.length) {`, `${at}[${k}] = ${to};`, `return;`, `}`, ...(last ? [] : [`${k} -= ${at}.length;`]));
  });
  lines.push(`};`);
  return lines;
}

/** The names of the dense functions' inner variables, each free of the parameters' and the module's names. */
interface Locals {
  k: string;
  i: string;
  to: string;
  row: string;
  s: string;
  column: string;
}

function localsOf(names: Names): Locals {
  const [k, i, to, row, s, column] = ["k", "i", "to", "row", "s", "column"].map((h) => names.fresh(h)) as [string, string, string, string, string, string];
  return { k, i, to, row, s, column };
}

/** Whether the Jvp's one result tangent is a number[] it allocates itself (not an argument's array). */
function freshArrayResult(c: Compiled): boolean {
  const ret = c.jvp && terminator(c.jvp.body);
  const tangents = ret?.operands.slice(ret.operands.length / 2) ?? [];
  const kind = tangents[0]?.def?.kind;
  return tangents.length === 1 && tangents[0]!.type === "f64[]" && (kind === "alloc" || kind === "empty");
}

/** The source parameters as the dense functions declare them, and their local names. */
function signatureOf(c: Compiled, names: Names): { params: string; locals: string[]; local: (path: string[]) => string } {
  const sig: SourceParam[] = c.primal.signature ?? c.primal.params.map((p) => ({ name: p.name, typeText: p.typeText }));
  const locals = sig.map((p) => names.own(p.name));
  const byName = new Map(sig.map((p, i) => [p.name, locals[i]!]));
  return {
    params: sig.map((p, i) => `${locals[i]}: ${p.typeText}${p.defaultText !== undefined ? ` = ${p.defaultText}` : ""}`).join(", "),
    locals,
    local: (path) => accessText([byName.get(path[0]!)!, ...path.slice(1)]),
  };
}

const where = (c: Compiled, ctx: EmitContext) => `\`${c.primal.name}\` (${ctx.sourceFile}:${c.primal.loc?.line ?? 1})`;

/** The constants naming the leaves, in order. */
function orderConstant(name: string, about: string, leaves: string[]): string[] {
  return [`/** ${about} */`, `export const ${name} = [${leaves.map((l) => JSON.stringify(l)).join(", ")}] as const;`, ""];
}

export function emitJacobian(c: Compiled, ctx: EmitContext): Emitted {
  const name = c.primal.name;
  const names = new Names(ctx.names.all());
  const sig = signatureOf(c, names);
  const [tangent, first, columns, seed, rows, n, m, setTangent, setSeed, jvp, vjp] =
    ["tangent", "first", "columns", "seed", "rows", "n", "m", "setTangent", "setSeed", "jvp", "vjp"].map((h) => names.fresh(h)) as [string, string, string, string, string, string, string, string, string, string, string];
  const L = localsOf(names);
  const { k, i } = L;
  const helpers = new Set<Helper>();
  const ids = ctx.names.identifiers;
  const inputs = inputLeaves(c);
  const outputs = outputLeaves(c);
  const valueLeaves = c.primal.resultShape ? leavesOf(c.primal.resultShape) : [{ path: [], type: c.primal.resultTypes[0]! }];
  const args = sig.locals.join(", ");
  // A result that is one array the Jvp makes afresh is its own column; anything else is copied into one.
  const columnOf = (tangentText: string) => (freshArrayResult(c) ? tangentText : flatText(tangentText, outputs));
  const resultType = c.primal.resultShape ? shapeText(c.primal.resultShape) : tsType(c.primal.resultTypes[0]!);
  const inputZeros = zerosOfInputs(inputs, sig.local, ids, helpers);
  const code = [
    ...orderConstant(`${name}JacobianRows`, `The rows of \`${name}Jacobian\`: the coordinates of these leaves of the value, in order (an array's elements, rows row by row).`, outputs.map((l) => leafName("value", l))),
    ...orderConstant(`${name}JacobianColumns`, `The columns of \`${name}Jacobian\`: the coordinates of these leaves of the parameters, in order.`, inputs.map((l) => leafName(l.path[0]!, { ...l, path: l.path.slice(1) }))),
    `/**`,
    ` * Value and Jacobian of ${where(c, ctx)}: one row per coordinate of the value (\`${name}JacobianRows\`),`,
    ` * one column per coordinate of the differentiated parameters (\`${name}JacobianColumns\`). The first`,
    ` * Jvp gives the value and the number of rows m; with n columns, the rest is n - 1 more Jvps (forward`,
    ` * mode) when n <= m, else m VJPs (reverse mode), whichever takes fewer sweeps.`,
    ` */`,
    `export function ${name}Jacobian(${sig.params}): { value: ${resultType}; jacobian: number[][] } {`,
    `const ${tangent}: ${nestedText(inputs.map((l) => l.path), inputs.map((l) => tsType(l.type)), ";")} = ${inputZeros};`,
    ...unitClosure(setTangent, tangent, inputs, L),
    `const ${n} = ${countText(tangent, inputs, L)};`,
    `if (${n} > 0) ${setTangent}(0, 1);`,
    `const ${first} = ${name}Jvp(${args}, ${tangent});`,
    `const ${m} = ${countText(`${first}.value`, outputs, L)};`,
    `if (${n} <= ${m}) {`,
    `// Forward mode: column k is J times the k-th unit vector.`,
    `const ${columns}: number[][] = ${n} > 0 ? [${columnOf(`${first}.tangent`)}] : [];`,
    `for (let ${k} = 1; ${k} < ${n}; ${k}++) {`,
    `${setTangent}(${k} - 1, 0);`,
    `${setTangent}(${k}, 1);`,
    `const ${jvp} = ${name}Jvp(${args}, ${tangent});`,
    `${columns}.push(${columnOf(`${jvp}.tangent`)});`,
    `}`,
    `return { value: ${first}.value, jacobian: Array.from({ length: ${m} }, (_, ${i}) => ${columns}.map((${L.column}) => ${L.column}[${i}]!)) };`,
    `}`,
    `// Reverse mode: row i is the i-th unit vector times J.`,
    `const ${seed}: ${resultType} = ${zerosOf(`${first}.value`, valueLeaves, ids, helpers)};`,
    ...unitClosure(setSeed, seed, outputs, L),
    `const ${rows}: number[][] = [];`,
    `for (let ${i} = 0; ${i} < ${m}; ${i}++) {`,
    `${setSeed}(${i}, 1);`,
    `const ${vjp} = ${name}Vjp(${args}, ${seed});`,
    `${rows}.push(${flatText(`${vjp}.grad`, inputs)});`,
    `${setSeed}(${i}, 0);`,
    `}`,
    `return { value: ${first}.value, jacobian: ${rows} };`,
    `}`,
  ];
  return { code: code.join("\n"), helpers, headers: new Set() };
}

export function emitHessian(c: Compiled, ctx: EmitContext): Emitted {
  const name = c.primal.name;
  const names = new Names(ctx.names.all());
  const sig = signatureOf(c, names);
  const [grad, scratch, v, hvp, hessian, value, n, setV] =
    ["grad", "scratch", "v", "hvp", "hessian", "value", "n", "setV"].map((h) => names.fresh(h)) as [string, string, string, string, string, string, string, string];
  const L = localsOf(names);
  const { k, row } = L;
  const helpers = new Set<Helper>();
  const ids = ctx.names.identifiers;
  const inputs = inputLeaves(c);
  const gradType = nestedText(inputs.map((l) => l.path), inputs.map((l) => tsType(l.type)), ";");
  const zeros = zerosOfInputs(inputs, sig.local, ids, helpers);
  const clear = inputs.map((l) => {
    const at = accessText([hvp, ...l.path]);
    return l.type === "f64" ? `${at} = 0;` : l.type === "f64[][]" ? `for (const ${row} of ${at}) ${row}.fill(0);` : `${at}.fill(0);`;
  });
  const call = (g: string) => `${name}HvpInto(${[...sig.locals, v, g, hvp].join(", ")})`;
  // One array of numbers: each column gets a fresh zeroed buffer that becomes the Hessian's row (no copy).
  const single = inputs.length === 1 && inputs[0]!.type === "f64[]" ? accessText([hvp, ...inputs[0]!.path]) : undefined;
  if (single) helpers.add("zeroArray");
  const column = single
    ? [`${single} = ${ids.zeroArray}(${n});`, `${value} = ${call(`${k} === 0 ? ${grad} : ${scratch}`)};`, `${hessian}.push(${single});`]
    : [...clear, `${value} = ${call(`${k} === 0 ? ${grad} : ${scratch}`)};`, `${hessian}.push(${flatText(hvp, inputs)});`];
  const code = [
    ...orderConstant(`${name}HessianLeaves`, `The rows and columns of \`${name}Hessian\`: the coordinates of these leaves of the parameters, in order.`, inputs.map((l) => accessText(l.path))),
    `/**`,
    ` * Value, gradient and Hessian of ${where(c, ctx)} over the coordinates of \`${name}HessianLeaves\`:`,
    ` * column k is the Hessian-vector product with the k-th unit vector (one \`${name}HvpInto\` per coordinate).`,
    ` */`,
    `export function ${name}Hessian(${sig.params}): { value: number; grad: ${gradType}; hessian: number[][] } {`,
    ...[grad, scratch, v, hvp].map((b) => `const ${b}: ${gradType} = ${zeros};`),
    ...unitClosure(setV, v, inputs, L),
    `const ${n} = ${countText(v, inputs, L)};`,
    `const ${hessian}: number[][] = [];`,
    `let ${value} = ${n} > 0 ? 0 : ${call(grad)};`,
    `for (let ${k} = 0; ${k} < ${n}; ${k}++) {`,
    `${setV}(${k}, 1);`,
    ...column,
    `${setV}(${k}, 0);`,
    `}`,
    `return { value: ${value}, ${grad === "grad" ? "grad" : `grad: ${grad}`}, ${hessian === "hessian" ? "hessian" : `hessian: ${hessian}`} };`,
    `}`,
  ];
  return { code: code.join("\n"), helpers, headers: new Set() };
}
