import { gradcheck } from "../src/verify/index.js";
import { springEnergy } from "../fixtures/simulation.js";
import { springEnergyGrad } from "../fixtures/simulation.grad.js";
for (const T of [10, 100, 2000]) {
const report = gradcheck(springEnergy, springEnergyGrad, [[[0.1, -0.2, 0.3], 2, 0.1, 0.01, T]], { parameters: ["x0", "k", "damping", "dt", "T"], throwOnFailure: false });
console.log(T, JSON.stringify(report).slice(0, 1500));
}
