/** Hand-written value and gradient of `rosenbrock` (../rosenbrock.ts): one fused pass, no tape. */
export function rosenbrockGradHand(x: readonly number[]): { value: number; grad: { x: number[] } } {
  const n = x.length;
  // Every element is assigned below, so the array needs no zeros first.
  const dx = new Array<number>(n);
  let value = 0;
  // d/dx[i+1] of term i, carried into the next iteration, where it meets d/dx[i+1] of term i+1.
  let carry = 0;
  for (let i = 0; i + 1 < n; i++) {
    const xi = x[i];
    const a = x[i + 1] - xi * xi;
    const b = 1 - xi;
    value += 100 * a * a + b * b;
    dx[i] = carry - 400 * a * xi - 2 * b;
    carry = 200 * a;
  }
  if (n > 0) dx[n - 1] = carry;
  return { value, grad: { x: dx } };
}
