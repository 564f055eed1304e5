/**
 * `adgen/verify`: numerical checking of generated gradients from a test
 * suite. Free of compiler imports, so it loads quickly.
 */
export { gradcheck, GradcheckError, type GradcheckOptions, type GradientFunction } from "./gradcheck.js";
export type { GradientIntoFunction } from "./gradinto.js";
export { allowedError, type Estimate, numericDerivative, numericEstimate, numericJacobianColumn, weightedSum } from "./numeric.js";
export type { Coordinate } from "./coordinates.js";
export type { FunctionReport, ParameterReport, SampleNote, WorstCoordinate } from "./report.js";
export { BASIS_LIMIT, RANDOM_SEEDS, seedLike } from "./seeds.js";
export { vjpcheck, type VjpcheckOptions, type VjpFunction } from "./vjp.js";
