import { add, compile, fn, igeq, ilt, mul, Real, select, struct, sub, sum, Vec, vec, vjp } from "rose";
import { exp, log } from "./math.js";
import type { GradResult } from "../types.js";

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
