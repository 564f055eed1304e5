/**
 * Passes one at a time, IR in and IR out (the textual form of print.ts, read
 * by parse.ts): each case states a pass's input and the exact IR it must
 * give, so a change of what a pass does shows here, apart from everything
 * around it.
 */
import { describe, expect, test } from "vitest";
import { reverseMode } from "../src/ad/reverse/mode.js";
import { parseFunc } from "../src/ir/parse.js";
import { printFunc } from "../src/ir/print.js";
import { eliminateDeadCode, forwardInvariantLoopState } from "../src/opt/dce.js";

/** The lines of an IR text, without the indentation of the test source. */
function ir(text: string): string {
  const lines = text.split("\n").filter((l, i, all) => l.trim() !== "" || (i > 0 && i < all.length - 1));
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join("\n").trim() + "\n";
}

describe("dead-code elimination", () => {
  test("drops loop state that only feeds itself, and an if result every branch yields from one outer value", () => {
    const f = parseFunc(ir(`
      func @f(%x: f64, %n: f64) -> f64 {
        %s, %junk, %i = while 0, 1, 0 -> (f64, f64, f64) {
          (%s.1, %junk.1, %i.1):
          %t = lt %i.1, %n
          yield %t
        } do {
          (%s.2, %junk.2, %i.2):
          %s.3 = add %s.2, %x
          %junk.3 = mul %junk.2, 2
          %i.3 = add %i.2, 1
          yield %s.3, %junk.3, %i.3
        }
        %c = gt %x, 0
        %y, %v = if %c -> (f64, f64) {
          %u = mul %x, %x
          yield %x, %u
        } else {
          yield %x, %s
        }
        %z = add %y, %s
        return %z
      }`));
    eliminateDeadCode(f);
    expect(printFunc(f)).toBe(ir(`
      func @f(%x: f64, %n: f64) -> f64 {
        %s, %i = while 0, 0 -> (f64, f64) {
          (%s.1, %i.1):
          %t = lt %i.1, %n
          yield %t
        } do {
          (%s.2, %i.2):
          %s.3 = add %s.2, %x
          %i.3 = add %i.2, 1
          yield %s.3, %i.3
        }
        %z = add %x, %s
        return %z
      }`));
  });

  test("keeps writes to memory and what they read", () => {
    const text = ir(`
      func @f(%x: f64) -> f64 {
        %a = alloc 2
        %t = mul %x, 3
        store %a, 0, %t
        return %x
      }`);
    const f = parseFunc(text);
    eliminateDeadCode(f);
    expect(printFunc(f)).toBe(text);
  });
});

describe("invariant loop state", () => {
  test("state a body passes on unchanged is its initial value throughout", () => {
    const f = parseFunc(ir(`
      func @g(%x: f64, %n: f64) -> f64 {
        %s, %k, %i = while 0, %x, 0 -> (f64, f64, f64) {
          (%s.1, %k.1, %i.1):
          %t = lt %i.1, %n
          yield %t
        } do {
          (%s.2, %k.2, %i.2):
          %s.3 = add %s.2, %k.2
          %i.3 = add %i.2, 1
          yield %s.3, %k.2, %i.3
        }
        return %s
      }`));
    forwardInvariantLoopState(f);
    expect(printFunc(f)).toBe(ir(`
      func @g(%x: f64, %n: f64) -> f64 {
        %s, %i = while 0, 0 -> (f64, f64) {
          (%s.1, %i.1):
          %t = lt %i.1, %n
          yield %t
        } do {
          (%s.2, %i.2):
          %s.3 = add %s.2, %x
          %i.3 = add %i.2, 1
          yield %s.3, %i.3
        }
        return %s
      }`));
  });
});

describe("reverse mode", () => {
  const branch = ir(`
    func @h(%x: f64) -> f64 {
      %c = gt %x, 0
      %r = if %c -> (f64) {
        %e = exp %x
        %m = mul %e, %x
        yield %m
      } else {
        yield %x
      }
      return %r
    }`);

  test("outside loops, what a reverse branch needs of its forward branch is stashed, not yielded", () => {
    const g = reverseMode(parseFunc(branch), ["x"]);
    eliminateDeadCode(g);
    expect(printFunc(g)).toBe(ir(`
      func @hGrad(%x: f64) -> (value: f64, x: f64) {
        %c = gt %x, 0
        %r = if %c -> (f64) {
          %e = exp %x
          %m = mul %e, %x
          stash %e
          yield %m
        } else {
          yield %x
        }
        %dx = if %c -> (f64) {
          %e.1 = recall
          %t = mul %x, %e.1
          %dx.1 = add %e.1, %t
          yield %dx.1
        } else {
          yield 1
        }
        return %r, %dx
      }`));
  });

  test("inside a loop, the forward branch yields it and the trip tapes it", () => {
    const f = parseFunc(ir(`
      func @k(%x: f64, %n: f64) -> f64 {
        %s, %i = while 0, 0 -> (f64, f64) {
          (%s.1, %i.1):
          %t = lt %i.1, %n
          yield %t
        } do {
          (%s.2, %i.2):
          %c = gt %s.2, 1
          %s.3 = if %c -> (f64) {
            %e = exp %x
            %m = mul %e, %s.2
            yield %m
          } else {
            %a = add %s.2, %x
            yield %a
          }
          %i.3 = add %i.2, 1
          yield %s.3, %i.3
        }
        return %s
      }`));
    const g = reverseMode(f, ["x"]);
    eliminateDeadCode(g);
    const text = printFunc(g);
    expect(text).not.toMatch(/stash|recall/);
    // The forward branch yields exp(x) (a placeholder on the other path), the trip pushes it;
    // the condition is computed again from the taped state.
    expect(text).toMatch(/yield %m, %e\.1\n/);
    expect(text).toMatch(/push %s\.2\n\s*push %e\n/);
    expect(text).toMatch(/%c\.1 = gt %s\.4, 1/);
  });
});
