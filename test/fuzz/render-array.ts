/**
 * Array statements from shapes: local arrays, element writes, `push` and
 * `for...of`. Every index is in range (render-expr.ts `indexText`), only
 * local arrays are written (an exported function may not write into its
 * parameters), and an array a loop runs over never grows.
 */
import type { ArrayType, Expr, Stmt } from "./shapes.js";
import { fit, LIMIT, type Rendered } from "./domains.js";
import { indexText, renderExpr } from "./render-expr.js";
import { carriedBound, LOOP_GROWTH } from "./render-loop.js";
import { assignment, indent, renderStatements, type RenderedStatements } from "./render-stmt.js";
import type { ArrayInfo, FunctionScope, Variable } from "./scope.js";

const plain = (...lines: string[]): RenderedStatements => ({ lines, returns: false });

export function renderDeclareArray(stmt: Stmt & { kind: "declareArray" }, scope: FunctionScope): RenderedStatements {
  const items = stmt.items.map((e) => fit(renderExpr(e, scope, false), LIMIT, scope));
  const source = scope.arrays(false)[stmt.pick % scope.arrays(false).length];
  const { init, array, bound } = initializer(stmt.form % 4, items, source, scope);
  const name = scope.freshName("array");
  scope.declare({ name, type: "array", bound, assignable: true, conditionOnly: false, readable: true, array });
  return plain(`const ${name} = ${init};`);
}

/** A copy of `source` (form 1, when there is one), `new Array<number>(n).fill(v)`, `new Float64Array(n)`, or `[a, b]`. */
function initializer(
  form: number,
  items: Rendered[],
  source: Variable | undefined,
  scope: FunctionScope,
): { init: string; array: ArrayInfo; bound: number } {
  const n = items.length;
  const local = (type: ArrayType): ArrayInfo => ({ type, length: n, maxLength: n, iterated: false });
  if (form === 1 && source) {
    const { type, length, maxLength } = source.array!;
    const array: ArrayInfo = { type: type === "Float64Array" ? type : "number[]", length, maxLength, iterated: false };
    return { init: `${scope.use(source.name)}.slice()`, array, bound: source.bound };
  }
  if (form === 2) {
    return {
      init: `new Array<number>(${n}).fill(${items[0]!.text})`,
      array: local("number[]"),
      bound: items[0]!.bound,
    };
  }
  if (form === 3) return { init: `new Float64Array(${n})`, array: local("Float64Array"), bound: 0 };
  const bound = Math.max(...items.map((item) => item.bound));
  return { init: `[${items.map((item) => item.text).join(", ")}]`, array: local("number[]"), bound };
}

export function renderStore(stmt: Stmt & { kind: "store" }, scope: FunctionScope): RenderedStatements {
  const target = scope.writableArrays()[stmt.pick % scope.writableArrays().length];
  if (!target) return declareInstead(stmt, scope);
  const place = `${scope.use(target.name)}[${indexText(target, stmt.index, scope)}]`;
  return plain(assignment(target, place, { ...stmt, form: stmt.index }, scope));
}

/** `a.push(v)` onto a local `number[]` no loop runs over; in a loop it may add an element each trip. */
export function renderPush(stmt: Stmt & { kind: "push" }, scope: FunctionScope): RenderedStatements {
  const targets = scope.writableArrays().filter((a) => a.array!.type === "number[]" && !a.array!.iterated && !a.array!.fixed);
  const target = targets[stmt.pick % targets.length];
  if (!target) return declareInstead(stmt, scope);
  const value = fit(renderExpr(stmt.value, scope, false), LIMIT, scope);
  scope.assigned(target, value.bound);
  const array = target.array!;
  if (scope.loopDepth === 0) array.length += 1;
  array.maxLength += scope.executions();
  return plain(`${scope.use(target.name)}.push(${value.text});`);
}

export function renderForOf(stmt: Stmt & { kind: "forOf" }, scope: FunctionScope): RenderedStatements {
  const source = scope.arrays(false)[stmt.pick % scope.arrays(false).length];
  if (!source) return plain();
  const array = source.array!;
  const element = scope.freshName("number");
  const outer = array.iterated;
  array.iterated = true;
  try {
    return scope.loop(array.maxLength, LOOP_GROWTH, carriedBound, () => {
      const header = `for (const ${element} of ${scope.use(source.name)}) {`;
      scope.declare({
        name: element,
        type: "number",
        bound: source.bound,
        assignable: false,
        conditionOnly: false,
        readable: true,
      });
      const body = renderStatements(stmt.body, scope);
      return { lines: [header, ...indent(body.lines), "}"], returns: false };
    });
  } finally {
    array.iterated = outer;
  }
}

/** With no array to write, a store or push declares one: `const a = [value];`. */
const declareInstead = ({ pick, value }: { pick: number; value: Expr }, scope: FunctionScope): RenderedStatements =>
  renderDeclareArray({ kind: "declareArray", form: 0, items: [value], pick }, scope);
