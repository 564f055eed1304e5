import { zeroRows, zeros } from "./zeros.js";

/**
 * Hand-written value and gradient of `baObjective` (../ba.ts): each observation's projection is
 * computed forwards with its intermediates, then its adjoints are pushed back by hand. Cross products
 * y = a x b send b x dy to a and dy x a to b.
 */
export function baObjectiveGradHand(
  cams: number[][],
  X: number[][],
  w: readonly number[],
  obs: number[][],
  feats: number[][],
): { value: number; grad: { cams: number[][]; X: number[][]; w: number[] } } {
  const dCams = zeroRows(cams);
  const dX = zeroRows(X);
  const dw = zeros(w.length);
  let loss = 0;
  for (let i = 0; i < obs.length; i++) {
    const cam = cams[obs[i][0]];
    const point = X[obs[i][1]];
    const dCam = dCams[obs[i][0]];
    const dPoint = dX[obs[i][1]];
    const px = point[0] - cam[3];
    const py = point[1] - cam[4];
    const pz = point[2] - cam[5];
    const r0 = cam[0];
    const r1 = cam[1];
    const r2 = cam[2];
    const sqtheta = r0 * r0 + r1 * r1 + r2 * r2;
    // Rotation, forwards.
    let xc: number, yc: number, zc: number;
    let theta = 0, cost = 0, sint = 0, w0 = 0, w1 = 0, w2 = 0, dot = 0, tmp = 0, cx = 0, cy = 0, cz = 0;
    if (sqtheta !== 0) {
      theta = Math.sqrt(sqtheta);
      cost = Math.cos(theta);
      sint = Math.sin(theta);
      w0 = r0 / theta;
      w1 = r1 / theta;
      w2 = r2 / theta;
      dot = w0 * px + w1 * py + w2 * pz;
      tmp = dot * (1 - cost);
      cx = w1 * pz - w2 * py;
      cy = w2 * px - w0 * pz;
      cz = w0 * py - w1 * px;
      xc = px * cost + cx * sint + w0 * tmp;
      yc = py * cost + cy * sint + w1 * tmp;
      zc = pz * cost + cz * sint + w2 * tmp;
    } else {
      xc = px + (r1 * pz - r2 * py);
      yc = py + (r2 * px - r0 * pz);
      zc = pz + (r0 * py - r1 * px);
    }
    // Projection, distortion, residuals, forwards.
    const u = xc / zc;
    const v = yc / zc;
    const rsq = u * u + v * v;
    const k1 = cam[9];
    const k2 = cam[10];
    const f = cam[6];
    const distortion = 1 + k1 * rsq + k2 * rsq * rsq;
    const gx = f * u * distortion + cam[7] - feats[i][0];
    const gy = f * v * distortion + cam[8] - feats[i][1];
    const wi = w[i];
    const ex = wi * gx;
    const ey = wi * gy;
    const ew = 1 - wi * wi;
    loss += ex * ex + ey * ey + ew * ew;

    // Residuals and weight, backwards.
    const dex = 2 * ex;
    const dey = 2 * ey;
    dw[i] += dex * gx + dey * gy - 4 * ew * wi;
    const dpx = dex * wi;
    const dpy = dey * wi;
    dCam[7] += dpx;
    dCam[8] += dpy;
    dCam[6] += (dpx * u + dpy * v) * distortion;
    const dDistortion = f * (dpx * u + dpy * v);
    dCam[9] += dDistortion * rsq;
    dCam[10] += dDistortion * rsq * rsq;
    const dRsq = dDistortion * (k1 + 2 * k2 * rsq);
    const du = dpx * f * distortion + 2 * u * dRsq;
    const dv = dpy * f * distortion + 2 * v * dRsq;
    const dxc = du / zc;
    const dyc = dv / zc;
    const dzc = -(du * u + dv * v) / zc;

    // Rotation, backwards.
    let dPx: number, dPy: number, dPz: number, dr0: number, dr1: number, dr2: number;
    if (sqtheta !== 0) {
      // xc = p cos + (w x p) sin + w tmp
      const dcx = dxc * sint;
      const dcy = dyc * sint;
      const dcz = dzc * sint;
      const dCos = dxc * px + dyc * py + dzc * pz;
      const dSin = dxc * cx + dyc * cy + dzc * cz;
      const dTmp = dxc * w0 + dyc * w1 + dzc * w2;
      const dDot = dTmp * (1 - cost);
      const dTheta = -sint * (dCos - dTmp * dot) + cost * dSin;
      // dw from w tmp, from dot = w . p and from the cross product (p x dc)
      const dw0 = dxc * tmp + dDot * px + (py * dcz - pz * dcy);
      const dw1 = dyc * tmp + dDot * py + (pz * dcx - px * dcz);
      const dw2 = dzc * tmp + dDot * pz + (px * dcy - py * dcx);
      // dp from p cos, from dot and from the cross product (dc x w)
      dPx = dxc * cost + dDot * w0 + (dcy * w2 - dcz * w1);
      dPy = dyc * cost + dDot * w1 + (dcz * w0 - dcx * w2);
      dPz = dzc * cost + dDot * w2 + (dcx * w1 - dcy * w0);
      // w = r / theta, theta = sqrt(r . r)
      const dThetaAll = dTheta - (dw0 * r0 + dw1 * r1 + dw2 * r2) / sqtheta;
      const dSq = dThetaAll / (2 * theta);
      dr0 = dw0 / theta + 2 * r0 * dSq;
      dr1 = dw1 / theta + 2 * r1 * dSq;
      dr2 = dw2 / theta + 2 * r2 * dSq;
    } else {
      // xc = p + r x p
      dPx = dxc + (dyc * r2 - dzc * r1);
      dPy = dyc + (dzc * r0 - dxc * r2);
      dPz = dzc + (dxc * r1 - dyc * r0);
      dr0 = py * dzc - pz * dyc;
      dr1 = pz * dxc - px * dzc;
      dr2 = px * dyc - py * dxc;
    }
    dCam[0] += dr0;
    dCam[1] += dr1;
    dCam[2] += dr2;
    dCam[3] -= dPx;
    dCam[4] -= dPy;
    dCam[5] -= dPz;
    dPoint[0] += dPx;
    dPoint[1] += dPy;
    dPoint[2] += dPz;
  }
  return { value: loss, grad: { cams: dCams, X: dX, w: dw } };
}
