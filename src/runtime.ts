/**
 * adgen's runtime markers: plain functions that source code may call and that
 * run unchanged without adgen. adgen recognises them when it differentiates a
 * function. Import them as `import { stopGradient } from "adgen/runtime";`.
 */

/**
 * Returns `x` unchanged. adgen treats the result as a constant: no derivative
 * flows back through it (like `jax.lax.stop_gradient` or `tensor.detach()`).
 * Takes a number, or a tuple or object of numbers.
 */
export function stopGradient<T>(x: T): T {
  return x;
}
