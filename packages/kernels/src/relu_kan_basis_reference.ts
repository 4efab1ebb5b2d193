// Plain-ops reference of ReLU-KAN's basis (github.com/quiqi/relu_kan, `ReLUKANLayer.forward`,
// line for line: x1 = relu(x - phase_low), x2 = relu(phase_height - x), x = x1 * x2 * r,
// x = x * x), differentiated by tfjs's autograd. Tests compare the fused kernels of
// relu_kan_basis_kernel.ts with it; backends without those kernels run it.
//
//   R_i(x) = [ReLU(x - s_i) ReLU(e_i - x) r]^2,   R_i'(x) = 2 p r (b - a)  (a, b the ReLUs, p = a b r)
import { tf } from '@basiskit/tensor';

/** ReLU-KAN basis by plain ops: x [..., in], s and e [in or 1, G+k], r -> [..., in, G+k]. */
export function reluKanBasisReference(x: tf.Tensor, phaseLow: tf.Tensor, phaseHeight: tf.Tensor, r: number): tf.Tensor {
  return tf.tidy(() => {
    const xe = tf.expandDims(x, -1);
    const x1 = tf.relu(tf.sub(xe, phaseLow));
    const x2 = tf.relu(tf.sub(phaseHeight, xe));
    const p = tf.mul(tf.mul(x1, x2), r);
    return tf.mul(p, p);
  });
}

/** Derivatives `R_i'(x)` by plain ops: x [..., in], s and e [in or 1, G+k], r -> [..., in, G+k]. */
export function reluKanBasisDerivativeReference(x: tf.Tensor, phaseLow: tf.Tensor, phaseHeight: tf.Tensor, r: number): tf.Tensor {
  return tf.tidy(() => {
    const xe = tf.expandDims(x, -1);
    const a = tf.relu(tf.sub(xe, phaseLow));
    const b = tf.relu(tf.sub(phaseHeight, xe));
    const p = tf.mul(tf.mul(a, b), r);
    return tf.mul(tf.mul(p, 2 * r), tf.sub(b, a));
  });
}
