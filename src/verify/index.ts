/**
 * `adgen/verify`: numerical checking of generated gradients from a test
 * suite. Free of compiler imports, so it loads quickly.
 */
export { gradcheck, GradcheckError, type GradcheckOptions, type GradientFunction } from "./gradcheck.js";
export { allowedError, type Estimate, numericDerivative, numericEstimate, numericJacobianColumn, weightedSum } from "./numeric.js";
export type { Coordinate } from "./coordinates.js";
export type { FunctionReport, ParameterReport, SampleNote, WorstCoordinate } from "./report.js";
export { seedLike, vjpAsGradient, type VjpFunction } from "./vjp.js";
