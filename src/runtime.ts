/**
 * adgen's runtime markers: plain functions that source code may call and that
 * run unchanged without adgen. adgen recognises them when it differentiates a
 * function. Import them as `import { stopGradient } from "adgen/runtime";`
 * where adgen is installed when the code runs (or is bundled); code that runs
 * with adgen as a dev dependency only declares its own marker instead, with
 * the same tag (see the README, "stopGradient").
 */

/**
 * Returns `x` unchanged. adgen treats the result as a constant: no derivative
 * flows back through it (like `jax.lax.stop_gradient` or `tensor.detach()`).
 * Takes a number, or a tuple or object of numbers.
 *
 * @stopGradient
 */
export function stopGradient<T>(x: T): T {
  return x;
}
