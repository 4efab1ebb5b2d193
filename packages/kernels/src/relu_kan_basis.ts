// ReLU-KAN's basis (Qiu et al., "ReLU-KAN: New Kolmogorov-Arnold Networks that Only Need Matrix
// Addition, Dot Multiplication, and ReLU", 2024; github.com/quiqi/relu_kan, `ReLUKANLayer`):
// argument checks and dispatch to the fused kernels (relu_kan_basis_kernel.ts, which has the
// hand-written backward) or the plain-ops reference (relu_kan_basis_reference.ts).
//
//   R_i(x) = [ReLU(e_i - x) * ReLU(x - s_i) * r]^2,   i = 0..G+k-1
//   s_i = (i - k) / G  (`phase_low`),   e_i = s_i + (k + 1) / G  (`phase_height`),
//   r = 4 G^2 / (k + 1)^2            (so r^2 = 16 / (e_i - s_i)^4 and every bump peaks at 1)
//
// laid out for inputs in [0, 1]; R_i is nonzero only on (s_i, e_i), so at most k + 1 of the
// G + k functions are nonzero at any x. x [..., in] -> [..., in, G+k]. s and e may be given per
// input feature ([in, G+k], ReLU-KAN's layer holds them as parameters) or shared ([1, G+k]);
// r stays the constant above (as in ReLU-KAN, where training s, e leaves r unchanged).
import { ConfigError, ShapeError, checkInt, checkTensor, formatShape, tf } from '@basiskit/tensor';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';
import { RELU_KAN_BASIS_KERNEL, reluKanBasisKernel } from './relu_kan_basis_kernel';
import { reluKanBasisReference } from './relu_kan_basis_reference';

/** Options of {@link reluKanBasis}. */
export interface ReLUKANBasisOptions {
  /** Number of grid intervals G on [0, 1] (ReLU-KAN's `g`). */
  gridSize: number;
  /** Overlap k (ReLU-KAN's `k`): each bump spans k + 1 intervals; the basis has G + k functions. */
  k: number;
  /**
   * Start points s, float32 [in or 1, G+k] (a ReLU-KAN layer's `phase_low`); default
   * `(i - k)/G` shared by all features. Give both or neither of `phaseLow`, `phaseHeight`;
   * the op is differentiable in them.
   */
  phaseLow?: tf.Tensor;
  /** End points e, same shape as `phaseLow` (`phase_height`); default `s_i + (k+1)/G`. */
  phaseHeight?: tf.Tensor;
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`); default `'auto'`. */
  impl?: 'auto' | 'fused' | 'reference';
}

/** ReLU-KAN's default start and end points, [G+k] each (float64 values). */
export function reluKanPhases(gridSize: number, k: number): { phaseLow: number[]; phaseHeight: number[] } {
  const phaseLow = Array.from({ length: gridSize + k }, (_, i) => (i - k) / gridSize);
  return { phaseLow, phaseHeight: phaseLow.map((s) => s + (k + 1) / gridSize) };
}

/** ReLU-KAN's normalisation `r = 4 G^2 / (k+1)^2` (the basis squares it). */
export function reluKanScale(gridSize: number, k: number): number {
  return (4 * gridSize * gridSize) / ((k + 1) * (k + 1));
}

function checkSizes(options: ReLUKANBasisOptions | undefined, where: string): { gridSize: number; k: number } {
  if (!options || typeof options !== 'object') {
    throw new ConfigError('options are required', { where, argument: 'options', expected: '{ gridSize, k }', got: String(options) });
  }
  checkInt(options.gridSize, 1, where, 'gridSize');
  checkInt(options.k, 0, where, 'k');
  return { gridSize: options.gridSize, k: options.k };
}

function checkPhases(x: tf.Tensor, options: ReLUKANBasisOptions, nBasis: number, where: string): void {
  const { phaseLow, phaseHeight } = options;
  if ((phaseLow === undefined) !== (phaseHeight === undefined)) {
    throw new ConfigError('give both or neither', {
      where,
      argument: phaseLow === undefined ? 'phaseLow' : 'phaseHeight',
      expected: 'phaseLow and phaseHeight together',
      got: 'only one of them',
    });
  }
  if (phaseLow === undefined || phaseHeight === undefined) return;
  const inF = x.shape[x.rank - 1];
  for (const [name, t] of [
    ['phaseLow', phaseLow],
    ['phaseHeight', phaseHeight],
  ] as const) {
    checkTensor(t, { where, argument: name, dtype: 'float32' });
    if (t.rank !== 2 || (t.shape[0] !== 1 && t.shape[0] !== inF) || t.shape[1] !== nBasis) {
      throw new ShapeError('wrong shape', { where, argument: name, expected: `[${inF} or 1, ${nBasis}] (in, G + k)`, got: formatShape(t.shape) });
    }
  }
  if (phaseLow.shape[0] !== phaseHeight.shape[0]) {
    throw new ShapeError('wrong shape', {
      where,
      argument: 'phaseHeight',
      expected: `${formatShape(phaseLow.shape)} (as phaseLow)`,
      got: formatShape(phaseHeight.shape),
    });
  }
}

/** Default phases as [1, G+k] float32 tensors. */
function defaultPhases(gridSize: number, k: number): [tf.Tensor, tf.Tensor] {
  const { phaseLow, phaseHeight } = reluKanPhases(gridSize, k);
  return [tf.tensor2d(phaseLow, [1, gridSize + k]), tf.tensor2d(phaseHeight, [1, gridSize + k])];
}

/**
 * ReLU-KAN's basis `[ReLU(e_i - x) ReLU(x - s_i) r]^2`, i = 0..G+k-1, on [0, 1] by default.
 * x [..., in] (float32) -> [..., in, G+k]. Differentiable in x (and in `phaseLow`,
 * `phaseHeight` when given).
 *
 * @example
 * const b = reluKanBasis(x, { gridSize: 5, k: 3 }); // [N, in, 8]
 */
export function reluKanBasis(x: tf.Tensor, options: ReLUKANBasisOptions): tf.Tensor {
  const where = 'reluKanBasis';
  checkTensor(x, { where, dtype: 'float32', minRank: 1 });
  const { gridSize, k } = checkSizes(options, where);
  checkPhases(x, options, gridSize + k, where);
  const fused = useFusedKernel(options.impl, where, reluKanBasisKernel);
  const r = reluKanScale(gridSize, k);
  return tf.tidy(() => {
    const [phaseLow, phaseHeight] = options.phaseLow && options.phaseHeight ? [options.phaseLow, options.phaseHeight] : defaultPhases(gridSize, k);
    if (!fused) return reluKanBasisReference(x, phaseLow, phaseHeight, r);
    return runFusedKernel(RELU_KAN_BASIS_KERNEL, { x, phaseLow, phaseHeight }, { r }) as tf.Tensor;
  });
}
