// The spline contraction of a B-spline KAN layer (efficient-kan KANLinear's spline branch):
//
//   y[b, o] = sum_i sum_j B_j(x[b, i]) * W[o, i, j],   x [N, in], grid [in, G+2k+1], W [out, in, G+k]
//
// Paths:
// - 'local': fused kernels (spline_linear_kernel.ts; a wasm SIMD version in assembly/bspline.ts)
//   that form only the k+1 nonzero bases per input and contract them with W transposed to
//   [in, G+k, out]; the [N, in, G+k] bases never exist. Hand-written backward (dx and dW).
// - 'dense': the fused basis kernel (bsplineBasis), then one matMul with W as [out, in (G+k)]
//   (XNNPACK on wasm); gradients through untransposed matMuls (matMulNT) and bsplineBasis's.
// - 'reference': plain ops (dense Cox-de Boor, then matMul), differentiable in the grid too.
// - 'auto': 'local' on cpu; on wasm 'local', or 'dense' for wide layers outside a gradient tape
//   (out (k+1) >= 512 (G+k), measured, see autoPrefersDense); 'reference' on backends without
//   the fused kernels.
import { ConfigError, tf } from '@basiskit/tensor';
import { bsplineBasis, checkSplineArgs, hasFusedSplineKernels, noGridGradient, splineSimdKernels as simdKernels } from './bspline_basis';
import { wasmTableBytes } from './bspline_basis_kernel';
import { splineLocalBackward, splineLocalForward, splineLocalLayout, type SplineLocalAttrs } from './spline_linear_kernel';
import { matMulNT } from './linear';
import { splineLinearReference } from './spline_linear_reference';
import { hasKernel, registerTypedArrayKernel, runKernel } from './typed_array_kernel';

export { checkSplineArgs, setSplineSimd } from './bspline_basis';

/** tfjs kernel name of the fused local spline contraction (inputs x, grid, weightT [in, G+k, out]). */
export const SPLINE_LINEAR_LOCAL_KERNEL = 'BasiskitSplineLinearLocal';
/** tfjs kernel name of its backward (dx, dweightT). */
export const SPLINE_LINEAR_LOCAL_GRAD_KERNEL = 'BasiskitSplineLinearLocalGrad';

/** Options of {@link splineLinear}. */
export interface SplineLinearOptions {
  /** Spline order k (3 = cubic). */
  splineOrder: number;
  /** Which implementation runs (see {@link splineLinear}). Default 'auto'. */
  impl?: 'auto' | 'local' | 'dense' | 'reference';
}

/** Rows per tile of the SIMD backward's float32 partial sums of dW (then added in float64). */
export const SPLINE_TILE_ROWS = 128;

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  registerTypedArrayKernel<SplineLocalAttrs>({
    kernelName: SPLINE_LINEAR_LOCAL_KERNEL,
    inputNames: ['x', 'grid', 'weightT'],
    outputShapes: ([xs, , ws]) => [[xs[0], ws[2]]],
    accumulates: [],
    compute: ([x, grid, wt], [y], [xs, gs, ws], { splineOrder }) => splineLocalForward(x, grid, wt, y, splineLocalLayout(xs, gs, ws, splineOrder)),
    // knot tables, then per feature of the current row: its span and k+1 bases
    wasmScratchBytes: ([xs, gs], { splineOrder }) => wasmTableBytes(xs[1], gs[1], splineOrder) + xs[1] * (splineOrder + 2) * 4,
    wasmCompute: (memory, [x, grid, wt], [y], [xs, gs, ws], { splineOrder }, scratch) => {
      const simd = simdKernels(memory);
      if (!simd) return false;
      const L = splineLocalLayout(xs, gs, ws, splineOrder);
      simd.localForward(x, grid, wt, y, L.n, L.inF, L.out, L.m, L.k, scratch);
      return true;
    },
  });
  registerTypedArrayKernel<SplineLocalAttrs>({
    kernelName: SPLINE_LINEAR_LOCAL_GRAD_KERNEL,
    inputNames: ['dy', 'x', 'grid', 'weightT'],
    outputShapes: ([, xs, , ws]) => [xs, ws],
    accumulates: [],
    compute: ([dy, x, grid, wt], [dx, dwt], [, xs, gs, ws], { splineOrder }) =>
      splineLocalBackward(dy, x, grid, wt, dx, dwt, splineLocalLayout(xs, gs, ws, splineOrder)),
    // knot tables, one feature's dW tile slab (f32, 16-byte rounded) and total slab (f64), a 2(k+1) window
    wasmScratchBytes: ([, xs, gs, ws], { splineOrder }) =>
      wasmTableBytes(xs[1], gs[1], splineOrder) + Math.ceil((ws[1] * ws[2] * 4) / 16) * 16 + ws[1] * ws[2] * 8 + 8 * (splineOrder + 1),
    wasmCompute: (memory, [dy, x, grid, wt], [dx, dwt], [, xs, gs, ws], { splineOrder }, scratch) => {
      const simd = simdKernels(memory);
      if (!simd) return false;
      const L = splineLocalLayout(xs, gs, ws, splineOrder);
      simd.localBackward(dy, x, grid, wt, dx, dwt, L.n, L.inF, L.out, L.m, L.k, SPLINE_TILE_ROWS, scratch);
      return true;
    },
  });
  tf.registerGradient({
    kernelName: SPLINE_LINEAR_LOCAL_KERNEL,
    inputsToSave: ['x', 'grid', 'weightT'],
    gradFunc: (dy, saved, attrs) => {
      const [x, grid, weightT] = saved;
      // one backward kernel gives both (tensors made here live in the backward pass's scope)
      const [dx, dwt] = runKernel(SPLINE_LINEAR_LOCAL_GRAD_KERNEL, { dy: dy as tf.Tensor, x, grid, weightT }, attrs as unknown as SplineLocalAttrs) as tf.Tensor[];
      return { x: () => dx, weightT: () => dwt, grid: noGridGradient('splineLinear') };
    },
  });
}

function localPath(x: tf.Tensor, grid: tf.Tensor, weight: tf.Tensor, k: number): tf.Tensor {
  register();
  return tf.tidy(() => {
    const weightT = tf.transpose(weight, [1, 2, 0]); // [in, G+k, out]
    return runKernel(SPLINE_LINEAR_LOCAL_KERNEL, { x, grid, weightT }, { splineOrder: k }) as tf.Tensor;
  });
}

function densePath(x: tf.Tensor, grid: tf.Tensor, weight: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const [out, inF, nb] = weight.shape as number[];
    const bases = bsplineBasis(x, grid, { splineOrder: k, impl: 'fused' });
    return matMulNT(tf.reshape(bases, [-1, inF * nb]), tf.reshape(weight, [out, inF * nb]));
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
  if (impl !== 'auto' && impl !== 'local' && impl !== 'dense' && impl !== 'reference') {
    throw new ConfigError('invalid value', { where: 'splineLinear', argument: 'impl', expected: "'auto', 'local', 'dense' or 'reference'", got: String(impl) });
  }
  if (impl === 'reference') return splineLinearReference(x, grid, weight, k);
  register();
  const fused = hasFusedSplineKernels() && hasKernel(SPLINE_LINEAR_LOCAL_KERNEL);
  if (!fused) {
    if (impl === 'auto') return splineLinearReference(x, grid, weight, k);
    throw new ConfigError('no fused kernel on this backend', {
      where: 'splineLinear',
      argument: 'impl',
      expected: "'auto' or 'reference' here",
      got: `'${impl}' on ${tf.getBackend()}`,
    });
  }
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
