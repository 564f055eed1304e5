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
