/**
 * Array methods with callbacks (`map`, `forEach`, `reduce`, `reduceRight`,
 * `filter`, `some`, `every`, `findIndex`), searches (`indexOf`, `includes`),
 * and `slice(a, b)`, `concat`, `reverse`, spread (`[...xs, v]`,
 * `Math.max(...xs)`): each becomes a loop in the IR, the loop a user would
 * write by hand, so fusion and taping apply to it as to theirs. The callback
 * is inlined in the loop's body; the variables it assigns outside itself (a
 * closure's `n++`) are the loop's state.
 */
import { Node, ts } from "ts-morph";
import { InternalError } from "../../diagnostics.js";
import type { Value } from "../../ir/types.js";
import { throwPrimitive } from "../../ir/primitives/throw.js";
import { build, flatten, isAggregate, isFunctionValue, type Bound, type Cell, type Env } from "../aggregate.js";
import { isRecords, type RecordsShape } from "../records.js";
import { shapeAt } from "../shape.js";
import type { FunctionLike } from "../functions.js";
import { valueType } from "../source.js";
import { isRecordsNode, numberFunctionNamed } from "../subset.js";
import * as optionals from "./optional.js";
import type { Lowerer } from "../lower.js";
import { outerWrites } from "./captures.js";
import { argument } from "./arguments.js";
import { keyName, markCopied } from "./cells.js";
import { allocate, elementAt, isRecordsBound, lengthOf, push, storeElement, type Records } from "./records.js";

type Call = Node & { getExpression(): Node; getArguments(): Node[] };

/**
 * A loop over k = 0 .. count-1 whose state is the counter, the variables
 * and cells in `keys` (read and written through the environment), and
 * `extra` values the body returns anew. With `stop`, the loop also ends
 * once that extra value (a boolean) is true.
 */
function envLoop(lw: Lowerer, count: Value, keys: (ts.Node | Cell)[], env: Env, extra: Value[],
  body: (k: Value, inner: Env, state: Value[]) => Value[], stop?: number): Value[] {
  const b = lw.b;
  // A variable holding a tuple or object (an optional local, say) contributes its leaves, and gets a copy back.
  const before = keys.map((key) => env.get(key) as Bound);
  const widths = before.map((bound) => flatten(bound, env).length);
  const init = [b.const(0), ...before.flatMap((bound) => flatten(bound, env)), ...extra];
  const op = b.whileOp(init);
  const [cond, loop] = op.regions as [NonNullable<typeof op.regions[0]>, NonNullable<typeof op.regions[0]>];
  const name = (values: Value[]) => {
    values[0]!.name = "k";
    let at = 1;
    keys.forEach((key, i) => { for (let j = 0; j < widths[i]!; j++) values[at++]!.name = keyName(key); });
  };
  name(cond.args);
  name(loop.args);
  name(op.results);
  const extraAt = 1 + widths.reduce((a, w) => a + w, 0);
  const bindKeys = (target: Env, values: Value[]) => {
    let at = 1;
    keys.forEach((key, i) => {
      const part = values.slice(at, at + widths[i]!);
      at += widths[i]!;
      const old = before[i]!;
      if (isAggregate(old)) markCopied(old);
      target.set(key, isAggregate(old) ? build(old.shape, part, target, keyName(key), { copied: true }) : part[0]!);
    });
  };
  b.inRegion(cond, () => {
    let going = b.prim("lt", [cond.args[0]!, count]);
    if (stop !== undefined) going = b.prim("and", [going, b.prim("not", [cond.args[extraAt + stop]!])]);
    b.yield([going]);
  });
  b.inRegion(loop, () => {
    const inner: Env = new Map(env);
    bindKeys(inner, loop.args);
    const next = body(loop.args[0]!, inner, loop.args.slice(extraAt));
    b.yield([b.add(loop.args[0]!, b.const(1)), ...keys.flatMap((key) => {
      const after = inner.get(key) as Bound;
      if (isAggregate(after)) markCopied(after);
      return flatten(after, inner);
    }), ...next]);
  });
  bindKeys(env, op.results);
  return op.results.slice(extraAt);
}

