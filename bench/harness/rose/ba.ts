import { add, compile, div, fn, mul, neq, Real, select, sqrt, struct, sub, sum, Vec, vjp } from "rose";
import { cos, sin } from "./math.js";
import type { GradResult } from "../types.js";

type BaArgs = [cams: number[][], X: number[][], w: readonly number[], obs: number[][], feats: number[][]];

/**
 * Rose's `select` evaluates both branches, so Rodrigues' formula divides by a stand-in angle of 1 when
 * the rotation is zero; the first-order fallback is then selected, and the NaN a division by zero would
 * send through the unselected branch's derivatives never arises. Rose indexes arrays with values of
 * index types, so each call first splits the observations into camera and point index arrays.
 */
export async function baObjectiveGradRose(cameras: number, points: number, observations: number): Promise<(...args: BaArgs) => GradResult> {
  const Cams = Vec(cameras, Vec(11, Real));
  const Points = Vec(points, Vec(3, Real));
  const Weights = Vec(observations, Real);
  const Feats = Vec(observations, Vec(2, Real));
  const Data = struct({ cams: Cams, X: Points, w: Weights, camIdx: Vec(observations, cameras), ptIdx: Vec(observations, points), feats: Feats });
  const f = fn([Data], Real, ({ cams, X, w, camIdx, ptIdx, feats }) =>
    sum(observations, (i) => {
      const cam = cams[camIdx[i]];
      const point = X[ptIdx[i]];
      const px = sub(point[0], cam[3]);
      const py = sub(point[1], cam[4]);
      const pz = sub(point[2], cam[5]);
      const [r0, r1, r2] = [cam[0], cam[1], cam[2]];
      const sqtheta = add(add(mul(r0, r0), mul(r1, r1)), mul(r2, r2));
      const rotated = neq(sqtheta, 0);
      const theta = sqrt(select(rotated, Real, sqtheta, 1));
      const cost = cos(theta);
      const sint = sin(theta);
      const [w0, w1, w2] = [div(r0, theta), div(r1, theta), div(r2, theta)];
      const tmp = mul(add(add(mul(w0, px), mul(w1, py)), mul(w2, pz)), sub(1, cost));
      const rodrigues = (p: Real, cross: Real, wk: Real): Real => add(add(mul(p, cost), mul(cross, sint)), mul(wk, tmp));
      const xc = select(rotated, Real, rodrigues(px, sub(mul(w1, pz), mul(w2, py)), w0), add(px, sub(mul(r1, pz), mul(r2, py))));
      const yc = select(rotated, Real, rodrigues(py, sub(mul(w2, px), mul(w0, pz)), w1), add(py, sub(mul(r2, px), mul(r0, pz))));
      const zc = select(rotated, Real, rodrigues(pz, sub(mul(w0, py), mul(w1, px)), w2), add(pz, sub(mul(r0, py), mul(r1, px))));
      const u = div(xc, zc);
      const v = div(yc, zc);
      const rsq = add(mul(u, u), mul(v, v));
      const distortion = add(add(1, mul(cam[9], rsq)), mul(mul(cam[10], rsq), rsq));
      const ex = mul(w[i], sub(add(mul(mul(cam[6], u), distortion), cam[7]), feats[i][0]));
      const ey = mul(w[i], sub(add(mul(mul(cam[6], v), distortion), cam[8]), feats[i][1]));
      const ew = sub(1, mul(w[i], w[i]));
      return add(add(mul(ex, ex), mul(ey, ey)), mul(ew, ew));
    }),
  );
  const Grads = struct({ value: Real, cams: Cams, X: Points, w: Weights });
  const g = fn([Cams, Points, Weights, Vec(observations, cameras), Vec(observations, points), Feats], Grads, (cams, X, w, camIdx, ptIdx, feats) => {
    const { ret, grad } = vjp(f)({ cams, X, w, camIdx, ptIdx, feats });
    const d = grad(1);
    return { value: ret, cams: d.cams, X: d.X, w: d.w };
  });
  const compiled = await compile(g);
  return (cams, X, w, obs, feats) => {
    const camIdx = obs.map((o) => o[0]);
    const ptIdx = obs.map((o) => o[1]);
    const { value, ...grad } = compiled(cams, X, w as number[], camIdx, ptIdx, feats);
    return { value, grad };
  };
}
