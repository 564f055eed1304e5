/**
 * fast-check arbitraries for random programs of the supported subset.
 *
 * They generate shapes (shapes.ts): small trees that say what to build (a
 * product, a call of the second helper, an `if` with an early return, a loop
 * over an array) but not which variable is meant or how large a value may
 * grow. render.ts turns a shape into source text, resolving every `pick`
 * modulo what is in scope and wrapping operands so that the program is well
 * defined and moderate on the inputs. So every shape is a valid program, and
 * fast-check's shrinking (which rewrites shapes freely) always yields valid
 * programs too.
 *
 * The pieces compose: `expressionArbitraries` (numbers and conditions),
 * `statementArbitrary` (built on them), `helperArbitrary` and
 * `entryArbitrary` (built on statements), `programArbitrary` (all of them
 * plus inputs). A new construct is a new shape kind in shapes.ts, an
 * arbitrary for it in the function here that builds its kind, and a case in
 * the renderer (render-expr.ts, render-stmt.ts, render-loop.ts,
 * render-array.ts, aggregates.ts).
 */
import fc from "fast-check";
import {
  AGGREGATE_NUMBERS,
  aggregateKinds,
  arrayTypes,
  assignmentOperators,
  binaryOperators,
  comparisonOperators,
  INPUT_RANGE,
  mathFunctions,
  MAX_LENGTH,
  MAX_PARAMS,
  type Cond,
  type EntryShape,
  type Expr,
  type HelperShape,
  type InputShape,
  type ParamShape,
  type ProgramShape,
  type Stmt,
} from "./shapes.js";

/** Picks index a list render.ts keeps most recent first: mostly the last variable or helper, sometimes any. */
export const pick = fc.oneof(fc.constant(0), fc.constant(1), fc.nat({ max: 15 }));
export const form = fc.nat({ max: 7 });
/** Literal values in hundredths, whole numbers (which have the most notations) as often as fractions. */
export const hundredths = fc.oneof(
  fc.integer({ min: -3, max: 3 }).map((n) => n * 100),
  fc.integer({ min: -300, max: 300 }),
);
const MAX_EXPR_DEPTH = 3;
/** The most trips of one loop: small, since loops nest. */
const MAX_TRIPS = 4;

/** Shapes of one kind: `{ kind, ...fields }`. */
export const shape = <K extends string, T>(kind: K, fields: { [P in keyof T]: fc.Arbitrary<T[P]> }) =>
  fc.record(fields).map((values) => ({ kind, ...values }));
export const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ arbitrary, weight });
const recursion = (depthIdentifier: string, maxDepth: number) =>
  ({ maxDepth, depthSize: "small", withCrossShrink: true, depthIdentifier }) as const;

/** Numbers and conditions over whatever is in scope. */
export function expressionArbitraries() {
  return fc.letrec<{ expr: Expr; cond: Cond }>((tie) => {
    const expr = tie("expr");
    const cond = tie("cond");
    const args = fc.array(expr, { minLength: 1, maxLength: 3 });
    const leaf = fc.oneof(
      weighted(6, shape("variable", { pick })),
      weighted(2, shape("literal", { hundredths, notation: form })),
      weighted(1, shape("constant", { pick })),
    );
    return {
      expr: fc.oneof(
        recursion("expr", MAX_EXPR_DEPTH),
        weighted(3, leaf),
        weighted(1, shape("unary", { op: fc.constantFrom("-", "+"), operand: expr })),
        weighted(4, shape("binary", { op: fc.constantFrom(...binaryOperators), left: expr, right: expr, form })),
        weighted(4, shape("math", { fn: fc.constantFrom(...mathFunctions), args, form })),
        weighted(1, shape("ternary", { test: cond, then: expr, else: expr })),
        weighted(1, shape("call", { pick, args })),
        weighted(3, shape("element", { pick, index: form })),
        weighted(1, shape("length", { pick })),
      ),
      cond: fc.oneof(
        recursion("cond", 2),
        weighted(5, shape("compare", { op: fc.constantFrom(...comparisonOperators), left: expr, right: expr })),
        weighted(1, shape("flag", { pick })),
        weighted(2, shape("logical", { op: fc.constantFrom("&&", "||"), left: cond, right: cond })),
        weighted(1, shape("not", { operand: cond })),
        weighted(1, shape("predicate", { pick, args })),
      ),
    };
  });
}

