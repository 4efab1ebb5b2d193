// The spline contraction of a B-spline KAN layer (efficient-kan KANLinear's spline branch):
//
//   y[b, o] = sum_i sum_j B_j(x[b, i]) * W[o, i, j],   x [N, in], grid [in, G+2k+1], W [out, in, G+k]
//
// Paths:
// - 'local': fused kernels (spline_linear_kernel.ts; a wasm SIMD version in assembly/bspline.ts)
//   that form only the k+1 nonzero bases per input and contract them with W transposed to
//   [in, G+k, out]; the [N, in, G+k] bases never exist. Hand-written backward (dx and dW).
// - 'dense': the fused basis kernel (bsplineBasis), then one matMul with W as [out, in (G+k)]
//   (XNNPACK on wasm); gradients through untransposed matMuls (@basiskit/tensor's linear) and bsplineBasis's.
// - 'reference': plain ops (dense Cox-de Boor, then matMul), differentiable in the grid too.
// - 'auto': 'local' on cpu; on wasm 'local', or 'dense' for wide layers outside a gradient tape
//   (out (k+1) >= 512 (G+k), measured, see autoPrefersDense); 'reference' on backends without
//   the fused kernels.
import { linear, tf } from '@basiskit/tensor';
import { bsplineBasis, checkSplineArgs } from './bspline_basis';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';
import { SPLINE_LINEAR_LOCAL_KERNEL, splineLinearLocalKernel } from './spline_linear_kernel';
import { splineLinearReference } from './spline_linear_reference';

/** Options of {@link splineLinear}. */
export interface SplineLinearOptions {
  /** Spline order k (3 = cubic). */
  splineOrder: number;
  /** Which implementation runs (see {@link splineLinear}). Default 'auto'. */
  impl?: 'auto' | 'local' | 'dense' | 'reference';
}

function localPath(x: tf.Tensor, grid: tf.Tensor, weight: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const weightT = tf.transpose(weight, [1, 2, 0]); // [in, G+k, out]
    return runFusedKernel(SPLINE_LINEAR_LOCAL_KERNEL, { x, grid, weightT }, { splineOrder: k }) as tf.Tensor;
  });
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
  checkSplineArgs(x, grid, weight, k, 'splineLinear');
  const impl = options.impl ?? 'auto';
  if (!useFusedKernel(impl, 'splineLinear', splineLinearLocalKernel, ['local', 'dense'])) return splineLinearReference(x, grid, weight, k);
  // (an empty batch goes local: tfjs-wasm's matMul fails on a zero-row operand and leaves garbage)
  const useDense = x.shape[0] !== 0 && (impl === 'dense' || (impl === 'auto' && autoPrefersDense(weight.shape[0] as number, weight.shape[2] as number, k)));
  return useDense ? densePath(x, grid, weight, k) : localPath(x, grid, weight, k);
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
