// The basis interface of basiskit's KAN layers: one file per basis (B-spline, RBF, Chebyshev,
// Fourier, ReLU-KAN, ...). A KAN edge function is phi(x) = sum_j c_j b_j(x); a layer needs the
// values b_j(x) (and their derivative for pykan's tools and for fused backward passes), whether
// the basis is local (B-splines: only k+1 of the G+k functions are nonzero at any x, which the
// fused spline kernels exploit) and the input range it is laid out for.
import type { tf } from '@basiskit/tensor';

/** A family of one-variable basis functions, evaluated per input feature. */
export interface Basis {
  /** Short name ('bspline', 'rbf', 'chebyshev', 'fourier', 'relu', ...). */
  readonly name: string;
  /** Number of basis functions per input feature. */
  readonly nBasis: number;
  /** 'local': at most `nonzeros` functions are nonzero at any x; 'dense': all may be. */
  readonly support: 'dense' | 'local';
  /** Most functions nonzero at one x (`nBasis` for a dense basis, k+1 for B-splines of order k). */
  readonly nonzeros: number;
  /** The input range the basis is laid out for (inputs outside it are allowed). */
  readonly defaultRange: readonly [number, number];
  /** Values `b_j(x)`: x [..., in] -> [..., in, nBasis]. Differentiable in x. */
  evaluate(x: tf.Tensor): tf.Tensor;
  /** Derivatives `b_j'(x)`: x [..., in] -> [..., in, nBasis]. */
  derivative(x: tf.Tensor): tf.Tensor;
}
