// Fused local spline contraction over typed arrays (efficient-kan KANLinear's spline branch):
//
//   y[b, o] = sum_i sum_{q=0..k} v[b,i,q] Wt[i, s-k+q, o],   v[b,i,q] = B_{s-k+q,k}(x[b,i]), s = span of x[b,i]
//
// Only the k+1 bases that are nonzero at x[b, i] are formed (de Boor, bspline_basis_kernel.ts);
// the dense [N, in, G+k] basis tensor is never built. Wt is the weight transposed to
// [in, G+k, out], so the inner loops run over `out` contiguously. Backward, from dy [N, out]:
//
//   dx[b, i]     = sum_q B'_{s-k+q}(x[b,i]) * (dy[b, :] . Wt[i, s-k+q, :])
//   dWt[i, j, o] = sum_b B_j(x[b,i]) dy[b, o]
//
// The backward runs feature by feature: dWt[i] accumulates over the batch in a float64 slab of
// (G+k) x out, rounded once. Extra memory: O(out) forward, O((G+k) out) backward; nothing of
// size N in (G+k).
//
// With the base branch (efficient-kan KANLinear: y = silu(x) base_weight^T + spline(x);
// kanLinearLocalKernel, baseWT = base_weight^T [in, out]) each feature adds one more "row":
//
//   y[b, o]      += silu(x[b,i]) baseWT[i, o]
//   dx[b, i]     += silu'(x[b,i]) (dy[b, :] . baseWT[i, :]),   silu' = sig (1 + x (1 - sig))
//   dBaseWT[i,o]  = sum_b silu(x[b,i]) dy[b, o]                  (in the feature's float64 slab)
//
// With the attribute skipInputGradient (a first layer: `skippable: 'x'`) the backward leaves dx
// zero and forms neither the bases' derivatives nor the dy . W products.
//
// The wasm SIMD version (assembly/bspline.ts) is a parallel side: phase 1 the knot tables, then
// forward blocks of rows, backward one feature per chunk (its own slabs per thread).
import { deBoor, findSpan, knotTables, KNOTS_NOT_DIFFERENTIABLE, wasmTableBytes } from './bspline_basis_kernel';
import { defineFusedKernel, sideOf, type KernelSide, type ParallelSide } from './fused_kernel';
import { BSPLINE_WASM, type BsplineWasm } from './generated/bspline_wasm';

/** tfjs kernel name of the fused local spline contraction (inputs x, grid, weightT [in, G+k, out]). */
export const SPLINE_LINEAR_LOCAL_KERNEL = 'BasiskitSplineLinearLocal';
/** tfjs kernel name of its backward (dx, dweightT). */
export const SPLINE_LINEAR_LOCAL_GRAD_KERNEL = 'BasiskitSplineLinearLocalGrad';

/** Rows per tile of the SIMD backward's float32 partial sums of dW (then added in float64). */
export const SPLINE_TILE_ROWS = 128;

/** tfjs kernel name of the fused KANLinear (inputs x, grid, weightT [in, G+k, out], baseWeightT [in, out]). */
export const KAN_LINEAR_LOCAL_KERNEL = 'BasiskitKANLinearLocal';
/** tfjs kernel name of its backward (dx, dweightT, dbaseWeightT). */
export const KAN_LINEAR_LOCAL_GRAD_KERNEL = 'BasiskitKANLinearLocalGrad';

/** Attributes of the local spline kernels. */
export interface SplineLocalAttrs {
  splineOrder: number;
  /** Backward only: leave dx zero (set by the gradient when x needs none). */
  skipInputGradient?: boolean;
}

/** Sizes from x [N, in], grid [in, M], Wt [in, nb, out]. */
export function splineLocalLayout(xShape: number[], gridShape: number[], wtShape: number[], k: number) {
  return { n: xShape[0], inF: xShape[1], m: gridShape[1], k, nb: wtShape[1], out: wtShape[2] };
}

type Layout = ReturnType<typeof splineLocalLayout>;

const silu = (x: number) => x / (1 + Math.exp(-x));

