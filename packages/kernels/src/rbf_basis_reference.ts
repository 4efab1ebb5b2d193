// Plain-ops reference of FastKAN's Gaussian RBF basis (github.com/ZiyaoLi/fast-kan,
// `RadialBasisFunction.forward`), differentiated by tfjs's autograd. Tests compare the fused
// kernels of rbf_basis_kernel.ts with it; backends without those kernels run it.
//
//   b_k(x) = exp(-((x - g_k) / h)^2),   b_k'(x) = -2 (x - g_k) / h^2 * b_k(x)
import { tf } from '@basiskit/tensor';

/** RBF basis by plain ops: x [..., in], grid [K], width h -> [..., in, K]. */
export function rbfBasisReference(x: tf.Tensor, grid: tf.Tensor, denominator: number): tf.Tensor {
  return tf.tidy(() => {
    const d = tf.div(tf.sub(tf.expandDims(x, -1), grid), denominator);
    return tf.exp(tf.neg(tf.square(d)));
  });
}

/** Derivatives `b_k'(x)` by plain ops: x [..., in], grid [K], width h -> [..., in, K]. */
export function rbfBasisDerivativeReference(x: tf.Tensor, grid: tf.Tensor, denominator: number): tf.Tensor {
  return tf.tidy(() => {
    const diff = tf.sub(tf.expandDims(x, -1), grid);
    const b = tf.exp(tf.neg(tf.square(tf.div(diff, denominator))));
    return tf.mul(tf.mul(diff, -2 / (denominator * denominator)), b);
  });
}
