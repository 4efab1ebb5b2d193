// Fused B-spline basis kernels over typed arrays: de Boor's triangular recursion on the k+1
// bases that are nonzero at x, instead of Cox-de Boor over all G+2k of them.
//
//   span s:  t_s <= x < t_{s+1}     (half-open, as efficient-kan; none when x < t_0 or x >= t_{M-1})
//   B_{j,0}(x) = [j == s]
//   B_{j,p}(x) = (x - t_j)/(t_{j+p} - t_j) B_{j,p-1}(x) + (t_{j+p+1} - x)/(t_{j+p+1} - t_{j+1}) B_{j+1,p-1}(x)
//   B'_{j,k}(x) = k B_{j,k-1}(x)/(t_{j+k} - t_j) - k B_{j+1,k-1}(x)/(t_{j+k+1} - t_{j+1})
//
// (de Boor, "A Practical Guide to Splines", ch. IX-X; efficient-kan's `b_splines` for the
// interval rule). Only B_{s-p..s, p} can be nonzero at order p, so each order updates a window
// of p+1 values, k(k+1)/2 multiply-adds by precomputed knot reciprocals in all (no division in
// the loop). Bases the dense recursion never forms (index j < 0, or j + p + 1 past the last
// knot) never reach the G+k outputs (see knotTables). Computed in float64 here (float32 in the
// wasm module): equal to the plain-ops float32 reference to rounding. Coinciding knots (zero
// denominators) give 0 where the dense 0/0 recursion gives NaN. Knot rows must be nondecreasing.
//
// x [N, in], grid [in, M] with M = G + 2k + 1, bases [N, in, nb] with nb = G + k = M - k - 1.
// A NaN input gives NaN in every basis of its feature (as the dense recursion does); +-Infinity
// and any finite x outside [t_0, t_{M-1}) give zeros and a zero derivative.

import { defineFusedKernel } from './fused_kernel';
import { BSPLINE_WASM, type BsplineWasm } from './generated/bspline_wasm';

/** tfjs kernel name of the fused B-spline basis forward. */
export const BSPLINE_BASIS_KERNEL = 'BasiskitBSplineBasis';
/** tfjs kernel name of the fused B-spline basis backward (dx). */
export const BSPLINE_BASIS_GRAD_KERNEL = 'BasiskitBSplineBasisGrad';

/** What a gradient request for the knots of a fused spline op says (they are constants there). */
export const KNOTS_NOT_DIFFERENTIABLE = "a constant knot grid (a buffer, as in efficient-kan), or impl: 'reference' for knot gradients";

/** Attributes of the B-spline kernels. */
export interface BSplineAttrs {
  splineOrder: number;
}

/**
 * Per-feature knot tables (built once per call): the knots padded with k copies of the end
 * knots on each side (index u = j + k), for p = 1..k the reciprocals 1/(t_{j+p} - t_j) (0 where
 * the dense recursion has no such basis, or where knots coincide), and (M-1)/(t_{M-1} - t_0)
 * for the span guess. With the padding and the zero reciprocals the triangle needs no index
 * checks: bases the dense recursion never forms only ever meet a zero reciprocal.
 */
export interface KnotTables {
  /** Row length M + 2k. */
  P: number;
  /** [in, k+1, P]: padded knots, then the k reciprocal rows. */
  tab: Float64Array;
  /** [in]: (M-1)/(t_{M-1} - t_0). */
  hinv: Float64Array;
}

/** The knot tables of grid [inF, m] for order k. */
export function knotTables(t: Float32Array, inF: number, m: number, k: number): KnotTables {
  const P = m + 2 * k;
  const tab = new Float64Array(inF * (k + 1) * P);
  const hinv = new Float64Array(inF);
  for (let i = 0; i < inF; i++) {
    const o = i * m;
    const r = i * (k + 1) * P;
    for (let u = 0; u < P; u++) tab[r + u] = t[o + Math.min(m - 1, Math.max(0, u - k))];
    for (let p = 1; p <= k; p++) {
      for (let j = 0; j <= m - 1 - p; j++) {
        const d = t[o + j + p] - t[o + j];
        tab[r + p * P + j + k] = d > 0 ? 1 / d : 0;
      }
    }
    const span = t[o + m - 1] - t[o];
    hinv[i] = span > 0 ? (m - 1) / span : 0;
  }
  return { P, tab, hinv };
}

