/**
 * What the renderer knows while it writes one function: the variables in
 * scope with a bound on their magnitude, and the helpers and constants it may
 * use. Bounds are sound over every input the fuzzer chooses, which is what
 * lets render-expr.ts keep every value moderate and every Math function
 * inside its domain.
 */

import type { AggregateKind, ArrayType } from "./shapes.js";

export interface Variable {
  name: string;
  type: "number" | "boolean" | "array" | "aggregate";
  /** |value| <= bound on every input, for an array of every element (not used for booleans). */
  bound: number;
  /**
   * `let` locals and value parameters; `const` locals and condition-only
   * parameters are never assigned. For an array: whether its elements may be
   * written (local arrays, not parameters).
   */
  assignable: boolean;
  /** Parameters meant to steer control flow only: read in conditions, never in values. */
  conditionOnly: boolean;
  /** False from a declaration until its value exists (`let v: number;`, and a `const` during its own initializer). */
  readable: boolean;
  /** A `const` whose TypeScript type is a literal type (`const v = 2`). */
  literal?: boolean;
  /** A loop counter that takes the integers 0 .. indexLimit - 1 only, so it can index any array that long. */
  indexLimit?: number;
  array?: ArrayInfo;
  aggregate?: AggregateInfo;
}

/**
 * A tuple or object. Its numbers and arrays are variables of their own, named by their access path
 * (`s1.p`, `n2.s.r`, `t3[0]`), so assignments, loops and branches treat them like any local; a
 * nested object's inner object is an aggregate variable too (`n2.s`).
 */
export interface AggregateInfo {
  kind: AggregateKind;
  fields: Variable[];
  /** Whether its fields may be written: not a parameter of the exported function, nor possibly swapped for another. */
  writable: boolean;
}

export interface ArrayInfo {
  type: ArrayType;
  /** The fewest elements it has here (so indices below are safe), and the most. */
  length: number;
  maxLength: number;
  /** A loop runs over it (`for...of`, `i < a.length`): it must not grow. */
  iterated: boolean;
  /** A field of an object, whose type fixes its length: it never grows. */
  fixed?: boolean;
}

/** A helper the function may call: number helpers in values, predicates in conditions, tuple and `void` helpers in statements. */
export interface Callable {
  name: string;
  /** `effect`: a helper with an effect, for loop conditions (family-conditions.ts). */
  returns: "number" | "boolean" | "tuple" | "void" | "effect";
  arity: number;
  resultBound: number;
  /** A tuple helper: whether it has a tuple parameter (its last), and whether it may return early. */
  tupleParam?: boolean;
  severalReturns?: boolean;
  /** A `void` helper: the bound of each number and array of the object it writes, after the call. */
  fieldBounds?: number[];
  /** A helper with an effect: what it writes, and what it returns. */
  effect?: { kind: "element" | "push" | "field"; result: "number" | "boolean" };
}

/** Chooses a name for a new variable of `kind` (family-names.ts), or leaves it to the scope's scheme. */
export type Namer = (kind: Variable["type"] | "counter", scope: FunctionScope) => string | undefined;

export interface Constant {
  text: string;
  bound: number;
  /** A module-level `const`, whose TypeScript type is its literal type. */
  literal?: boolean;
}

/** An enclosing loop: its most trips, and the growth budgets of the variables it is the first to carry. */
interface Loop {
  trips: number;
  budgets: Map<Variable, number>;
}

interface Block {
  variables: Map<string, Variable>;
  /** Names read or written in this block so far: a later declaration must not shadow them (temporal dead zone). */
  used: Set<string>;
}

