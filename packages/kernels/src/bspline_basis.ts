// B-spline bases with a fused kernel and a hand-written gradient (efficient-kan's `b_splines`):
// argument checks and dispatch.
//
//   B_{j,0}(x) = [t_j <= x < t_{j+1}],
//   B_{j,p}(x) = (x - t_j)/(t_{j+p} - t_j) B_{j,p-1}(x) + (t_{j+p+1} - x)/(t_{j+p+1} - t_{j+1}) B_{j+1,p-1}(x)
//   dB_{j,k}/dx = k B_{j,k-1}/(t_{j+k} - t_j) - k B_{j+1,k-1}/(t_{j+k+1} - t_{j+1})
//
// x [N, in], grid [in, G+2k+1] -> [N, in, G+k]. On cpu and wasm the fused kernels of
// bspline_basis_kernel.ts evaluate only the k+1 nonzero bases per input (de Boor) and write the
// dense output; elsewhere the plain-ops reference (bspline_basis_reference.ts) runs.
import { ConfigError, ShapeError, checkInt, checkTensor, formatShape, tf } from '@basiskit/tensor';
import { BSPLINE_BASIS_KERNEL, bsplineBasisKernel } from './bspline_basis_kernel';
import { bsplineBasisReference } from './bspline_basis_reference';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';

/** Checks shapes of (x, grid, weight) for a spline of order k; returns [N, in, out, nBasis]. */
export function checkSplineArgs(x: tf.Tensor, grid: tf.Tensor, weight: tf.Tensor | null, splineOrder: number, where: string): number[] {
  checkTensor(x, { where, dtype: 'float32' });
  checkTensor(grid, { where, argument: 'grid', dtype: 'float32' });
  if (weight !== null) checkTensor(weight, { where, argument: 'weight', dtype: 'float32' });
  checkInt(splineOrder, 0, where, 'splineOrder');
  if (x.rank !== 2) throw new ShapeError('wrong rank', { where, argument: 'x', expected: '[N, in]', got: formatShape(x.shape) });
  const [n, inF] = x.shape as number[];
  if (grid.rank !== 2 || grid.shape[0] !== inF || (grid.shape[1] as number) < 2 * splineOrder + 2) {
    throw new ShapeError('wrong shape', {
      where,
      argument: 'grid',
      expected: `[${inF}, G + ${2 * splineOrder + 1}] with G >= 1`,
      got: formatShape(grid.shape),
    });
  }
  const nb = (grid.shape[1] as number) - splineOrder - 1;
  if (!weight) return [n, inF, 0, nb];
  if (weight.rank !== 3 || weight.shape[1] !== inF || weight.shape[2] !== nb) {
    throw new ShapeError('wrong shape', {
      where,
      argument: 'weight',
      expected: `[out, ${inF}, ${nb}] (G + k = ${nb} from grid ${formatShape(grid.shape)})`,
      got: formatShape(weight.shape),
    });
  }
  return [n, inF, weight.shape[0] as number, nb];
}

/** Options of {@link bsplineBasis}. */
export interface BsplineBasisOptions {
  /** Spline order k (3 = cubic). */
  splineOrder: number;
  /**
   * `'fused'`: the fused kernel (cpu, wasm; a ConfigError elsewhere); `'reference'`: plain tfjs
   * ops (any backend, also differentiable in `grid`); `'auto'` (default): fused where registered.
   */
  impl?: 'auto' | 'fused' | 'reference';
}

/**
 * The B-spline bases of order `splineOrder` on the knot rows `grid`, efficient-kan's
 * `b_splines`: x [N, in], grid [in, G+2k+1] (rows nondecreasing) -> [N, in, G+k], half-open
 * intervals, zero outside [t_0, t_{G+2k}) (x equal to the last knot gives 0). Differentiable in
 * x (the fused path is not differentiable in `grid`). A NaN in x gives NaN bases for that entry;
 * +-Infinity gives zeros. Repeated knots give 0 where the reference's 0/0 gives NaN.
 */
export function bsplineBasis(x: tf.Tensor, grid: tf.Tensor, options: BsplineBasisOptions): tf.Tensor {
  if (!options || typeof options !== 'object') {
    throw new ConfigError('options are required', { where: 'bsplineBasis', argument: 'options', expected: '{ splineOrder }', got: String(options) });
  }
  const k = options.splineOrder;
  checkSplineArgs(x, grid, null, k, 'bsplineBasis');
  if (!useFusedKernel(options.impl, 'bsplineBasis', bsplineBasisKernel)) return bsplineBasisReference(x, grid, k);
  return runFusedKernel(BSPLINE_BASIS_KERNEL, { x, grid }, { splineOrder: k }) as tf.Tensor;
}
