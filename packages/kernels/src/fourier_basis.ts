// FourierKAN's basis (GistNoesis/FourierKAN, `NaiveFourierKANLayer`): argument checks and
// dispatch to the fused kernels (fourier_basis_kernel.ts, which documents the math and its
// backward) or the plain-ops reference (fourier_basis_reference.ts). The first G harmonics
//
//   cos(k x), sin(k x),   k = 1..G
//
// x [..., in] -> [..., in, 2G], laid out cos block first, then sin block:
//   out[..., i, k-1] = cos(k x_i),   out[..., i, G + k-1] = sin(k x_i)
// (FourierKAN's `fouriercoeffs[0]` multiplies the cosines, `fouriercoeffs[1]` the sines).
import { ConfigError, checkInt, checkTensor, tf } from '@basiskit/tensor';
import { FOURIER_BASIS_KERNEL, fourierBasisKernel } from './fourier_basis_kernel';
import { fourierBasisReference } from './fourier_basis_reference';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';

/** Options of {@link fourierBasis}. */
export interface FourierBasisOptions {
  /** Number of harmonics G (FourierKAN's `gridsize`); the basis has 2G functions. */
  gridSize: number;
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`); default `'auto'`. */
  impl?: 'auto' | 'fused' | 'reference';
}

/**
 * FourierKAN's basis: x [..., in] (float32) -> [..., in, 2G] with `cos(k x)` for k = 1..G in
 * `[..., 0:G]` and `sin(k x)` in `[..., G:2G]`. Differentiable in x.
 *
 * @example
 * const b = fourierBasis(x, { gridSize: 5 }); // [N, in, 10]: cos x..cos 5x, sin x..sin 5x
 */
export function fourierBasis(x: tf.Tensor, options: FourierBasisOptions): tf.Tensor {
  const where = 'fourierBasis';
  checkTensor(x, { where, dtype: 'float32', minRank: 1 });
  if (!options || typeof options !== 'object') {
    throw new ConfigError('options are required', { where, argument: 'options', expected: '{ gridSize }', got: String(options) });
  }
  checkInt(options.gridSize, 1, where, 'gridSize');
  const gridSize = options.gridSize;
  if (!useFusedKernel(options.impl, where, fourierBasisKernel)) return fourierBasisReference(x, gridSize);
  return runFusedKernel(FOURIER_BASIS_KERNEL, { x }, { gridSize }) as tf.Tensor;
}
