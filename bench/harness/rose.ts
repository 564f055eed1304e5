/**
 * Rose gradients (rose 0.4, a JAX-like library that traces functions and compiles them to
 * WebAssembly). Rose fixes every array size when a function is traced, so each gradient is built for
 * its benchmark's sizes. The compiled functions take and return plain JavaScript values, so every call
 * includes copying the arguments into WebAssembly memory and the results out. Rose has no exp or log:
 * they are opaque calls into JavaScript with their derivatives declared, as in Rose's README.
 */
import { Dual, Real, Vec, add, compile, div, fn, gt, ieq, iadd, igeq, ilt, mul, neg, neq, opaque, select, sqrt, struct, sub, sum, vec, vjp } from "rose";
import type { GradResult } from "./types.js";

const exp = opaque([Real], Real, Math.exp);
exp.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => {
  const y = exp(x);
  return { re: y, du: mul(dx, y) };
});

const log = opaque([Real], Real, Math.log);
log.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => ({ re: log(x), du: div(dx, x) }));

const tanh = opaque([Real], Real, Math.tanh);
tanh.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => {
  const y = tanh(x);
  return { re: y, du: mul(dx, sub(1, mul(y, y))) };
});

const sin = opaque([Real], Real, Math.sin);
const cos = opaque([Real], Real, Math.cos);
sin.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => ({ re: sin(x), du: mul(dx, cos(x)) }));
cos.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => ({ re: cos(x), du: neg(mul(dx, sin(x))) }));

const log1p = opaque([Real], Real, Math.log1p);
log1p.jvp = fn([Dual], Dual, ({ re: x, du: dx }) => ({ re: log1p(x), du: div(dx, add(1, x)) }));

export async function rosenbrockGradRose(n: number): Promise<(x: readonly number[]) => GradResult> {
  const Rn = Vec(n, Real);
  // Rose sums over a whole index type: the last term, whose x[i + 1] wraps around, is selected away.
  const f = fn([Rn], Real, (x) =>
    sum(n, (i) => {
      const a = sub(x[iadd(n, i, 1)], mul(x[i], x[i]));
      const b = sub(1, x[i]);
      return select(ieq(n, i, n - 1), Real, 0, add(mul(100, mul(a, a)), mul(b, b)));
    }),
  );
  const g = fn([Rn], struct({ value: Real, x: Rn }), (x) => {
    const { ret, grad } = vjp(f)(x);
    return { value: ret, x: grad(1) };
  });
  const compiled = await compile(g);
  return (x) => {
    const { value, x: dx } = compiled(x as number[]);
    return { value, grad: { x: dx } };
  };
}

type LogisticArgs = [w: readonly number[], b: number, X: number[][], y: readonly number[], lambda: number];

export async function logisticLossGradRose(rows: number, features: number): Promise<(...args: LogisticArgs) => GradResult> {
  const Rw = Vec(features, Real);
  const Data = struct({ w: Rw, b: Real, X: Vec(rows, Rw), y: Vec(rows, Real), lambda: Real });
  // vjp takes one argument, so the data travel with the parameters and get a (discarded) gradient too.
  const f = fn([Data], Real, ({ w, b, X, y, lambda }) => {
    const loss = sum(rows, (i) => {
      const z = add(b, sum(features, (j) => mul(w[j], X[i][j])));
      const m = neg(mul(y[i], z));
      return select(gt(m, 0), Real, add(m, log1p(exp(neg(m)))), log1p(exp(m)));
    });
    const norm2 = sum(features, (j) => mul(w[j], w[j]));
    return add(div(loss, rows), mul(mul(0.5, lambda), norm2));
  });
  const g = fn([Rw, Real, Vec(rows, Rw), Vec(rows, Real), Real], struct({ value: Real, w: Rw, b: Real }), (w, b, X, y, lambda) => {
    const { ret, grad } = vjp(f)({ w, b, X, y, lambda });
    const d = grad(1);
    return { value: ret, w: d.w, b: d.b };
  });
  const compiled = await compile(g);
  return (w, b, X, y, lambda) => {
    const { value, w: dw, b: db } = compiled(w as number[], b, X, y as number[], lambda);
    return { value, grad: { w: dw, b: db } };
  };
}

type MlpArgs = [W1: number[][], b1: readonly number[], W2: number[][], b2: readonly number[], X: number[][], labels: readonly number[]];

/**
 * Rose has no maximum over an array, so the log-sum-exp is not shifted by the largest logit as in
 * ../mlp.ts: the same value for logits this small, up to rounding.
 */
