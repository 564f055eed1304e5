/**
 * The one registry of the names a generated module defines at its top level:
 * the exported functions (the API), the functions of the user's it imports
 * or declares, the tapes and helpers, and each gradient's pools of shadow
 * arrays. Functions name their local variables (`emit/names.ts`) so that no
 * local, parameter included, hides one of these.
 *
 * Who gives way when two want one name: the API is fixed; an imported user
 * function takes another local name (`import { f as f_1 }`) when its own is
 * taken; a declared one cannot, so its clash with the API is a diagnostic
 * (see `clashes`); helpers and pools take the next free version (`zeroArray_1`).
 */
import type { ExternalFunction } from "../ir/primitives.js";
import { moduleIdentifiers, type ModuleIdentifiers } from "./helpers.js";
import { reservedWords } from "./names.js";

export class ModuleNames {
  private readonly taken = new Set<string>();
  private readonly externals = new Map<string, string>();
  private readonly pools = new Map<string, { f64: string; floats: string }>();
  /** The helpers' identifiers, as this module spells them. */
  readonly identifiers: ModuleIdentifiers;
  /** External functions that must keep a name the API already has. */
  readonly clashes: ExternalFunction[] = [];

  /**
   * `api`: the exported names, in order; `externals`: the functions adgen
   * cannot see into that the gradients call, in order of first call;
   * `owners`: the gradient functions, each of which may have pools.
   */
  constructor(api: string[], externals: ExternalFunction[], owners: string[]) {
    for (const name of api) this.taken.add(name);
    for (const fn of externals) {
      if (this.externals.has(fn.key)) continue;
      const fixed = fn.source.kind === "declare" || fn.source.kind === "global";
      if (fixed && (this.taken.has(fn.hint))) this.clashes.push(fn);
      this.externals.set(fn.key, fixed ? this.claim(fn.hint) : this.fresh(fn.hint));
    }
    const identifiers: Partial<Record<(typeof moduleIdentifiers)[number], string>> = {};
    for (const id of moduleIdentifiers) identifiers[id] = this.fresh(id);
    this.identifiers = identifiers as ModuleIdentifiers;
    for (const owner of owners) this.pools.set(owner, { f64: this.fresh(`${owner}Shadows`), floats: this.fresh(`${owner}FloatShadows`) });
  }

  /** The name generated code calls an external function by. */
  external(fn: ExternalFunction): string {
    const name = this.externals.get(fn.key);
    if (name === undefined) throw new Error(`external function ${fn.key} was not registered`);
    return name;
  }

  /** The pools of the gradient function `owner`. */
  poolsOf(owner: string): { f64: string; floats: string } {
    const pools = this.pools.get(owner);
    if (!pools) throw new Error(`gradient ${owner} was not registered`);
    return pools;
  }

  /** Every top-level name of the module: no local variable may take one. */
  all(): ReadonlySet<string> {
    return this.taken;
  }

  private claim(name: string): string {
    this.taken.add(name);
    return name;
  }

  /** `name`, or `name_1`, `name_2`, ... : the first that is neither taken nor a word generated code needs. */
  private fresh(name: string): string {
    for (let n = 0; ; n++) {
      const candidate = n === 0 ? name : `${name}_${n}`;
      if (!this.taken.has(candidate) && !reservedWords.has(candidate)) return this.claim(candidate);
    }
  }
}
