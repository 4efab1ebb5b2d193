// FastKAN's Gaussian radial basis (Z. Li, "Kolmogorov-Arnold Networks are Radial Basis Function
// Networks", 2024; github.com/ZiyaoLi/fast-kan, `RadialBasisFunction`): argument checks and
// dispatch to the fused kernels (rbf_basis_kernel.ts, which documents the math) or the plain-ops
// reference (rbf_basis_reference.ts).
//
//   b_k(x) = exp(-((x - g_k) / h)^2),   k = 0..K-1
//   g = linspace(gridMin, gridMax, K),  h = (gridMax - gridMin) / (K - 1)   (FastKAN's `denominator`)
//
// x [..., in] -> [..., in, K]. The grid is an input tensor (FastKAN keeps it as a non-trainable
// parameter `rbf.grid`, so a checkpoint's grid is used as stored); h is a constant attribute.
import { ConfigError, ShapeError, checkInt, checkNumber, checkTensor, formatShape, tf } from '@basiskit/tensor';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';
import { RBF_BASIS_KERNEL, rbfBasisKernel } from './rbf_basis_kernel';
import { rbfBasisReference } from './rbf_basis_reference';

/** Options of {@link rbfBasis}: FastKAN's grid and the implementation. */
export interface RBFBasisOptions {
  /** First grid point. Default -2 (FastKAN). */
  gridMin?: number;
  /** Last grid point. Default 2 (FastKAN). */
  gridMax?: number;
  /** Number of Gaussians K (grid points). Default 8, or the length of `grid` when given. */
  numGrids?: number;
  /** Width h. Default `(gridMax - gridMin) / (numGrids - 1)` (FastKAN's `denominator`). */
  denominator?: number;
  /**
   * Explicit centres, float32 [K] (a FastKAN layer's `rbf.grid`); replaces the linspace.
   * The op is differentiable in it.
   */
  grid?: tf.Tensor;
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`); default `'auto'`. */
  impl?: 'auto' | 'fused' | 'reference';
}

interface ResolvedRBF {
  gridMin: number;
  gridMax: number;
  numGrids: number;
  denominator: number;
}

/** Checks the options and fills in FastKAN's defaults. */
function resolveRBF(options: RBFBasisOptions, where: string): ResolvedRBF {
  const gridMin = options.gridMin ?? -2;
  const gridMax = options.gridMax ?? 2;
  checkNumber(gridMin, { where, argument: 'gridMin' });
  checkNumber(gridMax, { where, argument: 'gridMax' });
  if (!(gridMin < gridMax)) {
    throw new ConfigError('invalid grid range', {
      where,
      argument: 'gridMin, gridMax',
      expected: 'finite numbers with gridMin < gridMax',
      got: `${gridMin}, ${gridMax}`,
    });
  }
  const grid = options.grid;
  if (grid !== undefined) {
    checkTensor(grid, { where, argument: 'grid', dtype: 'float32' });
    if (grid.rank !== 1 || grid.size < 1)
      throw new ShapeError('wrong shape', { where, argument: 'grid', expected: '[K] with K >= 1', got: formatShape(grid.shape) });
  }
  const numGrids = options.numGrids ?? (grid ? grid.size : 8);
  checkInt(numGrids, options.denominator === undefined ? 2 : 1, where, 'numGrids');
  if (grid && grid.size !== numGrids) {
    throw new ShapeError('wrong shape', { where, argument: 'grid', expected: `[${numGrids}] (numGrids)`, got: formatShape(grid.shape) });
  }
  const denominator = checkNumber(options.denominator ?? (gridMax - gridMin) / (numGrids - 1), { where, argument: 'denominator', gt: 0 });
  return { gridMin, gridMax, numGrids, denominator };
}

/**
 * FastKAN's Gaussian RBF basis: `exp(-((x - g_k)/h)^2)` for each of the K grid points.
 * x [..., in] (float32) -> [..., in, K]. Differentiable in x (and in `grid` when given).
 *
 * @example
 * const b = rbfBasis(x, { gridMin: -2, gridMax: 2, numGrids: 8 }); // [N, in, 8]
 */
export function rbfBasis(x: tf.Tensor, options: RBFBasisOptions = {}): tf.Tensor {
  const where = 'rbfBasis';
  checkTensor(x, { where, dtype: 'float32', minRank: 1 });
  const r = resolveRBF(options ?? {}, where);
  const fused = useFusedKernel(options?.impl, where, rbfBasisKernel);
  return tf.tidy(() => {
    const grid = options.grid ?? tf.linspace(r.gridMin, r.gridMax, r.numGrids);
    if (!fused) return rbfBasisReference(x, grid, r.denominator);
    return runFusedKernel(RBF_BASIS_KERNEL, { x, grid }, { denominator: r.denominator }) as tf.Tensor;
  });
}