/** Forward: y [N, out] from x, grid, Wt [in, nb, out] and (optional) baseWt [in, out]. */
export function splineLocalForward(x: Float32Array, t: Float32Array, wt: Float32Array, y: Float32Array, L: Layout, bwt: Float32Array | null = null): void {
  const { n, inF, m, k, nb, out } = L;
  const T = knotTables(t, inF, m, k);
  const vals = new Float64Array(k + 1);
  const acc = new Float64Array(out);
  for (let b = 0; b < n; b++) {
    acc.fill(0);
    let nan = false;
    for (let i = 0; i < inF; i++) {
      const xi = x[b * inF + i];
      if (xi !== xi) {
        nan = true;
        continue;
      }
      if (bwt) {
        const v = silu(xi);
        for (let o = 0; o < out; o++) acc[o] += v * bwt[i * out + o];
      }
      const s = findSpan(t, i * m, m, xi, T.hinv[i]);
      if (s < 0) continue;
      deBoor(T, i, s, xi, k, vals, null);
      const q0 = Math.max(0, k - s); // first q with j = s-k+q >= 0
      const q1 = Math.min(k, nb - 1 - s + k); // last q with j < nb
      if (q1 - q0 === 3) {
        // the common cubic case, four weight rows in one pass over acc
        const r0 = (i * nb + s - k + q0) * out;
        const [v0, v1, v2, v3] = [vals[q0], vals[q0 + 1], vals[q0 + 2], vals[q0 + 3]];
        for (let o = 0; o < out; o++) {
          acc[o] += v0 * wt[r0 + o] + v1 * wt[r0 + out + o] + v2 * wt[r0 + 2 * out + o] + v3 * wt[r0 + 3 * out + o];
        }
        continue;
      }
      for (let q = q0; q <= q1; q++) {
        const v = vals[q];
        if (v === 0) continue;
        const base = (i * nb + s - k + q) * out;
        for (let o = 0; o < out; o++) acc[o] += v * wt[base + o];
      }
    }
    const yo = b * out;
    if (nan) y.fill(NaN, yo, yo + out);
    else for (let o = 0; o < out; o++) y[yo + o] = acc[o];
  }
}

/** The base branch of {@link splineLocalBackward}: baseWt [in, out] and its gradient. */
export interface BaseBranch {
  bwt: Float32Array;
  dbwt: Float32Array;
}

/**
 * Backward: dx [N, in] and dWt [in, nb, out] (and dBaseWt [in, out]) from dy [N, out]; all are
 * overwritten. Feature by feature: dWt[i] (nb x out) and dBaseWt[i] accumulate over the batch in
 * a float64 slab, rounded once. `skipDx`: dx all zero, no derivatives or dy . W products.
 */
export function splineLocalBackward(
  dy: Float32Array,
  x: Float32Array,
  t: Float32Array,
  wt: Float32Array,
  dx: Float32Array,
  dwt: Float32Array,
  L: Layout,
  base: BaseBranch | null = null,
  skipDx = false,
): void {
  const { n, inF, m, k, nb, out } = L;
  const T = knotTables(t, inF, m, k);
  const vals = new Float64Array(k + 1);
  const ders = skipDx ? null : new Float64Array(k + 1);
  const slab = new Float64Array(nb * out);
  const bslab = new Float64Array(base ? out : 0);
  if (skipDx) dx.fill(0);
  for (let i = 0; i < inF; i++) {
    slab.fill(0);
    bslab.fill(0);
    const off = i * m;
    const wi = i * nb * out;
    let nan = false;
    for (let b = 0; b < n; b++) {
      const e = b * inF + i;
      const xi = x[e];
      if (xi !== xi) {
        // the dense recursion makes every basis of this feature NaN: so do dx and dW[:, i, :]
        if (!skipDx) dx[e] = NaN;
        nan = true;
        continue;
      }
      const gy = b * out;
      let baseDx = 0;
      if (base) {
        const sig = 1 / (1 + Math.exp(-xi));
        const v = xi * sig;
        const bi = i * out;
        let dot = 0;
        for (let o = 0; o < out; o++) {
          const g = dy[gy + o];
          bslab[o] += v * g;
          dot += g * base.bwt[bi + o];
        }
        baseDx = sig * (1 + xi * (1 - sig)) * dot;
      }
      const s = findSpan(t, off, m, xi, T.hinv[i]);
      if (s < 0) {
        if (!skipDx) dx[e] = baseDx;
        continue;
      }
      deBoor(T, i, s, xi, k, vals, ders);
      const q0 = Math.max(0, k - s);
      const q1 = Math.min(k, nb - 1 - s + k);
      if (ders === null) {
        // dW only
        for (let q = q0; q <= q1; q++) {
          const v = vals[q];
          const j = (s - k + q) * out;
          if (v !== 0) for (let o = 0; o < out; o++) slab[j + o] += v * dy[gy + o];
        }
        continue;
      }
      if (q1 - q0 === 3) {
        // the common cubic case: four weight rows and four slab rows in one pass over dy
        const r0 = (s - k + q0) * out;
        const w0 = wi + r0;
        const [v0, v1, v2, v3] = [vals[q0], vals[q0 + 1], vals[q0 + 2], vals[q0 + 3]];
        let d0 = 0,
          d1 = 0,
          d2 = 0,
          d3 = 0;
        for (let o = 0; o < out; o++) {
          const g = dy[gy + o];
          d0 += g * wt[w0 + o];
          d1 += g * wt[w0 + out + o];
          d2 += g * wt[w0 + 2 * out + o];
          d3 += g * wt[w0 + 3 * out + o];
          slab[r0 + o] += v0 * g;
          slab[r0 + out + o] += v1 * g;
          slab[r0 + 2 * out + o] += v2 * g;
          slab[r0 + 3 * out + o] += v3 * g;
        }
        dx[e] = ders[q0] * d0 + ders[q0 + 1] * d1 + ders[q0 + 2] * d2 + ders[q0 + 3] * d3 + baseDx;
        continue;
      }
      let acc = baseDx;
      for (let q = q0; q <= q1; q++) {
        const v = vals[q];
        const d = ders[q];
        const j = (s - k + q) * out;
        if (d !== 0) {
          let dot = 0;
          for (let o = 0; o < out; o++) dot += dy[gy + o] * wt[wi + j + o];
          acc += d * dot;
        }
        if (v !== 0) for (let o = 0; o < out; o++) slab[j + o] += v * dy[gy + o];
      }
      dx[e] = acc;
    }
    if (nan) dwt.fill(NaN, wi, wi + nb * out);
    else dwt.set(slab, wi);
    if (base) {
      if (nan) base.dbwt.fill(NaN, i * out, (i + 1) * out);
      else base.dbwt.set(bslab, i * out);
    }
  }
}

