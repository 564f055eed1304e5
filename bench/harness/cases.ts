/** The benchmark suite: each source in bench/ with its inputs, hand-written and TensorFlow.js gradients. */
import { gmmObjective } from "../gmm.js";
import { gmmObjectiveGradHand } from "../hand/gmm.js";
import { logisticLossGradHand } from "../hand/logistic.js";
import { mlpLossGradHand } from "../hand/mlp.js";
import { rosenbrockGradHand } from "../hand/rosenbrock.js";
import { springChainGradHand } from "../hand/springs.js";
import { logisticLoss } from "../logistic.js";
import { mlpLoss } from "../mlp.js";
import { rosenbrock } from "../rosenbrock.js";
import { springChain } from "../springs.js";
import { Random } from "./random.js";
import { logisticLossGradTfjs, rosenbrockGradTfjs } from "./tfjs.js";
import { type BenchCase, defineCase } from "./types.js";

export function suite(): BenchCase[] {
  const random = new Random(20240601);
  return [rosenbrockCase(random), logisticCase(random), mlpCase(random), springsCase(random), gmmCase(random)];
}

function rosenbrockCase(random: Random): BenchCase {
  const n = 1000;
  return defineCase({
    name: "rosenbrock",
    size: `n = ${n}`,
    primal: rosenbrock,
    parameters: ["x"],
    args: [random.vector(n, -2, 2)],
    hand: rosenbrockGradHand,
    tfjs: rosenbrockGradTfjs,
  });
}

function logisticCase(random: Random): BenchCase {
  const rows = 1000;
  const features = 20;
  const trueW = random.vector(features, -1, 1);
  const X = random.matrix(rows, features, -1, 1);
  // Labels from a noisy linear rule, so the problem is neither separable nor random.
  const y = X.map((row) => (row.reduce((s, v, j) => s + v * trueW[j], 0) + random.uniform(-0.5, 0.5) > 0 ? 1 : -1));
  return defineCase({
    name: "logistic",
    size: `${rows} x ${features}`,
    primal: logisticLoss,
    parameters: ["w", "b", "X", "y", "lambda"],
    args: [random.vector(features, -0.5, 0.5), 0.1, X, y, 0.01],
    hand: logisticLossGradHand,
    tfjs: logisticLossGradTfjs,
  });
}

function mlpCase(random: Random): BenchCase {
  const inputs = 784;
  const hidden = 64;
  const classes = 10;
  const batch = 32;
  const s1 = 1 / Math.sqrt(inputs);
  const s2 = 1 / Math.sqrt(hidden);
  return defineCase({
    name: "mlp",
    size: `${inputs}-${hidden}-${classes}, batch ${batch}`,
    primal: mlpLoss,
    parameters: ["W1", "b1", "W2", "b2", "X", "labels"],
    args: [
      random.matrix(hidden, inputs, -s1, s1),
      random.vector(hidden, -0.1, 0.1),
      random.matrix(classes, hidden, -s2, s2),
      random.vector(classes, -0.1, 0.1),
      random.matrix(batch, inputs, 0, 1),
      Array.from({ length: batch }, () => random.int(classes)),
    ],
    hand: mlpLossGradHand,
  });
}

function springsCase(random: Random): BenchCase {
  const masses = 100;
  const steps = 1000;
  return defineCase({
    name: "springs",
    size: `${masses} masses, ${steps} steps`,
    primal: springChain,
    parameters: ["x0", "v0", "k", "c", "damping", "dt", "steps", "target"],
    args: [random.vector(masses, -0.5, 0.5), random.vector(masses, -0.1, 0.1), 10, 2, 0.1, 0.01, steps, random.vector(masses, -0.2, 0.2)],
    hand: springChainGradHand,
  });
}

function gmmCase(random: Random): BenchCase {
  const d = 10;
  const K = 25;
  const n = 1000;
  const icfSize = (d * (d + 1)) / 2;
  return defineCase({
    name: "gmm",
    size: `d = ${d}, K = ${K}, n = ${n}`,
    primal: gmmObjective,
    parameters: ["alphas", "means", "icf", "x", "gamma", "m"],
    // gamma = 1, m = 0: the Wishart prior of the ADBench data sets.
    args: [random.vector(K, -1, 1), random.matrix(K, d, -1, 1), random.matrix(K, icfSize, -0.5, 0.5), random.matrix(n, d, -1, 1), 1, 0],
    hand: gmmObjectiveGradHand,
  });
}