export class FunctionScope {
  private readonly blocks: Block[] = [{ variables: new Map(), used: new Set() }];
  private readonly loops: Loop[] = [];
  private locals = 0;
  private squashes = 0;
  /** Largest bound of any value the function returns. */
  resultBound = 0;
  /** Whether the statement list being rendered may end in an early return (the body of an `if` branch). */
  returnAllowed = false;
  /** Every name the function declares or has chosen, so that a chosen name is never used twice. */
  readonly names = new Set<string>();
  /** Chooses names instead of `v1`, `c2`, ... when set. */
  namer?: Namer;

  constructor(
    readonly callables: readonly Callable[],
    readonly constants: readonly Constant[],
    readonly returns: "number" | "boolean" | "tuple" | "void",
    /** The module-level names of the aggregate types (`f_P`, `f_S`, `f_N`). */
    readonly types: Record<AggregateKind, string> = { P: "P", S: "S", N: "N" },
  ) {}

  declare(variable: Variable): Variable {
    this.names.add(/^\w+/.exec(variable.name)?.[0] ?? variable.name);
    this.blocks[this.blocks.length - 1]!.variables.set(variable.name, variable);
    return variable;
  }

  /** A fresh local name: `v1` for a number, `c2` for a boolean, `a3` for an array, `i4` for a loop counter, `s5` for an aggregate. */
  freshName(kind: Variable["type"] | "counter"): string {
    this.locals += 1;
    const chosen = this.namer?.(kind, this);
    const name = chosen ?? `${{ number: "v", boolean: "c", array: "a", counter: "i", aggregate: "s" }[kind]}${this.locals}`;
    this.names.add(name);
    return name;
  }

  /** Readable aggregates of `kind` (inner objects of nested ones too), most recent first. */
  aggregates(kind: AggregateKind, writable = false): Variable[] {
    return this.visible().filter(
      (v) => v.type === "aggregate" && v.readable && v.aggregate!.kind === kind && (!writable || v.aggregate!.writable),
    );
  }

  /** A deterministic rotation among equivalent rewritings (which squashing function to use). */
  nextSquash(): number {
    return this.squashes++;
  }

  /** The innermost variable of each visible name, readable or not, most recently declared first. */
  visible(): Variable[] {
    const byName = new Map<string, Variable>();
    for (const block of this.blocks) for (const [name, v] of block.variables) byName.set(name, v);
    return [...byName.values()].reverse();
  }

  /** Readable numbers for a value (or, `inCondition`, for a condition, where condition-only parameters are allowed too). */
  numbers(inCondition: boolean): Variable[] {
    return this.visible().filter((v) => v.type === "number" && v.readable && (inCondition || !v.conditionOnly));
  }

  flags(): Variable[] {
    return this.visible().filter((v) => v.type === "boolean" && v.readable);
  }

  /** Readable arrays for a value (or, `inCondition`, also condition-only parameters). */
  arrays(inCondition: boolean): Variable[] {
    return this.visible().filter((v) => v.type === "array" && v.readable && (inCondition || !v.conditionOnly));
  }

  /** Local arrays whose elements may be written. */
  writableArrays(): Variable[] {
    return this.visible().filter((v) => v.type === "array" && v.readable && v.assignable);
  }

  /** Loop counters that can index an array of `length` elements. */
  indices(length: number): Variable[] {
    return this.visible().filter((v) => v.readable && v.indexLimit !== undefined && v.indexLimit <= length);
  }

  assignable(): Variable[] {
    return this.visible().filter((v) => v.type === "number" && v.readable && v.assignable);
  }

  /** Records a read or write of `name` (and, for a field, of the variable it belongs to) in every open block. */
  use(name: string): string {
    const root = /^\w+/.exec(name)?.[0] ?? name;
    for (const block of this.blocks) block.used.add(name).add(root);
    return name;
  }

  /** A visible variable of an outer block that a declaration in the current block may shadow, if any. */
  shadowable(): Variable | undefined {
    if (this.blocks.length < 2) return undefined;
    const current = this.blocks[this.blocks.length - 1]!;
    return this.visible().find(
      (v) =>
        v.readable &&
        v.type !== "aggregate" &&
        /^\w+$/.test(v.name) &&
        !current.variables.has(v.name) &&
        !current.used.has(v.name),
    );
  }

