// Fused kernels of ReLU-KAN's basis (see relu_kan_basis.ts for the op and its source):
//
//   R_i(x) = [ReLU(e_i - x) * ReLU(x - s_i) * r]^2,   i = 0..G+k-1
//
// x [..., in] -> [..., in, G+k]; s and e per input feature ([in, G+k]) or shared ([1, G+k]).
// Backward (hand-written), with a = ReLU(x - s_i), b = ReLU(e_i - x), p = a b r:
//   dR_i/dx = 2 p r (b - a),   dR_i/ds_i = -2 p r b,   dR_i/de_i = 2 p r a
// dx per element; ds, de summed over the rows (float64 accumulators).
import { defineFusedKernel, sideOf } from './fused_kernel';
import { KAN_BASES_WASM, type KanBasesWasm } from './generated/kan_bases_wasm';
import { reluKanParallel } from './kan_bases_parallel';

/** tfjs kernel names of the fused ReLU-KAN basis. */
export const RELU_KAN_BASIS_KERNEL = 'BasiskitReLUKANBasis';
export const RELU_KAN_BASIS_GRAD_KERNEL = 'BasiskitReLUKANBasisGrad';

/** Attributes of the ReLU-KAN kernels. */
export interface ReLUKANAttrs {
  /** ReLU-KAN's `r` = 4 G^2 / (k+1)^2. */
  r: number;
}

interface Layout {
  rows: number;
  features: number;
  nBasis: number;
  /** Whether s, e hold one row per feature (else one shared row). */
  perFeature: boolean;
}

function layoutOf(xShape: number[], phaseShape: number[]): Layout {
  const features = xShape[xShape.length - 1];
  const size = xShape.reduce((a, b) => a * b, 1);
  return { rows: features === 0 ? 0 : size / features, features, nBasis: phaseShape[1], perFeature: phaseShape[0] !== 1 };
}

/** Forward: out[m, j] = (ReLU(x - s_j) ReLU(e_j - x) r)^2 with the feature's s, e. */
function reluKanForward(x: Float32Array, low: Float32Array, high: Float32Array, out: Float32Array, L: Layout, r: number): void {
  const { rows, features, nBasis } = L;
  let m = 0;
  for (let row = 0; row < rows; row++) {
    for (let i = 0; i < features; i++, m++) {
      const base = L.perFeature ? i * nBasis : 0;
      const xm = x[m];
      const o = m * nBasis;
      for (let j = 0; j < nBasis; j++) {
        // branch-free: the ReLUs as max(., 0)
        const p = Math.max(xm - low[base + j], 0) * Math.max(high[base + j] - xm, 0) * r;
        out[o + j] = p * p;
      }
    }
  }
}

/** Backward: dx per element; ds, de summed over rows (see the file header). */
function reluKanBackward(
  dy: Float32Array,
  x: Float32Array,
  low: Float32Array,
  high: Float32Array,
  dx: Float32Array,
  dlow: Float32Array,
  dhigh: Float32Array,
  L: Layout,
  r: number,
): void {
  const { rows, features, nBasis } = L;
  const accLow = new Float64Array(low.length);
  const accHigh = new Float64Array(high.length);
  let m = 0;
  for (let row = 0; row < rows; row++) {
    for (let i = 0; i < features; i++, m++) {
      const base = L.perFeature ? i * nBasis : 0;
      const xm = x[m];
      const o = m * nBasis;
      let s = 0;
      for (let j = 0; j < nBasis; j++) {
        const a = Math.max(xm - low[base + j], 0);
        const b = Math.max(high[base + j] - xm, 0);
        const q = 2 * a * b * r * r * dy[o + j]; // 2 p r dy (0 outside (s_j, e_j))
        s += q * (b - a);
        accLow[base + j] -= q * b;
        accHigh[base + j] += q * a;
      }
      dx[m] = s;
    }
  }
  for (let j = 0; j < low.length; j++) {
    dlow[j] = accLow[j];
    dhigh[j] = accHigh[j];
  }
}

/**
 * The ReLU-KAN basis kernels: inputs x, phaseLow, phaseHeight (attribute `r`); the backward
 * gives dx, dphaseLow, dphaseHeight.
 */
export const reluKanBasisKernel = /* @__PURE__ */ defineFusedKernel<ReLUKANAttrs, KanBasesWasm>({
  name: RELU_KAN_BASIS_KERNEL,
  gradName: RELU_KAN_BASIS_GRAD_KERNEL,
  inputs: ['x', 'phaseLow', 'phaseHeight'],
  simd: KAN_BASES_WASM,
  forward: {
    outputShapes: ([xs, ls]) => [[...xs, ls[1]]],
    accumulates: [],
    compute: ([x, low, high], [out], [xs, ls], { r }) => reluKanForward(x, low, high, out, layoutOf(xs, ls), r),
    parallel: /* @__PURE__ */ sideOf(reluKanParallel, 'forward'),
  },
  backward: {
    outputShapes: ([, xs, ls, hs]) => [xs, ls, hs],
    accumulates: [],
    compute: ([dy, x, low, high], [dx, dlow, dhigh], [, xs, ls], { r }) => reluKanBackward(dy, x, low, high, dx, dlow, dhigh, layoutOf(xs, ls), r),
    parallel: /* @__PURE__ */ sideOf(reluKanParallel, 'backward'),
  },
});
