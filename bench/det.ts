/**
 * The determinant of a square matrix by Gaussian elimination without pivoting, over `number[][]`, the
 * way a textbook writes it: copy the matrix, eliminate below each pivot, multiply the pivots.
 */

/** @wrt A */
export function determinant(A: number[][]): number {
  const n = A.length;
  const a: number[][] = [];
  for (let i = 0; i < n; i++) a.push(A[i].slice());
  let det = 1;
  for (let k = 0; k < n; k++) {
    const pivot = a[k][k];
    det *= pivot;
    for (let i = k + 1; i < n; i++) {
      const factor = a[i][k] / pivot;
      for (let j = k + 1; j < n; j++) {
        a[i][j] -= factor * a[k][j];
      }
    }
  }
  return det;
}
