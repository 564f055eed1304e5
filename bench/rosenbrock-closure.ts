/**
 * The Rosenbrock function of bench/rosenbrock.ts written with a closure for
 * the term and `forEach`, compared with the loop version in `npm run bench`.
 */
export function rosenbrockClosure(x: readonly number[]): number {
  const term = (i: number): number => {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    return 100 * a * a + b * b;
  };
  let s = 0;
  x.forEach((_, i) => {
    if (i + 1 < x.length) s += term(i);
  });
  return s;
}
