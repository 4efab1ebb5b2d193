// Bessel functions of the first and second kind of integer order, float64:
//   |x| < 12: ascending power series (A&S 9.1.10 for J_n; 9.1.13 for Y_0; 9.1.11 with n = 1 for Y_1),
//             whose largest term is below ~5e3 there, so cancellation costs < 1e-12;
//   |x| >= 12: Hankel's asymptotic expansion (A&S 9.2.5-9.2.10), P and Q summed to their smallest
//             term (~e^(-2x) relative); measured against mpmath: < 2e-12 absolute-or-relative on (0, 60);
//   J_n, n >= 2: forward recurrence (A&S 9.1.27) from J_0, J_1 when |x| > n (stable there), else
//             Miller's backward recurrence normalised by J_0 + 2 sum J_2k = 1 (A&S 9.1.46, 9.12);
//   Y_n: forward recurrence from Y_0, Y_1 (stable for every x > 0).
// Each takes a number (returns a number) or a tensor (returns a float32 tensor of its values). These
// are data generators (pykan's special-function suites), not differentiable ops: no gradients.
import type { tf } from '@basiskit/tensor';
import { checkOrder, mapUnary, type NumberOrTensor } from './special_elementwise';

const EULER_GAMMA = 0.5772156649015329;
const SERIES_LIMIT = 12;

/** J_0 and J_1 by their power series. */
function jSeries(x: number, n: 0 | 1): number {
  const q = -(x * x) / 4;
  let term = n === 0 ? 1 : x / 2;
  let sum = term;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * (k + n));
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum) && k > x) break;
  }
  return sum;
}

/** Hankel's expansion: [P, Q] of order nu at x (A&S 9.2.9, 9.2.10), summed to the smallest term. */
function hankelPQ(nu: number, x: number): [number, number] {
  const mu = 4 * nu * nu;
  let p = 1;
  let q = 0;
  let term = 1;
  let last = Infinity;
  for (let k = 1; k < 200; k++) {
    const next = (term * (mu - (2 * k - 1) ** 2)) / (k * 8 * x);
    if (Math.abs(next) >= last && k > 2) break;
    last = Math.abs(next);
    term = next;
    // a_k(nu)/x^k enters P with sign (-1)^(k/2) for even k and Q with (-1)^((k-1)/2) for odd k
    if (k % 2 === 0) p += (k % 4 === 0 ? 1 : -1) * term;
    else q += (k % 4 === 1 ? 1 : -1) * term;
    if (Math.abs(term) < 1e-17) break;
  }
  return [p, q];
}

function jAsymptotic(nu: number, x: number): number {
  const [p, q] = hankelPQ(nu, x);
  const chi = x - (nu / 2 + 0.25) * Math.PI;
  return Math.sqrt(2 / (Math.PI * x)) * (p * Math.cos(chi) - q * Math.sin(chi));
}

function yAsymptotic(nu: number, x: number): number {
  const [p, q] = hankelPQ(nu, x);
  const chi = x - (nu / 2 + 0.25) * Math.PI;
  return Math.sqrt(2 / (Math.PI * x)) * (p * Math.sin(chi) + q * Math.cos(chi));
}

/** J_0(x), float64. */
export function j0(x: number): number {
  const ax = Math.abs(x);
  if (!Number.isFinite(ax)) return ax === Infinity ? 0 : NaN;
  return ax < SERIES_LIMIT ? jSeries(ax, 0) : jAsymptotic(0, ax);
}

/** J_1(x), float64 (odd in x). */
export function j1(x: number): number {
  const ax = Math.abs(x);
  if (!Number.isFinite(ax)) return ax === Infinity ? 0 : NaN;
  const v = ax < SERIES_LIMIT ? jSeries(ax, 1) : jAsymptotic(1, ax);
  return x < 0 ? -v : v;
}

/** Y_0(x), float64: NaN for x < 0, -Infinity at 0. */
export function y0(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return 0;
  if (x >= SERIES_LIMIT) return yAsymptotic(0, x);
  // A&S 9.1.13: Y0 = (2/pi) (ln(x/2) + gamma) J0 + (2/pi) sum_{k>=1} (-1)^(k+1) H_k (x^2/4)^k / (k!)^2
  const q = -(x * x) / 4;
  let term = 1;
  let h = 0;
  let sum = 0;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    h += 1 / k;
    const t = -h * term;
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum) && k > x) break;
  }
  return (2 / Math.PI) * ((Math.log(x / 2) + EULER_GAMMA) * jSeries(x, 0) + sum);
}

