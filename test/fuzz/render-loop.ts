/**
 * Loops from shapes. Every loop ends: a `for` counter is never assigned by
 * the body, and a `while` counter is stepped first thing in the body, so
 * `continue` cannot skip it. Bounds inside loops come from the scope's loop
 * budgets (scope.ts): a variable the loop carries keeps one bound for the
 * whole loop, and additive updates spend from a budget instead of growing it.
 */
import type { LoopCount, Stmt } from "./shapes.js";
import { LIMIT, operand } from "./domains.js";
import { renderCond, renderExpr } from "./render-expr.js";
import { indent, renderStatements, type RenderedStatements } from "./render-stmt.js";
import type { FunctionScope, Variable } from "./scope.js";

/** What the additive updates of one variable may add up to over all trips of the loops around them. */
export const LOOP_GROWTH = LIMIT;

export function renderFor(stmt: Stmt & { kind: "for" }, scope: FunctionScope): RenderedStatements {
  const over =
    stmt.count.over === undefined ? undefined : scope.arrays(true)[stmt.count.over % scope.arrays(true).length];
  if (over) return renderForOver(stmt, over, scope);
  const counter = scope.freshName("counter");
  const { trips } = stmt.count;
  const down = stmt.form % 3 === 2;
  return scope.loop(trips, LOOP_GROWTH, carriedBound, () => {
    // Counting down, the counter starts at the bound, and its value is a value: no condition-only parameters.
    const end = tripBound(stmt.count, scope, !down);
    // Counting up, the counter takes the integers 0 .. trips - 1 only: an index into arrays that long.
    scope.declare({ ...counterVariable(counter, trips), ...(down ? {} : { indexLimit: trips }) });
    const body = renderStatements(stmt.body, scope);
    const header = [
      `let ${counter} = 0; ${counter} < ${end}; ${counter}++`,
      `let ${counter} = 0; ${counter} < ${end}; ${counter} += 1`,
      `let ${counter} = ${end}; ${counter} > 0; ${counter}--`,
    ][stmt.form % 3];
    return { lines: [`for (${header}) {`, ...indent(body.lines), "}"], returns: false };
  });
}

/** `for (let i = 0; i < a.length; i++)` or backwards: the counter indexes every array at least as long as `a` can get. */
function renderForOver(stmt: Stmt & { kind: "for" }, over: Variable, scope: FunctionScope): RenderedStatements {
  const counter = scope.freshName("counter");
  const array = over.array!;
  const outer = array.iterated;
  array.iterated = true;
  try {
    return scope.loop(array.maxLength, LOOP_GROWTH, carriedBound, () => {
      const name = scope.use(over.name);
      scope.declare({ ...counterVariable(counter, array.maxLength), indexLimit: array.maxLength });
      const body = renderStatements(stmt.body, scope);
      const header =
        stmt.form % 2 === 0
          ? `let ${counter} = 0; ${counter} < ${name}.length; ${counter}++`
          : `let ${counter} = ${name}.length - 1; ${counter} >= 0; ${counter}--`;
      return { lines: [`for (${header}) {`, ...indent(body.lines), "}"], returns: false };
    });
  } finally {
    array.iterated = outer;
  }
}

export function renderWhile(stmt: Stmt & { kind: "while" }, scope: FunctionScope): RenderedStatements {
  const counter = scope.freshName("counter");
  const variable = scope.declare({
    name: counter,
    type: "number",
    bound: stmt.count.trips,
    assignable: false,
    conditionOnly: false,
    readable: true,
  });
  return scope.loop(stmt.count.trips, LOOP_GROWTH, carriedBound, () => {
    // The body starts with `counter++`: a declaration in it must not shadow the counter.
    scope.use(variable.name);
    const test = `${counter} < ${tripBound(stmt.count, scope, true)} && ${operand(renderCond(stmt.test, scope))}`;
    const body = renderStatements(stmt.body, scope);
    const lines = [`${counter}++;`, ...body.lines];
    const loop = stmt.post
      ? ["do {", ...indent(lines), `} while (${test});`]
      : [`while (${test}) {`, ...indent(lines), "}"];
    // The body of a `do ... while` runs at least once: if it always returns, so does the
    // loop, unless a `break` leaves it or a `continue` goes to a condition that may fail.
    return { lines: [`let ${counter} = 0;`, ...loop], returns: stmt.post && body.returns && !jumps(stmt.body) };
  });
}

/** Whether statements hold a `break` or `continue` of the loop they are in (not of a loop nested in them). */
export function jumps(stmts: Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case "jump":
        return true;
      case "if":
        return jumps(s.then) || jumps(s.else ?? []);
      case "branchDefined":
        return jumps(s.then) || jumps(s.else);
      case "block":
        return jumps(s.body);
      default:
        return false;
    }
  });
}

/** A loop counter: a number the body reads but never assigns. */
const counterVariable = (name: string, bound: number): Variable => ({
  name,
  type: "number",
  bound,
  assignable: false,
  conditionOnly: false,
  readable: true,
});

/** `if (test) break;` or `continue;` inside a loop; nothing outside one. */
export function renderJump(stmt: Stmt & { kind: "jump" }, scope: FunctionScope): RenderedStatements {
  if (scope.loopDepth === 0) return { lines: [], returns: false };
  return { lines: [`if (${renderCond(stmt.test, scope).text}) ${stmt.op};`], returns: false };
}

/** A carried variable's bound for the whole loop: up to LIMIT from plain assignments, plus what updates may add. */
export const carriedBound = (v: { bound: number }): number => Math.max(v.bound, LIMIT) + LOOP_GROWTH;

/** The literal trip count, or `Math.min(trips, Math.abs(e) * 2)`: at most `trips` either way. */
function tripBound(count: LoopCount, scope: FunctionScope, inCondition: boolean): string {
  if (!count.dynamic) return String(count.trips);
  return `Math.min(${count.trips}, Math.abs(${renderExpr(count.dynamic, scope, inCondition).text}) * 2)`;
}
