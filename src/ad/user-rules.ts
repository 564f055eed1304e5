/**
 * User-defined adjoints in the reverse sweep. A call of `f` that has an
 * `@adjoint f` rule is a `rule:` op (made by lowering) whose operands are f's
 * value (computed without derivatives) and the call's arguments. Its reverse
 * is the user's adjoint function, lowered to IR and inlined into the reverse
 * sweep with the arguments, the value and the value's adjoint; what it
 * returns for a number parameter is that argument's adjoint contribution,
 * and what it returns for an array parameter is added into the argument's
 * shadow.
 */
import type { MemoryRule, UserRuleCall } from "../ir/primitives.js";
import { isArray, type Func, type Value } from "../ir/types.js";
import { addInto } from "./arrays.js";
import { PrimalSweep } from "./primal-sweep.js";

/** The reverse rule of a call with a user-defined adjoint. */
export function userRuleReverse({ adjoint, outputs }: UserRuleCall): MemoryRule {
  return (b, x, y, dy, shadow) => {
    if (!dy || !y) return [];
    const args = x.slice(1);
    const results = inline(b, adjoint, [...args, y, dy]);
    const contributions: (Value | undefined)[] = x.map(() => undefined);
    results.forEach((c, j) => {
      const i = outputs[j]!;
      const arg = args[i]!;
      if (!isArray(arg.type)) {
        contributions[i + 1] = c;
        return;
      }
      const target = shadow(arg);
      if (target) addInto(b, target, c);
    });
    return contributions;
  };
}

/** Copies a function's body into the builder's region with its parameters bound to `args`; returns its results. */
function inline(b: Parameters<typeof addInto>[0], f: Func, args: Value[]): Value[] {
  const none = { active: new Set<Value>(), activeArray: () => false, useful: () => false };
  const copy = new PrimalSweep(b, none);
  f.params.forEach((p, i) => copy.mapping.set(p.value, args[i]!));
  const loc = b.loc;
  const end = copy.region(f.body);
  b.loc = loc;
  return end.operands.map((v) => copy.get(v));
}