/** Y_1(x), float64: NaN for x < 0, -Infinity at 0. */
export function y1(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return 0;
  if (x >= SERIES_LIMIT) return yAsymptotic(1, x);
  // A&S 9.1.11 (n = 1): Y1 = -2/(pi x) + (2/pi) ln(x/2) J1 - (1/pi) sum_k (psi(k+1) + psi(k+2)) (x/2)^(2k+1) (-x^2/4)^k / (k! (k+1)!)
  // with psi(k+1) = -gamma + H_k
  const q = -(x * x) / 4;
  let term = x / 2;
  let hk = 0;
  let sum = (-EULER_GAMMA + (-EULER_GAMMA + 1)) * term;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * (k + 1));
    hk += 1 / k;
    const t = (2 * -EULER_GAMMA + hk + hk + 1 / (k + 1)) * term;
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum) && k > x) break;
  }
  return -2 / (Math.PI * x) + (2 / Math.PI) * Math.log(x / 2) * jSeries(x, 1) - sum / Math.PI;
}

/** J_n(x) for an integer n (negative n: J_{-n} = (-1)^n J_n), float64. */
export function jn(n: number, x: number): number {
  if (n < 0) return (n % 2 === 0 ? 1 : -1) * jn(-n, x);
  if (n === 0) return j0(x);
  if (n === 1) return j1(x);
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === 0 || ax === Infinity) return 0;
  const sign = x < 0 && n % 2 === 1 ? -1 : 1;
  if (ax > n) {
    let jm = j0(ax);
    let j = j1(ax);
    for (let k = 1; k < n; k++) [jm, j] = [j, ((2 * k) / ax) * j - jm];
    return sign * j;
  }
  // Miller: start well above n, recur downwards, normalise by J_0 + 2 (J_2 + J_4 + ...) = 1
  const start = 2 * Math.ceil((n + 20 + Math.sqrt(60 * n)) / 2);
  let jp = 0;
  let j = 1e-300;
  let sum = 0;
  let ans = 0;
  for (let k = start; k > 0; k--) {
    const jm = ((2 * k) / ax) * j - jp;
    jp = j;
    j = jm;
    if (Math.abs(j) > 1e250) {
      j *= 1e-250;
      jp *= 1e-250;
      ans *= 1e-250;
      sum *= 1e-250;
    }
    // j now holds J_{k-1}
    if ((k - 1) % 2 === 0 && k - 1 > 0) sum += 2 * j;
    if (k - 1 === n) ans = j;
  }
  sum += j;
  return (sign * ans) / sum;
}

/** Y_n(x) for an integer n (negative n: Y_{-n} = (-1)^n Y_n), float64; NaN for x < 0, -Infinity at 0. */
export function yn(n: number, x: number): number {
  if (n < 0) return (n % 2 === 0 ? 1 : -1) * yn(-n, x);
  if (n === 0) return y0(x);
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  let ym = y0(x);
  let y = y1(x);
  for (let k = 1; k < n; k++) [ym, y] = [y, ((2 * k) / x) * y - ym];
  return y;
}

/**
 * Bessel function of the first kind J_0. Takes a number (float64 result) or a tensor (a float32
 * tensor of J_0 of each value, computed in float64). A data generator, not a differentiable op:
 * the tensor result carries no gradient. Accurate to ~1e-12 absolute.
 */
export function besselJ0(x: number): number;
export function besselJ0(x: tf.Tensor): tf.Tensor;
export function besselJ0(x: NumberOrTensor): NumberOrTensor {
  return mapUnary(x, j0, 'besselJ0');
}

/** Bessel function of the first kind J_1 (number or tensor, as {@link besselJ0}; no gradient). */
export function besselJ1(x: number): number;
export function besselJ1(x: tf.Tensor): tf.Tensor;
export function besselJ1(x: NumberOrTensor): NumberOrTensor {
  return mapUnary(x, j1, 'besselJ1');
}

/** Bessel function of the second kind Y_0 (number or tensor; NaN for x < 0, -Infinity at 0; no gradient). */
export function besselY0(x: number): number;
export function besselY0(x: tf.Tensor): tf.Tensor;
export function besselY0(x: NumberOrTensor): NumberOrTensor {
  return mapUnary(x, y0, 'besselY0');
}

/** Bessel function of the second kind Y_1 (number or tensor; NaN for x < 0, -Infinity at 0; no gradient). */
export function besselY1(x: number): number;
export function besselY1(x: tf.Tensor): tf.Tensor;
export function besselY1(x: NumberOrTensor): NumberOrTensor {
  return mapUnary(x, y1, 'besselY1');
}

/** Bessel function of the first kind J_n of integer order `n` (number or tensor; no gradient). */
export function besselJn(x: number, n: number): number;
export function besselJn(x: tf.Tensor, n: number): tf.Tensor;
export function besselJn(x: NumberOrTensor, n: number): NumberOrTensor {
  const order = checkOrder(n, -Infinity, 'besselJn', 'n');
  return mapUnary(x, (v) => jn(order, v), 'besselJn');
}

/** Bessel function of the second kind Y_n of integer order `n` (number or tensor; no gradient). */
export function besselYn(x: number, n: number): number;
export function besselYn(x: tf.Tensor, n: number): tf.Tensor;
export function besselYn(x: NumberOrTensor, n: number): NumberOrTensor {
  const order = checkOrder(n, -Infinity, 'besselYn', 'n');
  return mapUnary(x, (v) => yn(order, v), 'besselYn');
}
