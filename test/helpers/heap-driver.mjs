/**
 * Run by test/alloc.test.ts in its own process, as
 *   node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 heap-driver.mjs <module.mjs> <name> <args.json> [<primal.mjs>]
 * Warms up `<name>GradInto`, `<name>Grad` and, when given, the primal `<name>`, then measures the heap bytes
 * each call leaves allocated (the least over several rounds, so that a round
 * in which the JIT compiles something does not count) and counts the garbage
 * collections during the measured calls. The new space is made large and
 * fixed so that no scavenge runs inside a round and hides what it allocated.
 * Prints one JSON line.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [modulePath, name, argsPath, primalPath] = process.argv.slice(2);
const module = await import(pathToFileURL(modulePath).href);
const grad = module[`${name}Grad`];
const into = module[`${name}GradInto`];
const args = JSON.parse(readFileSync(argsPath, "utf8"));

/** Zeroed gradient buffers shaped like Grad's result, made as the generated Grad makes them. */
function zeroedLike(value) {
  if (typeof value === "number") return 0;
  if (value instanceof Float64Array) return new Float64Array(value.length);
  if (value.length > 0 && Array.isArray(value[0])) return value.map(zeroedLike);
  return new Array(value.length).fill(0);
}
const buffers = Object.fromEntries(Object.entries(grad(...args).grad).map(([k, v]) => [k, zeroedLike(v)]));
const intoArgs = [...args, buffers];

let collections = 0;
new PerformanceObserver((list) => {
  collections += list.getEntries().length;
}).observe({ entryTypes: ["gc"] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

const ROUNDS = 5;
const CALLS = Number(process.env.CALLS ?? 200);
const WARMUP = Number(process.env.WARMUP ?? 2000);

async function measure(run) {
  for (let i = 0; i < WARMUP; i++) run();
  let best = Infinity;
  let gcs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    globalThis.gc();
    await settle();
    collections = 0;
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < CALLS; i++) run();
    const after = process.memoryUsage().heapUsed;
    await settle();
    gcs += collections;
    best = Math.min(best, (after - before) / CALLS);
  }
  return { bytesPerCall: best, collections: gcs };
}

const intoResult = await measure(() => into(...intoArgs));
const gradResult = await measure(() => grad(...args));
const primal = primalPath && (await import(pathToFileURL(primalPath).href))[name];
const primalResult = primal && (await measure(() => primal(...args)));
console.log(JSON.stringify({ into: intoResult, grad: gradResult, primal: primalResult, gradientEntries: Object.values(buffers).flat(2).length }));
