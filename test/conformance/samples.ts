/**
 * Known-bad generated files, one per check, each breaking exactly the rule
 * or flag it is named after: the conformance checks must report every one,
 * or a flag or rule the checks claim to apply is not applied. Each sample
 * is otherwise clean, which `clean` (the same code done right) shows.
 */

export interface BadSample {
  /** The flag or rule broken. */
  check: string;
  /** What the checks report for it: a TypeScript code (`TS2532`) or an ESLint rule. */
  reports: string;
  text: string;
}

export const badSamples: BadSample[] = [
  {
    check: "prefer-const (an old `let` for a variable nothing reassigns)",
    reports: "prefer-const",
    text: "export function fGradInto(x: number): number {\n  let dx = 2 * x;\n  return dx;\n}\n",
  },
  {
    check: "no-useless-assignment (a last `pooled++` nothing reads)",
    reports: "no-useless-assignment",
    text: [
      "const pool: number[][] = [];",
      "export function fGradInto(x: number[]): number {",
      "  let pooled = 0;",
      "  const a = pool[pooled++] ?? [];",
      "  const b = pool[pooled++] ?? [];",
      "  return x.length + a.length + b.length;",
      "}",
      "",
    ].join("\n"),
  },
  {
    check: "noUncheckedIndexedAccess (an element read without `!`)",
    reports: "TS2322",
    text: "export function fGradInto(x: number[]): number {\n  const t1: number = x[0];\n  return t1;\n}\n",
  },
  {
    check: "noUncheckedIndexedAccess (a compound update of an element without `!`)",
    reports: "TS2532",
    text: "export function fGradInto(dx: number[]): number {\n  dx[0] += 1;\n  return 0;\n}\n",
  },
  {
    check: "noUnusedLocals",
    reports: "TS6133",
    text: "export function fGradInto(x: number): number {\n  const unused = x;\n  return x;\n}\n",
  },
  {
    check: "noUnusedParameters",
    reports: "TS6133",
    text: "export function fGradInto(x: number, y: number): number {\n  return y;\n}\n",
  },
  {
    check: "exactOptionalPropertyTypes",
    reports: "TS2375",
    text: "export function fGradInto(x: number): number {\n  const g: { dx?: number } = { dx: x > 0 ? x : undefined };\n  return g.dx ?? 0;\n}\n",
  },
  {
    check: "noImplicitOverride",
    reports: "TS4114",
    text: [
      "class Base {",
      "  f(): number {",
      "    return 0;",
      "  }",
      "}",
      "export class Derived extends Base {",
      "  f(): number {",
      "    return 1;",
      "  }",
      "}",
      "",
    ].join("\n"),
  },
  {
    check: "verbatimModuleSyntax (a type imported without `import type`)",
    reports: "TS1484",
    text: 'import { Vec2 } from "./vectors.js";\nexport function fGradInto(p: Vec2): number {\n  return p[0];\n}\n',
  },
  {
    check: "isolatedDeclarations (an exported function without its return type)",
    reports: "TS9007",
    text: "export function fGradInto(x: number) {\n  return x;\n}\n",
  },
  {
    check: "erasableSyntaxOnly (an enum)",
    reports: "TS1294",
    text: "export enum Tape {\n  Values,\n}\nexport function fGradInto(x: number): number {\n  return x + Tape.Values;\n}\n",
  },
  {
    check: "strict (an implicit any)",
    reports: "TS7006",
    text: "export function fGradInto(x): number {\n  return 2 * x;\n}\n",
  },
  {
    check: "typescript-eslint recommended (an empty object type for an empty gradient)",
    reports: "@typescript-eslint/no-empty-object-type",
    text: "export function fGradInto(x: number, grad: {}): number {\n  return grad === x ? 0 : x;\n}\n",
  },
  {
    check: "inline configuration is off (an eslint-disable line hides nothing)",
    reports: "prefer-const",
    text: "/* eslint-disable */\nexport function fGradInto(x: number): number {\n  let dx = 2 * x;\n  return dx;\n}\n",
  },
];

/** What the samples get wrong, done right: the checks report nothing. */
export const clean = [
  'import type { Vec2 } from "./vectors.js";',
  "const pool: number[][] = [];",
  "export function fGradInto(p: Vec2, x: number[], dx: number[], grad: Record<string, never>): number {",
  "  void grad;",
  "  let pooled = 0;",
  "  const a = pool[pooled++] ?? [];",
  "  const b = pool[pooled] ?? [];",
  "  const t1 = x[0]!;",
  "  dx[0]! += t1;",
  "  let s = 0;",
  "  if (t1 > 0) s = t1;",
  "  return p[0] + s + a.length + b.length;",
  "}",
  "",
].join("\n");
