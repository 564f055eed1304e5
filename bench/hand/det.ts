import { zeroRows, zeros } from "./zeros.js";

/**
 * Hand-written value and gradient of `determinant` (../det.ts). The elimination runs forwards keeping
 * its multipliers and the partial products of the pivots; then each step is reversed, last first. A
 * row k is final once step k starts (later steps change rows below it only), and a multiplier's
 * column k is never written after step k - 1, so the reverse reads the final matrix, not a tape.
 */
export function determinantGradHand(A: number[][]): { value: number; grad: { A: number[][] } } {
  const n = A.length;
  const a: number[][] = [];
  for (let i = 0; i < n; i++) a.push(A[i].slice());
  const factors: number[][] = zeroRows(A);
  const dets = zeros(n + 1);
  let det = 1;
  for (let k = 0; k < n; k++) {
    const rowK = a[k];
    const pivot = rowK[k];
    dets[k] = det;
    det *= pivot;
    for (let i = k + 1; i < n; i++) {
      const rowI = a[i];
      const factor = rowI[k] / pivot;
      factors[i][k] = factor;
      for (let j = k + 1; j < n; j++) rowI[j] -= factor * rowK[j];
    }
  }
  const da = zeroRows(A);
  let dDet = 1;
  for (let k = n - 1; k >= 0; k--) {
    const rowK = a[k];
    const dRowK = da[k];
    const pivot = rowK[k];
    let dPivot = 0;
    for (let i = k + 1; i < n; i++) {
      const dRowI = da[i];
      const factor = factors[i][k];
      let dFactor = 0;
      for (let j = k + 1; j < n; j++) {
        const dij = dRowI[j];
        dFactor -= dij * rowK[j];
        dRowK[j] -= dij * factor;
      }
      const dq = dFactor / pivot;
      dRowI[k] += dq;
      dPivot -= dq * factor;
    }
    dPivot += dDet * dets[k];
    dDet *= pivot;
    dRowK[k] += dPivot;
  }
  return { value: det, grad: { A: da } };
}
