/** The benchmark suite: each source in bench/ with its inputs, hand-written, TensorFlow.js and Rose gradients. */
import { baObjective } from "../ba.js";
import { baNatural } from "../ba-natural.js";
import { dense } from "../dense.js";
import { denseNatural } from "../dense-natural.js";
import { determinant } from "../det.js";
import { ik } from "../ik.js";
import { ikNatural } from "../ik-natural.js";
import { denseGradHand } from "../hand/dense.js";
import { determinantGradHand } from "../hand/det.js";
import { ikGradHand } from "../hand/ik.js";
import { gmmObjective } from "../gmm.js";
import { baObjectiveGradHand } from "../hand/ba.js";
import { gmmObjectiveGradHand } from "../hand/gmm.js";
import { logisticLossGradHand } from "../hand/logistic.js";
import { lstmObjectiveGradHand } from "../hand/lstm.js";
import { mlpLossGradHand } from "../hand/mlp.js";
import { rosenbrockGradHand } from "../hand/rosenbrock.js";
import { springChainGradHand } from "../hand/springs.js";
import { logisticLoss } from "../logistic.js";
import { logisticLossMethods } from "../logistic-methods.js";
import { rosenbrockClosure } from "../rosenbrock-closure.js";
import { lstmObjective } from "../lstm.js";
import { mlpLoss } from "../mlp.js";
import { rosenbrock } from "../rosenbrock.js";
import { springChain } from "../springs.js";
import { Random } from "./random.js";
import { baObjectiveGradRose } from "./rose/ba.js";
import { gmmObjectiveGradRose } from "./rose/gmm.js";
import { logisticLossGradRose } from "./rose/logistic.js";
import { lstmObjectiveGradRose } from "./rose/lstm.js";
import { mlpLossGradRose } from "./rose/mlp.js";
import { rosenbrockGradRose } from "./rose/rosenbrock.js";
import { springChainGradRose } from "./rose/springs.js";
import { gmmObjectiveGradTfjs, logisticLossGradTfjs, mlpLossGradTfjs, rosenbrockGradTfjs } from "./tfjs.js";
import { type BenchCase, defineCase } from "./types.js";

/** Async because Rose compiles to WebAssembly asynchronously. */
export async function suite(): Promise<BenchCase[]> {
  const random = new Random(20240601);
  const cases = [await rosenbrockCase(random), await logisticCase(random), await mlpCase(random), await springsCase(random), await gmmCase(random), await baCase(random), await lstmCase(random), methodsCase(new Random(20240601)), closureCase(new Random(20240601))];
  return [...cases, ...naturalCases(cases.find((c) => c.name === "ba")!.args)];
}

/**
 * Benchmarks written the way vector code is usually written (helpers taking and returning small arrays,
 * `number[][]` matrices), each beside a version with the numbers spelled out where there is one.
 * Natural-style bundle adjustment runs on ba's own inputs.
 */
function naturalCases(baArgs: unknown[]): BenchCase[] {
  const random = new Random(20261202);
  const [cams, X, w, obs, feats] = baArgs as [number[][], number[][], number[], number[][], number[][]];
  const ba = defineCase({
    name: "ba-natural",
    size: `${cams.length} cameras, ${X.length} points, ${obs.length} observations`,
    primal: baNatural,
    parameters: ["cams", "X", "w", "obs", "feats"],
    args: [cams, X, w, obs, feats],
    hand: baObjectiveGradHand,
  });
  return [ba, detCase(random), ...denseCases(random), ...ikCases(random)];
}

/** A 30 x 30 matrix near the identity times 2, so that elimination without pivoting is well conditioned. */
function detCase(random: Random): BenchCase {
  const n = 30;
  const A = random.matrix(n, n, -0.3, 0.3);
  for (let i = 0; i < n; i++) A[i][i] += 2;
  return defineCase({ name: "det", size: `${n} x ${n}`, primal: determinant, parameters: ["A"], args: [A], hand: determinantGradHand });
}

function denseCases(random: Random): BenchCase[] {
  const batch = 1000;
  const args: [number[][], number[], number[][], number[], number[][], number[][]] = [
    random.matrix(3, 3, -1, 1),
    random.vector(3, -0.5, 0.5),
    random.matrix(2, 3, -1, 1),
    random.vector(2, -0.5, 0.5),
    random.matrix(batch, 3, -1, 1),
    random.matrix(batch, 2, -1, 1),
  ];
  const parameters: [string, string, string, string, string, string] = ["W", "b", "V", "c", "X", "Y"];
  const size = `3-3-2, batch ${batch}`;
  return [
    defineCase({ name: "dense", size, primal: dense, parameters, args, hand: denseGradHand }),
    defineCase({ name: "dense-natural", size, primal: denseNatural, parameters, args, hand: denseGradHand }),
  ];
}

function ikCases(random: Random): BenchCase[] {
  const poses = 200;
  const joints = 6;
  const args: [number[][], number[], number[][], number] = [random.matrix(poses, joints, -1, 1), random.vector(joints, 0.5, 1.5), random.matrix(poses, 2, -3, 3), 0.1];
  const parameters: [string, string, string, string] = ["theta", "L", "targets", "smooth"];
  const size = `${joints} joints, ${poses} poses`;
  return [
    defineCase({ name: "ik", size, primal: ik, parameters, args, hand: ikGradHand }),
    defineCase({ name: "ik-natural", size, primal: ikNatural, parameters, args, hand: ikGradHand }),
  ];
}

