// The spline contraction of a B-spline KAN layer (efficient-kan KANLinear's spline branch),
// optionally with its base branch (the whole KANLinear, `baseWeight` [out, in]):
//
//   y[b, o] = sum_i sum_j B_j(x[b, i]) * W[o, i, j]  (+ sum_i silu(x[b, i]) baseWeight[o, i])
//   x [N, in], grid [in, G+2k+1], W [out, in, G+k]
//
// Paths:
// - 'local': fused kernels (spline_linear_kernel.ts; a wasm SIMD version in assembly/bspline.ts)
//   that form only the k+1 nonzero bases per input and contract them with W transposed to
//   [in, G+k, out]; the [N, in, G+k] bases never exist. Hand-written backward (dx and dW). With
//   baseWeight, the base branch is fused into the same pass (kanLinearLocalKernel).
// - 'dense': the fused basis kernel (bsplineBasis), then one matMul with W as [out, in (G+k)]
//   (XNNPACK on wasm); gradients through untransposed matMuls (@basiskit/tensor's linear) and bsplineBasis's.
// - 'reference': plain ops (dense Cox-de Boor, then matMul), differentiable in the grid too.
//   'dense' and 'reference' add the base branch as linear(silu(x), baseWeight).
// - 'auto': 'local' on cpu; on wasm 'local', or 'dense' for wide layers outside a gradient tape
//   (out (k+1) >= 512 (G+k), measured, see autoPrefersDense); 'reference' on backends without
//   the fused kernels.
import { checkTensor, formatShape, linear, ShapeError, tf } from '@basiskit/tensor';
import { bsplineBasis, checkSplineArgs } from './bspline_basis';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';
import { KAN_LINEAR_LOCAL_KERNEL, kanLinearLocalKernel, SPLINE_LINEAR_LOCAL_KERNEL, splineLinearLocalKernel } from './spline_linear_kernel';
import { splineLinearReference } from './spline_linear_reference';

/** Options of {@link splineLinear}. */
export interface SplineLinearOptions {
  /** Spline order k (3 = cubic). */
  splineOrder: number;
  /** Which implementation runs (see {@link splineLinear}). Default 'auto'. */
  impl?: 'auto' | 'local' | 'dense' | 'reference';
  /**
   * efficient-kan's base_weight [out, in]: adds the base branch silu(x) baseWeight^T (the whole
   * KANLinear; its spline_scaler is folded into `weight` by the caller). Default: none.
   */
  baseWeight?: tf.Tensor;
}

function localPath(x: tf.Tensor, grid: tf.Tensor, weight: tf.Tensor, k: number, baseWeight: tf.Tensor | undefined): tf.Tensor {
  return tf.tidy(() => {
    const weightT = tf.transpose(weight, [1, 2, 0]); // [in, G+k, out]
    if (!baseWeight) return runFusedKernel(SPLINE_LINEAR_LOCAL_KERNEL, { x, grid, weightT }, { splineOrder: k }) as tf.Tensor;
    const baseWeightT = tf.transpose(baseWeight); // [in, out]
    return runFusedKernel(KAN_LINEAR_LOCAL_KERNEL, { x, grid, weightT, baseWeightT }, { splineOrder: k }) as tf.Tensor;
  });
}

/** y + silu(x) baseWeight^T (the base branch of the unfused paths). */
function addBase(y: tf.Tensor, x: tf.Tensor, baseWeight: tf.Tensor | undefined): tf.Tensor {
  if (!baseWeight) return y;
  return tf.tidy(() => tf.add(y, linear(tf.mul(x, tf.sigmoid(x)), baseWeight)));
}

function checkBaseWeight(baseWeight: tf.Tensor | undefined, out: number, inF: number): void {
  if (baseWeight === undefined) return;
  checkTensor(baseWeight, { where: 'splineLinear', argument: 'baseWeight', dtype: 'float32' });
  if (baseWeight.rank !== 2 || baseWeight.shape[0] !== out || baseWeight.shape[1] !== inF) {
    throw new ShapeError('wrong shape', {
      where: 'splineLinear',
      argument: 'baseWeight',
      expected: `[${out}, ${inF}] ([out, in] of weight)`,
      got: formatShape(baseWeight.shape),
    });
  }
}

