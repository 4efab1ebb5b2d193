// Per-channel bias and scale on channels-last data [..., C], with gradients whose reductions
// over the N = size / C rows are one matMul `ones[1, N] @ dY[N, C]` (tfjs-wasm runs it on XNNPACK:
// 0.2 ms for [32768, 32], against 5 ms for tfjs's Sum over axis 0, which the gradient of a
// broadcasting add or multiply uses).
//
//   addChannelBias(x, b) = x + b          d/db = sum_rows(dy)
//   scaleChannels(x, w)  = x * w          d/dx = dy * w,  d/dw = sum_rows(dy * x)
import { tf } from '@basiskit/tensor';

/** Sum of the rows of t viewed as [N, C] (C its last dim): [C]. */
export function sumRows(t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const c = t.shape[t.rank - 1] as number;
    const n = t.size / c;
    return tf.reshape(tf.matMul(tf.ones([1, n]), tf.reshape(t, [n, c])), [c]);
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