/** A method's callback: a function of the source (inlined), or a number test (`Number.isFinite`). */
type Callback = FunctionLike | { primitive: string };

/** The callback a method is given, and what its calls may write outside it. */
function callbackOf(lw: Lowerer, call: Call, env: Env): { fn: Callback; keys: (ts.Node | Cell)[] } {
  const node = call.getArguments()[0]!;
  const test = numberFunctionNamed(node);
  if (test) return { fn: { primitive: test }, keys: [] };
  const cb = argument(lw, node, env);
  if (!isFunctionValue(cb)) throw new InternalError(`callback of ${call.getText()} passed the fence`);
  const fn = cb.function;
  return { fn, keys: outerWrites(fn, env, (d) => d.getAncestors().includes(fn)) };
}

/** Calls the callback with (element, index, array), as many of them as it takes. */
function callBack(lw: Lowerer, fn: Callback, args: Bound[], env: Env): Value {
  if ("primitive" in fn) return lw.b.prim(fn.primitive, [args[0] as Value]);
  const result = lw.call(fn, args.slice(0, Math.max(fn.getParameters().length, 1)), env);
  return (result ?? lw.b.const(0)) as Value;
}

export function callbackMethod(lw: Lowerer, call: Call, method: string, env: Env): Bound {
  const target = (call.getExpression() as Node & { getExpression(): Node }).getExpression();
  if (isRecordsNode(target) || isRecordsNode(call)) return recordsMethod(lw, call, method, env);
  const b = lw.b;
  const array = lw.expr(target, env);
  const n = b.prim("len", [array]);
  const element = (k: Value) => b.prim("load", [array, k]);
  if (method === "indexOf" || method === "includes") return search(lw, array, method, lw.expr(call.getArguments()[0]!, env), env);
  const { fn, keys } = callbackOf(lw, call, env);
  switch (method) {
    case "forEach":
      envLoop(lw, n, keys, env, [], (k, inner) => (callBack(lw, fn, [element(k), k, array], inner), []));
      return b.const(0);
    case "map": {
      const rows = valueType(call.getType()) === "f64[][]";
      const out = rows ? b.prim("nalloc", []) : b.prim("alloc", [n]);
      envLoop(lw, n, keys, env, [], (k, inner) => {
        const v = callBack(lw, fn, [element(k), k, array], inner);
        b.prim(rows ? "append" : "store", [out, k, v]);
        return [];
      });
      return out;
    }
    case "filter": {
      const out = b.prim(array.type === "f64[][]" ? "nalloc" : "alloc", array.type === "f64[][]" ? [] : [b.const(0)]);
      envLoop(lw, n, keys, env, [], (k, inner) => {
        const v = element(k);
        const keep = callBack(lw, fn, [v, k, array], inner);
        const op = b.ifOp(keep, []);
        b.inRegion(op.regions[0]!, () => {
          b.prim("append", [out, b.prim("len", [out]), v]);
          b.yield([]);
        });
        b.inRegion(op.regions[1]!, () => b.yield([]));
        return [];
      });
      return out;
    }
    case "reduce":
    case "reduceRight": {
      // Without an initial value, the first element (the last for reduceRight) is one, and the trips are one fewer.
      const given = call.getArguments().length > 1;
      const initial = given ? lw.expr(call.getArguments()[1]!, env) : firstElement(lw, array, n, method);
      const trips = given ? n : b.prim("sub", [n, b.const(1)]);
      const [acc] = envLoop(lw, trips, keys, env, [initial], (k, inner, [acc]) => {
        const index = method === "reduce" ? (given ? k : b.prim("add", [k, b.const(1)])) : b.prim("sub", [b.prim("sub", [trips, k]), b.const(1)]);
        return [callBack(lw, fn, [acc!, element(index), index, array], inner)];
      });
      return acc!;
    }
    case "some":
    case "every":
    case "findIndex": {
      const [done, at] = envLoop(lw, n, keys, env, [b.const(false), b.const(-1)], (k, inner, [, at]) => {
        const test = callBack(lw, fn, [element(k), k, array], inner);
        const stops = method === "every" ? b.prim("not", [test]) : test;
        return [stops, b.select(stops, k, at!)];
      }, 0);
      return method === "some" ? done! : method === "every" ? b.prim("not", [done!]) : at!;
    }
    case "find": {
      // The first element the test accepts, or undefined: an optional number (lower/optional.ts).
      const [found, value] = envLoop(lw, n, keys, env, [b.const(false), b.const(0)], (k, inner, [, value]) => {
        const v = element(k);
        const test = callBack(lw, fn, [v, k, array], inner);
        return [test, b.select(test, v, value!)];
      }, 0);
      return optionals.optional(lw, { kind: "value", type: "f64", text: "number" }, found!, value!, env, "found");
    }
  }
  throw new InternalError(`array method ${method} passed the fence`);
}

