// The fused KANLinear on efficient-kan's own parameters (no transpose or scale ops around it):
//
//   y[b, o] = sum_i [ silu(x[b,i]) baseW[o, i] + sum_j B_j(x[b,i]) W[o, i, j] s[o, i] ]
//   x [N, in], grid [in, M], W = spline_weight [out, in, G+k], s = spline_scaler [out, in]
//   (efficient-kan's enable_standalone_scale_spline; kanLinearParamsKernel has none: W as is),
//   baseW = base_weight [out, in].
//
// A prepare phase (one chunk per feature i) writes Wt[i, j, o] = f32(W[o, i, j] s[o, i]) (the
// float32 product the Multiply op made) and baseWt[i, o] = baseW[o, i] into shared scratch; the
// forward and backward of the local kernel (spline_linear_kernel.ts, assembly/bspline.ts) read
// them there. The backward's per-feature chunk turns its float64 totals of dWt[i] and dBaseWt[i]
// into the parameters' layouts:
//
//   dW[o, i, j] = f32(f32(dWt[i, j, o]) s[o, i])           (the Multiply op's gradient)
//   dS[o, i]    = sum_j f32(dWt[i, j, o]) W[o, i, j]         (float64, rounded once)
//   dBaseW[o, i] = f32(dBaseWt[i, o])
//
// so one backward gives dx, dW, dS and dBaseW (dx skippable; then the prepare phase is skipped).
// NaN rules of the local kernel: a NaN x[b, i] makes y[b, :], dx[b, i] and feature i's dW, dS,
// dBaseW NaN. Source: efficient-kan (Blealtan), KANLinear.forward and scaled_spline_weight.
import { KNOTS_NOT_DIFFERENTIABLE, wasmTableBytes } from './bspline_basis_kernel';
import { defineFusedKernel, sideOf, type ParallelSide } from './fused_kernel';
import { BSPLINE_WASM, type BsplineWasm } from './generated/bspline_wasm';
import { SPLINE_TILE_ROWS, splineForwardRowsPerChunk, splineLocalBackward, splineLocalForward, type SplineLocalAttrs } from './spline_linear_kernel';

/** tfjs kernel name of the fused KANLinear on (x, grid, splineWeight, baseWeight). */
export const KAN_LINEAR_PARAMS_KERNEL = 'BasiskitKANLinearParams';
/** tfjs kernel name of its backward (dx, dsplineWeight, dbaseWeight). */
export const KAN_LINEAR_PARAMS_GRAD_KERNEL = 'BasiskitKANLinearParamsGrad';
/** tfjs kernel name of the fused KANLinear on (x, grid, splineWeight, splineScaler, baseWeight). */
export const KAN_LINEAR_SCALED_KERNEL = 'BasiskitKANLinearScaled';
/** tfjs kernel name of its backward (dx, dsplineWeight, dsplineScaler, dbaseWeight). */
export const KAN_LINEAR_SCALED_GRAD_KERNEL = 'BasiskitKANLinearScaledGrad';

/** Sizes from x [N, in], grid [in, M], splineWeight [out, in, nb]. */
export function kanParamsLayout(xShape: number[], gridShape: number[], wShape: number[], k: number) {
  return { n: xShape[0], inF: xShape[1], m: gridShape[1], k, nb: wShape[2], out: wShape[0] };
}

type Layout = ReturnType<typeof kanParamsLayout>;

const round16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Wt [in, nb, out] = f32(W s[..., None]) transposed and baseWt [in, out] = baseW^T (the prepare phase, in JavaScript). */
function prepare(w: Float32Array, s: Float32Array | null, bw: Float32Array, L: Layout): { wt: Float32Array; bwt: Float32Array } {
  const { inF, nb, out } = L;
  const wt = new Float32Array(inF * nb * out);
  const bwt = new Float32Array(inF * out);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inF; i++) {
      const e = o * inF + i;
      const sc = s ? s[e] : 1;
      for (let j = 0; j < nb; j++) wt[(i * nb + j) * out + o] = s ? Math.fround(w[e * nb + j] * sc) : w[e * nb + j];
      bwt[i * out + o] = bw[e];
    }
  }
  return { wt, bwt };
}

/** Forward in JavaScript: y [N, out]. */
export function kanParamsForward(
  x: Float32Array,
  t: Float32Array,
  w: Float32Array,
  s: Float32Array | null,
  bw: Float32Array,
  y: Float32Array,
  L: Layout,
): void {
  const { wt, bwt } = prepare(w, s, bw, L);
  splineLocalForward(x, t, wt, y, L, bwt);
}

/**
 * Backward in JavaScript: dx [N, in] (zero with `skipDx`), dW [out, in, nb], dS [out, in] (with
 * a scaler), dBaseW [out, in], all overwritten (the same rounding as the SIMD version).
 */
