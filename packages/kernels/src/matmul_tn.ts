// A^T B without a transpose: argument checks and dispatch.
//
//   matMulTN(a [N, P], b [N, Q]) = a^T b  [P, Q]
//
// On cpu and wasm it runs the fused kernel of matmul_tn_kernel.ts (wasm SIMD reading both
// operands in place); elsewhere `tf.matMul(a, b, true, false)`.
import { ShapeError, checkTensor, formatShape, tf } from '@basiskit/tensor';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';
import { MATMUL_TN_KERNEL, matMulTNKernel } from './matmul_tn_kernel';

/** Options of {@link matMulTN}. */
export interface MatMulTNOptions {
  /** Force tfjs's `matMul(a, b, true)` (`'reference'`) or the fused kernel (`'fused'`, default `'auto'`). */
  impl?: 'auto' | 'fused' | 'reference';
}

/**
 * `a^T b` for `a` [N, P] and `b` [N, Q] (float32): the weight gradient `dY^T X` of a linear
 * layer, or row sums (`a` = ones [N, 1]), without materialising `a^T`. Differentiable in both.
 */
export function matMulTN(a: tf.Tensor, b: tf.Tensor, options: MatMulTNOptions = {}): tf.Tensor {
  const where = 'matMulTN';
  checkTensor(a, { where, argument: 'a', dtype: 'float32', rank: 2 });
  checkTensor(b, { where, argument: 'b', dtype: 'float32', rank: 2 });
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError('row counts differ', { where, argument: 'b', expected: `[${a.shape[0]}, Q] (a ${formatShape(a.shape)})`, got: formatShape(b.shape) });
  }
  if (!useFusedKernel(options.impl, where, matMulTNKernel)) return tf.matMul(a, b, true, false);
  return runFusedKernel(MATMUL_TN_KERNEL, { a, b }) as tf.Tensor;
}