/** The element `reduce` without an initial value starts from, after throwing as JavaScript does on an empty array. */
function firstElement(lw: Lowerer, array: Value, n: Value, method: "reduce" | "reduceRight"): Value {
  const b = lw.b;
  const guard = b.ifOp(b.prim("eq", [n, b.const(0)]), []);
  b.inRegion(guard.regions[0]!, () => {
    b.prim(throwPrimitive("TypeError", "Reduce of empty array with no initial value"), []);
    b.yield([]);
  });
  b.inRegion(guard.regions[1]!, () => b.yield([]));
  return b.prim("load", [array, method === "reduce" ? b.const(0) : b.prim("sub", [n, b.const(1)])]);
}

/**
 * The callback methods over an array of tuples or objects, or `map` giving
 * one: the same loops over elements that are tuples or objects (the leaves'
 * reads), the results made and pushed leaf by leaf (lower/records.ts).
 */
function recordsMethod(lw: Lowerer, call: Call, method: string, env: Env): Bound {
  const b = lw.b;
  const target = (call.getExpression() as Node & { getExpression(): Node }).getExpression();
  const source = target.getText();
  const array = lw.bound(target, env);
  const n = isRecordsBound(array) ? lengthOf(lw, array, env) : b.prim("len", [array as Value]);
  // Each trip reads the leaves' arrays as they are in its environment (loop state, when the callback writes).
  const element = (k: Value, inner: Env): Bound => (isRecordsBound(array) ? elementAt(lw, array, k, inner, "", source) : b.prim("load", [array as Value, k]));
  const { fn, keys } = callbackOf(lw, call, env);
  const shape = shapeAt(call);
  switch (method) {
    case "map": {
      const out = isRecords(shape) ? allocate(lw, shape, n, env, "") : b.prim(valueType(call.getType()) === "f64[][]" ? "nalloc" : "alloc", [n]);
      envLoop(lw, n, keys, env, [], (k, inner) => {
        const v = callBack(lw, fn, [element(k, inner), k, array], inner) as Bound;
        if (isRecordsBound(out)) storeElement(lw, out, k, v, inner, "the array 'map' makes", call);
        else b.prim(out.type === "f64[][]" ? "append" : "store", [out, k, v as Value]);
        return [];
      });
      return out;
    }
    case "filter": {
      const out = allocate(lw, shape as RecordsShape, b.const(0), env, "");
      envLoop(lw, n, keys, env, [], (k, inner) => {
        const v = element(k, inner);
        const op = b.ifOp(callBack(lw, fn, [v, k, array], inner), []);
        b.inRegion(op.regions[0]!, () => (push(lw, out, v, inner, "the array 'filter' makes", call), b.yield([])));
        b.inRegion(op.regions[1]!, () => b.yield([]));
        return [];
      });
      return out;
    }
    case "forEach":
      envLoop(lw, n, keys, env, [], (k, inner) => (callBack(lw, fn, [element(k, inner), k, array], inner), []));
      return b.const(0);
    case "reduce":
    case "reduceRight": {
      const [acc] = envLoop(lw, n, keys, env, [lw.expr(call.getArguments()[1]!, env)], (k, inner, [acc]) => {
        const index = method === "reduce" ? k : b.prim("sub", [b.prim("sub", [n, k]), b.const(1)]);
        return [callBack(lw, fn, [acc!, element(index, inner), index, array], inner)];
      });
      return acc!;
    }
    case "some":
    case "every":
    case "findIndex": {
      const [done, at] = envLoop(lw, n, keys, env, [b.const(false), b.const(-1)], (k, inner, [, at]) => {
        const test = callBack(lw, fn, [element(k, inner), k, array], inner);
        const stops = method === "every" ? b.prim("not", [test]) : test;
        return [stops, b.select(stops, k, at!)];
      }, 0);
      return method === "some" ? done! : method === "every" ? b.prim("not", [done!]) : at!;
    }
  }
  throw new InternalError(`array method ${method} over an array of tuples or objects passed the fence`);
}

