// Plain-ops reference of the group rational (KAT GR-KAN, version A), differentiated by tfjs's
// autograd. Kept beside the fused kernel: tests compare the two, and backends without the
// fused kernel (webgl, webgpu) run this.
//
//   y = P(x) / Q(x),  P = sum_{j=0..m} a[g,j] x^j,  Q = 1 + sum_{j=1..n} |b[g,j-1]| |x|^j
//
// |v| is written v * sign(v) so its derivative is sign(v) with sign(0) = 0 (tfjs's abs
// gradient gives -1 at 0; KAT's kernel and PyTorch give 0).
//
// Large |x|. In float32, x^5 overflows from |x| ~ 2.5e7 and Q from ~1e10 (Inf / Inf = NaN),
// although P/Q is finite. For |x| > 1 this divides P and Q by |x|^e, e = the highest k with
// b_k != 0 (0 when all are), the order at which Q grows:
//
//   Q~ = Q / |x|^e = sum_{k=0..e} c_k |x|^(k-e)          (c_0 = 1, c_k = |b_k|; Q~ >= c_e > 0)
//   P~ = P / |x|^e = sum_j a_j sign(x)^j |x|^(j-e)
//   y  = P~ / Q~
//
// with each |x|^d as exp(min(d log|x|, 88.7)): never Inf nor NaN, also in its derivative (a
// power that would pass float32's range is held at ~3.3e38, where the true value is out of
// range anyway), so zero coefficients (a_5 = 0 with |x|^5 out of range) give 0, not 0 * Inf.
// |x| <= 1 keeps the direct Horner form. Each branch is evaluated at a harmless point where the
// other is selected (x -> 0 resp. 1), so neither puts a NaN into the other's gradient.
// Limit (autograd multiplies every upstream gradient through, zero coefficients included):
// where y itself overflows float32 (|y| > 3.4e38), gradients here may be NaN; the fused
// kernels give +-Infinity or the finite value there.
import { tf } from '@basiskit/tensor';

/** exp(88.7) ~ 3.3e38, just below float32's largest value. */
const MAX_LOG = 88.7;

/** |v| with derivative sign(v), sign(0) = 0. */
function absSign0(v: tf.Tensor): tf.Tensor {
  return tf.mul(v, tf.sign(v));
}

/** Column j of a [rows, k] coefficient table, shaped [1, rows, 1] to broadcast over [N, G, D]. */
function coeff(table: tf.Tensor, j: number): tf.Tensor {
  const rows = table.shape[0] as number;
  return tf.reshape(tf.slice(table, [0, j], [rows, 1]), [1, rows, 1]);
}

/** P(x)/Q(|x|) by Horner, for |x| <= 1. */
function direct(x: tf.Tensor, numerator: tf.Tensor, c: tf.Tensor, groups: number): tf.Tensor {
  const m = (numerator.shape[1] as number) - 1;
  let p = coeff(numerator, m);
  for (let j = m - 1; j >= 0; j--) p = tf.add(tf.mul(p, x), coeff(numerator, j));
  const ax = absSign0(x);
  let q: tf.Tensor = tf.zeros([1, groups, 1]);
  for (let j = (c.shape[1] as number) - 1; j >= 0; j--) q = tf.mul(tf.add(q, coeff(c, j)), ax);
  return tf.div(p, tf.add(q, 1));
}

/** P~/Q~ (see the file header), for |x| > 1. */
function scaled(x: tf.Tensor, numerator: tf.Tensor, c: tf.Tensor, groups: number): tf.Tensor {
  const m = (numerator.shape[1] as number) - 1;
  const n = c.shape[1] as number;
  // e per group: the highest k with c_k != 0 (sign has a zero gradient: e is a constant)
  const ks = tf.range(1, n + 1, 1, 'float32');
  const e = n === 0 ? tf.zeros([1, groups, 1]) : tf.reshape(tf.max(tf.mul(tf.sign(c), ks), 1), [1, groups, 1]);
  const s = tf.sign(x);
  const logAx = tf.log(absSign0(x));
  // |x|^(d - e), held at exp(cap)
  const pow = (d: number, cap: number) => tf.exp(tf.minimum(tf.mul(tf.sub(d, e), logAx), cap));
  // Q's terms past e have c_k = 0: capped at 1, so that the gradient of y with respect to
  // their c_k (multiplied by sign(0) = 0) stays finite where y is
  let q = pow(0, 0);
  for (let k = 1; k <= n; k++) q = tf.add(q, tf.mul(coeff(c, k - 1), pow(k, 0)));
  let p: tf.Tensor = tf.zeros([1, groups, 1]);
  for (let j = 0; j <= m; j++) {
    const w = j % 2 === 1 ? tf.mul(s, pow(j, MAX_LOG)) : pow(j, MAX_LOG);
    p = tf.add(p, tf.mul(coeff(numerator, j), w));
  }
  return tf.div(p, q);
}

/**
 * Group rational by plain tfjs ops: x [..., C], numerator [G or 1, m+1], denominator [G, n].
 * Same contract as `groupRational`.
 */
export function groupRationalReference(x: tf.Tensor, numerator: tf.Tensor, denominator: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const groups = denominator.shape[0] as number;
    const channels = x.shape[x.rank - 1] as number;
    const xg = tf.reshape(x, [-1, groups, channels / groups]);
    const c = absSign0(denominator);
    const big = tf.greater(tf.abs(xg), 1);
    const small = direct(tf.where(big, tf.zerosLike(xg), xg), numerator, c, groups);
    const large = scaled(tf.where(big, xg, tf.onesLike(xg)), numerator, c, groups);
    return tf.reshape(tf.where(big, large, small), x.shape);
  });
}
