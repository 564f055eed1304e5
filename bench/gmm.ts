/**
 * The Gaussian mixture objective of the ADBench/GradBench GMM benchmark, constants dropped.
 * K components in d dimensions: alphas (K), means (K x d), icf (K x d(d+1)/2: the first d entries of a
 * row are the log of the diagonal of a lower-triangular Q, the rest its strictly lower part, column by column).
 */

function sqnorm(v: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}

function logsumexp(v: readonly number[]): number {
  let mx = v[0];
  for (let i = 1; i < v.length; i++) mx = Math.max(mx, v[i]);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i] - mx);
  return Math.log(s) + mx;
}

/** out = Q v, for Q with diagonal qdiag and its strictly lower part at icfRow[d...], column by column. */
function qTimesX(qdiag: readonly number[], icfRow: readonly number[], v: readonly number[], out: number[]): void {
  const d = v.length;
  for (let i = 0; i < d; i++) out[i] = qdiag[i] * v[i];
  let l = d;
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      out[j] += icfRow[l] * v[i];
      l++;
    }
  }
}

/** @wrt alphas, means, icf */
export function gmmObjective(alphas: readonly number[], means: number[][], icf: number[][], x: number[][], gamma: number, m: number): number {
  const K = alphas.length;
  const d = means[0].length;
  const qdiags: number[][] = [];
  const sumQs = new Array<number>(K).fill(0);
  for (let k = 0; k < K; k++) {
    const qdiag = new Array<number>(d).fill(0);
    for (let j = 0; j < d; j++) {
      qdiag[j] = Math.exp(icf[k][j]);
      sumQs[k] += icf[k][j];
    }
    qdiags.push(qdiag);
  }

  const centred = new Array<number>(d).fill(0);
  const qCentred = new Array<number>(d).fill(0);
  const mainTerm = new Array<number>(K).fill(0);
  let slse = 0;
  for (let i = 0; i < x.length; i++) {
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) centred[j] = x[i][j] - means[k][j];
      qTimesX(qdiags[k], icf[k], centred, qCentred);
      mainTerm[k] = alphas[k] + sumQs[k] - 0.5 * sqnorm(qCentred);
    }
    slse += logsumexp(mainTerm);
  }

  let prior = 0;
  for (let k = 0; k < K; k++) {
    let lowerSq = 0;
    for (let j = d; j < icf[k].length; j++) lowerSq += icf[k][j] * icf[k][j];
    prior += 0.5 * gamma * gamma * (sqnorm(qdiags[k]) + lowerSq) - m * sumQs[k];
  }
  return slse - x.length * logsumexp(alphas) + prior;
}