export type ExpressionArbitraries = ReturnType<typeof expressionArbitraries>;

/** Statement kinds a family adds, with their weights, given the statement arbitrary they may nest. */
export type StatementExtras = (
  stmt: fc.Arbitrary<Stmt>,
  exprs: ExpressionArbitraries,
) => { arbitrary: fc.Arbitrary<Stmt>; weight: number }[];

/** What a family changes about programs (families.ts); the base family changes nothing. */
export interface GeneratorOptions {
  statements?: StatementExtras;
  /** The helpers' arbitrary, instead of `helperArbitrary`. */
  helper?: (exprs: ExpressionArbitraries, stmt: fc.Arbitrary<Stmt>) => fc.Arbitrary<HelperShape>;
  minHelpers?: number;
  maxHelpers?: number;
}

/** Statements over the given expressions, nested up to two levels. */
export function statementArbitrary({ expr, cond }: ExpressionArbitraries, extras?: StatementExtras): fc.Arbitrary<Stmt> {
  return fc.letrec<{ stmt: Stmt }>((tie) => {
    const body = fc.array(tie("stmt"), { maxLength: 2 });
    const loopBody = fc.array(tie("stmt"), { minLength: 1, maxLength: 2 });
    const count = fc.record({
      trips: fc.integer({ min: 0, max: MAX_TRIPS }),
      dynamic: fc.option(expr, { nil: undefined }),
      over: fc.option(pick, { nil: undefined, freq: 2 }),
    });
    const args = fc.array(expr, { minLength: 1, maxLength: 3 });
    const aggregate = {
      form,
      items: fc.array(expr, { minLength: 1, maxLength: 3 }),
      pick,
      test: cond,
      destructure: fc.boolean(),
    };
    const declareTuple = shape("declareTuple", aggregate);
    const declareObject = shape("declareObject", { ...aggregate, nested: fc.boolean() });
    const simple = fc.oneof(
      weighted(3, shape("declare", { mutable: fc.boolean(), init: expr, shadow: fc.boolean() })),
      weighted(3, shape("assign", { target: pick, op: fc.constantFrom(...assignmentOperators), value: expr })),
      weighted(1, shape("step", { target: pick, op: fc.constantFrom("++", "--"), prefix: fc.boolean() })),
      weighted(1, shape("declareFlag", { test: cond })),
      weighted(1, shape("return", { value: expr })),
      weighted(1, shape("guard", { pick, result: fc.constantFrom("NaN", "Infinity") })),
      weighted(1, shape("jump", { op: fc.constantFrom("break", "continue"), test: cond })),
      weighted(3, shape("declareArray", { form, items: fc.array(expr, { minLength: 1, maxLength: 3 }), pick })),
      weighted(3, shape("store", { pick, index: form, op: fc.constantFrom(...assignmentOperators), value: expr })),
      weighted(2, shape("push", { pick, value: expr })),
      weighted(2, declareTuple),
      weighted(2, declareObject),
      weighted(2, shape("update", { pick, target: pick, args })),
      weighted(3, shape("writeField", { pick, index: form, op: fc.constantFrom(...assignmentOperators), value: expr })),
    );
    return {
      stmt: fc.oneof(
        recursion("stmt", 2),
        weighted(6, simple),
        weighted(3, shape("if", { test: cond, then: body, else: fc.option(body, { nil: undefined }) })),
        weighted(1, shape("branchDefined", { test: cond, then: body, thenValue: expr, else: body, elseValue: expr })),
        weighted(1, shape("block", { body })),
        weighted(2, shape("for", { count, form, body: loopBody })),
        weighted(1, shape("while", { count, test: cond, post: fc.boolean(), body: loopBody })),
        weighted(1, shape("forOf", { pick, body: loopBody })),
        ...(extras?.(tie("stmt"), { expr, cond }) ?? []),
      ),
    };
  }).stmt;
}

