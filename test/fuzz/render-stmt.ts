/**
 * Statements from shapes. A statement list stops after a statement that
 * always returns, so the rendered code has no unreachable statements; bounds
 * of assigned variables follow every assignment (render-expr.ts).
 */
import type { AssignmentOperator, Expr, Stmt } from "./shapes.js";
import { fit, LIMIT, operand, positive, type Rendered } from "./domains.js";
import { renderCond, renderExpr } from "./render-expr.js";
import { renderDeclareArray, renderForOf, renderPush, renderStore } from "./render-array.js";
import { renderFor, renderJump, renderWhile } from "./render-loop.js";
import { renderDeclareObject, renderDeclareTuple, renderUpdate, renderWriteField } from "./aggregates.js";
import { renderEffectLoop } from "./family-conditions.js";
import type { FunctionScope, Variable } from "./scope.js";

export interface RenderedStatements {
  lines: string[];
  /** Every path through the statements returns. */
  returns: boolean;
}

export const indent = (lines: string[]): string[] => lines.map((line) => `  ${line}`);
const plain = (...lines: string[]): RenderedStatements => ({ lines, returns: false });

export function renderStatements(stmts: Stmt[], scope: FunctionScope): RenderedStatements {
  const lines: string[] = [];
  for (const stmt of stmts) {
    const rendered = renderStatement(stmt, scope);
    lines.push(...rendered.lines);
    if (rendered.returns) return { lines, returns: true };
  }
  return { lines, returns: false };
}

/** `return value;`, `return value > 0;` in a predicate, `return [value, v];` in a tuple helper, `v` the last number in scope. */
export function returnStatement(value: Rendered, scope: FunctionScope): string {
  if (scope.returns === "boolean") return `return ${operand(value)} > 0;`;
  if (scope.returns === "void") return "return;";
  if (scope.returns === "tuple") {
    const last = scope.numbers(false)[0];
    const second = last ? { text: scope.use(last.name), atomic: true, bound: last.bound } : value;
    const [a, b] = [fit(value, LIMIT, scope), fit(second, LIMIT, scope)];
    scope.resultBound = Math.max(scope.resultBound, a.bound, b.bound);
    return `return [${a.text}, ${b.text}];`;
  }
  const fitted = fit(value, LIMIT, scope);
  scope.resultBound = Math.max(scope.resultBound, fitted.bound);
  return `return ${fitted.text};`;
}

function renderStatement(stmt: Stmt, scope: FunctionScope): RenderedStatements {
  const value = (e: Expr) => fit(renderExpr(e, scope, false), LIMIT, scope);
  switch (stmt.kind) {
    case "declare": {
      const name = (stmt.shadow && scope.shadowable()?.name) || scope.freshName("number");
      // Declared before its initializer is rendered: the initializer cannot read the name (nor what it shadows).
      const variable = scope.declare({
        name,
        type: "number",
        bound: 0,
        assignable: stmt.mutable,
        conditionOnly: false,
        readable: false,
      });
      const init = value(stmt.init);
      Object.assign(variable, { bound: init.bound, readable: true, literal: !stmt.mutable && init.literal });
      return plain(`${stmt.mutable ? "let" : "const"} ${name} = ${init.text};`);
    }
    case "declareFlag": {
      const test = renderCond(stmt.test, scope);
      const name = scope.freshName("boolean");
      scope.declare({ name, type: "boolean", bound: 0, assignable: false, conditionOnly: false, readable: true });
      return plain(`const ${name} = ${test.text};`);
    }
    case "assign": {
      const target = scope.assignable()[stmt.target % scope.assignable().length];
      if (!target) return renderStatement({ kind: "declare", mutable: true, init: stmt.value, shadow: false }, scope);
      return plain(assignment(target, scope.use(target.name), { ...stmt, form: stmt.target }, scope));
    }
    case "step": {
      const target = scope.assignable()[stmt.target % scope.assignable().length];
      if (!target) return plain();
      const budget = scope.budget(target);
      if (budget === undefined) target.bound += 1;
      else if (budget >= scope.executions()) scope.spend(target, scope.executions());
      else return plain();
      const name = scope.use(target.name);
      return plain(stmt.prefix ? `${stmt.op}${name};` : `${name}${stmt.op};`);
    }
    case "if":
      return renderIf(stmt, scope);
    case "branchDefined":
      return renderBranchDefined(stmt, scope);
    case "block": {
      const body = scope.inBlock(() => renderStatements(stmt.body, scope));
      return { lines: ["{", ...indent(body.lines), "}"], returns: body.returns };
    }
    case "return":
      // A `void` helper ends by fitting the fields it writes (render.ts): no early return skips that.
      if (!scope.returnAllowed || scope.returns === "void") return plain();
      return { lines: [returnStatement(renderExpr(stmt.value, scope, false), scope)], returns: true };
    case "guard": {
      const v = scope.numbers(true)[stmt.pick % scope.numbers(true).length];
      if (!v) return plain();
      const result = { number: ` ${stmt.result}`, boolean: " false", tuple: ` [${stmt.result}, 0]`, void: "" }[scope.returns];
      return plain(`if (${scope.use(v.name)} > ${Math.ceil(v.bound) + 1}) return${result};`);
    }
    case "for":
      return renderFor(stmt, scope);
    case "while":
      return renderWhile(stmt, scope);
    case "jump":
      return renderJump(stmt, scope);
    case "declareArray":
      return renderDeclareArray(stmt, scope);
    case "store":
      return renderStore(stmt, scope);
    case "push":
      return renderPush(stmt, scope);
    case "forOf":
      return renderForOf(stmt, scope);
    case "declareTuple":
      return renderDeclareTuple(stmt, scope);
    case "declareObject":
      return renderDeclareObject(stmt, scope);
    case "update":
      return renderUpdate(stmt, scope);
    case "writeField":
      return renderWriteField(stmt, scope);
    case "effectLoop":
      return renderEffectLoop(stmt, scope);
  }
}