/** `a.slice(start, end)` of an array of tuples or objects: each leaf's array sliced alike. */
export function sliceRecords(lw: Lowerer, array: Records, args: Value[], env: Env): Records {
  const columns = flatten(array, env).map((column) => slice(lw, column, args));
  return build(array.shape, columns, env, "") as Records;
}

/**
 * `a.indexOf(v)`, `a.includes(v)`: a loop that stops at the first element
 * equal to `v`, by `===` for indexOf and by SameValueZero for includes (which
 * finds NaN: `[NaN].includes(NaN)` is true, `[NaN].indexOf(NaN)` is -1).
 */
function search(lw: Lowerer, array: Value, method: "indexOf" | "includes", wanted: Value, env: Env): Value {
  const b = lw.b;
  const [found, at] = envLoop(lw, b.prim("len", [array]), [], env, [b.const(false), b.const(-1)], (k, _inner, [, at]) => {
    const x = b.prim("load", [array, k]);
    const equal = b.prim("eq", [x, wanted]);
    const hit = method === "includes" ? b.prim("or", [equal, b.prim("and", [b.prim("ne", [x, x]), b.prim("ne", [wanted, wanted])])]) : equal;
    return [hit, b.select(hit, k, at!)];
  }, 0);
  return method === "includes" ? found! : at!;
}

/**
 * `a.slice(start, end)`: the elements from start up to end, negative positions
 * counting from the end; a position is truncated towards zero, and NaN is 0,
 * as JavaScript's ToIntegerOrInfinity has it.
 */
export function slice(lw: Lowerer, array: Value, args: Value[]): Value {
  const b = lw.b;
  const n = b.prim("len", [array]);
  const position = (v: Value) => {
    const t = b.prim("trunc", [v]);
    const clamped = b.select(b.prim("lt", [t, b.const(0)]), b.prim("max", [b.add(n, t), b.const(0)]), b.prim("min", [t, n]));
    return b.select(b.prim("ne", [t, t]), b.const(0), clamped);
  };
  const start = args[0] ? position(args[0]) : b.const(0);
  const end = args[1] ? position(args[1]) : n;
  const count = b.prim("max", [b.prim("sub", [end, start]), b.const(0)]);
  if (array.type === "f64[][]") {
    const rows = b.prim("nalloc", []);
    b.countedLoop(count, (k) => b.prim("append", [rows, k, b.prim("load", [array, b.add(start, k)])]));
    return rows;
  }
  const out = b.prim(array.type === "Float64Array" ? "falloc" : "alloc", [count]);
  b.countedLoop(count, (k) => b.prim("store", [out, k, b.prim("load", [array, b.add(start, k)])]));
  return out;
}

/** `a.concat(b, v, ...)`: a new array, the target's elements then each argument's (an array's elements, or a value). */
export function concat(lw: Lowerer, array: Value, args: Node[], env: Env): Value {
  const b = lw.b;
  const out = array.type === "f64[][]" ? b.prim("nalloc", []) : b.prim("alloc", [b.const(0)]);
  const items = args.map((a) => {
    const value = lw.expr(a, env);
    return { value, spread: value.type === array.type };
  });
  return appendAll(lw, out, [{ value: array, spread: true }, ...items]);
}

