import { zeroRows, zeros } from "./zeros.js";

/**
 * Hand-written value and gradient of `gmmObjective` (../gmm.ts). With c = x_i - mu_k, y = Q_k c and
 * beta_k = alpha_k + sum(q_k) - |y|^2 / 2, each point adds w_k = softmax(beta)_k times
 * d beta_k: 1 for alpha_k, Q_k^T y for mu_k, 1 - y_j c_j exp(q_kj) for the log-diagonal q_kj and
 * -y_a c_b for the lower entry L_ab. The per-point c and y of every component are kept for that.
 */
export function gmmObjectiveGradHand(
  alphas: readonly number[],
  means: number[][],
  icf: number[][],
  x: number[][],
  gamma: number,
  m: number,
): { value: number; grad: { alphas: number[]; means: number[][]; icf: number[][] } } {
  const K = alphas.length;
  const d = means[0].length;
  const n = x.length;
  const dAlphas = zeros(K);
  const dMeans = zeroRows(means);
  const dIcf = zeroRows(icf);

  const qdiags = new Float64Array(K * d);
  const sumQs = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < d; j++) {
      qdiags[k * d + j] = Math.exp(icf[k][j]);
      sumQs[k] += icf[k][j];
    }
  }

  const centred = new Float64Array(K * d);
  const ys = new Float64Array(K * d);
  const beta = new Float64Array(K);
  let slse = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    for (let k = 0; k < K; k++) {
      const mu = means[k];
      const row = icf[k];
      const base = k * d;
      for (let j = 0; j < d; j++) centred[base + j] = xi[j] - mu[j];
      for (let j = 0; j < d; j++) ys[base + j] = qdiags[base + j] * centred[base + j];
      let l = d;
      for (let a = 0; a < d; a++) {
        for (let b = a + 1; b < d; b++) ys[base + b] += row[l++] * centred[base + a];
      }
      let sq = 0;
      for (let j = 0; j < d; j++) sq += ys[base + j] * ys[base + j];
      beta[k] = alphas[k] + sumQs[k] - 0.5 * sq;
    }
    let mx = beta[0];
    for (let k = 1; k < K; k++) mx = Math.max(mx, beta[k]);
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(beta[k] - mx);
    const lse = Math.log(s) + mx;
    slse += lse;

    for (let k = 0; k < K; k++) {
      const w = Math.exp(beta[k] - lse);
      const row = icf[k];
      const dRow = dIcf[k];
      const dMu = dMeans[k];
      const base = k * d;
      dAlphas[k] += w;
      for (let j = 0; j < d; j++) {
        const wy = w * ys[base + j];
        dRow[j] += w - wy * centred[base + j] * qdiags[base + j];
        dMu[j] += wy * qdiags[base + j];
      }
      let l = d;
      for (let a = 0; a < d; a++) {
        for (let b = a + 1; b < d; b++) {
          const wy = w * ys[base + b];
          dRow[l] -= wy * centred[base + a];
          dMu[a] += wy * row[l];
          l++;
        }
      }
    }
  }

  let amx = alphas[0];
  for (let k = 1; k < K; k++) amx = Math.max(amx, alphas[k]);
  let as = 0;
  for (let k = 0; k < K; k++) as += Math.exp(alphas[k] - amx);
  const lseAlphas = Math.log(as) + amx;
  for (let k = 0; k < K; k++) dAlphas[k] -= n * Math.exp(alphas[k] - lseAlphas);

  const g2 = gamma * gamma;
  let prior = 0;
  for (let k = 0; k < K; k++) {
    const row = icf[k];
    const dRow = dIcf[k];
    let lowerSq = 0;
    for (let j = d; j < row.length; j++) {
      lowerSq += row[j] * row[j];
      dRow[j] += g2 * row[j];
    }
    let diagSq = 0;
    for (let j = 0; j < d; j++) {
      const q2 = qdiags[k * d + j] * qdiags[k * d + j];
      diagSq += q2;
      dRow[j] += g2 * q2 - m;
    }
    prior += 0.5 * gamma * gamma * (diagSq + lowerSq) - m * sumQs[k];
  }
  return { value: slse - n * lseAlphas + prior, grad: { alphas: dAlphas, means: dMeans, icf: dIcf } };
}
