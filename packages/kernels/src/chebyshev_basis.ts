// ChebyKAN's basis (SynodicMonth/ChebyKAN, `ChebyKANLayer`): argument checks and dispatch to
// the fused kernels (chebyshev_basis_kernel.ts, which documents the math and its backward) or
// the plain-ops reference (chebyshev_basis_reference.ts). Chebyshev polynomials of the first
// kind of tanh(x), which maps every input into their domain [-1, 1]:
//
//   t = tanh(x),   T_0 = 1,  T_1 = t,  T_{d+1} = 2 t T_d - T_{d-1},   d = 0..degree
//
// x [..., in] -> [..., in, degree+1]. ChebyKAN's first version wrote T_d(t) = cos(d acos t);
// the recurrence (its later version) is equal on [-1, 1] and, unlike acos, has a finite
// derivative at |t| = 1 (tanh x rounds to ±1 for |x| > ~9 in float32, ~19 in float64).
import { ConfigError, checkInt, checkTensor, tf } from '@basiskit/tensor';
import { CHEBYSHEV_BASIS_KERNEL, chebyshevBasisKernel } from './chebyshev_basis_kernel';
import { chebyshevBasisReference } from './chebyshev_basis_reference';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';

/** Options of {@link chebyshevBasis}. */
export interface ChebyshevBasisOptions {
  /** Highest polynomial degree D (ChebyKAN's `degree`); the basis has D + 1 functions. */
  degree: number;
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`); default `'auto'`. */
  impl?: 'auto' | 'fused' | 'reference';
}

/**
 * ChebyKAN's basis `T_d(tanh x)`, d = 0..degree. x [..., in] (float32) -> [..., in, degree+1].
 * Differentiable in x.
 *
 * @example
 * const b = chebyshevBasis(x, { degree: 4 }); // [N, in, 5]
 */
export function chebyshevBasis(x: tf.Tensor, options: ChebyshevBasisOptions): tf.Tensor {
  const where = 'chebyshevBasis';
  checkTensor(x, { where, dtype: 'float32', minRank: 1 });
  if (!options || typeof options !== 'object') {
    throw new ConfigError('options are required', { where, argument: 'options', expected: '{ degree }', got: String(options) });
  }
  checkInt(options.degree, 0, where, 'degree');
  const degree = options.degree;
  if (!useFusedKernel(options.impl, where, chebyshevBasisKernel)) return chebyshevBasisReference(x, degree);
  return runFusedKernel(CHEBYSHEV_BASIS_KERNEL, { x }, { degree }) as tf.Tensor;
}
