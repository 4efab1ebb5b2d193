// Plain-ops reference of the fused epilogue gelu(x + bias + skip) (bias over the last axis),
// differentiated by tfjs's autograd: the exact GELU of gelu_reference.ts after two adds.
// Kept beside the fused kernel (bias_gelu_kernel.ts): tests compare the two, and backends
// without the fused kernels (webgl, webgpu) run this. Source: Hendrycks & Gimpel, arXiv:1606.08415.
import { tf } from '@basiskit/tensor';
import { geluReference } from './gelu_reference';

/** gelu(x + bias (+ skip)) with plain tfjs ops. */
export function biasGeluReference(x: tf.Tensor, bias: tf.Tensor, skip?: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    const pre = tf.add(x, bias);
    return geluReference(skip ? tf.add(pre, skip) : pre);
  });
}
