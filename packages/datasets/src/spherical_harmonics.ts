// Real spherical harmonics, orthonormal on the unit sphere (the usual real basis, e.g. the
// "real form" of Wikipedia's table and of Blanco, Florez & Bermejo 1997):
//   Y_l^m(theta, phi) = sqrt(2) N_l^m P_l^m(cos theta) cos(m phi)        m > 0
//                     = N_l^0 P_l(cos theta)                             m = 0
//                     = sqrt(2) N_l^|m| P_l^|m|(cos theta) sin(|m| phi)  m < 0
// with N_l^m = sqrt((2l+1)/(4 pi) (l-m)!/(l+m)!) and P_l^m WITHOUT the Condon-Shortley phase, so
// Y_1^{-1}, Y_1^0, Y_1^1 = sqrt(3/(4 pi)) (y, z, x). theta is the polar angle (from +z), phi the
// azimuth. The normalised P-bar_l^m = N_l^m P_l^m come from the stable normalised recurrence
//   P-bar_m^m = sqrt((2m+1)/(2m)) sin(theta) P-bar_{m-1}^{m-1},  P-bar_{m+1}^m = sqrt(2m+3) cos(theta) P-bar_m^m,
//   P-bar_l^m = a_lm (cos(theta) P-bar_{l-1}^m - b_lm P-bar_{l-2}^m),
//   a_lm = sqrt((4l^2-1)/(l^2-m^2)), b_lm = sqrt(((l-1)^2-m^2)/(4(l-1)^2-1)),
// free of factorial overflow at high degree. Data generators: no gradients.
import { ConfigError, show, type tf } from '@basiskit/tensor';
import { checkOrder, mapBinary, type NumberOrTensor } from './special_elementwise';

/** N_l^m P_l^m(cos theta) without the Condon-Shortley phase, m >= 0, by the normalised recurrence. */
function normalizedLegendre(l: number, m: number, theta: number): number {
  const x = Math.cos(theta);
  const s = Math.abs(Math.sin(theta));
  let pmm = Math.sqrt(1 / (4 * Math.PI));
  for (let k = 1; k <= m; k++) pmm *= Math.sqrt((2 * k + 1) / (2 * k)) * s;
  if (l === m) return pmm;
  let pm = pmm;
  let p = Math.sqrt(2 * m + 3) * x * pmm;
  for (let k = m + 2; k <= l; k++) {
    const a = Math.sqrt((4 * k * k - 1) / (k * k - m * m));
    const b = Math.sqrt(((k - 1) * (k - 1) - m * m) / (4 * (k - 1) * (k - 1) - 1));
    [pm, p] = [p, a * (x * p - b * pm)];
  }
  return p;
}

/** The real spherical harmonic Y_l^m(theta, phi), float64 (|m| <= l). */
export function realSphericalHarmonicScalar(l: number, m: number, theta: number, phi: number): number {
  const am = Math.abs(m);
  const p = normalizedLegendre(l, am, theta);
  if (m === 0) return p;
  return Math.SQRT2 * p * (m > 0 ? Math.cos(m * phi) : Math.sin(am * phi));
}

/**
 * Real spherical harmonic Y_l^m(theta, phi) (orthonormal on the sphere; theta polar, phi
 * azimuthal; no Condon-Shortley phase, so Y_1^1 = sqrt(3/(4 pi)) x / r). `theta` and `phi` are
 * numbers (float64 result) or tensors of one shape (or a tensor and a number): the result is a
 * float32 tensor computed in float64. A data generator, not a differentiable op: no gradient.
 */
export function realSphericalHarmonic(theta: number, phi: number, l: number, m: number): number;
export function realSphericalHarmonic(theta: NumberOrTensor, phi: NumberOrTensor, l: number, m: number): tf.Tensor;
export function realSphericalHarmonic(theta: NumberOrTensor, phi: NumberOrTensor, l: number, m: number): NumberOrTensor {
  const where = 'realSphericalHarmonic';
  const deg = checkOrder(l, 0, where, 'l');
  if (typeof m !== 'number' || !Number.isInteger(m) || Math.abs(m) > deg) {
    throw new ConfigError('invalid order', { where, argument: 'm', expected: `an integer in [-${deg}, ${deg}]`, got: show(m) });
  }
  const ord = m;
  return mapBinary(theta, phi, (t, p) => realSphericalHarmonicScalar(deg, ord, t, p), where, ['theta', 'phi']);
}
