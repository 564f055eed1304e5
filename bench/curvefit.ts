/**
 * Residuals of a curve fit: a damped oscillation a exp(-b t) cos(c t + d) + e against data, one
 * residual per sample. Five parameters, many residuals: the Jacobian is taken by forward mode.
 * @wrt p
 */
export function curveResiduals(p: readonly number[], t: readonly number[], y: readonly number[]): number[] {
  const r: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    r.push(p[0] * Math.exp(-p[1] * ti) * Math.cos(p[2] * ti + p[3]) + p[4] - y[i]);
  }
  return r;
}