export function helperArbitrary(exprs: ExpressionArbitraries, stmt: fc.Arbitrary<Stmt>): fc.Arbitrary<HelperShape> {
  return fc.record({
    returns: fc.constantFrom("number", "boolean", "tuple", "void"),
    arity: fc.integer({ min: 1, max: 3 }),
    tupleParam: fc.boolean(),
    body: fc.array(stmt, { maxLength: 2 }),
    result: exprs.expr,
    resultTest: exprs.cond,
  });
}

const role = fc.constantFrom("value" as const, "condition" as const, "unused" as const);
const paramArbitrary: fc.Arbitrary<ParamShape> = fc.oneof(
  fc.record({ type: fc.constant("number" as const), role: fc.constant("value" as const) }),
  fc.record({ type: fc.constant("number" as const), role }),
  fc.record({ type: fc.constant("boolean" as const) }),
  weighted(
    2,
    fc.record({
      type: fc.constant("array" as const),
      arrayType: fc.constantFrom(...arrayTypes),
      length: fc.integer({ min: 1, max: MAX_LENGTH }),
      role,
    }),
  ),
  weighted(2, fc.record({ type: fc.constant("aggregate" as const), aggregate: fc.constantFrom(...aggregateKinds) })),
);

export function entryArbitrary(exprs: ExpressionArbitraries, stmt: fc.Arbitrary<Stmt>): fc.Arbitrary<EntryShape> {
  return fc.record({
    params: fc.array(paramArbitrary, { minLength: 1, maxLength: MAX_PARAMS }),
    body: fc.array(stmt, { maxLength: 3 }),
    result: exprs.expr,
    // A `@wrt` tag on about one entry in four.
    wrt: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 3 },
      { arbitrary: fc.array(fc.boolean(), { minLength: MAX_PARAMS, maxLength: MAX_PARAMS }), weight: 1 },
    ),
  });
}

const inputNumber = fc.noBias(fc.integer({ min: -INPUT_RANGE * 1e6, max: INPUT_RANGE * 1e6 })).map((n) => n / 1e6);
const perParameter = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.array(arbitrary, { minLength: MAX_PARAMS, maxLength: MAX_PARAMS });
const inputArbitrary: fc.Arbitrary<InputShape> = fc.record({
  numbers: perParameter(inputNumber),
  flags: perParameter(fc.boolean()),
  arrays: perParameter(fc.array(inputNumber, { minLength: MAX_LENGTH, maxLength: MAX_LENGTH })),
  aggregates: perParameter(fc.array(inputNumber, { minLength: AGGREGATE_NUMBERS, maxLength: AGGREGATE_NUMBERS })),
});

export const inputsArbitrary = fc.array(inputArbitrary, { minLength: 1, maxLength: 3 });

/** A whole program: module constants, helpers (each may call the earlier ones), the exported entry, and inputs. */
export function programArbitrary(options: GeneratorOptions = {}): fc.Arbitrary<ProgramShape> {
  const exprs = expressionArbitraries();
  const stmt = statementArbitrary(exprs, options.statements);
  return fc.record({
    constants: fc.array(fc.integer({ min: -300, max: 300 }), { maxLength: 2 }),
    helpers: fc.array((options.helper ?? helperArbitrary)(exprs, stmt), { minLength: options.minHelpers ?? 0, maxLength: options.maxHelpers ?? 2 }),
    entry: entryArbitrary(exprs, stmt),
    inputs: inputsArbitrary,
  });
}

/** `size` programs to check together, in one file. */
export const batchArbitrary = (size: number): fc.Arbitrary<ProgramShape[]> =>
  fc.array(programArbitrary(), { minLength: size, maxLength: size });
