/**
 * TensorFlow.js gradients (its pure-JS CPU backend, float32) of two benchmarks, for comparison. Each
 * call includes creating the tensors from the arguments and reading the numbers back.
 */
import * as tf from "@tensorflow/tfjs";
import type { GradResult } from "./types.js";

/** Selects the CPU backend, in production mode (fewer checks, and no advice to install tfjs-node). */
export async function initTfjs(): Promise<void> {
  await tf.setBackend("cpu");
  tf.enableProdMode();
  await tf.ready();
}

export function rosenbrockGradTfjs(x: readonly number[]): GradResult {
  const { value, dx } = tf.tidy(() => {
    const n = x.length;
    const f = (t: tf.Tensor): tf.Scalar => {
      const head = tf.slice(t, 0, n - 1);
      const a = tf.sub(tf.slice(t, 1, n - 1), tf.square(head));
      const b = tf.sub(1, head);
      return tf.sum(tf.add(tf.mul(100, tf.square(a)), tf.square(b)));
    };
    const { value, grad } = tf.valueAndGrad(f)(tf.tensor1d(x as number[]));
    return { value: value.dataSync()[0], dx: Array.from(grad.dataSync()) };
  });
  return { value, grad: { x: dx } };
}

export function logisticLossGradTfjs(w: readonly number[], b: number, X: number[][], y: readonly number[], lambda: number): GradResult {
  const { value, dw, db } = tf.tidy(() => {
    const Xt = tf.tensor2d(X);
    const yt = tf.tensor1d(y as number[]);
    const f = (wt: tf.Tensor, bt: tf.Tensor): tf.Scalar => {
      const z = tf.add(tf.reshape(tf.matMul(Xt, tf.reshape(wt, [-1, 1])), [-1]), bt);
      const loss = tf.mean(tf.softplus(tf.neg(tf.mul(yt, z))));
      return tf.add(loss, tf.mul(0.5 * lambda, tf.sum(tf.square(wt))));
    };
    const { value, grads } = tf.valueAndGrads(f)([tf.tensor1d(w as number[]), tf.scalar(b)]);
    return { value: value.dataSync()[0], dw: Array.from(grads[0].dataSync()), db: grads[1].dataSync()[0] };
  });
  return { value, grad: { w: dw, b: db } };
}

export function mlpLossGradTfjs(W1: number[][], b1: readonly number[], W2: number[][], b2: readonly number[], X: number[][], labels: readonly number[]): GradResult {
  const { value, grads } = tf.tidy(() => {
    const Xt = tf.tensor2d(X);
    const onehot = tf.oneHot(tf.tensor1d(labels as number[], "int32"), W2.length);
    const f = (w1: tf.Tensor, c1: tf.Tensor, w2: tf.Tensor, c2: tf.Tensor): tf.Scalar => {
      const h = tf.tanh(tf.add(tf.matMul(Xt, w1, false, true), c1));
      const z = tf.add(tf.matMul(h, w2, false, true), c2);
      return tf.mean(tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(z, onehot), 1)));
    };
    const params = [tf.tensor2d(W1), tf.tensor1d(b1 as number[]), tf.tensor2d(W2), tf.tensor1d(b2 as number[])];
    const { value, grads } = tf.valueAndGrads(f as (...t: tf.Tensor[]) => tf.Scalar)(params);
    return { value: value.dataSync()[0], grads: grads.map((g) => g.arraySync() as number[] | number[][]) };
  });
  return { value, grad: { W1: grads[0], b1: grads[1], W2: grads[2], b2: grads[3] } };
}

/**
 * For the GMM's icf rows extended by one zero: where each entry of the d x d lower-triangular Q
 * comes from (the diagonal from the first d entries, the strictly lower part column by column).
 */
function gmmQIndices(d: number): number[] {
  const index = new Array<number>(d * d).fill((d * (d + 1)) / 2);
  let l = d;
  for (let col = 0; col < d; col++) {
    index[col * d + col] = col;
    for (let row = col + 1; row < d; row++) index[row * d + col] = l++;
  }
  return index;
}

export function gmmObjectiveGradTfjs(alphas: readonly number[], means: number[][], icf: number[][], x: number[][], gamma: number, m: number): GradResult {
  const K = alphas.length;
  const d = means[0].length;
  const n = x.length;
  const { value, grads } = tf.tidy(() => {
    const xT = tf.transpose(tf.tensor2d(x)); // d x n
    const qIndex = tf.tensor1d(gmmQIndices(d), "int32");
    const f = (a: tf.Tensor, mu: tf.Tensor, ic: tf.Tensor): tf.Scalar => {
      const logDiag = tf.slice(ic, [0, 0], [K, d]);
      const lower = tf.slice(ic, [0, d], [K, -1]);
      const extended = tf.concat([tf.exp(logDiag), lower, tf.zeros([K, 1])], 1);
      const Q = tf.reshape(tf.gather(extended, qIndex, 1), [K, d, d]);
      const centred = tf.sub(tf.expandDims(xT, 0), tf.expandDims(mu, 2)); // K x d x n
      const y = tf.matMul(Q, centred);
      const sumQs = tf.sum(logDiag, 1); // K
      const mainTerm = tf.sub(tf.expandDims(tf.add(a, sumQs), 1), tf.mul(0.5, tf.sum(tf.square(y), 1))); // K x n
      const slse = tf.sum(tf.logSumExp(mainTerm, 0));
      const prior = tf.sub(
        tf.mul(0.5 * gamma * gamma, tf.add(tf.sum(tf.exp(tf.mul(2, logDiag))), tf.sum(tf.square(lower)))),
        tf.mul(m, tf.sum(sumQs)),
      );
      return tf.add(tf.sub(slse, tf.mul(n, tf.logSumExp(a))), prior);
    };
    const params = [tf.tensor1d(alphas as number[]), tf.tensor2d(means), tf.tensor2d(icf)];
    const { value, grads } = tf.valueAndGrads(f as (...t: tf.Tensor[]) => tf.Scalar)(params);
    return { value: value.dataSync()[0], grads: grads.map((g) => g.arraySync() as number[] | number[][]) };
  });
  return { value, grad: { alphas: grads[0], means: grads[1], icf: grads[2] } };
}
