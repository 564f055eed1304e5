/** The TypeScript spelling of a constant, exact for every double (including -0, NaN, Infinity). */
export function literalText(v: number | boolean): string {
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Object.is(v, -0)) return "-0";
  return String(v);
}
