/**
 * An optional local (`frontend/optional.ts`) is lowered as an aggregate of
 * two parts: whether it holds a value (`present`), and the value (numbers
 * that nothing reads while it is undefined). Being an aggregate, it is
 * carried through branches, loops and closures like any tuple; a read where
 * TypeScript has narrowed it to its value (`if (best) use(best[0])`,
 * `best!`) is the value part, and `=== undefined`, `??` and tests of it as a
 * condition read the flag.
 */
import type { Node } from "ts-morph";
import { isArray, type Value } from "../../ir/types.js";
import { build, isAggregate, isFunctionValue, Unassigned, Undefined, type Aggregate, type Binding, type Bound, type Env } from "../aggregate.js";
import { leavesOf, shapeText, type AggregateShape, type Shape } from "../shape.js";
import { optionalInner } from "../optional.js";
import type { Lowerer } from "../lower.js";

const wrappers = new Map<string, AggregateShape>();
const wrapperShapes = new WeakSet<AggregateShape>();

/** The shape of an optional `inner`: one object shape per inner shape, so that every copy shares it. */
function wrapperShape(inner: Shape): AggregateShape {
  const text = shapeText(inner);
  let shape = wrappers.get(text);
  if (!shape) {
    shape = { kind: "object", fields: [{ name: "present", shape: { kind: "value", type: "bool", text: "boolean" } }, { name: "value", shape: inner }] };
    wrappers.set(text, shape);
    wrapperShapes.add(shape);
  }
  return shape;
}

export function isOptional(b: Binding | undefined): b is Aggregate {
  return isAggregate(b) && wrapperShapes.has(b.shape);
}

/** An optional holding `value` when `present` is true. */
export function optional(lw: Lowerer, inner: Shape, present: Value, value: Bound, env: Env, name: string): Aggregate {
  return lw.assemble(wrapperShape(inner), (key) => (key === "present" ? present : value), env, name);
}

/** An optional that is undefined. */
export function absent(lw: Lowerer, inner: Shape, env: Env, name: string): Aggregate {
  const zeros = leavesOf(inner).map((l) => lw.placeholderOf(l.type));
  return optional(lw, inner, lw.b.const(false), build(inner, zeros, env, `${name}Value`), env, name);
}

export function presentOf(lw: Lowerer, o: Aggregate, env: Env): Value {
  return lw.part(o, "present", env) as Value;
}

export function valueOf(lw: Lowerer, o: Aggregate, env: Env): Bound {
  return lw.part(o, "value", env);
}

/** What a declaration of an optional local binds: its value, made optional (undefined when there is none). */
export function declared(lw: Lowerer, decl: Node, value: Binding, env: Env, name: string): Binding {
  const inner = optionalInner(decl.getType(), decl);
  if (!inner || isOptional(value) || value === Undefined || isFunctionValue(value)) return value;
  if (value === Unassigned) return absent(lw, inner, env, name);
  return optional(lw, inner, lw.b.const(true), value, env, name);
}

/** An optional as a condition: defined, and for a number or boolean also truthy, as JavaScript tests it. */
export function truth(lw: Lowerer, o: Aggregate, env: Env): Value {
  const b = lw.b;
  const present = presentOf(lw, o, env);
  const value = valueOf(lw, o, env);
  // A tuple, an object or an array is an object, truthy whatever it holds.
  if (isAggregate(value) || isArray(value.type)) return present;
  // Undefined holds a placeholder 0 or false, itself falsy.
  const truthy = value.type === "f64" ? b.prim("and", [b.prim("ne", [value, b.const(0)]), b.prim("not", [b.prim("isnan", [value])])]) : value;
  return b.prim("and", [present, truthy]);
}
