// PyTorch's F.linear, y = x W^T + b, shaped for tfjs-wasm's fast path:
//
//   forward  y  = x @ transpose(W)          dx = dy @ W          dW = transpose(dy) @ x
//
// tfjs-backend-wasm's matMul runs on XNNPACK only without transposeA/transposeB; with either
// flag it is 4-17x slower (measured on this project's 2-core machine: [1024,64] x [64,64]^T
// 5.0 ms vs 0.34 ms untransposed), and tfjs's own MatMul gradient uses both flags. Here every
// product is untransposed and the transposes are explicit ops on the operands. (Not
// tf.fused.matMul either: tfjs-backend-wasm 4.22's fused matMul adds the bias at the wrong
// columns when transposeB is set.)
import * as tf from '@tensorflow/tfjs-core';
import { checkTensor } from './validate';
import { ShapeError, formatShape } from './errors';

/** x [M, K] @ w[O, K]^T with a gradient made of untransposed matMuls. */
const matMulNT = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, tf.transpose(b)),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      const g = dy as tf.Tensor;
      return [tf.matMul(g, sb), tf.matMul(tf.transpose(g), sa)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * PyTorch's `F.linear`: `x [..., in] @ weight[out, in]^T (+ bias[out])` -> [..., out], with
 * forward and gradient in untransposed matMuls (the fast path of tfjs's wasm backend).
 */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias?: tf.Tensor | null): tf.Tensor {
  const where = 'linear';
  checkTensor(x, { where, dtype: 'float32', minRank: 1 });
  checkTensor(weight, { where, argument: 'weight', dtype: 'float32' });
  const inF = x.shape[x.rank - 1];
  if (weight.rank !== 2 || weight.shape[1] !== inF) {
    throw new ShapeError('wrong shape', { where, argument: 'weight', expected: `[out, ${inF}] (x ${formatShape(x.shape)})`, got: formatShape(weight.shape) });
  }
  const out = weight.shape[0];
  if (bias !== undefined && bias !== null) checkTensor(bias, { where, argument: 'bias', dtype: 'float32', shape: [out] });
  return tf.tidy(() => {
    const y = matMulNT(x.rank === 2 ? x : tf.reshape(x, [-1, inF]), weight);
    const yb = bias ? tf.add(y, bias) : y;
    return x.rank === 2 ? yb : tf.reshape(yb, [...x.shape.slice(0, -1), out]);
  });
}
