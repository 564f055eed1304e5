/**
 * The checkpointing schedule's decision (ad/reverse/checkpoint.ts): where
 * the next snapshot of a loop tagged `@checkpoint` goes. Generated code calls
 * the module helper `revolveStep` (emit/helpers.ts, which says how it
 * decides). A count of trips: it carries no derivative (no rules).
 */
import type { Primitive } from "../primitives.js";

export const schedule: Primitive[] = [
  { name: "revolvestep", arity: 2, resultType: "f64", helper: "revolveStep", emit: (a) => `revolveStep(${a.join(", ")})` },
];
