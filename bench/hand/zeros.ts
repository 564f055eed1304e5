/** n zeros, for accumulating into. */
export function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

/** Zero rows in the shape of `rows`. */
export function zeroRows(rows: readonly (readonly number[])[]): number[][] {
  return rows.map((row) => zeros(row.length));
}
