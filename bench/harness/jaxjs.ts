/**
 * jax-js (`@jax-js/jax`, JAX's API in JavaScript) on its fastest CPU backend in Node, WebAssembly,
 * in float64: `jit(grad(f))`, `jit(jvp)` and `jit(hessian(f))` of the benchmarks it can express as
 * array programs (rosenbrock and logistic; the others are loops over scalars or need gathers).
 * Calls include copying the arguments in and the result out (`dataSync`), as TF.js's and Rose's do.
 */
import { grad, hessian, init, jit, jvp, numpy as np } from "@jax-js/jax";

type Fn = (...args: number[][]) => Float64Array;

export interface JaxFunctions {
  grad: Fn;
  jvp: (x: number[], v: number[]) => Float64Array;
  hessian: Fn;
}

/** Starts the WebAssembly backend. Node 20 has no Float16Array, which jax-js only tests for with instanceof. */
export async function initJax(): Promise<void> {
  (globalThis as { Float16Array?: unknown }).Float16Array ??= class Float16Array {};
  await init("wasm");
}

const f64 = (x: readonly number[]) => np.array(new Float64Array(x));

/** sum of 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, with jax-js's move semantics (`.ref` for a second use). */
function rosenbrock(x: np.Array): np.Array {
  const n = x.shape[0]!;
  const a = x.ref.slice([0, n - 1]);
  const d = x.slice([1, n]).sub(a.ref.mul(a.ref));
  const e = np.subtract(1, a);
  return np.sum(d.ref.mul(d).mul(100).add(e.ref.mul(e)));
}

export function jaxRosenbrock(): JaxFunctions {
  const g = jit(grad(rosenbrock));
  const t = jit((x: np.Array, v: np.Array) => jvp(rosenbrock, [x], [v])[1]);
  const h = jit(hessian(rosenbrock));
  return {
    grad: (x) => g(f64(x)).dataSync() as Float64Array,
    jvp: (x, v) => t(f64(x), f64(v)).dataSync() as Float64Array,
    hessian: (x) => h(f64(x)).dataSync() as Float64Array,
  };
}
