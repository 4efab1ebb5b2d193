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
//   baseWeight, the base branch is fused into the same pass: on cpu and wasm the kernel takes
//   efficient-kan's parameters as they are (kan_linear_kernel.ts: weight [out, in, G+k], the
//   optional splineScaler [out, in], baseWeight [out, in]; it transposes and scales them in a
//   prepare phase and returns their gradients in their own layouts), elsewhere (webgpu)
//   kanLinearLocalKernel on the transposed, scaled weights.
// - 'dense': the fused basis kernel (bsplineBasis), then one matMul with W as [out, in (G+k)]
//   (XNNPACK on wasm); gradients through untransposed matMuls (@basiskit/tensor's linear) and bsplineBasis's.
// - 'reference': plain ops (dense Cox-de Boor, then matMul), differentiable in the grid too.
//   'dense' and 'reference' add the base branch as linear(silu(x), baseWeight) and scale the
//   weight by splineScaler with tf ops.
// - 'auto': 'local' on cpu; on wasm 'local', or 'dense' for wide layers outside a gradient tape
//   (out (k+1) >= 512 (G+k), measured, see autoPrefersDense); 'reference' on backends without
//   the fused kernels.
import { checkTensor, formatShape, linear, ShapeError, tf } from '@basiskit/tensor';
import { bsplineBasis, checkSplineArgs } from './bspline_basis';
import { kanLinearParamsKernel, kanLinearScaledKernel } from './kan_linear_kernel';
import { hasFusedKernels, runFusedKernel, useFusedKernel } from './kernel_dispatch';
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
   * KANLinear). Default: none.
   */
  baseWeight?: tf.Tensor;
  /**
   * efficient-kan's spline_scaler [out, in] (`enable_standalone_scale_spline`): the spline branch
   * uses `weight * splineScaler[..., None]` (differentiable in splineScaler too). With
   * `baseWeight` on cpu and wasm the fused kernel scales inside ('local'); otherwise the product
   * is formed with tf ops. Default: none (`weight` as is).
   */
  splineScaler?: tf.Tensor;
}

type ParamsKernel = typeof kanLinearParamsKernel;

/** weight * scaler[..., None] (weight itself without a scaler). Call inside a tidy. */
function scaled(weight: tf.Tensor, scaler: tf.Tensor | undefined): tf.Tensor {
  return scaler ? tf.mul(weight, tf.expandDims(scaler, -1)) : weight;
}

function localPath(
  x: tf.Tensor,
  grid: tf.Tensor,
  weight: tf.Tensor,
  k: number,
  baseWeight: tf.Tensor | undefined,
  splineScaler: tf.Tensor | undefined,
  params: ParamsKernel | null,
): tf.Tensor {
  if (params && baseWeight) {
    // efficient-kan's parameters as they are: no transpose or scale ops
    const inputs: Record<string, tf.Tensor> = { x, grid, splineWeight: weight, baseWeight };
    if (splineScaler) inputs.splineScaler = splineScaler;
    return runFusedKernel(params.name, inputs, { splineOrder: k }) as tf.Tensor;
  }
  return tf.tidy(() => {
    const weightT = tf.transpose(scaled(weight, splineScaler), [1, 2, 0]); // [in, G+k, out]
    if (!baseWeight) return runFusedKernel(SPLINE_LINEAR_LOCAL_KERNEL, { x, grid, weightT }, { splineOrder: k }) as tf.Tensor;
    const baseWeightT = tf.transpose(baseWeight); // [in, out]
    return runFusedKernel(KAN_LINEAR_LOCAL_KERNEL, { x, grid, weightT, baseWeightT }, { splineOrder: k }) as tf.Tensor;
  });
}

/** y + silu(x) baseWeight^T (the base branch of the unfused paths). Call inside a tidy. */
function addBase(y: tf.Tensor, x: tf.Tensor, baseWeight: tf.Tensor | undefined): tf.Tensor {
  if (!baseWeight) return y;
  return tf.add(y, linear(tf.mul(x, tf.sigmoid(x)), baseWeight));
}

function checkOutIn(t: tf.Tensor | undefined, argument: string, out: number, inF: number): void {
  if (t === undefined) return;
  checkTensor(t, { where: 'splineLinear', argument, dtype: 'float32' });
  if (t.rank !== 2 || t.shape[0] !== out || t.shape[1] !== inF) {
    throw new ShapeError('wrong shape', {
      where: 'splineLinear',
      argument,
      expected: `[${out}, ${inF}] ([out, in] of weight)`,
      got: formatShape(t.shape),
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
 * 'reference' add `linear(silu(x), baseWeight)`. With `splineScaler` [out, in] (efficient-kan's
 * spline_scaler), the spline branch uses `weight * splineScaler[..., None]`; 'local' with
 * `baseWeight` on cpu and wasm takes weight, splineScaler and baseWeight as they are (one kernel,
 * no transpose or scale ops; gradients in the parameters' own layouts).
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
  const { baseWeight, splineScaler } = options;
  checkOutIn(baseWeight, 'baseWeight', out, inF);
  checkOutIn(splineScaler, 'splineScaler', out, inF);
  const impl = options.impl ?? 'auto';
  // the kernel on efficient-kan's own parameters where the backend has it (cpu, wasm), else the one on transposed weights (webgpu)
  const candidate = splineScaler ? kanLinearScaledKernel : kanLinearParamsKernel;
  const params = baseWeight && hasFusedKernels(candidate) ? candidate : null;
  const kernels = params ? [splineLinearLocalKernel, params] : baseWeight ? [splineLinearLocalKernel, kanLinearLocalKernel] : splineLinearLocalKernel;
  if (!useFusedKernel(impl, 'splineLinear', kernels, ['local', 'dense'])) {
    return tf.tidy(() => addBase(splineLinearReference(x, grid, scaled(weight, splineScaler), k), x, baseWeight));
  }
  // (an empty batch goes local: tfjs-wasm's matMul fails on a zero-row operand and leaves garbage)
  const useDense = x.shape[0] !== 0 && (impl === 'dense' || (impl === 'auto' && autoPrefersDense(weight.shape[0] as number, weight.shape[2] as number, k)));
  if (useDense) return tf.tidy(() => addBase(densePath(x, grid, scaled(weight, splineScaler), k), x, baseWeight));
  return localPath(x, grid, weight, k, baseWeight, splineScaler, params);
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
