/**
 * Control functions for test/real.test.ts, inside adgen's subset: they
 * exercise the corpus test's path for accepted functions (the generated
 * gradient loaded and held to the oracle) and for attribution, which the
 * corpus itself, all outside the subset today, does not reach.
 */

/** A weighted sum of squares. */
export function weightedSquares(xs: number[], w: number): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += w * xs[i] * xs[i];
  return s;
}

export const weightedSquaresSamples: Parameters<typeof weightedSquares>[] = [
  [[1, -2, 0.5], 0.75],
  [[0.3, 0.1], -1.5],
];

/** Polar to Cartesian: vector-valued, so it gets a VJP. */
export function polar(r: number, theta: number): [number, number] {
  return [r * Math.cos(theta), r * Math.sin(theta)];
}

export const polarSamples: Parameters<typeof polar>[] = [
  [2, 0.3],
  [0.5, -1.2],
];

/** Outside the subset: a switch. */
export function viaSwitch(x: number): number {
  switch (Math.sign(x)) {
    case 1:
      return x * x;
    default:
      return x;
  }
}

export const viaSwitchSamples: Parameters<typeof viaSwitch>[] = [[1.5], [-0.25]];