/**
 * The span s with t_s <= x < t_{s+1} of the knot row `t[off .. off+M)`, or -1 when x is
 * outside [t_0, t_{M-1}) or NaN. A guess from the mean knot spacing `hinv` (exact for
 * uniform grids), one neighbour, else binary search: knots need not be uniform.
 */
export function findSpan(t: Float32Array, off: number, m: number, x: number, hinv: number): number {
  if (!(x >= t[off] && x < t[off + m - 1])) return -1;
  const s = Math.min(m - 2, Math.floor((x - t[off]) * hinv));
  if (x < t[off + s]) {
    if (s > 0 && x >= t[off + s - 1]) return s - 1;
  } else if (x < t[off + s + 1]) {
    return s;
  } else if (s + 2 <= m - 1 && x < t[off + s + 2]) {
    return s + 1;
  }
  let lo = 0;
  let hi = m - 1; // invariant: t_lo <= x < t_hi
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x >= t[off + mid]) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * de Boor's triangle for feature i at x in span s >= 0: w[q] = B_{s-k+q, k}(x), q = 0..k (entries
 * for indices outside 0..nb-1 are not bases of the grid and are ignored by callers). Each
 * B_{j,p-1} is divided once (by t_{j+p} - t_j) and shared by B_{j-1,p} and B_{j,p}. With
 * `ders`, also ders[q] = B'_{s-k+q,k}(x) = k B_{j,k-1}/(t_{j+k}-t_j) - k B_{j+1,k-1}/(t_{j+k+1}-t_{j+1}),
 * the derivative of the polynomial piece on [t_s, t_{s+1}) (what autograd of the reference gives).
 */
export function deBoor(T: KnotTables, i: number, s: number, x: number, k: number, w: Float64Array, ders: Float64Array | null): void {
  const { P, tab } = T;
  const kn = i * (k + 1) * P;
  w[0] = 1;
  for (let p = 1; p <= k; p++) {
    const inv = kn + p * P;
    let saved = 0;
    let savedD = 0;
    const last = ders !== null && p === k;
    for (let q = 0; q < p; q++) {
      const u = s - p + 1 + q + k; // j + k for the lower basis j = s-p+1+q
      const temp = w[q] * tab[inv + u];
      if (last) {
        ders[q] = savedD - p * temp;
        savedD = p * temp;
      }
      w[q] = saved + (tab[kn + u + p] - x) * temp;
      saved = (x - tab[kn + u]) * temp;
    }
    w[p] = saved;
    if (last) ders[p] = savedD;
  }
  if (ders !== null && k === 0) ders[0] = 0;
}

/** Bytes of the wasm module's knot tables for grid [inF, m] and order k (16-byte rounded). */
export function wasmTableBytes(inF: number, m: number, k: number): number {
  return Math.ceil((inF * ((m + 2 * k) * (k + 1) + 1) * 4) / 16) * 16;
}

/** Sizes from the shapes of x [N, in] and grid [in, M] for order k. */
export function bsplineLayout(xShape: number[], gridShape: number[], k: number) {
  const [n, inF] = xShape;
  const m = gridShape[1];
  return { n, inF, m, k, nb: m - k - 1 };
}

/** Forward: dense bases [N, in, nb] (zeros outside the k+1 local ones). `out` arrives zeroed. */
export function bsplineBasisForward(x: Float32Array, t: Float32Array, out: Float32Array, L: ReturnType<typeof bsplineLayout>): void {
  const { n, inF, m, k, nb } = L;
  const T = knotTables(t, inF, m, k);
  const w = new Float64Array(k + 1);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < inF; i++) {
      const xi = x[b * inF + i];
      const o = (b * inF + i) * nb;
      if (xi !== xi) {
        out.fill(NaN, o, o + nb);
        continue;
      }
      const s = findSpan(t, i * m, m, xi, T.hinv[i]);
      if (s < 0) continue;
      deBoor(T, i, s, xi, k, w, null);
      const q1 = Math.min(k, nb - 1 - s + k);
      for (let q = Math.max(0, k - s); q <= q1; q++) out[o + s - k + q] = w[q];
    }
  }
}