/** An assignment to a variable or an array element; `form` chooses how a divisor is made positive. */
interface Update {
  op: AssignmentOperator;
  value: Expr;
  form: number;
}

/**
 * `t op= value` (for `target`, or an element of it), or `t = fit(t op value)` when the result could grow past
 * LIMIT or, for a variable a loop carries, past what its budget allows.
 */
export function assignment(target: Variable, t: string, stmt: Update, scope: FunctionScope): string {
  const rendered = renderExpr(stmt.value, scope, false);
  if (stmt.op === "=") {
    const v = fit(rendered, LIMIT, scope);
    scope.assigned(target, v.bound);
    return `${t} = ${v.text};`;
  }
  const { operand: v, bound, fits } = compoundOperand(stmt, rendered, target, scope);
  if (fits) {
    scope.assigned(target, bound);
    return `${t} ${stmt.op} ${v.text};`;
  }
  const combined = fit({ text: `${t} ${stmt.op.slice(0, -1)} ${operand(v)}`, atomic: false, bound }, LIMIT, scope);
  scope.assigned(target, combined.bound);
  return `${t} = ${combined.text};`;
}

/**
 * The right-hand side of `t op= value` in a safe form, the bound of the
 * result, and whether the compound form keeps `t` within its bound: below
 * LIMIT, or, in a loop carrying `t`, within the loop-wide bound (additive
 * updates spend the budget; `*=` by at most 1, `/=` by at least 1 and `%=`
 * never grow).
 */
function compoundOperand(
  stmt: Update,
  rendered: Rendered,
  target: Variable,
  scope: FunctionScope,
): { operand: Rendered; bound: number; fits: boolean } {
  const budget = scope.budget(target);
  const carried = budget !== undefined;
  switch (stmt.op) {
    case "/=":
    case "%=": {
      const d = positive(rendered, stmt.form, scope);
      const bound = stmt.op === "/=" ? target.bound / d.low : Math.min(target.bound, d.bound);
      return { operand: d, bound, fits: carried ? stmt.op === "%=" || d.low >= 1 : bound <= LIMIT };
    }
    case "**=": {
      const n = stmt.value.kind === "literal" ? 2 + (Math.abs(stmt.value.hundredths) % 2) : 2;
      const bound = target.bound ** n;
      return { operand: { text: String(n), atomic: true, bound: n }, bound, fits: !carried && bound <= LIMIT };
    }
    case "*=": {
      const v = fit(rendered, carried ? 1 : LIMIT, scope);
      const bound = target.bound * v.bound;
      return { operand: v, bound, fits: carried || bound <= LIMIT };
    }
    default: {
      if (!carried) {
        const v = fit(rendered, LIMIT, scope);
        return { operand: v, bound: target.bound + v.bound, fits: target.bound + v.bound <= LIMIT };
      }
      const v = fit(rendered, Math.max(budget, 0) / scope.executions(), scope);
      const fits = v.bound * scope.executions() <= budget;
      if (fits) scope.spend(target, v.bound * scope.executions());
      return { operand: v, bound: target.bound + v.bound, fits };
    }
  }
}

function renderIf(stmt: Stmt & { kind: "if" }, scope: FunctionScope): RenderedStatements {
  const test = renderCond(stmt.test, scope).text;
  const [then, otherwise] = scope.branches(
    true,
    () => renderStatements(stmt.then, scope),
    () => stmt.else && renderStatements(stmt.else, scope),
  ) as [RenderedStatements, RenderedStatements | undefined];
  const returns = then.returns && !!otherwise?.returns;
  if (!otherwise) {
    const single = then.lines.length === 1 && then.lines[0]!.startsWith("return ");
    return {
      lines: single ? [`if (${test}) ${then.lines[0]}`] : [`if (${test}) {`, ...indent(then.lines), "}"],
      returns,
    };
  }
  const elseIf = stmt.else?.length === 1 && stmt.else[0]!.kind === "if" && otherwise.lines.length > 0;
  const tail = elseIf
    ? [`} else ${otherwise.lines[0]}`, ...otherwise.lines.slice(1)]
    : ["} else {", ...indent(otherwise.lines), "}"];
  return { lines: [`if (${test}) {`, ...indent(then.lines), ...tail], returns };
}

/** `let v: number;` then an `if` assigning `v` at the end of each branch that falls through. */
function renderBranchDefined(stmt: Stmt & { kind: "branchDefined" }, scope: FunctionScope): RenderedStatements {
  const test = renderCond(stmt.test, scope).text;
  const name = scope.freshName("number");
  const variable = scope.declare({
    name,
    type: "number",
    bound: 0,
    assignable: true,
    conditionOnly: false,
    readable: false,
  });
  const branch = (body: Stmt[], result: Expr) => (): RenderedStatements => {
    const rendered = renderStatements(body, scope);
    if (rendered.returns) return rendered;
    const v = fit(renderExpr(result, scope, false), LIMIT, scope);
    variable.bound = v.bound;
    return { lines: [...rendered.lines, `${name} = ${v.text};`], returns: false };
  };
  const [then, otherwise] = scope.branches(
    false,
    branch(stmt.then, stmt.thenValue),
    branch(stmt.else, stmt.elseValue),
  ) as [RenderedStatements, RenderedStatements];
  variable.readable = true;
  return {
    lines: [
      `let ${name}: number;`,
      `if (${test}) {`,
      ...indent(then.lines),
      "} else {",
      ...indent(otherwise.lines),
      "}",
    ],
    returns: then.returns && otherwise.returns,
  };
}
