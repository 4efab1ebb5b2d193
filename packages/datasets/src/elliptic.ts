// Complete elliptic integrals of the first and second kind in the parameter m = k^2 (A&S 17.3,
// DLMF 19.2.8; scipy's ellipk(m), ellipe(m)), float64, by the arithmetic-geometric mean
// (A&S 17.6.1-17.6.4): a_0 = 1, b_0 = sqrt(1 - m), c_0^2 = m,
//   a_{n+1} = (a_n + b_n)/2, b_{n+1} = sqrt(a_n b_n), c_{n+1} = (a_n - b_n)/2,
//   K(m) = pi / (2 a_N),  E(m) = K(m) (1 - sum_{n>=0} 2^(n-1) c_n^2),
// quadratically convergent (full double precision in <= 6 steps for m <= 1 - 1e-12). Valid for every
// m < 1 (negative m too); K(1) = Infinity, E(1) = 1; m > 1 gives NaN. Data generators: no gradients.
import type { tf } from '@basiskit/tensor';
import { mapUnary, type NumberOrTensor } from './special_elementwise';

/** [K(m), E(m)] by the AGM. */
function agm(m: number): [number, number] {
  if (Number.isNaN(m) || m > 1) return [NaN, NaN];
  if (m === 1) return [Infinity, 1];
  if (m === -Infinity) return [0, Infinity];
  let a = 1;
  let b = Math.sqrt(1 - m);
  let sum = 0.5 * m; // 2^(-1) c_0^2
  let pow = 0.5;
  for (let n = 0; n < 60; n++) {
    const c = (a - b) / 2;
    [a, b] = [(a + b) / 2, Math.sqrt(a * b)];
    pow *= 2;
    sum += pow * c * c;
    if (Math.abs(c) <= 1e-16 * a) break;
  }
  const k = Math.PI / (2 * a);
  return [k, k * (1 - sum)];
}

/** K(m), float64. */
export function ellipticKScalar(m: number): number {
  return agm(m)[0];
}

/** E(m), float64. */
export function ellipticEScalar(m: number): number {
  return agm(m)[1];
}

/**
 * Complete elliptic integral of the first kind K(m) = int_0^{pi/2} (1 - m sin^2 t)^(-1/2) dt, in
 * the parameter m = k^2 (as scipy's `ellipk`). Takes a number (float64 result) or a tensor (a
 * float32 tensor computed in float64). A data generator, not a differentiable op: no gradient.
 */
export function ellipticK(m: number): number;
export function ellipticK(m: tf.Tensor): tf.Tensor;
export function ellipticK(m: NumberOrTensor): NumberOrTensor {
  return mapUnary(m, ellipticKScalar, 'ellipticK', 'm');
}

/**
 * Complete elliptic integral of the second kind E(m) = int_0^{pi/2} (1 - m sin^2 t)^(1/2) dt, in
 * the parameter m = k^2 (as scipy's `ellipe`). Number or tensor, as {@link ellipticK}; no gradient.
 */
export function ellipticE(m: number): number;
export function ellipticE(m: tf.Tensor): tf.Tensor;
export function ellipticE(m: NumberOrTensor): NumberOrTensor {
  return mapUnary(m, ellipticEScalar, 'ellipticE', 'm');
}