function densePath(x: tf.Tensor, grid: tf.Tensor, weight: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const [out, inF, nb] = weight.shape as number[];
    const bases = bsplineBasis(x, grid, { splineOrder: k, impl: 'fused' });
    return linear(tf.reshape(bases, [-1, inF * nb]), tf.reshape(weight, [out, inF * nb]));
  });
}

/**
 * The spline branch of a B-spline KAN layer: `y = B(x) W^T` with B the order-`splineOrder`
 * B-spline bases on `grid` (efficient-kan's `b_splines`: half-open intervals, zero outside the
 * extended grid). x [N, in], grid [in, G+2k+1] (rows nondecreasing), weight [out, in, G+k]
 * -> [N, out]. Differentiable in x and weight (and in grid with `impl: 'reference'` only).
 * With `baseWeight` [out, in], adds efficient-kan KANLinear's base branch silu(x) baseWeight^T
 * (differentiable in baseWeight too): 'local' fuses it into the same kernel, 'dense' and
 * 'reference' add `linear(silu(x), baseWeight)`.
 *
 * `impl`: `'local'` (fused, only the k+1 nonzero bases per input, O(N in (k+1)) memory),
 * `'dense'` (fused bases, then matMul), `'reference'` (plain ops), `'auto'` (default: 'local'
 * on cpu; on wasm 'local', or 'dense' for inference of wide layers, out (k+1) >= 512 (G+k);
 * 'reference' on backends without the fused kernels). 'local' and
 * 'dense' throw a ConfigError on backends without the fused kernels (webgl, webgpu).
 * A NaN in x[b, i] makes y[b, :] NaN; finite inputs anywhere (also far outside the grid) give
 * finite outputs.
 */
export function splineLinear(x: tf.Tensor, grid: tf.Tensor, weight: tf.Tensor, options: SplineLinearOptions): tf.Tensor {
  const k = options.splineOrder;
  const [, inF, out] = checkSplineArgs(x, grid, weight, k, 'splineLinear');
  const { baseWeight } = options;
  checkBaseWeight(baseWeight, out, inF);
  const impl = options.impl ?? 'auto';
  const kernels = baseWeight ? [splineLinearLocalKernel, kanLinearLocalKernel] : splineLinearLocalKernel;
  if (!useFusedKernel(impl, 'splineLinear', kernels, ['local', 'dense'])) return addBaseAndDispose(splineLinearReference(x, grid, weight, k), x, baseWeight);
  // (an empty batch goes local: tfjs-wasm's matMul fails on a zero-row operand and leaves garbage)
  const useDense = x.shape[0] !== 0 && (impl === 'dense' || (impl === 'auto' && autoPrefersDense(weight.shape[0] as number, weight.shape[2] as number, k)));
  return useDense ? addBaseAndDispose(densePath(x, grid, weight, k), x, baseWeight) : localPath(x, grid, weight, k, baseWeight);
}

function addBaseAndDispose(y: tf.Tensor, x: tf.Tensor, baseWeight: tf.Tensor | undefined): tf.Tensor {
  if (!baseWeight) return y;
  const out = addBase(y, x, baseWeight);
  y.dispose();
  return out;
}

/**
 * 'auto' between the fused paths: 'local' does (k+1) of the G+k multiply-adds per (input,
 * output) pair that 'dense' does, but XNNPACK's matMul (wasm) runs ~3x more of them per second
 * than the local SIMD loops. Measured on wasm (N=1024, in=64, G=5, k=3; see README): local is
 * faster forward up to out=512 and forward+backward up to out=2048 (then even); dense is faster
 * forward from out=1024. So: dense only for wide layers evaluated without a gradient tape
 * (inference), local otherwise. On cpu (JavaScript matMul) local always wins.
 */
function autoPrefersDense(out: number, nb: number, k: number): boolean {
  return tf.getBackend() === 'wasm' && out * (k + 1) >= 512 * nb && tf.engine().state.gradientDepth === 0;
}
