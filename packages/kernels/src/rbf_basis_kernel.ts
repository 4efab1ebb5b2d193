// Fused kernels of FastKAN's Gaussian radial basis (see rbf_basis.ts for the op):
//
//   b_k(x) = exp(-((x - g_k) / h)^2),   k = 0..K-1,   x [..., in] -> [..., in, K]
//
// float64 arithmetic, float32 storage. The backward pass in one sweep:
//
//   b_k'(x) = -2 (x - g_k) / h^2 * b_k(x)
//   dx       = sum_k dy_k b_k'(x)
//   dgrid_k  = -sum_{elements} dy_k b_k'(x)        (b_k depends on x - g_k)
//
// On a uniform grid (FastKAN's linspace) the kernels step from one Gaussian to the next with two
// exps per element instead of K (see `UniformGrid` below); other grids and far-out x take one
// exp per value. The grid is an input; h is a constant attribute.
import { defineFusedKernel, sideOf } from './fused_kernel';
import { KAN_BASES_WASM, type KanBasesWasm } from './generated/kan_bases_wasm';
import { rbfParallel } from './kan_bases_parallel';

/** tfjs kernel names of the fused RBF basis. */
export const RBF_BASIS_KERNEL = 'BasiskitRBFBasis';
export const RBF_BASIS_GRAD_KERNEL = 'BasiskitRBFBasisGrad';

/** Attributes of the RBF kernels. */
export interface RBFAttrs {
  /** h, the width of every Gaussian. */
  denominator: number;
}

/**
 * Where the grid is uniform (a linspace, up to float32 rounding), the Gaussians follow from one
 * another: with d_k = (x - g_k)/h = d_0 - k delta (delta = grid step / h),
 *
 *   b_{k+1} = b_k * rho_k,   rho_k = exp(2 d_k delta - delta^2),   rho_{k+1} = rho_k * exp(-2 delta^2)
 *
 * so an element costs two exps instead of K. Each point's offset from the exact linspace,
 * eps_k (in units of h, at most 1e-5), is folded back in to first order:
 * exp(-(d_k - eps_k)^2) = b_k (1 + 2 d_k eps_k) + O(d^2 eps^2). The recurrence runs only where
 * every |d_k| <= 26 (so b_k >= e^-676 stays a normal float64, and rho neither overflows nor
 * underflows with delta <= 8); elsewhere, and on other grids, each b_k is its own exp.
 */
interface UniformGrid {
  g0: number;
  /** Grid step in units of h. */
  delta: number;
  /** exp(-2 delta^2). */
  q: number;
  /** (K - 1) delta: d runs from d_0 down to d_0 - span. */
  span: number;
  /** Offsets of the grid points from the exact linspace, in units of h. */
  eps: Float64Array;
}

/** Largest |d_k| the recurrence runs at. */
const RBF_RECURRENCE_BOUND = 26;

function uniformGrid(grid: Float32Array, invH: number): UniformGrid | null {
  const K = grid.length;
  if (K < 2) return null;
  const g0 = grid[0];
  const step = (grid[K - 1] - g0) / (K - 1);
  const delta = step * invH;
  if (!(delta > 0 && delta <= 8)) return null;
  const eps = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const e = (grid[k] - (g0 + k * step)) * invH;
    if (!(Math.abs(e) <= 1e-5)) return null;
    eps[k] = e;
  }
  return { g0, delta, q: Math.exp(-2 * delta * delta), span: (K - 1) * delta, eps };
}

/** Whether the recurrence runs for d_0 = (x - g_0)/h. */
function inRecurrenceRange(U: UniformGrid, d0: number): boolean {
  return d0 <= RBF_RECURRENCE_BOUND && d0 - U.span >= -RBF_RECURRENCE_BOUND;
}

/** Forward: out[m, k] = exp(-((x[m] - grid[k]) / h)^2). */
function rbfForward(x: Float32Array, grid: Float32Array, out: Float32Array, denominator: number): void {
  const K = grid.length;
  const invH = 1 / denominator;
  const U = uniformGrid(grid, invH);
  let o = 0;
  for (let m = 0; m < x.length; m++) {
    const xm = x[m];
    if (U !== null) {
      let d = (xm - U.g0) * invH;
      if (inRecurrenceRange(U, d)) {
        const { delta, q, eps } = U;
        let b = Math.exp(-d * d);
        let rho = Math.exp(2 * d * delta - delta * delta);
        for (let k = 0; k < K; k++) {
          out[o++] = b * (1 + 2 * d * eps[k]);
          b *= rho;
          rho *= q;
          d -= delta;
        }
        continue;
      }
    }
    for (let k = 0; k < K; k++) {
      const d = (xm - grid[k]) * invH;
      out[o++] = Math.exp(-d * d);
    }
  }
}

/** Backward: dx[m] = sum_k dy[m,k] b_k'(x[m]); dgrid[k] = -sum_m dy[m,k] b_k'(x[m]). */
function rbfBackward(dy: Float32Array, x: Float32Array, grid: Float32Array, dx: Float32Array, dgrid: Float32Array, denominator: number): void {
  const K = grid.length;
  const invH = 1 / denominator;
  const c = 2 * invH * invH;
  const U = uniformGrid(grid, invH);
  const acc = new Float64Array(K);
  let o = 0;
  for (let m = 0; m < x.length; m++) {
    const xm = x[m];
    let s = 0;
    let d0 = U === null ? 0 : (xm - U.g0) * invH;
    if (U !== null && inRecurrenceRange(U, d0)) {
      const { delta, q, eps } = U;
      let b = Math.exp(-d0 * d0);
      let rho = Math.exp(2 * d0 * delta - delta * delta);
      for (let k = 0; k < K; k++) {
        const t = dy[o++] * c * (xm - grid[k]) * b * (1 + 2 * d0 * eps[k]); // = -dy * b_k'(x)
        s -= t;
        acc[k] += t;
        b *= rho;
        rho *= q;
        d0 -= delta;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const diff = xm - grid[k];
        const d = diff * invH;
        const t = dy[o++] * c * diff * Math.exp(-d * d); // = -dy * b_k'(x)
        s -= t;
        acc[k] += t;
      }
    }
    dx[m] = s;
  }
  for (let k = 0; k < K; k++) dgrid[k] = acc[k];
}

/** The RBF basis kernels: inputs x, grid (attribute `denominator` = h); the backward gives dx, dgrid. */
export const rbfBasisKernel = /* @__PURE__ */ defineFusedKernel<RBFAttrs, KanBasesWasm>({
  name: RBF_BASIS_KERNEL,
  gradName: RBF_BASIS_GRAD_KERNEL,
  inputs: ['x', 'grid'],
  simd: KAN_BASES_WASM,
  forward: {
    outputShapes: ([xs, gs]) => [[...xs, gs[0]]],
    accumulates: [],
    compute: ([x, grid], [out], _shapes, { denominator }) => rbfForward(x, grid, out, denominator),
    parallel: /* @__PURE__ */ sideOf(rbfParallel, 'forward'),
  },
  backward: {
    outputShapes: ([, xs, gs]) => [xs, gs],
    accumulates: [],
    compute: ([dy, x, grid], [dx, dgrid], _shapes, { denominator }) => rbfBackward(dy, x, grid, dx, dgrid, denominator),
    parallel: /* @__PURE__ */ sideOf(rbfParallel, 'backward'),
  },
});
