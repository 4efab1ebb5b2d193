// Plain-ops reference of the group rational (KAT GR-KAN, version A), differentiated by tfjs's
// autograd. Kept beside the fused kernel: tests compare the two, and backends without the
// fused kernel (webgl, webgpu) run this.
//
//   y = P(x) / Q(x),  P = sum_{j=0..m} a[g,j] x^j,  Q = 1 + sum_{j=1..n} |b[g,j-1]| |x|^j
//
// |v| is written v * sign(v) so its derivative is sign(v) with sign(0) = 0 (tfjs's abs
// gradient gives -1 at 0; KAT's kernel and PyTorch give 0).
import { tf } from '@basiskit/tensor';

/** |v| with derivative sign(v), sign(0) = 0. */
function absSign0(v: tf.Tensor): tf.Tensor {
  return tf.mul(v, tf.sign(v));
}

/** Column j of a [rows, k] coefficient table, shaped [1, rows, 1] to broadcast over [N, G, D]. */
function coeff(table: tf.Tensor, j: number): tf.Tensor {
  const rows = table.shape[0] as number;
  return tf.reshape(tf.slice(table, [0, j], [rows, 1]), [1, rows, 1]);
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
    const m = (numerator.shape[1] as number) - 1;
    let p = coeff(numerator, m);
    for (let j = m - 1; j >= 0; j--) p = tf.add(tf.mul(p, xg), coeff(numerator, j));
    const ax = absSign0(xg);
    const ab = absSign0(denominator);
    let q: tf.Tensor = tf.zeros([1, groups, 1]);
    for (let j = (denominator.shape[1] as number) - 1; j >= 0; j--) q = tf.mul(tf.add(q, coeff(ab, j)), ax);
    return tf.reshape(tf.div(p, tf.add(q, 1)), x.shape);
  });
}
