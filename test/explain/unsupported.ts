export function joined(x: number): number {
  const s = "a" + x;
  return s.length;
}