export function kanParamsBackward(
  dy: Float32Array,
  x: Float32Array,
  t: Float32Array,
  w: Float32Array,
  s: Float32Array | null,
  bw: Float32Array,
  dx: Float32Array,
  dw: Float32Array,
  ds: Float32Array | null,
  dbw: Float32Array,
  L: Layout,
  skipDx: boolean,
): void {
  const { inF, nb, out } = L;
  const { wt, bwt } = prepare(w, s, bw, L);
  const dwt = new Float32Array(inF * nb * out);
  const dbwt = new Float32Array(inF * out);
  splineLocalBackward(dy, x, t, wt, dx, dwt, L, { bwt, dbwt }, skipDx);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inF; i++) {
      const e = o * inF + i;
      let acc = 0;
      for (let j = 0; j < nb; j++) {
        const g = dwt[(i * nb + j) * out + o];
        dw[e * nb + j] = s ? Math.fround(g * s[e]) : g;
        acc += g * w[e * nb + j];
      }
      if (ds) ds[e] = acc;
      dbw[e] = dbwt[i * out + o];
    }
  }
}

/** The parallel wasm sides, with (`scaled`) or without the scaler input. */
function paramSides(scaled: boolean): { forward: ParallelSide<SplineLocalAttrs, BsplineWasm>; backward: ParallelSide<SplineLocalAttrs, BsplineWasm> } {
  const preparedBytes = (L: Layout) => round16(L.inF * L.nb * L.out * 4) + round16(L.inF * L.out * 4);
  const prepareArgs = (L: Layout, w: number, s: number, bw: number, at: number) => [w, s, bw, at, at + round16(L.inF * L.nb * L.out * 4), L.inF, L.out, L.nb];
  return {
    forward: {
      // the knot tables, per thread one row's records (k+3 words per feature), then the prepared Wt and baseWt
      scratchBytes: ([xs, gs, ws], { splineOrder: k }, threads) =>
        wasmTableBytes(xs[1], gs[1], k) + threads * round16(xs[1] * (k + 3) * 4) + preparedBytes(kanParamsLayout(xs, gs, ws, k)),
      phases: (ins, [y], scratch, [xs, gs, ws], { splineOrder }, threads) => {
        const [x, grid, w] = ins;
        const [s, bw] = scaled ? [ins[3], ins[4]] : [0, ins[3]];
        const L = kanParamsLayout(xs, gs, ws, splineOrder);
        const at = scratch + wasmTableBytes(L.inF, L.m, L.k) + threads * round16(L.inF * (L.k + 3) * 4);
        const bat = at + round16(L.inF * L.nb * L.out * 4);
        const rows = splineForwardRowsPerChunk(L.inF, L.out, L.k);
        return [
          { fn: 'tables', args: [grid, L.inF, L.m, L.k, scratch], chunks: 1 },
          { fn: 'prepareParams', args: prepareArgs(L, w, s, bw, at), chunks: L.inF },
          { fn: 'localForward', args: [x, grid, at, bat, y, L.n, L.inF, L.out, L.m, L.k, rows, scratch], chunks: Math.ceil(L.n / rows) },
        ];
      },
    },
    backward: {
      // the knot tables, per thread what localBackward needs (assembly/bspline.ts backwardThreadBytes), then the prepared Wt and baseWt
      scratchBytes: ([, xs, gs, ws], { splineOrder: k }, threads) => {
        const L = kanParamsLayout(xs, gs, ws, k);
        const perThread = (L.nb + 1) * L.out * 8 + round16((L.m + 1) * 4) + 2 * round16(L.n * 4) + L.n * (4 + 2 * ((k + 4) & ~3)) * 4 + round16(L.out * 4);
        return wasmTableBytes(L.inF, L.m, k) + threads * perThread + preparedBytes(L);
      },
      phases: (ins, outs, scratch, shapes, attrs, threads) => {
        const [dy, x, grid, w] = ins;
        const [s, bw] = scaled ? [ins[4], ins[5]] : [0, ins[4]];
        const [dx, dw] = outs;
        const [ds, dbw] = scaled ? [outs[2], outs[3]] : [0, outs[2]];
        const L = kanParamsLayout(shapes[1], shapes[2], shapes[3], attrs.splineOrder);
        const skip = attrs.skipInputGradient === true;
        const perThread = (L.nb + 1) * L.out * 8 + round16((L.m + 1) * 4) + 2 * round16(L.n * 4) + L.n * (4 + 2 * ((L.k + 4) & ~3)) * 4 + round16(L.out * 4);
        const at = scratch + wasmTableBytes(L.inF, L.m, L.k) + threads * perThread;
        const bat = at + round16(L.inF * L.nb * L.out * 4);
        const args = [dy, x, grid, at, bat, w, s, dx, dw, ds, dbw, L.n, L.inF, L.out, L.m, L.k, SPLINE_TILE_ROWS, skip ? 1 : 0, scratch];
        return [
          { fn: 'tables', args: [grid, L.inF, L.m, L.k, scratch], chunks: 1 },
          // dx reads the prepared weights; without dx only the parameters themselves are read
          ...(skip ? [] : [{ fn: 'prepareParams', args: prepareArgs(L, w, s, bw, at), chunks: L.inF }]),
          { fn: 'paramsBackward', args, chunks: L.inF },
        ];
      },
    },
  };
}

