// Per-channel bias and scale on channels-last data [..., C], and the 1x1 convolution's matMul,
// with gradients whose reductions over the N = size / C rows never transpose an [N, C] tensor:
// on cpu and wasm they are `matMulTN` of @basiskit/kernels (A^T B read in place, wasm SIMD:
// ~1 ms for the row sums of [32768, 64] and ~5 ms for dY^T X of two [32768, 32], against
// ~6 ms for tfjs-wasm's `ones[1, N] @ dY` and ~12 ms for Transpose + BatchMatMul); elsewhere
// the matMul `ones[1, N] @ dY[N, C]` and `linear` of @basiskit/tensor.
//
//   addChannelBias(x, b) = x + b          d/db = sum_rows(dy)
//   scaleChannels(x, w)  = x * w          d/dx = dy * w,  d/dw = sum_rows(dy * x)
//   channelLinear(x, w)  = x w^T          d/dx = dy w,    d/dw = dy^T x
import { hasFusedKernels, matMulTN } from '@basiskit/kernels';
import { linear, tf } from '@basiskit/tensor';

/** Sum of the rows of t viewed as [N, C] (C its last dim): [C]. */
export function sumRows(t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const c = t.shape[t.rank - 1] as number;
    const n = t.size / c;
    const t2 = tf.reshape(t, [n, c]);
    return tf.reshape(hasFusedKernels() ? matMulTN(tf.ones([n, 1]), t2) : tf.matMul(tf.ones([1, n]), t2), [c]);
  });
}

const addBiasOp = tf.customGrad(((x: tf.Tensor, b: tf.Tensor) => ({
  value: tf.add(x, b),
  gradFunc: (dy: tf.Tensor) => [dy, sumRows(dy)],
})) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, b: tf.Tensor) => tf.Tensor;

const scaleOp = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.mul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[1]), sumRows(tf.mul(dy, saved[0]))],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;

/** x [..., C] + b [C], with a matMul row sum in the bias gradient. */
export function addChannelBias(x: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return addBiasOp(x, b);
}

/** x [..., C] * w [C], with a matMul row sum in the scale gradient. */
export function scaleChannels(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return scaleOp(x, w);
}

const linearOp = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x, tf.transpose(w)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy, saved[1]), matMulTN(dy, saved[0])],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;

/** x [..., in] @ w [out, in]^T -> [..., out]; the weight gradient dy^T x by `matMulTN` (cpu, wasm), else `linear`. */
export function channelLinear(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  if (!hasFusedKernels()) return linear(x, w);
  return tf.tidy(() => {
    const inF = x.shape[x.rank - 1] as number;
    const y = linearOp(x.rank === 2 ? x : tf.reshape(x, [-1, inF]), w);
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), w.shape[0] as number]);
  });
}
