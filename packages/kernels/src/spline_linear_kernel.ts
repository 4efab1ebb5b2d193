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
import { deBoor, findSpan, knotTables, KNOTS_NOT_DIFFERENTIABLE, wasmTableBytes } from './bspline_basis_kernel';
import { defineFusedKernel } from './fused_kernel';
import { BSPLINE_WASM, type BsplineWasm } from './generated/bspline_wasm';

/** tfjs kernel name of the fused local spline contraction (inputs x, grid, weightT [in, G+k, out]). */
export const SPLINE_LINEAR_LOCAL_KERNEL = 'BasiskitSplineLinearLocal';
/** tfjs kernel name of its backward (dx, dweightT). */
export const SPLINE_LINEAR_LOCAL_GRAD_KERNEL = 'BasiskitSplineLinearLocalGrad';

/** Rows per tile of the SIMD backward's float32 partial sums of dW (then added in float64). */
export const SPLINE_TILE_ROWS = 128;

/** Attributes of the local spline kernels. */
export interface SplineLocalAttrs {
  splineOrder: number;
}

/** Sizes from x [N, in], grid [in, M], Wt [in, nb, out]. */
export function splineLocalLayout(xShape: number[], gridShape: number[], wtShape: number[], k: number) {
  return { n: xShape[0], inF: xShape[1], m: gridShape[1], k, nb: wtShape[1], out: wtShape[2] };
}

type Layout = ReturnType<typeof splineLocalLayout>;

/** Forward: y [N, out] from x, grid and Wt [in, nb, out]. */
export function splineLocalForward(x: Float32Array, t: Float32Array, wt: Float32Array, y: Float32Array, L: Layout): void {
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

/**
 * Backward: dx [N, in] and dWt [in, nb, out] from dy [N, out]; both are overwritten. Feature by
 * feature: dWt[i] (nb x out) accumulates over the batch in a float64 slab, rounded once.
 */
export function splineLocalBackward(
  dy: Float32Array,
  x: Float32Array,
  t: Float32Array,
  wt: Float32Array,
  dx: Float32Array,
  dwt: Float32Array,
  L: Layout,
): void {
  const { n, inF, m, k, nb, out } = L;
  const T = knotTables(t, inF, m, k);
  const vals = new Float64Array(k + 1);
  const ders = new Float64Array(k + 1);
  const slab = new Float64Array(nb * out);
  for (let i = 0; i < inF; i++) {
    slab.fill(0);
    const off = i * m;
    const wi = i * nb * out;
    let nan = false;
    for (let b = 0; b < n; b++) {
      const e = b * inF + i;
      const xi = x[e];
      if (xi !== xi) {
        // the dense recursion makes every basis of this feature NaN: so do dx and dW[:, i, :]
        dx[e] = NaN;
        nan = true;
        continue;
      }
      const s = findSpan(t, off, m, xi, T.hinv[i]);
      if (s < 0) {
        dx[e] = 0;
        continue;
      }
      deBoor(T, i, s, xi, k, vals, ders);
      const q0 = Math.max(0, k - s);
      const q1 = Math.min(k, nb - 1 - s + k);
      const gy = b * out;
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
        dx[e] = ders[q0] * d0 + ders[q0 + 1] * d1 + ders[q0 + 2] * d2 + ders[q0 + 3] * d3;
        continue;
      }
      let acc = 0;
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
  }
}

/**
 * The local spline contraction's kernels: inputs x [N, in], grid [in, M], weightT [in, G+k, out]
 * (attribute `splineOrder`); the backward gives dx and dweightT (the grid is a constant). The
 * wasm SIMD module is assembly/bspline.ts.
 */
export const splineLinearLocalKernel = /* @__PURE__ */ defineFusedKernel<SplineLocalAttrs, BsplineWasm>({
  name: SPLINE_LINEAR_LOCAL_KERNEL,
  gradName: SPLINE_LINEAR_LOCAL_GRAD_KERNEL,
  inputs: ['x', 'grid', 'weightT'],
  simd: BSPLINE_WASM,
  differentiates: ['x', 'weightT'],
  notDifferentiable: { where: 'splineLinear', expected: KNOTS_NOT_DIFFERENTIABLE },
  forward: {
    outputShapes: ([xs, , ws]) => [[xs[0], ws[2]]],
    accumulates: [],
    compute: ([x, grid, wt], [y], [xs, gs, ws], { splineOrder }) => splineLocalForward(x, grid, wt, y, splineLocalLayout(xs, gs, ws, splineOrder)),
    // knot tables, then per feature of the current row: its span and k+1 bases
    wasmScratchBytes: ([xs, gs], { splineOrder }) => wasmTableBytes(xs[1], gs[1], splineOrder) + xs[1] * (splineOrder + 2) * 4,
    wasm: (simd, [x, grid, wt], [y], [xs, gs, ws], { splineOrder }, scratch) => {
      const L = splineLocalLayout(xs, gs, ws, splineOrder);
      simd.localForward(x, grid, wt, y, L.n, L.inF, L.out, L.m, L.k, scratch);
      return true;
    },
  },
  backward: {
    outputShapes: ([, xs, , ws]) => [xs, ws],
    accumulates: [],
    compute: ([dy, x, grid, wt], [dx, dwt], [, xs, gs, ws], { splineOrder }) =>
      splineLocalBackward(dy, x, grid, wt, dx, dwt, splineLocalLayout(xs, gs, ws, splineOrder)),
    // knot tables, one feature's dW tile slab (f32, 16-byte rounded) and total slab (f64), a 2(k+1) window
    wasmScratchBytes: ([, xs, gs, ws], { splineOrder }) =>
      wasmTableBytes(xs[1], gs[1], splineOrder) + Math.ceil((ws[1] * ws[2] * 4) / 16) * 16 + ws[1] * ws[2] * 8 + 8 * (splineOrder + 1),
    wasm: (simd, [dy, x, grid, wt], [dx, dwt], [, xs, gs, ws], { splineOrder }, scratch) => {
      const L = splineLocalLayout(xs, gs, ws, splineOrder);
      simd.localBackward(dy, x, grid, wt, dx, dwt, L.n, L.inF, L.out, L.m, L.k, SPLINE_TILE_ROWS, scratch);
      return true;
    },
  },
});
