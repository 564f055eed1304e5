/** Random sample inputs, reproducible from a seed, for functions whose source gives no samples. */

/** A parameter type, as far as random inputs need to know it. */
export type InputType =
  | { kind: "number" }
  | { kind: "boolean" }
  /** `T[]` and `readonly T[]`, e.g. `number[]` or `number[][]`. */
  | { kind: "array"; element: InputType }
  | { kind: "float64array" }
  /** `text` is the type as written, for the message. */
  | { kind: "unsupported"; text: string };

export interface RandomOptions {
  /** Any integer; the same seed gives the same inputs. */
  seed: number;
  /** Length of every array. */
  size: number;
  /** How many samples. */
  count: number;
}

/** Numbers are drawn uniformly from [-RANGE, RANGE]. */
const RANGE = 2;

/**
 * `count` argument lists for `parameters`: numbers uniform in [-2, 2],
 * booleans true or false with equal odds, arrays of length `size`. The
 * stream depends on the seed and the function's name only, so adding a
 * function to a file does not change the inputs of the others.
 */
export function randomSamples(
  functionName: string,
  parameters: readonly { name: string; type: InputType }[],
  options: RandomOptions,
): { samples: unknown[][] } | { error: string } {
  for (const { name, type } of parameters) {
    const text = unsupportedText(type);
    if (text !== undefined) return { error: `cannot draw random inputs for parameter ${name} of type ${text}; give samples` };
  }
  const next = randomStream(functionName, options.seed);
  const number = () => RANGE * (2 * next() - 1);
  const draw = (type: InputType): unknown => {
    switch (type.kind) {
      case "number":
        return number();
      case "boolean":
        return next() < 0.5;
      case "float64array":
        return Float64Array.from({ length: options.size }, number);
      case "array":
        return Array.from({ length: options.size }, () => draw(type.element));
      case "unsupported":
        throw new Error(`unsupported input type ${type.text}`);
    }
  };
  return { samples: Array.from({ length: options.count }, () => parameters.map((p) => draw(p.type))) };
}

function unsupportedText(type: InputType): string | undefined {
  if (type.kind === "array") return unsupportedText(type.element);
  return type.kind === "unsupported" ? type.text : undefined;
}

/** Uniform numbers in [0, 1), reproducible from `name` and `seed`: the same two give the same stream. */
export function randomStream(name: string, seed: number): () => number {
  return mulberry32(hash(name) ^ seed);
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A small, fast 32-bit generator with good statistics, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
