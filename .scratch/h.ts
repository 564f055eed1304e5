import { springChainGradHand } from "../bench/hand/springs.js";
import { springChain } from "../bench/springs.js";
const variant = process.argv[2]!;
const mod = await import(`./${variant}.ts`);
const g = mod.springChainGrad;
const m = 100; const vec = (n: number, s: number) => Array.from({ length: n }, (_, i) => s * Math.sin(i * 1.7 + s));
const args = [vec(m, 0.5), vec(m, 0.1), 10, 2, 0.1, 0.01, 1000, vec(m, 0.2)] as const;
const subjects: Record<string, () => number> = {
  primal: () => (springChain as any)(...args),
  adgen: () => g(...args).value,
  hand: () => (springChainGradHand as any)(...args).value,
};
const ratios: number[] = []; const hr: number[] = [];
for (let r = 0; r < 25; r++) {
  const t: Record<string, number> = {};
  for (const [k, f] of Object.entries(subjects)) { const t0 = performance.now(); for (let i = 0; i < 20; i++) f(); t[k] = performance.now() - t0; }
  if (r >= 5) { ratios.push(t.adgen! / t.hand!); hr.push(t.hand! / t.primal!); }
}
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]!;
console.log(variant, "adgen/hand", med(ratios).toFixed(3), "hand/primal", med(hr).toFixed(2));
