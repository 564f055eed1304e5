/** What a gradient function returns: the value and one entry per differentiated parameter. */
export interface GradResult {
  value: number;
  grad: Record<string, unknown>;
}

/** A benchmark function with its argument types erased, so the harness can treat all alike. */
export type PrimalFn = (...args: unknown[]) => number;
export type GradFn = (...args: unknown[]) => GradResult;

export interface BenchCase {
  /** Also the source file's name: `bench/<name>.ts`. */
  name: string;
  /** The sizes, for the table: "n = 1000". */
  size: string;
  primal: PrimalFn;
  /** The names of all of the primal's parameters, in order; `grad` keys are among them. */
  parameters: string[];
  args: unknown[];
  hand?: GradFn;
  /**
   * TensorFlow.js, with its own copy of the arguments: its tensor constructors walk nested arrays
   * generically, which can change the element kind of the rows and slow down everything else.
   */
  tfjs?: { grad: GradFn; args: unknown[] };
  /** Rose, with its own copy of the arguments for the same reason. */
  rose?: { grad: GradFn; args: unknown[] };
}

/**
 * A benchmark case with its argument types checked against the primal, then erased.
 * The hand-written, TensorFlow.js and Rose gradients must take the primal's arguments.
 */
export function defineCase<A extends unknown[]>(spec: {
  name: string;
  size: string;
  primal: (...args: A) => number;
  parameters: { [K in keyof A]: string };
  args: A;
  hand?: (...args: A) => GradResult;
  tfjs?: (...args: A) => GradResult;
  rose?: (...args: A) => GradResult;
}): BenchCase {
  return {
    name: spec.name,
    size: spec.size,
    primal: spec.primal as unknown as PrimalFn,
    parameters: [...(spec.parameters as string[])],
    args: spec.args,
    hand: spec.hand as unknown as GradFn | undefined,
    tfjs: spec.tfjs && { grad: spec.tfjs as unknown as GradFn, args: structuredClone(spec.args) },
    rose: spec.rose && { grad: spec.rose as unknown as GradFn, args: structuredClone(spec.args) },
  };
}