export async function mlpLossGradRose(inputs: number, hidden: number, classes: number, batch: number): Promise<(...args: MlpArgs) => GradResult> {
  const Rin = Vec(inputs, Real);
  const Rh = Vec(hidden, Real);
  const Rc = Vec(classes, Real);
  const Data = struct({ W1: Vec(hidden, Rin), b1: Rh, W2: Vec(classes, Rh), b2: Rc, X: Vec(batch, Rin), labels: Vec(batch, classes) });
  const f = fn([Data], Real, ({ W1, b1, W2, b2, X, labels }) => {
    const total = sum(batch, (n) => {
      const h = vec(hidden, Real, (i) => tanh(add(b1[i], sum(inputs, (j) => mul(W1[i][j], X[n][j])))));
      const z = vec(classes, Real, (c) => add(b2[c], sum(hidden, (j) => mul(W2[c][j], h[j]))));
      return sub(log(sum(classes, (c) => exp(z[c]))), z[labels[n]]);
    });
    return div(total, batch);
  });
  const Grads = struct({ value: Real, W1: Vec(hidden, Rin), b1: Rh, W2: Vec(classes, Rh), b2: Rc });
  const g = fn([Vec(hidden, Rin), Rh, Vec(classes, Rh), Rc, Vec(batch, Rin), Vec(batch, classes)], Grads, (W1, b1, W2, b2, X, labels) => {
    const { ret, grad } = vjp(f)({ W1, b1, W2, b2, X, labels });
    const d = grad(1);
    return { value: ret, W1: d.W1, b1: d.b1, W2: d.W2, b2: d.b2 };
  });
  const compiled = await compile(g);
  return (W1, b1, W2, b2, X, labels) => {
    const { value, ...grad } = compiled(W1, b1 as number[], W2, b2 as number[], X, labels as number[]);
    return { value, grad };
  };
}

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

type GmmArgs = [alphas: readonly number[], means: number[][], icf: number[][], x: number[][], gamma: number, m: number];

/**
 * Rose indexes an icf row only with values of its own index type, so the positions of Q's diagonal and
 * of its strictly lower part (column by column) in an icf row are tables of such values, passed with
 * every call. The log-sum-exps are not shifted by their maximum (Rose has no maximum over an array):
 * the same values for these inputs, up to rounding.
 */
export async function gmmObjectiveGradRose(d: number, K: number, n: number): Promise<(...args: GmmArgs) => GradResult> {
  const icfSize = (d * (d + 1)) / 2;
  const Rk = Vec(K, Real);
  const Means = Vec(K, Vec(d, Real));
  const Icf = Vec(K, Vec(icfSize, Real));
  const Data = struct({
    alphas: Rk,
    means: Means,
    icf: Icf,
    x: Vec(n, Vec(d, Real)),
    gamma: Real,
    m: Real,
    diagIndex: Vec(d, icfSize),
    lowerIndex: Vec(d, Vec(d, icfSize)),
  });
  const f = fn([Data], Real, ({ alphas, means, icf, x, gamma, m, diagIndex, lowerIndex }) => {
    const sumQs = vec(K, Real, (k) => sum(d, (j) => icf[k][diagIndex[j]]));
    const qdiags = vec(K, Vec(d, Real), (k) => vec(d, Real, (j) => exp(icf[k][diagIndex[j]])));
    const slse = sum(n, (i) => {
      const mainTerm = vec(K, Real, (k) => {
        const centred = vec(d, Real, (j) => sub(x[i][j], means[k][j]));
        const y = vec(d, Real, (j) =>
          add(
            mul(qdiags[k][j], centred[j]),
            sum(d, (c) => select(ilt(d, c, j), Real, mul(icf[k][lowerIndex[j][c]], centred[c]), 0)),
          ),
        );
        return sub(add(alphas[k], sumQs[k]), mul(0.5, sum(d, (j) => mul(y[j], y[j]))));
      });
      return log(sum(K, (k) => exp(mainTerm[k])));
    });
    const lseAlphas = log(sum(K, (k) => exp(alphas[k])));
    const prior = sum(K, (k) => {
      const diagSq = sum(d, (j) => mul(qdiags[k][j], qdiags[k][j]));
      const lowerSq = sum(icfSize, (j) => select(igeq(icfSize, j, d), Real, mul(icf[k][j], icf[k][j]), 0));
      return sub(mul(mul(mul(0.5, gamma), gamma), add(diagSq, lowerSq)), mul(m, sumQs[k]));
    });
    return add(sub(slse, mul(n, lseAlphas)), prior);
  });
  const Grads = struct({ value: Real, alphas: Rk, means: Means, icf: Icf });
  const g = fn([Rk, Means, Icf, Vec(n, Vec(d, Real)), Real, Real, Vec(d, icfSize), Vec(d, Vec(d, icfSize))], Grads, (alphas, means, icf, x, gamma, m, diagIndex, lowerIndex) => {
    const { ret, grad } = vjp(f)({ alphas, means, icf, x, gamma, m, diagIndex, lowerIndex });
    const dd = grad(1);
    return { value: ret, alphas: dd.alphas, means: dd.means, icf: dd.icf };
  });
  const compiled = await compile(g);
  const diagIndex = Array.from({ length: d }, (_, j) => j);
  // lowerIndex[j][c]: where Q[j][c] (c < j) is in an icf row; 0 (unused) elsewhere.
  const lowerIndex = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  let l = d;
  for (let c = 0; c < d; c++) for (let j = c + 1; j < d; j++) lowerIndex[j][c] = l++;
  return (alphas, means, icf, x, gamma, m) => {
    const { value, ...grad } = compiled(alphas as number[], means, icf, x, gamma, m, diagIndex, lowerIndex);
    return { value, grad };
  };
}
