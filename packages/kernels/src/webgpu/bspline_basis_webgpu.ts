// WGSL kernels of the B-spline basis (bspline_basis_kernel.ts has the math and the cpu/wasm
// kernels): de Boor's triangle on the k+1 bases nonzero at x,
//
//   span s: t_s <= x < t_{s+1} (none outside [t_0, t_{M-1}): zeros, zero derivative)
//   B_{j,p}(x) = (x - t_j)/(t_{j+p} - t_j) B_{j,p-1} + (t_{j+p+1} - x)/(t_{j+p+1} - t_{j+1}) B_{j+1,p-1}
//   B'_{j,k}(x) = k B_{j,k-1}/(t_{j+k} - t_j) - k B_{j+1,k-1}/(t_{j+k+1} - t_{j+1})
//
// x [N, in], grid [in, M], bases [N, in, M-k-1]; the knots padded with k copies of the end knots,
// reciprocals 0 where the dense recursion has no such basis or knots coincide (as knotTables),
// the span by binary search. NaN x gives NaN bases and dx. A thread per element. Source: de Boor,
// "A Practical Guide to Splines", ch. IX-X; efficient-kan's `b_splines` (interval rule).
import { bsplineBasisKernel, type BSplineAttrs } from '../bspline_basis_kernel';
import { defineWebGPUKernel, elementwiseProgram, sizeOf } from './program';

/**
 * WGSL `span(i, x)` and `deBoor(i, s, x)` (-> values in `w`, derivatives in `ders`) for order k
 * (reads input `Grid` [in, M] and `uniforms.M`).
 */
export function deBoorWGSL(k: number): string {
  return `
    const KO = ${k};
    var<private> w : array<f32, ${k + 1}>;
    var<private> ders : array<f32, ${k + 1}>;
    fn knot(i : i32, u : i32) -> f32 { return Grid[i * uniforms.M + clamp(u - KO, 0, uniforms.M - 1)]; }
    fn recip(i : i32, p : i32, u : i32) -> f32 {
      let j = u - KO;
      if (j < 0 || j > uniforms.M - 1 - p) { return 0.0; }
      let d = Grid[i * uniforms.M + j + p] - Grid[i * uniforms.M + j];
      return select(0.0, 1.0 / d, d > 0.0);
    }
    fn span(i : i32, x : f32) -> i32 {
      let off = i * uniforms.M;
      if (!(x >= Grid[off] && x < Grid[off + uniforms.M - 1])) { return -1; }
      var lo = 0;
      var hi = uniforms.M - 1;
      while (hi - lo > 1) {
        let mid = (lo + hi) / 2;
        if (x >= Grid[off + mid]) { lo = mid; } else { hi = mid; }
      }
      return lo;
    }
    fn deBoor(i : i32, s : i32, x : f32) {
      w[0] = 1.0;
      ders[0] = 0.0;
      for (var p = 1; p <= KO; p++) {
        var saved = 0.0;
        var savedD = 0.0;
        for (var q = 0; q < p; q++) {
          let u = s - p + 1 + q + KO;
          let temp = w[q] * recip(i, p, u);
          if (p == KO) { ders[q] = savedD - f32(p) * temp; savedD = f32(p) * temp; }
          w[q] = saved + (knot(i, u + p) - x) * temp;
          saved = (x - knot(i, u)) * temp;
        }
        w[p] = saved;
        if (p == KO) { ders[p] = savedD; }
      }
    }`;
}

const UNIFORMS = 'inF : i32, M : i32, nb : i32,';

/** The B-spline basis's WGSL kernels (inputs x, grid; attribute `splineOrder` = k; dx only, as the cpu/wasm kernels). */
export const bsplineBasisWebGPU = /* @__PURE__ */ defineWebGPUKernel<BSplineAttrs>({
  fused: bsplineBasisKernel,
  forward: (ctx, [x, grid], { splineOrder: k }) => {
    const n = sizeOf(x.shape);
    const M = grid.shape[1];
    const nb = M - k - 1;
    const program = elementwiseProgram(
      `bspline_basis_${k}`,
      ['X', 'Grid'],
      n * nb,
      `let i = index % uniforms.inF;
       let xv = X[index];
       let o = index * uniforms.nb;
       if (isnan(xv)) {
         for (var j = 0; j < uniforms.nb; j++) { result[o + j] = xv; }
         return;
       }
       let s = span(i, xv);
       if (s >= 0) { deBoor(i, s, xv); }
       for (var j = 0; j < uniforms.nb; j++) {
         let q = j - s + KO;
         result[o + j] = select(0.0, w[clamp(q, 0, KO)], s >= 0 && q >= 0 && q <= KO);
       }`,
      UNIFORMS,
      deBoorWGSL(k),
      n,
    );
    return [ctx.run(program, [x, grid], [{ i: x.shape[1] }, { i: M }, { i: nb }])];
  },
  backward: (ctx, [dy, x, grid], { splineOrder: k }) => {
    const M = grid.shape[1];
    const program = elementwiseProgram(
      `bspline_basis_dx_${k}`,
      ['DY', 'X', 'Grid'],
      sizeOf(x.shape),
      `let i = index % uniforms.inF;
       let xv = X[index];
       if (isnan(xv)) { result[index] = xv; return; }
       let s = span(i, xv);
       if (s < 0) { result[index] = 0.0; return; }
       deBoor(i, s, xv);
       var acc = 0.0;
       for (var q = max(0, KO - s); q <= min(KO, uniforms.nb - 1 - s + KO); q++) { acc += DY[index * uniforms.nb + s - KO + q] * ders[q]; }
       result[index] = acc;`,
      UNIFORMS,
      deBoorWGSL(k),
    );
    return [ctx.run(program, [dy, x, grid], [{ i: x.shape[1] }, { i: M }, { i: M - k - 1 }])];
  },
});
