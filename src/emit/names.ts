/**
 * Collision-free naming of a generated function's variables. A name hint is
 * used as is the first time (`x`, `dx`, `loss`); later versions of the same
 * hint get `_1`, `_2`, ... (`s`, `s_1`, `s_2` for a reassigned `s`);
 * temporaries are `t1`, `t2`, .... Reserved words, the globals generated code
 * uses, the module's own top-level names (`module-names.ts`) and the
 * parameters are never reused.
 */

/** Words no generated name may be: TypeScript's reserved words and the globals generated code reads. */
export const reservedWords: ReadonlySet<string> = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "as implements interface let package private protected public static yield any boolean constructor declare get " +
    "module require number set string symbol type from of await async undefined NaN Infinity Math Object Array " +
    "Float64Array Int32Array Uint8Array Number Error RangeError TypeError value arguments eval"
  ).split(" "),
);

export class Names {
  private readonly taken: Set<string>;
  private readonly versions = new Map<string, number>();

  /** `reserved`: names the module defines at its top level, which no variable may hide. */
  constructor(reserved: Iterable<string> = []) {
    this.taken = new Set([...reservedWords, ...reserved]);
  }

  /** A parameter's own name when it is free, else a fresh version of it (a parameter called `Math` or `tape`). */
  own(name: string): string {
    return this.taken.has(name) ? this.fresh(name) : this.claim(name);
  }

  /** Claims a name that must be spelled exactly so (a parameter). */
  claim(name: string): string {
    this.taken.add(name);
    this.versions.set(name, 0);
    return name;
  }

  /** A fresh name from a hint: the hint itself if free, else the next free version. */
  fresh(hint: string): string {
    const temp = hint === "";
    const key = temp ? "" : hint;
    let n = this.versions.get(key) ?? (temp ? 1 : 0);
    for (;;) {
      const candidate = temp ? `t${n}` : n === 0 ? hint : `${hint}_${n}`;
      n++;
      if (!this.taken.has(candidate)) {
        this.versions.set(key, n);
        this.taken.add(candidate);
        return candidate;
      }
    }
  }
}
