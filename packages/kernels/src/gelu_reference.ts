// Plain-ops reference of the exact GELU, differentiated by tfjs's autograd (erf's gradient):
//
//   gelu(x) = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2
//
// Kept beside the fused kernel (gelu_kernel.ts): tests compare the two, and backends without
// the fused kernels (webgl, webgpu) run this. Source: Hendrycks & Gimpel, arXiv:1606.08415.
import { tf } from '@basiskit/tensor';

/** x Phi(x) with tfjs's erf (autograd gradient). */
export function geluReference(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))))));
}
