/**
 * The module-level declarations generated code may need: the tapes, their
 * grow functions, and the zero arrays and pools of shadow arrays. The tapes
 * live at module level and are kept between calls, so they grow only while a
 * gradient warms up; each call starts at position 0. Gradients never call
 * each other (calls are inlined), so they can share them.
 *
 * Each declaration is written in terms of the names the module registry
 * (`module-names.ts`) gave its identifiers, which are the names below unless
 * a name of the user's is already one of them.
 */

/** The module-level identifiers the declarations define, by their usual name. */
export const moduleIdentifiers = [
  "valueTape", "decisionTape", "indexTape", "arrays", "growValues", "growIndices", "growDecisions",
  "zeroSource", "zeroArray", "pooledZeros", "pooledFloats", "zerosLike", "revolveStep",
] as const;

export type ModuleIdentifier = (typeof moduleIdentifiers)[number];
export type ModuleIdentifiers = Readonly<Record<ModuleIdentifier, string>>;

/** The declarations, in the order a module lists them. */
export const helperKinds = [
  "tapeValues", "tapeDecisions", "tapeIndices", "tapeArrays", "growValues", "growIndices", "growDecisions",
  "zeroArray", "pooledZeros", "pooledFloats", "zerosLike", "revolveStep",
] as const;

export type Helper = (typeof helperKinds)[number];

export function helperDeclarations(n: ModuleIdentifiers): Record<Helper, string> {
  const tape = (name: string, what: string, type: string) =>
    `/** The ${what} tape, kept between calls (a call works on a local reference to it). */\nlet ${name}: ${type} = new ${type}(1024);`;
  const grow = (name: string, what: string, type: string) => [
    `/** A copy of the ${what} tape with room for at least \`need\` entries. */`,
    `function ${name}(tape: ${type}, need: number): ${type} {`,
    `  const bigger = new ${type}(Math.max(2 * tape.length, need));`,
    "  bigger.set(tape);",
    "  return bigger;",
    "}",
  ].join("\n");
  return {
    tapeValues: tape(n.valueTape, "value", "Float64Array"),
    tapeDecisions: tape(n.decisionTape, "decision", "Uint8Array"),
    tapeIndices: tape(n.indexTape, "index", "Int32Array"),
    tapeArrays: `/** Array references recorded by loop bodies, kept between calls (empty between calls). */\nconst ${n.arrays}: (number[] | number[][] | Float64Array)[] = [];`,
    growValues: grow(n.growValues, "value", "Float64Array"),
    growIndices: grow(n.growIndices, "index", "Int32Array"),
    growDecisions: grow(n.growDecisions, "decision", "Uint8Array"),
    zeroArray: zeroArrayDeclaration(n),
    pooledZeros: [
      "/** Zeros for `n` numbers: the array of `slot` in `pool` (kept between calls), made or remade when its length differs. */",
      `function ${n.pooledZeros}(pool: number[][], slot: number, n: number): number[] {`,
      "  const a = pool[slot];",
      "  if (a !== undefined && a.length === n) return a.fill(0);",
      `  return (pool[slot] = ${n.zeroArray}(n));`,
      "}",
    ].join("\n"),
    pooledFloats: [
      "/** A zeroed Float64Array of length `n`: the one of `slot` in `pool` (kept between calls), made or remade when its length differs. */",
      `function ${n.pooledFloats}(pool: Float64Array[], slot: number, n: number): Float64Array {`,
      "  const a = pool[slot];",
      "  if (a !== undefined && a.length === n) return a.fill(0);",
      "  return (pool[slot] = new Float64Array(n));",
      "}",
    ].join("\n"),
    zerosLike: [
      "/** Zeros in the shape of a matrix given as rows. */",
      `function ${n.zerosLike}(rows: readonly (readonly number[])[]): number[][] {`,
      "  const zeros: number[][] = [];",
      `  for (const row of rows) zeros.push(${n.zeroArray}(row.length));`,
      "  return zeros;",
      "}",
    ].join("\n"),
    revolveStep: revolveStepDeclaration(n),
  };
}

/**
 * The binomial (Revolve) checkpointing schedule's one decision, for the
 * loops tagged `@checkpoint` (ad/reverse/checkpoint.ts). A snapshot at the
 * start of a stretch, `n` stretches to reverse from there and `free` slots
 * free: how many stretches to advance before the next snapshot. With
 * beta(s, r) = (s + r)! / (s! r!), the stretches that s snapshots reverse
 * running each at most r times again, r is the fewest repetitions with
 * beta(free + 1, r) >= n; a step m leaves n - m stretches to the free - 1
 * slots after it (at most beta(free, r)) and m to the slots before it within
 * r - 1 repetitions; the smallest such m that is at least beta(free + 1,
 * r - 2) makes the stretches recomputed in all the fewest possible (checked
 * against a search of every step by test/checkpoint.test.ts). Without a free
 * slot, or with one stretch left, it is `n`: no snapshot before the end.
 */
function revolveStepDeclaration(n: ModuleIdentifiers): string {
  return [
    "/**",
    " * Binomial checkpointing: from a snapshot with `n` stretches to reverse after it and `free` slots",
    " * free, the stretches to advance before taking the next snapshot (`n`: none before the end).",
    " */",
    `function ${n.revolveStep}(n: number, free: number): number {`,
    "  if (free <= 0 || n <= 1) return n;",
    "  // beta(s, r) = (s + r)! / (s! r!); r is the fewest repetitions with beta(free + 1, r) >= n.",
    "  let r = 0;",
    "  let before = 0; // beta(free + 1, r - 2)",
    "  let last = 0; // beta(free + 1, r - 1)",
    "  let reach = 1; // beta(free + 1, r)",
    "  while (reach < n) {",
    "    r += 1;",
    "    before = last;",
    "    last = reach;",
    "    reach = (reach * (free + 1 + r)) / r;",
    "  }",
    "  let after = 1; // beta(free, r)",
    "  for (let i = 1; i <= r; i++) after = (after * (free + i)) / i;",
    "  return Math.max(1, n - after, before);",
    "}",
  ].join("\n");
}

/** `zeroArray` and the kept zeros it copies from. */
function zeroArrayDeclaration(n: ModuleIdentifiers): string {
  return [
    `/** Zeros kept between calls, for \`${n.zeroArray}\` to copy from (grown on demand). */`,
    `let ${n.zeroSource}: number[] = [];`,
    "",
    "/**",
    ` * A fresh array of \`n\` zeros: a copy of part of \`${n.zeroSource}\`. V8 copies an`,
    " * array of doubles in one block, and the copy holds doubles from the start;",
    " * `new Array(n).fill(0)` fills element by element and holds small integers",
    " * until the first fractional write converts it, which made a gradient of a",
    " * cheap function over 1,000 numbers twice as slow. The copy has the element",
    " * kind (holey doubles) of `new Array(n).fill(0)` after that conversion, so a",
    " * gradient given buffers made either way sees one kind of array.",
    " */",
    `function ${n.zeroArray}(n: number): number[] {`,
    `  if (${n.zeroSource}.length < n) {`,
    "    // Filled with a fraction first so that V8 stores doubles.",
    `    ${n.zeroSource} = new Array<number>(Math.max(n, 2 * ${n.zeroSource}.length)).fill(0.5).fill(0);`,
    "  }",
    `  return ${n.zeroSource}.slice(0, n);`,
    "}",
  ].join("\n");
}
