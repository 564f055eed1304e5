/**
 * Arrays of tuples and objects (frontend/records.ts): what stays outside the
 * subset gets one located diagnostic saying what to write instead. What is
 * supported is proven by fixtures/records.ts against numerical
 * differentiation (fixtures.test.ts, modes.test.ts).
 */
import { describe, expect, it } from "vitest";
import { Codes, type Code } from "../src/diagnostics.js";
import { generate } from "../src/generate.js";

const POINT = "interface P { x: number; y: number }";

/** A file with the Point interface and `export function f(<params>): number` with the body lines. */
function source(body: string[], params = "pts: P[]"): string {
  return [POINT, `export function f(${params}): number {`, ...body.map((l) => `  ${l}`), "}", ""].join("\n");
}

interface Rejected {
  name: string;
  code: Code;
  text: string;
  /** A snippet occurring once in the text, where the diagnostic starts. */
  at: string;
  message: string;
}

const rejected: Rejected[] = [
  { name: "a write through a variable holding an element", code: Codes.UnsupportedExpression,
    text: source(["const out: P[] = [{ x: pts[0].x, y: 1 }];", "const p = out[0];", "p.x = 1;", "return out[0].x;"]), at: "p.x = 1", message: "write the element itself ('out[i].x = ...')" },
  { name: "a write through the variable of a for...of over an array of objects", code: Codes.UnsupportedExpression,
    text: source(["const out: P[] = [{ x: pts[0].x, y: 1 }];", "for (const p of out) p.x += 1;", "return out[0].x;"]), at: "p.x += 1", message: "holds an element of 'out'" },
  { name: "a write of an object after pushing it", code: Codes.UnsupportedExpression,
    text: source(["const out: P[] = [];", "const q = { x: pts[0].x, y: 2 };", "out.push(q);", "q.x = 3;", "return out[0].x;"]), at: "q.x = 3", message: "holds an element of 'out'" },
  { name: "a field write while a variable holds an element", code: Codes.UnsupportedExpression,
    text: source(["const out: P[] = [{ x: pts[0].x, y: 1 }];", "const p = out[0];", "out[0].x = 3;", "return p.x;"]), at: "out[0].x = 3", message: "'p' holds an element" },
  { name: "a field write with an array that shares elements", code: Codes.UnsupportedExpression,
    text: source(["const c = pts.slice();", "const out: P[] = [{ x: 1, y: 1 }];", "out[0].x = pts[0].x;", "return c[0].x + out[0].x;"]), at: "out[0].x = pts", message: "'pts.slice()' shares elements between arrays" },
  { name: "pushing an element after a field write", code: Codes.UnsupportedExpression,
    text: source(["const out: P[] = [{ x: 1, y: 1 }];", "out[0].x = pts[0].x;", "out.push(pts[1]);", "return out[1].x;"]), at: "out.push(pts[1])", message: "shares elements between arrays" },
  { name: "a write into an element of a parameter", code: Codes.ParameterWrite,
    text: source(["pts[0].x = 2;", "return pts[0].x;"]), at: "pts[0].x = 2", message: "build a new array of new objects first" },
  { name: "a boolean field", code: Codes.UnsupportedType,
    text: source(["return pts[0].x;"], "pts: { x: number; on: boolean }[]"), at: "pts: {", message: "no optional fields, booleans or arrays" },
  { name: "an array of arrays of objects", code: Codes.UnsupportedType,
    text: source(["return pts[0][0].x;"], "pts: P[][]"), at: "pts: P", message: "flatten the rows" },
  { name: "indexOf on an array of objects", code: Codes.UnsupportedExpression,
    text: source(["return pts.indexOf(pts[0]);"]), at: "pts.indexOf", message: "compare the fields in a loop or with findIndex" },
  { name: "spread of an array of objects", code: Codes.UnsupportedExpression,
    text: source(["const all = [...pts, { x: 1, y: 2 }];", "return all[0].x;"]), at: "...pts", message: "needs every element written out" },
];

function positionOf(text: string, snippet: string): { line: number; column: number } {
  const offset = text.indexOf(snippet);
  if (offset < 0 || text.lastIndexOf(snippet) !== offset) throw new Error(`'${snippet}' must occur exactly once in:\n${text}`);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

describe("arrays of tuples and objects: rejected", () => {
  it.each(rejected)("$code $name", async ({ code, text, at, message }) => {
    const { line, column } = positionOf(text, at);
    const result = await generate([{ path: "case.ts", text }]);
    expect(result.outputs).toEqual([]);
    // One root cause, one diagnostic.
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toEqual(expect.objectContaining({ code, file: "case.ts", line, column }));
    expect(result.diagnostics[0]!.message).toContain(message);
  });

  it("the Jacobian and Hessian of a function taking one are a diagnostic on the parameter", async () => {
    const text = source(["return pts[0].x * pts[0].y;"]);
    const result = await generate([{ path: "case.ts", text }], { derivatives: ["grad", "hessian"] });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toEqual(expect.objectContaining({ code: Codes.BadDerivatives, ...positionOf(text, "pts: P[]") }));
    expect(result.diagnostics[0]!.message).toContain("'@derivatives grad, jvp, hvp'");
  });

  it("its gradient, Jvp and Hvp are generated", async () => {
    const result = await generate([{ path: "case.ts", text: source(["return pts[0].x * pts[0].y;"]) }], { derivatives: ["grad", "jvp", "hvp"] });
    expect(result.diagnostics).toEqual([]);
    expect(result.outputs[0]!.text).toContain("grad: { pts: { x: number; y: number }[] }");
  });
});
