/** Generated long and deep sources: compile times in `npm run bench:compile`, exact gradients in test/scale.test.ts. */

/** `x * 1 + x * 2 + ... + x * n`: one expression n terms long. */
export function longSum(n: number): string {
  const terms = Array.from({ length: n }, (_, i) => `x * ${(i + 1) / 1000}`).join(" + ");
  return `export function f(x: number): number {\n  return ${terms};\n}\n`;
}

/** `(((a0) * x + 1) * x + 2) ...`: a Horner form n levels deep. */
export function hornerForm(n: number): string {
  let e = "a0";
  for (let i = 1; i <= n; i++) e = `(${e}) * x + ${i / n}`;
  return `export function f(x: number, a0: number): number {\n  return ${e};\n}\n`;
}

/** `if`s nested n deep, each updating a variable (no returns inside). */
export function deepIfs(n: number): string {
  const lines = ["export function f(x: number): number {", "  let y = x;"];
  for (let i = 0; i < n; i++) {
    const pad = "  ".repeat(i + 1);
    lines.push(`${pad}if (x > ${i}) {`, `${pad}  y = y * 0.999 + ${i / n};`);
  }
  for (let i = n; i > 0; i--) lines.push(`${"  ".repeat(i)}}`);
  lines.push("  return y;", "}", "");
  return lines.join("\n");
}

/** `if`s nested n deep, each of which may return early. */
export function nestedReturns(n: number): string {
  const lines = ["export function f(x: number): number {", "  let y = x;"];
  for (let i = 0; i < n; i++) {
    const pad = "  ".repeat(i + 1);
    lines.push(`${pad}if (y > ${i / 4}) {`, `${pad}  y = y * 0.99;`, `${pad}  if (y < ${i / 4 + 0.1}) return y * ${i + 1};`);
  }
  for (let i = n; i > 0; i--) lines.push(`${"  ".repeat(i)}}`);
  lines.push("  return y;", "}", "");
  return lines.join("\n");
}
