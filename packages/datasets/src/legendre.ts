// Legendre polynomials and associated Legendre functions (Ferrers functions), float64:
//   P_n(x): Bonnet's recurrence (k+1) P_{k+1} = (2k+1) x P_k - k P_{k-1} (A&S 8.5.3, DLMF 14.10.3),
//           any real x;
//   P_n^m(x), |x| <= 1: P_m^m = (-1)^m (2m-1)!! (1-x^2)^(m/2), P_{m+1}^m = (2m+1) x P_m^m, then
//           (l-m) P_l^m = (2l-1) x P_{l-1}^m - (l+m-1) P_{l-2}^m (A&S 8.5.3, DLMF 14.10.3), with the
//           Condon-Shortley phase (-1)^m of DLMF 14.6.1 (as scipy.special.lpmv); negative m by
//           P_n^{-m} = (-1)^m (n-m)!/(n+m)! P_n^m (DLMF 14.9.3).
// Numbers in, numbers out; tensors in, float32 tensors out. Data generators: no gradients.
import type { tf } from '@basiskit/tensor';
import { checkOrder, mapUnary, type NumberOrTensor } from './special_elementwise';

/** P_n(x), float64 (Bonnet's recurrence). */
export function legendrePScalar(n: number, x: number): number {
  if (n === 0) return 1;
  let pm = 1;
  let p = x;
  for (let k = 1; k < n; k++) [pm, p] = [p, ((2 * k + 1) * x * p - k * pm) / (k + 1)];
  return p;
}

/** P_n^m(x) for |x| <= 1 (NaN outside), with the Condon-Shortley phase, float64. */
export function associatedLegendrePScalar(n: number, m: number, x: number): number {
  if (!(Math.abs(x) <= 1)) return NaN;
  if (m < 0) {
    let ratio = 1; // (n-|m|)! / (n+|m|)!
    for (let k = n + m + 1; k <= n - m; k++) ratio /= k;
    return (m % 2 === 0 ? 1 : -1) * ratio * associatedLegendrePScalar(n, -m, x);
  }
  if (m > n) return 0;
  // P_m^m = (-1)^m (2m-1)!! (1 - x^2)^(m/2)
  let pmm = 1;
  const s = Math.sqrt((1 - x) * (1 + x));
  for (let k = 1; k <= m; k++) pmm *= -(2 * k - 1) * s;
  if (n === m) return pmm;
  let pm = pmm;
  let p = (2 * m + 1) * x * pmm;
  for (let l = m + 2; l <= n; l++) [pm, p] = [p, ((2 * l - 1) * x * p - (l + m - 1) * pm) / (l - m)];
  return p;
}

/**
 * Legendre polynomial P_n of degree `n` >= 0. Takes a number (float64 result) or a tensor (a
 * float32 tensor of P_n of each value, computed in float64). A data generator, not a
 * differentiable op: the tensor result carries no gradient.
 */
export function legendreP(x: number, n: number): number;
export function legendreP(x: tf.Tensor, n: number): tf.Tensor;
export function legendreP(x: NumberOrTensor, n: number): NumberOrTensor {
  const deg = checkOrder(n, 0, 'legendreP', 'n');
  return mapUnary(x, (v) => legendrePScalar(deg, v), 'legendreP');
}

/**
 * Associated Legendre function (Ferrers function of the first kind) P_n^m on [-1, 1], with the
 * Condon-Shortley phase (-1)^m (DLMF 14.6.1, scipy's `lpmv(m, n, x)`); `|m| > n` gives 0, |x| > 1
 * NaN. Number or tensor in, as {@link legendreP}; no gradient.
 */
export function associatedLegendreP(x: number, n: number, m: number): number;
export function associatedLegendreP(x: tf.Tensor, n: number, m: number): tf.Tensor;
export function associatedLegendreP(x: NumberOrTensor, n: number, m: number): NumberOrTensor {
  const deg = checkOrder(n, 0, 'associatedLegendreP', 'n');
  const ord = checkOrder(m, -Infinity, 'associatedLegendreP', 'm');
  return mapUnary(x, (v) => (Math.abs(ord) > deg ? 0 : associatedLegendrePScalar(deg, ord, v)), 'associatedLegendreP');
}