const plainSides = /* @__PURE__ */ paramSides(false);
const scaledSides = /* @__PURE__ */ paramSides(true);

/**
 * efficient-kan's KANLinear fused on its own parameters, without spline_scaler: inputs x [N, in],
 * grid [in, M], splineWeight [out, in, G+k], baseWeight [out, in] (attribute `splineOrder`);
 * y = silu(x) baseWeight^T + B(x) splineWeight^T. The backward gives dx, dsplineWeight and
 * dbaseWeight (dx skippable). The wasm SIMD module is assembly/bspline.ts.
 */
export const kanLinearParamsKernel = /* @__PURE__ */ defineFusedKernel<SplineLocalAttrs, BsplineWasm>({
  name: KAN_LINEAR_PARAMS_KERNEL,
  gradName: KAN_LINEAR_PARAMS_GRAD_KERNEL,
  inputs: ['x', 'grid', 'splineWeight', 'baseWeight'],
  simd: BSPLINE_WASM,
  differentiates: ['x', 'splineWeight', 'baseWeight'],
  notDifferentiable: { where: 'splineLinear', expected: KNOTS_NOT_DIFFERENTIABLE },
  skippable: 'x',
  forward: {
    outputShapes: ([xs, , ws]) => [[xs[0], ws[0]]],
    accumulates: [],
    compute: ([x, grid, w, bw], [y], [xs, gs, ws], { splineOrder }) => kanParamsForward(x, grid, w, null, bw, y, kanParamsLayout(xs, gs, ws, splineOrder)),
    parallel: /* @__PURE__ */ sideOf(plainSides, 'forward'),
  },
  backward: {
    outputShapes: ([, xs, , ws, bs]) => [xs, ws, bs],
    accumulates: [],
    compute: ([dy, x, grid, w, bw], [dx, dw, dbw], [, xs, gs, ws], { splineOrder, skipInputGradient }) =>
      kanParamsBackward(dy, x, grid, w, null, bw, dx, dw, null, dbw, kanParamsLayout(xs, gs, ws, splineOrder), skipInputGradient === true),
    parallel: /* @__PURE__ */ sideOf(plainSides, 'backward'),
  },
});

/**
 * efficient-kan's KANLinear fused on its own parameters, with spline_scaler: inputs x [N, in],
 * grid [in, M], splineWeight [out, in, G+k], splineScaler [out, in], baseWeight [out, in]
 * (attribute `splineOrder`); y = silu(x) baseWeight^T + B(x) (splineWeight * splineScaler[..., None])^T.
 * The backward gives dx, dsplineWeight, dsplineScaler and dbaseWeight (dx skippable). The wasm
 * SIMD module is assembly/bspline.ts.
 */
export const kanLinearScaledKernel = /* @__PURE__ */ defineFusedKernel<SplineLocalAttrs, BsplineWasm>({
  name: KAN_LINEAR_SCALED_KERNEL,
  gradName: KAN_LINEAR_SCALED_GRAD_KERNEL,
  inputs: ['x', 'grid', 'splineWeight', 'splineScaler', 'baseWeight'],
  simd: BSPLINE_WASM,
  differentiates: ['x', 'splineWeight', 'splineScaler', 'baseWeight'],
  notDifferentiable: { where: 'splineLinear', expected: KNOTS_NOT_DIFFERENTIABLE },
  skippable: 'x',
  forward: {
    outputShapes: ([xs, , ws]) => [[xs[0], ws[0]]],
    accumulates: [],
    compute: ([x, grid, w, s, bw], [y], [xs, gs, ws], { splineOrder }) => kanParamsForward(x, grid, w, s, bw, y, kanParamsLayout(xs, gs, ws, splineOrder)),
    parallel: /* @__PURE__ */ sideOf(scaledSides, 'forward'),
  },
  backward: {
    outputShapes: ([, xs, , ws, ss, bs]) => [xs, ws, ss, bs],
    accumulates: [],
    compute: ([dy, x, grid, w, s, bw], [dx, dw, ds, dbw], [, xs, gs, ws], { splineOrder, skipInputGradient }) =>
      kanParamsBackward(dy, x, grid, w, s, bw, dx, dw, ds, dbw, kanParamsLayout(xs, gs, ws, splineOrder), skipInputGradient === true),
    parallel: /* @__PURE__ */ sideOf(scaledSides, 'backward'),
  },
});
