/**
 * Arrays: memory ops and their rules. The adjoint rules never read primal
 * array memory: every primal number they need is an SSA value (a load's
 * result), recorded like any other (or read again where nothing has written
 * the element since). Adjoints of array elements live in shadow arrays of
 * the same shape, and tangents in tangent arrays; an alias (a row X[i]) has
 * the matching alias of the shadow (dX[i]) as its shadow, and likewise for
 * tangents.
 */
import type { Primitive } from "../primitives.js";
import { elementType, isArray, type ArrayType, type Value } from "../types.js";
import type { Builder } from "../builder.js";

/** What a write puts into a shadow or tangent array for value `v` without one: zeros of its shape, or 0. */
const zeroLike = (b: Builder, v: Value): Value => (isArray(v.type) ? b.prim("zeros", [v]) : b.const(0));

export const memory: Primitive[] = [
  { name: "len", arity: 1, resultType: "f64", memory: "read", emit: (a) => `${a[0]}.length` },
  { name: "load", arity: 2, resultType: "f64", memory: "read", emit: (a) => `${a[0]}[${a[1]}]`,
    resultTypeOf: ([a]) => elementType(a!.type as ArrayType),
    shadow: (b, [a, i], y, shadow) => {
      const sa = shadow(a!);
      return sa && y && isArray(y.type) ? b.prim("load", [sa, i!]) : undefined;
    },
    // y = a[i]: da[i] += dy
    reverse: (b, [a, i], y, dy, shadow) => {
      const sa = shadow(a!);
      if (sa && dy && y?.type === "f64") b.prim("store", [sa, i!, b.add(b.prim("load", [sa, i!]), dy)]);
      return [];
    },
    // The tangent of a[i] is ta[i] (a number, or the tangent row of a row).
    tangentMemory: (b, [a, i], _y, tangent) => {
      const ta = tangent(a!);
      return ta && b.prim("load", [ta, i!]);
    } },
  { name: "store", arity: 3, resultType: "f64", memory: "write", emit: () => "", statement: (a) => `${a[0]}[${a[1]}] = ${a[2]};`,
    resultTypeOf: () => "f64",
    // A row's shadow row goes into the shadow matrix; a number written past the end (which
    // makes the array longer) gets a zero in the shadow, so the shadow grows with the array.
    shadow: (b, [a, i, v], _y, shadow, { inBounds }) => {
      const sa = shadow(a!);
      if (sa && isArray(v!.type)) b.prim("store", [sa, i!, shadow(v!) ?? b.prim("zeros", [v!])]);
      else if (sa && !inBounds && a!.type === "f64[]") b.prim("store", [sa, i!, b.const(0)]);
      return undefined;
    },
    // a[i] = v overwrites a[i]: dv += da[i], and the old element's adjoint starts again from 0.
    reverse: (b, [a, i, v], _y, _dy, shadow) => {
      const sa = shadow(a!);
      if (!sa || v!.type !== "f64") return [];
      const dv = b.prim("load", [sa, i!]);
      b.prim("store", [sa, i!, b.const(0)]);
      return [undefined, undefined, dv];
    },
    // a[i] = v: ta[i] = tv.
    tangentMemory: (b, [a, i, v], _y, tangent) => {
      const ta = tangent(a!);
      if (ta) b.prim("store", [ta, i!, tangent(v!) ?? zeroLike(b, v!)]);
      return undefined;
    } },
  { name: "append", arity: 3, resultType: "f64", memory: "write", emit: () => "", statement: (a) => `${a[0]}.push(${a[2]});`,
    resultTypeOf: () => "f64",
    // operands [array, index it lands at, value]
    shadow: (b, [a, k, v], _y, shadow) => {
      const sa = shadow(a!);
      if (sa) b.prim("append", [sa, k!, isArray(v!.type) ? shadow(v!) ?? b.prim("zeros", [v!]) : b.const(0)]);
      return undefined;
    },
    reverse: (b, [a, k, v], _y, _dy, shadow) => {
      const sa = shadow(a!);
      return sa && v!.type === "f64" ? [undefined, undefined, b.prim("load", [sa, k!])] : [];
    },
    tangentMemory: (b, [a, k, v], _y, tangent) => {
      const ta = tangent(a!);
      if (ta) b.prim("append", [ta, k!, tangent(v!) ?? zeroLike(b, v!)]);
      return undefined;
    } },
  { name: "alloc", arity: 1, resultType: "f64[]", memory: "alloc", emit: (a) => `new Array<number>(${a[0]}).fill(0)`,
    shadow: (b, [n]) => b.prim("alloc", [n!]), tangentMemory: (b, [n]) => b.prim("alloc", [n!]) },
  { name: "falloc", arity: 1, resultType: "Float64Array", memory: "alloc", emit: (a) => `new Float64Array(${a[0]})`,
    shadow: (b, [n]) => b.prim("falloc", [n!]), tangentMemory: (b, [n]) => b.prim("falloc", [n!]) },
  { name: "nalloc", arity: 0, resultType: "f64[][]", memory: "alloc", emit: () => "new Array<number[]>()",
    shadow: (b) => b.prim("nalloc", []), tangentMemory: (b) => b.prim("nalloc", []) },
  { name: "empty", arity: 0, resultType: "f64[]", memory: "alloc", emit: () => "new Array<number>()" },
  { name: "fempty", arity: 0, resultType: "Float64Array", memory: "alloc", emit: () => "new Float64Array(0)" },
  /** Zeros shaped like an array (the shadow of a parameter). */
  { name: "zeros", arity: 1, resultType: "f64[]", memory: "alloc",
    resultTypeOf: ([a]) => a!.type,
    emit: () => "" /* printed by the emitter, which knows the type */ },
];