/** Appends the elements of `items` (arrays spread, values one by one) to `out`. */
export function appendAll(lw: Lowerer, out: Value, items: { value: Value; spread: boolean }[]): Value {
  const b = lw.b;
  for (const { value, spread } of items) {
    if (!spread) {
      b.prim("append", [out, b.prim("len", [out]), value]);
      continue;
    }
    b.countedLoop(b.prim("len", [value]), (k) => b.prim("append", [out, b.prim("len", [out]), b.prim("load", [value, k])]));
  }
  return out;
}

/** `pairs.flat()` of an array of tuples of numbers, `rows.flat()` of rows: a new array of the numbers, element by element. */
export function flat(lw: Lowerer, target: Bound, env: Env): Value {
  const b = lw.b;
  const out = b.prim("alloc", [b.const(0)]);
  const append = (v: Value) => b.prim("append", [out, b.prim("len", [out]), v]);
  if (isRecordsBound(target)) {
    const columns = flatten(target, env);
    b.countedLoop(lengthOf(lw, target, env), (k) => {
      for (const column of columns) append(b.prim("load", [column, k]));
    });
    return out;
  }
  if (isAggregate(target)) throw new InternalError("'flat' of a tuple or object passed the fence");
  b.countedLoop(b.prim("len", [target]), (k) => {
    const row = b.prim("load", [target, k]);
    b.countedLoop(b.prim("len", [row]), (j) => append(b.prim("load", [row, j])));
  });
  return out;
}

/** `a.reverse()`: in place, and the same array. */
export function reverse(lw: Lowerer, array: Value): Value {
  const b = lw.b;
  const n = b.prim("len", [array]);
  b.countedLoop(b.prim("floor", [b.div(n, b.const(2))]), (k) => {
    const j = b.prim("sub", [b.prim("sub", [n, k]), b.const(1)]);
    const front = b.prim("load", [array, k]);
    const back = b.prim("load", [array, j]);
    b.prim("store", [array, k, back]);
    b.prim("store", [array, j, front]);
  });
  return array;
}

/** `Math.max(a, ...xs, b)` and `Math.min`: a fold over the values and the spread arrays' elements. */
export function spreadExtremum(lw: Lowerer, name: "max" | "min", items: { value: Value; spread: boolean }[], env: Env): Value {
  const b = lw.b;
  let acc = b.const(name === "max" ? -Infinity : Infinity);
  for (const { value, spread } of items) {
    if (!spread) {
      acc = b.prim(name, [acc, value]);
      continue;
    }
    [acc] = envLoop(lw, b.prim("len", [value]), [], env, [acc], (k, _inner, [a]) => [b.prim(name, [a!, b.prim("load", [value, k])])]);
  }
  return acc;
}

/**
 * `Array.from({ length: n }, (_, i) => v)`: n numbers, each the function of
 * its index (its first argument is undefined: a 0 nothing reads). The length
 * is JavaScript's ToLength of n: truncated, NaN and negative lengths 0
 * (`{ length: 2.5 }` gives 2 elements, where `new Array(2.5)` would throw).
 */
export function generated(lw: Lowerer, call: Call, env: Env): Value {
  const b = lw.b;
  const source = call.getArguments()[0] as Node & { getProperties(): (Node & { getInitializerOrThrow(): Node })[] };
  const length = b.prim("trunc", [lw.expr(source.getProperties()[0]!.getInitializerOrThrow(), env)]);
  const n = b.select(b.prim("ne", [length, length]), b.const(0), b.prim("max", [length, b.const(0)]));
  const cb = argument(lw, call.getArguments()[1]!, env);
  if (!isFunctionValue(cb)) throw new InternalError(`the function of ${call.getText()} passed the fence`);
  const fn = cb.function;
  const out = b.prim("alloc", [n]);
  envLoop(lw, n, outerWrites(fn, env, (d) => d.getAncestors().includes(fn)), env, [], (k, inner) => {
    b.prim("store", [out, k, callBack(lw, fn, [b.const(0), k], inner)]);
    return [];
  });
  return out;
}
