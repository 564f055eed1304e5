/**
 * Gradients no fixture's source leads to but the printer must still print
 * cleanly, given as IR text: a test negated by an inlined `not` with an
 * empty then-branch (no `!!`), an `if` on a folded constant (no constant
 * condition), and a reverse loop whose trips do nothing (no empty block).
 */
import { emitModule } from "../../src/emit/module.js";
import { tsType } from "../../src/emit/ts-types.js";
import { parseFunc } from "../../src/ir/parse.js";

const primal = `func @f(%x: f64, %n: f64) -> f64 {
  return %x
}
`;

const gradient = `func @fGrad(%x: f64, %n: f64) -> (value: f64, x: f64) {
  %s = mul %x, 2
  %t.1 = gt %x, %n
  %t.2 = not %t.1
  %s.1 = if %t.2 -> (f64) {
    yield %s
  } else {
    %s.2 = mul %s, %x
    yield %s.2
  }
  %k = if true -> (f64) {
    %u = mul %x, %x
    yield %u
  } else {
    yield %x
  }
  %t.3 = ceil %n
  %trips = max 0, %t.3
  %dx = repeat %trips, 2 -> (f64) {
    (%dx.1):
    yield %dx.1
  }
  %dx.2 = mul %dx, %k
  return %s.1, %dx.2
}
`;

/** The module printed for the gradient above (unformatted: the checks do not read layout). */
export function irCaseModule(): string {
  const [p, g] = [parseFunc(primal), parseFunc(gradient)];
  // Parsed parameters carry IR types; a source's carry their TypeScript types.
  for (const param of [...p.params, ...g.params]) param.typeText = tsType(param.value.type);
  return emitModule([{ primal: p, gradient: g }], "f.ts");
}