async function rosenbrockCase(random: Random): Promise<BenchCase> {
  const n = 1000;
  return defineCase({
    name: "rosenbrock",
    size: `n = ${n}`,
    primal: rosenbrock,
    parameters: ["x"],
    args: [random.vector(n, -2, 2)],
    hand: rosenbrockGradHand,
    tfjs: rosenbrockGradTfjs,
    rose: await rosenbrockGradRose(n),
  });
}

async function logisticCase(random: Random): Promise<BenchCase> {
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
    rose: await logisticLossGradRose(rows, features),
  });
}

async function mlpCase(random: Random): Promise<BenchCase> {
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
    tfjs: mlpLossGradTfjs,
    rose: await mlpLossGradRose(inputs, hidden, classes, batch),
  });
}

async function springsCase(random: Random): Promise<BenchCase> {
  const masses = 100;
  const steps = 1000;
  return defineCase({
    name: "springs",
    size: `${masses} masses, ${steps} steps`,
    primal: springChain,
    parameters: ["x0", "v0", "k", "c", "damping", "dt", "steps", "target"],
    args: [random.vector(masses, -0.5, 0.5), random.vector(masses, -0.1, 0.1), 10, 2, 0.1, 0.01, steps, random.vector(masses, -0.2, 0.2)],
    hand: springChainGradHand,
    rose: await springChainGradRose(masses, steps),
  });
}

async function gmmCase(random: Random): Promise<BenchCase> {
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
    tfjs: gmmObjectiveGradTfjs,
    rose: await gmmObjectiveGradRose(d, K, n),
  });
}

async function baCase(random: Random): Promise<BenchCase> {
  const cameras = 10;
  const points = 1000;
  const perPoint = 5;
  // Rotations up to about 30 degrees, centres near the origin, points 6-10 in front: every depth is positive.
  const cams = Array.from({ length: cameras }, (_, i) => [
    // Camera 0 has no rotation, so both branches of Rodrigues' formula are checked.
    ...random.vector(3, -0.3, 0.3).map((r) => (i === 0 ? 0 : r)),
    ...random.vector(3, -1, 1),
    random.uniform(0.8, 1.2),
    ...random.vector(2, -0.1, 0.1),
    ...random.vector(2, -0.05, 0.05),
  ]);
  const X = Array.from({ length: points }, () => [...random.vector(2, -2, 2), random.uniform(6, 10)]);
  // Point j is seen by cameras j, j + 2, ..., j + 8 (mod 10).
  const obs = Array.from({ length: points * perPoint }, (_, k) => [(Math.floor(k / perPoint) + 2 * (k % perPoint)) % cameras, Math.floor(k / perPoint)]);
  return defineCase({
    name: "ba",
    size: `${cameras} cameras, ${points} points, ${obs.length} observations`,
    primal: baObjective,
    parameters: ["cams", "X", "w", "obs", "feats"],
    args: [cams, X, random.vector(obs.length, 0.5, 1.5), obs, random.matrix(obs.length, 2, -0.5, 0.5)],
    hand: baObjectiveGradHand,
    rose: await baObjectiveGradRose(cameras, points, obs.length),
  });
}

async function lstmCase(random: Random): Promise<BenchCase> {
  const layers = 2;
  const b = 14;
  const c = 100;
  const sequence = Array.from({ length: c }, () => {
    const row = new Array<number>(b).fill(0);
    row[random.int(b)] = 1;
    return row;
  });
  return defineCase({
    name: "lstm",
    size: `l = ${layers}, b = ${b}, c = ${c}`,
    primal: lstmObjective,
    parameters: ["mainParams", "extraParams", "state", "sequence"],
    args: [random.matrix(2 * layers, 4 * b, -1, 1), random.matrix(3, b, -1, 1), random.matrix(2 * layers, b, -1, 1), sequence],
    hand: lstmObjectiveGradHand,
    rose: await lstmObjectiveGradRose(layers, b, c),
  });
}

/** The logistic loss written with reduce and a closure, on logistic's inputs (the same generator seed). */
function methodsCase(random: Random): BenchCase {
  const rows = 1000;
  const features = 20;
  const trueW = random.vector(features, -1, 1);
  const X = random.matrix(rows, features, -1, 1);
  const y = X.map((row) => (row.reduce((s, v, j) => s + v * trueW[j], 0) + random.uniform(-0.5, 0.5) > 0 ? 1 : -1));
  return defineCase({
    name: "logistic-methods",
    size: `${rows} x ${features}`,
    primal: logisticLossMethods,
    parameters: ["w", "b", "X", "y", "lambda"],
    args: [random.vector(features, -0.5, 0.5), 0.1, X, y, 0.01],
    // The hand-written gradient of the loop version: what the methods cost over hand-scalarised code.
    hand: logisticLossGradHand,
  });
}

/** Rosenbrock written with a closure and forEach, on rosenbrock's inputs. */
function closureCase(random: Random): BenchCase {
  const n = 1000;
  return defineCase({ name: "rosenbrock-closure", size: `n = ${n}`, primal: rosenbrockClosure, parameters: ["x"], args: [random.vector(n, -2, 2)], hand: rosenbrockGradHand });
}