const round16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Rows per forward chunk: ~2^18 multiply-adds (tens of microseconds of SIMD work). */
export function splineForwardRowsPerChunk(inF: number, out: number, k: number): number {
  return Math.max(1, Math.ceil(2 ** 18 / (Math.max(1, inF) * (k + 2) * Math.max(4, out))));
}

/** The parallel wasm sides of the local kernels, with (`base`) or without the base branch. */
function parallelSides(base: boolean): { forward: ParallelSide<SplineLocalAttrs, BsplineWasm>; backward: ParallelSide<SplineLocalAttrs, BsplineWasm> } {
  return {
    forward: {
      // the knot tables (shared), then per thread one row's records of (k+3) words per feature
      scratchBytes: ([xs, gs], { splineOrder: k }, threads) => wasmTableBytes(xs[1], gs[1], k) + threads * round16(xs[1] * (k + 3) * 4),
      phases: ([x, grid, wt, bwt], [y], scratch, [xs, gs, ws], { splineOrder }) => {
        const L = splineLocalLayout(xs, gs, ws, splineOrder);
        const rows = splineForwardRowsPerChunk(L.inF, L.out, L.k);
        return [
          { fn: 'tables', args: [grid, L.inF, L.m, L.k, scratch], chunks: 1 },
          {
            fn: 'localForward',
            args: [x, grid, wt, base ? bwt : 0, y, L.n, L.inF, L.out, L.m, L.k, rows, scratch],
            chunks: Math.ceil(L.n / rows),
          },
        ];
      },
    },
    backward: {
      // the knot tables, then per thread (assembly/bspline.ts backwardThreadBytes): f64 totals of (nb + 1) x out,
      // span counts (m + 1), a span and a sigmoid per row, n records of 4 + 2 padQ words (padQ: k+1 rounded up to 4), a zero row
      scratchBytes: ([, xs, gs, ws], { splineOrder: k }, threads) => {
        const [n, out, m] = [xs[0], ws[2], gs[1]];
        const perThread = (ws[1] + 1) * out * 8 + round16((m + 1) * 4) + 2 * round16(n * 4) + n * (4 + 2 * ((k + 4) & ~3)) * 4 + round16(out * 4);
        return wasmTableBytes(xs[1], m, k) + threads * perThread;
      },
      phases: ([dy, x, grid, wt, bwt], [dx, dwt, dbwt], scratch, [, xs, gs, ws], { splineOrder, skipInputGradient }) => {
        const L = splineLocalLayout(xs, gs, ws, splineOrder);
        return [
          { fn: 'tables', args: [grid, L.inF, L.m, L.k, scratch], chunks: 1 },
          {
            fn: 'localBackward',
            args: [
              dy,
              x,
              grid,
              wt,
              base ? bwt : 0,
              dx,
              dwt,
              base ? dbwt : 0,
              L.n,
              L.inF,
              L.out,
              L.m,
              L.k,
              SPLINE_TILE_ROWS,
              skipInputGradient ? 1 : 0,
              scratch,
            ],
            chunks: L.inF,
          },
        ];
      },
    },
  };
}