/** Backward: dx[b, i] = sum_j dy[b, i, j] B'_j(x[b, i]). */
export function bsplineBasisBackward(dy: Float32Array, x: Float32Array, t: Float32Array, dx: Float32Array, L: ReturnType<typeof bsplineLayout>): void {
  const { n, inF, m, k, nb } = L;
  const T = knotTables(t, inF, m, k);
  const vals = new Float64Array(k + 1);
  const ders = new Float64Array(k + 1);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < inF; i++) {
      const e = b * inF + i;
      const xi = x[e];
      if (xi !== xi) {
        dx[e] = NaN;
        continue;
      }
      const s = findSpan(t, i * m, m, xi, T.hinv[i]);
      if (s < 0) {
        dx[e] = 0;
        continue;
      }
      deBoor(T, i, s, xi, k, vals, ders);
      let acc = 0;
      const q1 = Math.min(k, nb - 1 - s + k);
      for (let q = Math.max(0, k - s); q <= q1; q++) acc += dy[e * nb + s - k + q] * ders[q];
      dx[e] = acc;
    }
  }
}

const round16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Rows per chunk of the parallel basis kernels: ~2048 inputs (de Boor each, tens of microseconds). */
export function basisRowsPerChunk(inF: number): number {
  return Math.max(1, Math.ceil(2048 / Math.max(1, inF)));
}

/**
 * The B-spline basis kernels: inputs x [N, in], grid [in, M] (attribute `splineOrder`); the
 * backward gives dx (the grid is a constant). The wasm SIMD module is assembly/bspline.ts, run
 * as a parallel side: the knot tables, then blocks of rows.
 */
export const bsplineBasisKernel = /* @__PURE__ */ defineFusedKernel<BSplineAttrs, BsplineWasm>({
  name: BSPLINE_BASIS_KERNEL,
  gradName: BSPLINE_BASIS_GRAD_KERNEL,
  inputs: ['x', 'grid'],
  simd: BSPLINE_WASM,
  differentiates: ['x'],
  notDifferentiable: { where: 'bsplineBasis', expected: KNOTS_NOT_DIFFERENTIABLE },
  forward: {
    outputShapes: ([xs, gs], { splineOrder }) => [[xs[0], xs[1], gs[1] - splineOrder - 1]],
    compute: ([x, grid], [out], [xs, gs], { splineOrder }) => bsplineBasisForward(x, grid, out, bsplineLayout(xs, gs, splineOrder)),
    parallel: {
      // the knot tables (shared), then per thread a window of k+1 f32
      scratchBytes: ([xs, gs], { splineOrder: k }, threads) => wasmTableBytes(xs[1], gs[1], k) + threads * round16(4 * (k + 1)),
      phases: ([x, grid], [out], scratch, [xs, gs], { splineOrder: k }) => {
        const rows = basisRowsPerChunk(xs[1]);
        return [
          { fn: 'tables', args: [grid, xs[1], gs[1], k, scratch], chunks: 1 },
          { fn: 'basisForward', args: [x, grid, out, xs[0], xs[1], gs[1], k, rows, scratch], chunks: Math.ceil(xs[0] / rows) },
        ];
      },
    },
  },
  backward: {
    outputShapes: ([, xs]) => [xs],
    accumulates: [],
    compute: ([dy, x, grid], [dx], [, xs, gs], { splineOrder }) => bsplineBasisBackward(dy, x, grid, dx, bsplineLayout(xs, gs, splineOrder)),
    parallel: {
      // the knot tables (shared), then per thread a window of 2(k+1) f32
      scratchBytes: ([, xs, gs], { splineOrder: k }, threads) => wasmTableBytes(xs[1], gs[1], k) + threads * round16(8 * (k + 1)),
      phases: ([dy, x, grid], [dx], scratch, [, xs, gs], { splineOrder: k }) => {
        const rows = basisRowsPerChunk(xs[1]);
        return [
          { fn: 'tables', args: [grid, xs[1], gs[1], k, scratch], chunks: 1 },
          { fn: 'basisBackward', args: [dy, x, grid, dx, xs[0], xs[1], gs[1], k, rows, scratch], chunks: Math.ceil(xs[0] / rows) },
        ];
      },
    },
  },
});
