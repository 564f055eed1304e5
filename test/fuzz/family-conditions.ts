/**
 * Family `conditions`: helpers with effects called in loop conditions.
 *
 * A helper with an effect takes a local array or object first and writes an
 * element (`a[0] = 0.5 * a[0] + v`), pushes (`a.push(v)`) or writes a field
 * (`s.r[1] = 0.5 * s.r[1] + v`), then returns a number or a boolean. The
 * write contracts, so an argument whose elements are within
 * EFFECT_ARGUMENT_BOUND stays within it however often the condition runs.
 *
 * An effect loop is a `while`, `do ... while` or `for` whose condition calls
 * such a helper, with `&&` or `||` around the call and a counter guard
 * `i < trips` as a conjunct of the whole condition, so it always ends; its
 * body (biased towards `break`, `continue` and early returns) may nest more
 * of them.
 */
import fc from "fast-check";
import type { EffectHelperShape, Expr, Stmt } from "./shapes.js";
import { fit, LIMIT, operand } from "./domains.js";
import { declareAggregate, leaves, renderDeclareObject } from "./aggregates.js";
import { renderDeclareArray } from "./render-array.js";
import { HELPER_ARGUMENT_BOUND, renderCond, renderExpr, renderLiteral } from "./render-expr.js";
import { carriedBound, jumps, LOOP_GROWTH } from "./render-loop.js";
import { indent, renderStatements, returnStatement, type RenderedStatements } from "./render-stmt.js";
import type { Callable, FunctionScope, Variable } from "./scope.js";
import type { ExpressionArbitraries, StatementExtras } from "./programs.js";
import { hundredths, pick, shape, weighted } from "./programs.js";

/** What a helper with an effect assumes of the elements it is given: a loop-carried bound (render-loop.ts), as for `void` helpers. */
export const EFFECT_ARGUMENT_BOUND = 2 * LIMIT;
const MAX_TRIPS = 5;

export function effectHelperArbitrary(exprs: ExpressionArbitraries, stmt: fc.Arbitrary<Stmt>): fc.Arbitrary<EffectHelperShape> {
  return fc.record({
    effect: fc.constantFrom("element" as const, "push" as const, "field" as const),
    returns: fc.constantFrom("number" as const, "boolean" as const),
    arity: fc.integer({ min: 0, max: 2 }),
    body: fc.array(stmt, { maxLength: 2 }),
    value: exprs.expr,
    index: fc.nat({ max: 7 }),
    result: exprs.expr,
    resultTest: exprs.cond,
  });
}

/** The effect loop, with a body that leaves early often. */
export const effectLoops: StatementExtras = (stmt, { expr, cond }) => {
  const exit = fc.oneof(
    shape("jump", { op: fc.constantFrom("break" as const, "continue" as const), test: cond }),
    shape("if", { test: cond, then: fc.tuple(shape("return", { value: expr })), else: fc.constant(undefined) }),
  );
  const body = fc.array(fc.oneof(weighted(3, stmt), weighted(2, exit as fc.Arbitrary<Stmt>)), { minLength: 1, maxLength: 3 });
  const loop = shape("effectLoop", {
    loop: fc.nat({ max: 2 }),
    trips: fc.integer({ min: 0, max: MAX_TRIPS }),
    pick,
    target: pick,
    args: fc.array(expr, { maxLength: 2 }),
    compare: fc.nat({ max: 3 }),
    threshold: hundredths,
    combine: fc.nat({ max: 7 }),
    other: cond,
    body,
  });
  return [weighted(8, loop as fc.Arbitrary<Stmt>)];
};

