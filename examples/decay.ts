/**
 * @derivatives jacobian
 * @wrt p
 */
export function residuals(p: [number, number, number], t: number[], y: number[]): number[] {
  const r: number[] = [];
  for (let i = 0; i < t.length; i++) r.push(p[0] * Math.exp(-p[1] * t[i]!) + p[2] - y[i]!);
  return r;
}
