// Plain-ops reference of FourierKAN's basis (GistNoesis/FourierKAN, `NaiveFourierKANLayer.forward`:
// `cos(k * x)`, `sin(k * x)` for k = 1..G), differentiated by tfjs's autograd. Tests compare the
// fused kernels of fourier_basis_kernel.ts with it; backends without those kernels run it.
// Layout: [..., in, 2G], cosines in [..., 0:G], sines in [..., G:2G].
import { tf } from '@basiskit/tensor';

/** k x for k = 1..G: x [..., in] -> [..., in, G]. */
function harmonics(x: tf.Tensor, gridSize: number): tf.Tensor {
  return tf.mul(tf.expandDims(x, -1), tf.range(1, gridSize + 1, 1, 'float32'));
}

/** cos(k x), sin(k x), k = 1..G, by plain ops: x [..., in] -> [..., in, 2G]. */
export function fourierBasisReference(x: tf.Tensor, gridSize: number): tf.Tensor {
  return tf.tidy(() => {
    const kx = harmonics(x, gridSize);
    return tf.concat([tf.cos(kx), tf.sin(kx)], -1);
  });
}

/** Derivatives -k sin(k x), k cos(k x), by plain ops: x [..., in] -> [..., in, 2G]. */
export function fourierBasisDerivativeReference(x: tf.Tensor, gridSize: number): tf.Tensor {
  return tf.tidy(() => {
    const k = tf.range(1, gridSize + 1, 1, 'float32');
    const kx = tf.mul(tf.expandDims(x, -1), k);
    return tf.concat([tf.mul(tf.neg(k), tf.sin(kx)), tf.mul(k, tf.cos(kx))], -1);
  });
}