/** `function e(a: number[], b: number): number { ...; a[0] = 0.5 * a[0] + v; return r; }` and its kin. */
export function renderEffectHelper(
  shape: EffectHelperShape,
  name: string,
  scope: FunctionScope,
  names?: { parameter(fallback: string, scope: FunctionScope): string },
): { lines: string[]; callable: Callable } {
  const rename = (fallback: string) => names?.parameter(fallback, scope) ?? fallback;
  const target = declareTarget(shape.effect, rename(shape.effect === "field" ? "s" : "a"), scope);
  const params = ["b", "c"].slice(0, shape.arity).map(rename);
  for (const p of params) {
    scope.declare({ name: p, type: "number", bound: HELPER_ARGUMENT_BOUND, assignable: true, conditionOnly: false, readable: true });
  }
  const body = renderStatements(shape.body, scope);
  if (!body.returns) {
    body.lines.push(effectStatement(shape, target, scope));
    body.lines.push(
      shape.returns === "boolean"
        ? `return ${renderCond(shape.resultTest, scope).text};`
        : returnStatement(renderExpr(shape.result, scope, false), scope),
    );
  }
  const type = shape.effect === "field" ? scope.types.S : "number[]";
  const signature = [`${target.name}: ${type}`, ...params.map((p) => `${p}: number`)].join(", ");
  return {
    lines: [`function ${name}(${signature}): ${shape.returns} {`, ...indent(body.lines), "}"],
    callable: {
      name,
      returns: "effect",
      arity: params.length + 1,
      resultBound: scope.resultBound,
      effect: { kind: shape.effect, result: shape.returns },
    },
  };
}

/** The array or object the helper writes: readable by its body, written only by its effect. */
function declareTarget(effect: EffectHelperShape["effect"], name: string, scope: FunctionScope): Variable {
  if (effect === "field") return declareAggregate(scope, name, "S", [EFFECT_ARGUMENT_BOUND], false);
  const array = { type: "number[]" as const, length: 1, maxLength: 1, iterated: false };
  return scope.declare({ name, type: "array", bound: EFFECT_ARGUMENT_BOUND, assignable: false, conditionOnly: false, readable: true, array });
}

/** The write itself, after which every element of the target is within EFFECT_ARGUMENT_BOUND still. */
function effectStatement(shape: EffectHelperShape, target: Variable, scope: FunctionScope): string {
  const v = fit(renderExpr(shape.value, scope, false), LIMIT, scope).text;
  if (shape.effect === "push") return `${scope.use(target.name)}.push(${v});`;
  const place =
    shape.effect === "element"
      ? `${target.name}[${shape.index % 2 === 0 ? "0" : `${target.name}.length - 1`}]`
      : [`${target.name}.p`, `${target.name}.q`, `${target.name}.r[0]`, `${target.name}.r[1]`][shape.index % 4]!;
  scope.use(target.name);
  return `${place} = 0.5 * ${place} + ${operand({ text: v, atomic: false })};`;
}

/** Arrays or objects a helper with `effect` may be given here, whose elements stay within its bound in the loop. */
function targets(effect: NonNullable<Callable["effect"]>["kind"], scope: FunctionScope): Variable[] {
  const fits = (v: Variable) => (scope.budget(v) !== undefined ? v.bound : carriedBound(v)) <= EFFECT_ARGUMENT_BOUND;
  if (effect === "field") return scope.aggregates("S", true).filter((o) => leaves(o).every(fits));
  return scope
    .writableArrays()
    .filter((a) => a.array!.type === "number[]" && fits(a) && (effect === "element" || (!a.array!.iterated && !a.array!.fixed)));
}

