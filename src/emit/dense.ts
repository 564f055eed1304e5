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
 * Columns come in blocks of LANES, each block by one call of the vector
 * mode (`<name>JvpBlock`, `<name>HvpBlockInto`: one sweep carrying one
 * tangent per column of the block, the unit vectors of its coordinates).
 *
 * - The Jacobian: the first block gives the value and so the number of
 *   outputs m; with n inputs, when n <= m the other columns come by more
 *   blocks (forward mode, n / LANES sweeps in all), else the m rows by the
 *   VJP (reverse mode, m sweeps after the first).
 * - The Hessian: one block per LANES coordinates (the Hessian's columns for
 *   those unit vectors, its rows too by symmetry), into buffers made once;
 *   the first call's gradient is the one returned.
 */
import { LANES } from "../derivatives.js";
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
import { optionalLeafText, parameterListText } from "./optional.js";

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

/**
 * A closure `name(k, to)` setting coordinate k of the leaves under `root` to
 * `to` (past the last coordinate, nothing); with `rootType`, `name(root, k,
 * to)`, for the leaves of any `root` of that type.
 */
function unitClosure(name: string, root: string, leaves: Leaf[], L: Locals, rootType?: string): string[] {
  const { k, to, row } = L;
  const lines = [`const ${name} = (${rootType ? `${root}: ${rootType}, ` : ""}${k}: number, ${to}: number): void => {`];
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
  /** A lane of a block, and the buffer a closure sets. */
  j: string;
  into: string;
}

function localsOf(names: Names): Locals {
  const [k, i, to, row, s, j, into] = ["k", "i", "to", "row", "s", "j", "into"].map((h) => names.fresh(h)) as [string, string, string, string, string, string, string];
  return { k, i, to, row, s, j, into };
}

/** Whether each lane's one result tangent is a number[] the block allocates itself (not an argument's array). */
function freshArrayResult(c: Compiled): boolean {
  const ret = c.jvpBlock && terminator(c.jvpBlock.body);
  const tangents = ret?.operands.slice(ret.operands.length / (LANES + 1)) ?? [];
  return tangents.length === LANES && tangents.every((t) => t.type === "f64[]" && (t.def?.kind === "alloc" || t.def?.kind === "empty"))
    && new Set(tangents).size === LANES;
}

/** One name per lane: `v0`, `v1`, ... (unrolled: a variable per lane measured faster than an array of buffers). */
const laneNames = (names: Names, base: string) => Array.from({ length: LANES }, (_, j) => names.fresh(`${base}${j}`));

/** `text(j, at)` for each lane j, its coordinate `at` = `k + j` (`k` for lane 0). */
const eachLane = (k: string, text: (j: number, at: string) => string) => Array.from({ length: LANES }, (_, j) => text(j, j === 0 ? k : `${k} + ${j}`));