  /**
   * Runs `body` as the body of a loop of at most `trips` trips. Every
   * assignable variable not yet carried by an enclosing loop gets the growth
   * budget `budget`: its bound becomes `bound(v)` for the whole loop, which
   * additive updates inside may spend (`spend`) but no assignment lowers.
   */
  loop<T>(trips: number, budget: number, bound: (v: Variable) => number, body: () => T): T {
    const budgets = new Map<Variable, number>();
    for (const v of [...this.assignable(), ...this.writableArrays()]) {
      if (this.budget(v) !== undefined) continue;
      budgets.set(v, budget);
      v.bound = bound(v);
    }
    this.loops.push({ trips, budgets });
    const outer = this.returnAllowed;
    this.returnAllowed = false;
    try {
      return this.inBlock(body);
    } finally {
      this.returnAllowed = outer;
      this.loops.pop();
    }
  }

  get loopDepth(): number {
    return this.loops.length;
  }

  /** How often a statement here runs per call at most: the product of the enclosing loops' trips. */
  executions(): number {
    return this.loops.reduce((product, loop) => product * Math.max(loop.trips, 1), 1);
  }

  /** The growth budget left to a variable an enclosing loop carries, or undefined. */
  budget(v: Variable): number | undefined {
    return this.loops.find((loop) => loop.budgets.has(v))?.budgets.get(v);
  }

  /** Spends `amount` of a carried variable's budget. */
  spend(v: Variable, amount: number): void {
    const loop = this.loops.find((l) => l.budgets.has(v))!;
    loop.budgets.set(v, loop.budgets.get(v)! - amount);
  }

  /**
   * Sets a variable's bound after an assignment. A variable a loop carries
   * keeps its loop-wide bound, and an array one bound for all its elements.
   */
  assigned(v: Variable, bound: number): void {
    v.bound = this.budget(v) === undefined && !v.array ? bound : Math.max(v.bound, bound);
  }

  /** Runs `body` in a nested block. */
  inBlock<T>(body: () => T): T {
    this.blocks.push({ variables: new Map(), used: new Set() });
    try {
      return body();
    } finally {
      this.blocks.pop();
    }
  }

  /**
   * Runs each branch in its own block from the same state; afterwards every
   * variable has the larger of its bounds after either branch, and every
   * array the fewer of its elements and the larger of its most elements.
   */
  branches<T>(returnAllowed: boolean, ...branches: (() => T)[]): T[] {
    const variables = this.visible().filter((v) => v.type !== "boolean");
    const before = variables.map(stateOf);
    const after = variables.map(() => ({ bound: 0, length: Infinity, maxLength: 0 }));
    const outer = this.returnAllowed;
    this.returnAllowed = returnAllowed;
    const results = branches.map((branch) => {
      variables.forEach((v, i) => setState(v, before[i]!));
      const result = this.inBlock(branch);
      variables.forEach((v, i) => {
        const [now, merged] = [stateOf(v), after[i]!];
        merged.bound = Math.max(merged.bound, now.bound);
        merged.length = Math.min(merged.length, now.length);
        merged.maxLength = Math.max(merged.maxLength, now.maxLength);
      });
      return result;
    });
    this.returnAllowed = outer;
    variables.forEach((v, i) => setState(v, after[i]!));
    return results;
  }
}

/** What a branch may change about a variable. */
interface State {
  bound: number;
  length: number;
  maxLength: number;
}

const stateOf = ({ bound, array }: Variable): State => ({
  bound,
  length: array?.length ?? 0,
  maxLength: array?.maxLength ?? 0,
});

function setState(v: Variable, { bound, length, maxLength }: State): void {
  v.bound = bound;
  if (v.array) Object.assign(v.array, { length, maxLength });
}
