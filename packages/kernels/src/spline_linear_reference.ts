// Plain-ops reference of the spline contraction of efficient-kan's KANLinear:
//
//   y[b, o] = sum_i sum_j B_j(x[b, i]) * W[o, i, j]
//           = B(x).reshape(N, in*(G+k)) @ W.reshape(out, in*(G+k))^T
//
// (W is `spline_weight * spline_scaler[..., None]`). Dense bases, then one matMul.
import { tf } from '@basiskit/tensor';
import { bsplineBasisReference } from './bspline_basis_reference';

/** Spline contraction by plain ops: x [N, in], grid [in, G+2k+1], weight [out, in, G+k] -> [N, out]. */
export function splineLinearReference(x: tf.Tensor, grid: tf.Tensor, weight: tf.Tensor, splineOrder: number): tf.Tensor {
  return tf.tidy(() => {
    const [out, inF, nb] = weight.shape as number[];
    const bases = bsplineBasisReference(x, grid, splineOrder);
    // an explicit transpose of the (small) weight, not transposeB: tfjs-wasm's transposed matMul is ~4x slower
    return tf.matMul(tf.reshape(bases, [-1, inF * nb]), tf.transpose(tf.reshape(weight, [out, inF * nb])));
  });
}