/** The source parameters as the dense functions declare them, and their local names. */
function signatureOf(c: Compiled, names: Names): { params: string; locals: string[]; local: (path: string[]) => string } {
  const sig: SourceParam[] = c.primal.signature ?? c.primal.params.map((p) => ({ name: p.name, typeText: p.typeText }));
  const locals = sig.map((p) => names.own(p.name));
  const byName = new Map(sig.map((p, i) => [p.name, locals[i]!]));
  // An optional parameter left out reads as its placeholder (its gradient's zeros are empty).
  const optional = new Map(c.primal.params.filter((p) => p.optional === "value").map((p) => [p.name, p.type]));
  return {
    params: parameterListText(sig, locals),
    locals,
    local: (path) => optional.has(path[0]!) && path.length === 1
      ? optionalLeafText("value", optional.get(path[0]!)!, byName.get(path[0]!)!)
      : accessText([byName.get(path[0]!)!, ...path.slice(1)]),
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
  const [first, block, columns, jacobian, seed, rows, n, m, setTangent, setSeed, vjp] =
    ["first", "block", "columns", "jacobian", "seed", "rows", "n", "m", "setTangent", "setSeed", "vjp"].map((h) => names.fresh(h)) as [string, string, string, string, string, string, string, string, string, string, string];
  const tangents = laneNames(names, "tangent");
  const L = localsOf(names);
  const { k, i } = L;
  const helpers = new Set<Helper>();
  const ids = ctx.names.identifiers;
  const inputs = inputLeaves(c);
  const outputs = outputLeaves(c);
  const valueLeaves = c.primal.resultShape ? leavesOf(c.primal.resultShape) : [{ path: [], type: c.primal.resultTypes[0]! }];
  const args = sig.locals.join(", ");
  const blockCall = `${c.jvpBlock!.name}(${[...sig.locals, ...tangents].join(", ")})`;
  // A result that is one array the block makes afresh is its own column; anything else is copied into one.
  const columnOf = (tangentText: string) => (freshArrayResult(c) ? tangentText : flatText(tangentText, outputs));
  const resultType = c.primal.resultShape ? shapeText(c.primal.resultShape) : tsType(c.primal.resultTypes[0]!);
  const tangentType = nestedText(inputs.map((l) => l.path), inputs.map((l) => tsType(l.type)), ";");
  const inputZeros = zerosOfInputs(inputs, sig.local, ids, helpers);
  const code = [
    ...orderConstant(`${name}JacobianRows`, `The rows of \`${name}Jacobian\`: the coordinates of these leaves of the value, in order (an array's elements, rows row by row).`, outputs.map((l) => leafName("value", l))),
    ...orderConstant(`${name}JacobianColumns`, `The columns of \`${name}Jacobian\`: the coordinates of these leaves of the parameters, in order.`, inputs.map((l) => leafName(l.path[0]!, { ...l, path: l.path.slice(1) }))),
    `/**`,
    ` * Value and Jacobian of ${where(c, ctx)}: one row per coordinate of the value (\`${name}JacobianRows\`),`,
    ` * one column per coordinate of the differentiated parameters (\`${name}JacobianColumns\`). The first`,
    ` * block of ${LANES} columns (one forward sweep with ${LANES} tangents) gives the value and the number of rows m;`,
    ` * with n columns, the rest is more blocks (forward mode) when n <= m, else m VJPs (reverse mode).`,
    ` */`,
    `export function ${name}Jacobian(${sig.params}): { value: ${resultType}; jacobian: number[][] } {`,
    ...tangents.map((t) => `const ${t}: ${tangentType} = ${inputZeros};`),
    ...unitClosure(setTangent, L.into, inputs, L, tangentType),
    `const ${n} = ${countText(tangents[0]!, inputs, L)};`,
    ...eachLane("0", (j) => `${setTangent}(${tangents[j]}, ${j}, 1);`),
    `const ${first} = ${blockCall};`,
    `const ${m} = ${countText(`${first}.value`, outputs, L)};`,
    `if (${n} <= ${m}) {`,
    `// Forward mode: column k is J times the k-th unit vector, ${LANES} columns per sweep.`,
    `const ${columns}: number[][] = [];`,
    `let ${block} = ${first};`,
    `for (let ${k} = 0; ${k} < ${n}; ${k} += ${LANES}) {`,
    `if (${k} > 0) {`,
    ...eachLane(k, (j, at) => `${setTangent}(${tangents[j]}, ${at} - ${LANES}, 0);`),
    ...eachLane(k, (j, at) => `${setTangent}(${tangents[j]}, ${at}, 1);`),
    `${block} = ${blockCall};`,
    `}`,
    ...eachLane(k, (j, at) => `${j === 0 ? "" : `if (${at} < ${n}) `}${columns}.push(${columnOf(`${block}.tangents[${j}]!`)});`),
    `}`,
    // Rows from the columns, by loops (Array.from with a map per row measured five times the residuals of the benchmark).
    `const ${jacobian}: number[][] = [];`,
    `for (let ${i} = 0; ${i} < ${m}; ${i}++) {`,
    `const ${L.row} = new Array<number>(${n});`,
    `for (let ${L.j} = 0; ${L.j} < ${n}; ${L.j}++) ${L.row}[${L.j}] = ${columns}[${L.j}]![${i}]!;`,
    `${jacobian}.push(${L.row});`,
    `}`,
    `return { value: ${first}.value, ${jacobian === "jacobian" ? "jacobian" : `jacobian: ${jacobian}`} };`,
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
  const [grad, scratch, hessian, value, n, setV] =
    ["grad", "scratch", "hessian", "value", "n", "setV"].map((h) => names.fresh(h)) as [string, string, string, string, string, string];
  const vs = laneNames(names, "v");
  const hvps = laneNames(names, "hvp");
  const L = localsOf(names);
  const { k, row } = L;
  const helpers = new Set<Helper>();
  const ids = ctx.names.identifiers;
  const inputs = inputLeaves(c);
  const gradType = nestedText(inputs.map((l) => l.path), inputs.map((l) => tsType(l.type)), ";");
  const zeros = zerosOfInputs(inputs, sig.local, ids, helpers);
  const clear = (lane: string) => inputs.map((l) => {
    const at = accessText([lane, ...l.path]);
    return l.type === "f64" ? `${at} = 0;` : l.type === "f64[][]" ? `for (const ${row} of ${at}) ${row}.fill(0);` : `${at}.fill(0);`;
  });
  const call = (g: string) => `${c.hvpBlock!.name}Into(${[...sig.locals, ...vs, g, ...hvps].join(", ")})`;
  // One array of numbers: each column gets a fresh zeroed buffer that becomes the Hessian's row (no copy).
  const single = inputs.length === 1 && inputs[0]!.type === "f64[]" ? (lane: string) => accessText([lane, ...inputs[0]!.path]) : undefined;
  if (single) helpers.add("zeroArray");
  const code = [
    ...orderConstant(`${name}HessianLeaves`, `The rows and columns of \`${name}Hessian\`: the coordinates of these leaves of the parameters, in order.`, inputs.map((l) => accessText(l.path))),
    `/**`,
    ` * Value, gradient and Hessian of ${where(c, ctx)} over the coordinates of \`${name}HessianLeaves\`:`,
    ` * column k is the Hessian-vector product with the k-th unit vector, ${LANES} columns per call of`,
    ` * \`${c.hvpBlock!.name}Into\` (one sweep of the gradient's code carrying ${LANES} tangents).`,
    ` */`,
    `export function ${name}Hessian(${sig.params}): { value: number; grad: ${gradType}; hessian: number[][] } {`,
    ...[grad, scratch, ...vs].map((b) => `const ${b}: ${gradType} = ${zeros};`),
    // (With one array of numbers, each block gives the buffers fresh arrays: none is made here.)
    ...hvps.map((b) => `const ${b}: ${gradType} = ${single ? nestedText([inputs[0]!.path], [`${ids.zeroArray}(0)`], ",") : zeros};`),
    ...unitClosure(setV, L.into, inputs, L, gradType),
    `const ${n} = ${countText(vs[0]!, inputs, L)};`,
    `const ${hessian}: number[][] = [];`,
    `let ${value} = ${n} > 0 ? 0 : ${call(grad)};`,
    `for (let ${k} = 0; ${k} < ${n}; ${k} += ${LANES}) {`,
    ...eachLane(k, (j, at) => `${setV}(${vs[j]}, ${at}, 1);`),
    ...(single ? hvps.map((h) => `${single(h)} = ${ids.zeroArray}(${n});`) : hvps.flatMap(clear)),
    `${value} = ${call(`${k} === 0 ? ${grad} : ${scratch}`)};`,
    ...eachLane(k, (j, at) => `${j === 0 ? "" : `if (${at} < ${n}) `}${hessian}.push(${single ? single(hvps[j]!) : flatText(hvps[j]!, inputs)});`),
    ...eachLane(k, (j, at) => `${setV}(${vs[j]}, ${at}, 0);`),
    `}`,
    `return { value: ${value}, ${grad === "grad" ? "grad" : `grad: ${grad}`}, ${hessian === "hessian" ? "hessian" : `hessian: ${hessian}`} };`,
    `}`,
  ];
  return { code: code.join("\n"), helpers, headers: new Set() };
}