const splineSides = /* @__PURE__ */ parallelSides(false);
const kanSides = /* @__PURE__ */ parallelSides(true);

/**
 * The local spline contraction's kernels: inputs x [N, in], grid [in, M], weightT [in, G+k, out]
 * (attribute `splineOrder`); the backward gives dx and dweightT (the grid is a constant; dx is
 * skippable). The wasm SIMD module is assembly/bspline.ts.
 */
export const splineLinearLocalKernel = /* @__PURE__ */ defineFusedKernel<SplineLocalAttrs, BsplineWasm>({
  name: SPLINE_LINEAR_LOCAL_KERNEL,
  gradName: SPLINE_LINEAR_LOCAL_GRAD_KERNEL,
  inputs: ['x', 'grid', 'weightT'],
  simd: BSPLINE_WASM,
  differentiates: ['x', 'weightT'],
  notDifferentiable: { where: 'splineLinear', expected: KNOTS_NOT_DIFFERENTIABLE },
  skippable: 'x',
  forward: {
    outputShapes: ([xs, , ws]) => [[xs[0], ws[2]]],
    accumulates: [],
    compute: ([x, grid, wt], [y], [xs, gs, ws], { splineOrder }) => splineLocalForward(x, grid, wt, y, splineLocalLayout(xs, gs, ws, splineOrder)),
    parallel: /* @__PURE__ */ sideOf(splineSides, 'forward'),
  },
  backward: {
    outputShapes: ([, xs, , ws]) => [xs, ws],
    accumulates: [],
    compute: ([dy, x, grid, wt], [dx, dwt], [, xs, gs, ws], { splineOrder, skipInputGradient }) =>
      splineLocalBackward(dy, x, grid, wt, dx, dwt, splineLocalLayout(xs, gs, ws, splineOrder), null, skipInputGradient === true),
    parallel: /* @__PURE__ */ sideOf(splineSides, 'backward'),
  },
});

const kanBackward: KernelSide<SplineLocalAttrs, BsplineWasm> = {
  outputShapes: ([, xs, , ws, bs]) => [xs, ws, bs],
  accumulates: [],
  compute: ([dy, x, grid, wt, bwt], [dx, dwt, dbwt], [, xs, gs, ws], { splineOrder, skipInputGradient }) =>
    splineLocalBackward(dy, x, grid, wt, dx, dwt, splineLocalLayout(xs, gs, ws, splineOrder), { bwt, dbwt }, skipInputGradient === true),
  parallel: /* @__PURE__ */ sideOf(kanSides, 'backward'),
};

/**
 * efficient-kan's KANLinear fused (base branch and spline branch in one pass): inputs x [N, in],
 * grid [in, M], weightT [in, G+k, out], baseWeightT [in, out] (attribute `splineOrder`);
 * y = silu(x) baseWeightT + the local spline contraction. The backward gives dx, dweightT and
 * dbaseWeightT (dx skippable). The wasm SIMD module is assembly/bspline.ts.
 */
export const kanLinearLocalKernel = /* @__PURE__ */ defineFusedKernel<SplineLocalAttrs, BsplineWasm>({
  name: KAN_LINEAR_LOCAL_KERNEL,
  gradName: KAN_LINEAR_LOCAL_GRAD_KERNEL,
  inputs: ['x', 'grid', 'weightT', 'baseWeightT'],
  simd: BSPLINE_WASM,
  differentiates: ['x', 'weightT', 'baseWeightT'],
  notDifferentiable: { where: 'splineLinear', expected: KNOTS_NOT_DIFFERENTIABLE },
  skippable: 'x',
  forward: {
    outputShapes: ([xs, , ws]) => [[xs[0], ws[2]]],
    accumulates: [],
    compute: ([x, grid, wt, bwt], [y], [xs, gs, ws], { splineOrder }) => splineLocalForward(x, grid, wt, y, splineLocalLayout(xs, gs, ws, splineOrder), bwt),
    parallel: /* @__PURE__ */ sideOf(kanSides, 'forward'),
  },
  backward: kanBackward,
});
