/**
 * The bundle adjustment objective of the ADBench/GradBench BA benchmark, as a sum of squares.
 * A camera row has 11 numbers: rotation as an angle-axis vector (0-2), centre (3-5), focal length (6),
 * principal point (7-8) and radial distortion k1, k2 (9-10). Observation i sees point X[obs[i][1]]
 * through camera cams[obs[i][0]] at the image feature feats[i], with weight w[i].
 */

/**
 * The image coordinates of point X in camera cam, into out: X - centre is rotated by Rodrigues'
 * formula about the angle-axis vector, divided by its depth, distorted by 1 + k1 r^2 + k2 r^4,
 * scaled by the focal length and offset by the principal point.
 */
function project(cam: readonly number[], X: readonly number[], out: number[]): void {
  const px = X[0] - cam[3];
  const py = X[1] - cam[4];
  const pz = X[2] - cam[5];
  const r0 = cam[0];
  const r1 = cam[1];
  const r2 = cam[2];
  const sqtheta = r0 * r0 + r1 * r1 + r2 * r2;
  let xc = 0;
  let yc = 0;
  let zc = 0;
  if (sqtheta !== 0) {
    const theta = Math.sqrt(sqtheta);
    const cost = Math.cos(theta);
    const sint = Math.sin(theta);
    const w0 = r0 / theta;
    const w1 = r1 / theta;
    const w2 = r2 / theta;
    const tmp = (w0 * px + w1 * py + w2 * pz) * (1 - cost);
    xc = px * cost + (w1 * pz - w2 * py) * sint + w0 * tmp;
    yc = py * cost + (w2 * px - w0 * pz) * sint + w1 * tmp;
    zc = pz * cost + (w0 * py - w1 * px) * sint + w2 * tmp;
  } else {
    // No rotation angle to divide by: the first-order rotation X + r x X, as in ADBench.
    xc = px + (r1 * pz - r2 * py);
    yc = py + (r2 * px - r0 * pz);
    zc = pz + (r0 * py - r1 * px);
  }
  const u = xc / zc;
  const v = yc / zc;
  const rsq = u * u + v * v;
  const distortion = 1 + cam[9] * rsq + cam[10] * rsq * rsq;
  out[0] = cam[6] * u * distortion + cam[7];
  out[1] = cam[6] * v * distortion + cam[8];
}

/**
 * The sum of squares of the reprojection errors w (projection - feature) and of the weight errors
 * 1 - w^2, one of each per observation.
 * @wrt cams, X, w
 */
export function baObjective(cams: number[][], X: number[][], w: readonly number[], obs: number[][], feats: number[][]): number {
  const proj = [0, 0];
  let loss = 0;
  for (let i = 0; i < obs.length; i++) {
    project(cams[obs[i][0]], X[obs[i][1]], proj);
    const ex = w[i] * (proj[0] - feats[i][0]);
    const ey = w[i] * (proj[1] - feats[i][1]);
    const ew = 1 - w[i] * w[i];
    loss += ex * ex + ey * ey + ew * ew;
  }
  return loss;
}
