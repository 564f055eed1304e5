/**
 * The bundle adjustment objective of ./ba.ts written the way vector code is usually written: small
 * helpers that take and return 3-arrays (`sub`, `cross`, `scale`, `add`, `rotatePoint`), a projection
 * returning `[u, v]` and a residual returned as `[ex, ey]`. Same camera layout, same inputs, same values
 * up to rounding as ./ba.ts.
 */

function sub(a: readonly number[], b: readonly number[]): number[] {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function add(a: readonly number[], b: readonly number[]): number[] {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

function scale(s: number, a: readonly number[]): number[] {
  return [s * a[0], s * a[1], s * a[2]];
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: readonly number[], b: readonly number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Rodrigues' rotation of p about the angle-axis vector r; the first-order rotation p + r x p at r = 0. */
function rotatePoint(r: readonly number[], p: readonly number[]): number[] {
  const sqtheta = dot(r, r);
  if (sqtheta !== 0) {
    const theta = Math.sqrt(sqtheta);
    const cost = Math.cos(theta);
    const sint = Math.sin(theta);
    const w = scale(1 / theta, r);
    const tmp = dot(w, p) * (1 - cost);
    return add(add(scale(cost, p), scale(sint, cross(w, p))), scale(tmp, w));
  }
  return add(p, cross(r, p));
}

/** The image coordinates of point X in camera cam: rotated, divided by depth, distorted, scaled, offset. */
function project(cam: readonly number[], X: readonly number[]): number[] {
  const r = [cam[0], cam[1], cam[2]];
  const c = [cam[3], cam[4], cam[5]];
  const p = rotatePoint(r, sub(X, c));
  const u = p[0] / p[2];
  const v = p[1] / p[2];
  const rsq = u * u + v * v;
  const distortion = 1 + cam[9] * rsq + cam[10] * rsq * rsq;
  return [cam[6] * u * distortion + cam[7], cam[6] * v * distortion + cam[8]];
}

/** The weighted reprojection error of one observation. */
function residual(cam: readonly number[], X: readonly number[], w: number, feat: readonly number[]): number[] {
  const proj = project(cam, X);
  return [w * (proj[0] - feat[0]), w * (proj[1] - feat[1])];
}

/**
 * The sum of squares of the reprojection errors and of the weight errors 1 - w^2.
 * @wrt cams, X, w
 */
export function baNatural(cams: number[][], X: number[][], w: readonly number[], obs: number[][], feats: number[][]): number {
  let loss = 0;
  for (let i = 0; i < obs.length; i++) {
    const e = residual(cams[obs[i][0]], X[obs[i][1]], w[i], feats[i]);
    const ew = 1 - w[i] * w[i];
    loss += e[0] * e[0] + e[1] * e[1] + ew * ew;
  }
  return loss;
}