export function renderEffectLoop(stmt: Stmt & { kind: "effectLoop" }, scope: FunctionScope): RenderedStatements {
  const helpers = scope.callables.filter((c) => c.effect).reverse();
  const helper = helpers[stmt.pick % helpers.length];
  if (!helper) {
    // No helper with an effect in scope: an ordinary loop.
    const count = { trips: stmt.trips };
    if (stmt.loop === 2) return renderStatements([{ kind: "for", count, form: stmt.combine, body: stmt.body }], scope);
    return renderStatements([{ kind: "while", count, test: stmt.other, post: stmt.loop === 1, body: stmt.body }], scope);
  }
  const kind = helper.effect!.kind;
  const before: string[] = [];
  let pool = targets(kind, scope);
  if (pool.length === 0) {
    // Nothing to give it: a new array or object first.
    const item: Expr[] = [stmt.args[0] ?? { kind: "literal", hundredths: stmt.threshold, notation: 0 }];
    const declared =
      kind === "field"
        ? renderDeclareObject({ kind: "declareObject", form: 0, items: item, pick: 0, test: stmt.other, nested: false, destructure: false }, scope)
        : renderDeclareArray({ kind: "declareArray", form: 0, items: item, pick: 0 }, scope);
    before.push(...declared.lines);
    pool = targets(kind, scope);
  }
  const target = pool[stmt.target % pool.length]!;
  const evaluations = scope.executions() * (stmt.trips + 1);
  const counter = scope.freshName("counter");
  if (stmt.loop !== 2) {
    before.push(`let ${counter} = 0;`);
    scope.declare({ name: counter, type: "number", bound: stmt.trips, assignable: false, conditionOnly: false, readable: true });
  }
  const loop = scope.loop(stmt.trips, LOOP_GROWTH, carriedBound, () => {
    scope.use(counter);
    if (stmt.loop === 2) {
      scope.declare({ name: counter, type: "number", bound: stmt.trips, assignable: false, conditionOnly: false, readable: true, indexLimit: stmt.trips });
    }
    const test = condition(stmt, helper, target, counter, scope);
    if (kind === "push") target.array!.maxLength += evaluations;
    for (const v of leaves(target)) scope.assigned(v, EFFECT_ARGUMENT_BOUND);
    const body = renderStatements(stmt.body, scope);
    if (stmt.loop === 2) {
      return { lines: [`for (let ${counter} = 0; ${test}; ${counter}++) {`, ...indent(body.lines), "}"], returns: false };
    }
    const lines = [`${counter}++;`, ...body.lines];
    if (stmt.loop === 1) {
      // As for any `do ... while`: a body that always returns, with no way to the condition, ends the statement list.
      return { lines: ["do {", ...indent(lines), `} while (${test});`], returns: body.returns && !jumps(stmt.body) };
    }
    return { lines: [`while (${test}) {`, ...indent(lines), "}"], returns: false };
  });
  return { lines: [...before, ...loop.lines], returns: loop.returns };
}

/** The loop condition: the call in one of its comparisons, combined with `other` and the counter guard. */
function condition(stmt: Stmt & { kind: "effectLoop" }, helper: Callable, target: Variable, counter: string, scope: FunctionScope): string {
  const one: Expr = { kind: "literal", hundredths: 100, notation: 0 };
  // Not condition-only values: the helper may write its arguments into the array, whence they reach the result.
  const args = Array.from({ length: helper.arity - 1 }, (_, i) =>
    fit(renderExpr(stmt.args[i] ?? one, scope, false), HELPER_ARGUMENT_BOUND, scope).text,
  );
  const call = `${scope.use(helper.name)}(${[scope.use(target.name), ...args].join(", ")})`;
  const t = renderLiteral({ hundredths: stmt.threshold, notation: 0 });
  const threshold = operand(t);
  const c =
    helper.effect!.result === "boolean"
      ? [call, `!${call}`, call, `!${call}`][stmt.compare]!
      : [`${call} > ${threshold}`, `${call} < ${threshold}`, `${threshold} < ${call}`, `${call} >= ${threshold}`][stmt.compare]!;
  const guard = `${counter} < ${stmt.trips}`;
  const other = operand(renderCond(stmt.other, scope));
  return [
    `${c} && ${guard}`,
    `${guard} && ${c}`,
    `${guard} && (${c} || ${other})`,
    `(${c} || ${other}) && ${guard}`,
    `${guard} && (${other} || ${c})`,
    `${c} && ${other} && ${guard}`,
    `${other} && ${c} && ${guard}`,
    `(${other} || ${c}) && ${guard}`,
  ][stmt.combine % 8]!;
}
