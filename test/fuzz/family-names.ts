/**
 * Family `names`: parameters, locals, loop counters and helpers named after
 * what adgen's generated module itself declares (its API `<entry>Grad`,
 * `<entry>GradInto`, ..., its tapes and pools `tape`, `valueTape`,
 * `growValues`, `zerosLike`, ..., its result fields `value` and `grad`, its
 * temporaries `t1`, `k`, the adjoint `dx` of another variable `x`, and the
 * loop-state names `v__next`), and, for parameters of functions that use
 * neither, `Math` and `Array`.
 *
 * A program of the family carries `names`, a list of choices: each new name
 * takes the next choice (cycling), which picks a candidate or leaves the
 * usual name (`v1`, `a`, `x`, `f_h0`). A candidate is taken only where it
 * is still free: not declared in the function, and not a module-level name
 * of the file (the batch's shared `taken` set), so that no local shadows a
 * helper the function calls.
 */
import type { FunctionScope, Namer, Variable } from "./scope.js";

// prettier-ignore
export const GENERATED = [
  "value", "grad", "tape", "top", "indices", "itop", "decisions", "dtop", "pooled", "arrays",
  "valueTape", "indexTape", "decisionTape", "growValues", "growIndices", "growDecisions",
  "zeroArray", "zeroSource", "zerosLike", "pooledZeros", "pooledFloats", "k", "t1", "t2",
];
const API = ["Grad", "GradInto", "GradShadows", "GradFloatShadows"];
/** Parameter names that hide a global: only for a function whose text does not name the global. */
const GLOBALS = ["Math", "Array"];
/** How many choices a program has; choices past the candidates keep the usual name. */
export const NAME_CHOICES = 48;

/** The candidates for a new name in `scope` (or at module level): fixed names, API names, and ones made of visible names. */
function candidates(entry: string, scope?: FunctionScope): string[] {
  const api = [entry, "f0"].flatMap((e) => API.map((suffix) => e + suffix));
  const visible = scope ? scope.visible().map((v) => v.name).filter((n) => /^\w+$/.test(n)) : [];
  const made = visible.flatMap((n) => [`d${n}`, `${n}__next`, `d${n[0]!.toUpperCase()}${n.slice(1)}`]);
  return [...GENERATED, ...api, ...made];
}

/** The names of one program: a namer for locals, and choosers for parameters and helpers. */
export class ProgramNames {
  private next = 0;

  constructor(
    private readonly choices: number[],
    private readonly entry: string,
    /** Module-level names of the whole file so far. */
    private readonly taken: Set<string>,
  ) {}

  private choose(pool: string[], free: (name: string) => boolean): string | undefined {
    if (this.choices.length === 0) return undefined;
    const choice = this.choices[this.next++ % this.choices.length]!;
    const name = pool[choice];
    return name !== undefined && free(name) ? name : undefined;
  }

  /** For FunctionScope.namer: a local's or loop counter's name. */
  readonly namer: Namer = (_kind: Variable["type"] | "counter", scope: FunctionScope) =>
    this.choose(candidates(this.entry, scope), (n) => !scope.names.has(n) && !this.taken.has(n));

  /**
   * A parameter's name, or `fallback`; `Math` and `Array` come back as a
   * placeholder that `settle` replaces once the function's text is known.
   */
  parameter(fallback: string, scope: FunctionScope): string {
    const pool = [...GLOBALS.map(placeholder), ...candidates(this.entry, scope)];
    const name = this.choose(pool, (n) => !scope.names.has(n) && !this.taken.has(n)) ?? fallback;
    scope.names.add(name);
    return name;
  }

  /** A helper's name, or `fallback`; it joins the file's module-level names. */
  helper(fallback: string): string {
    const name = this.choose(candidates(this.entry), (n) => !this.taken.has(n)) ?? fallback;
    this.taken.add(name);
    return name;
  }
}

const placeholder = (global: string): string => `${global}__parameter`;

/**
 * A function's text with each placeholder parameter named after its global
 * when the text does not use the global, and `<global>Value` where it does.
 */
export function settle(text: string): string {
  let settled = text;
  for (const global of GLOBALS) {
    const p = placeholder(global);
    if (!settled.includes(p)) continue;
    const uses = new RegExp(`\\b${global}\\b(?!__parameter)`).test(settled);
    settled = settled.replaceAll(p, uses ? `${global.toLowerCase()}Value` : global);
  }
  return settled;
}
