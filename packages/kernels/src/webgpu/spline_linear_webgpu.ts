// WGSL kernels of the local spline contraction (efficient-kan KANLinear's spline branch, and with
// the base branch the whole KANLinear; spline_linear_kernel.ts has the math and the cpu/wasm
// kernels):
//
//   y[b, o]      = sum_i [ silu(x[b,i]) BWt[i, o] + sum_q v[b,i,q] Wt[i, s-k+q, o] ],  v = the k+1 bases nonzero at x[b,i]
//   dx[b, i]     = silu'(x[b,i]) (dy[b,:] . BWt[i,:]) + sum_q B'_{s-k+q}(x[b,i]) (dy[b,:] . Wt[i, s-k+q, :])
//   dWt[i, j, o] = sum_b B_j(x[b,i]) dy[b,o],   dBWt[i, o] = sum_b silu(x[b,i]) dy[b,o]
//
// x [N, in], grid [in, M], Wt [in, G+k, out], BWt [in, out] (the base branch, kanLinearLocalKernel).
// Forward: one pass forms the k+1 de Boor bases of every x[b, i] into compact records
// [N, in, 2k+5] (O(N in (k+1)), never [N, in, G+k]), then a thread per y[b, o] contracts them with
// its output's weights (reads of Wt coalesced over o; measured 1.6x faster on SwiftShader than
// staging the bases in workgroup memory behind barriers). dx: a thread per (b, i). dW: a workgroup per (chunk of
// rows, feature i, tile of 64 outputs) forms 64 rows' bases at once in workgroup memory and each
// thread sums its output's column over the chunk in registers (array<f32, G+k>); the chunks'
// partial sums [chunks, in (G+k) out (+ in out)] are added in chunk order by a second pass (no
// atomics). NaN rules as the cpu kernel: a NaN x[b, i] makes y[b, :], dx[b, i], dWt[i] and
// dBWt[i] NaN; x outside the extended grid has zero bases (only the base branch). With the
// backward attribute `skipInputGradient` dx is left zero. Source: de Boor, "A Practical Guide to
// Splines", ch. IX-X; efficient-kan (Blealtan), KANLinear.
import { kanLinearLocalKernel, splineLinearLocalKernel, type SplineLocalAttrs } from '../spline_linear_kernel';
import { deBoorWGSL } from './bspline_basis_webgpu';
import { defineWebGPUKernel, elementwiseProgram, sumChunks, workgroupProgram, WORKGROUP, type WGSLContext, type WGSLSide } from './program';
import type { tf } from '@basiskit/tensor';

/** At most this many floats of dW partial sums (the chunk count is capped by it). */
const MAX_PARTIAL_FLOATS = 2 ** 22;
/** Rows summed per workgroup of the dW pass (about; a multiple of WORKGROUP). */
const DW_CHUNK_ROWS = 256;

const layout = (x: tf.TensorInfo, grid: tf.TensorInfo, wt: tf.TensorInfo) => {
  const [n, inF] = x.shape;
  const [, nb, out] = wt.shape;
  return { n, inF, m: grid.shape[1], nb, out, oTiles: Math.ceil(out / WORKGROUP) };
};
type Layout = ReturnType<typeof layout>;

/** Workgroup memory of 64 features' (or rows') bases: span (-1 out of grid, -2 none, -3 NaN), values, silu(x) (x itself where NaN). */
const sharedBases = (k: number) => `
  const WG = ${WORKGROUP};
  var<workgroup> shS : array<i32, ${WORKGROUP}>;
  var<workgroup> shV : array<f32, ${WORKGROUP * (k + 1)}>;
  var<workgroup> shB : array<f32, ${WORKGROUP}>;
  // forms the bases of x[e] (feature i) into slot lid
  fn stage(lid : i32, e : i32, i : i32, valid : bool) {
    var s = -2;
    if (valid) {
      let xv = X[e];
      if (isnan(xv)) {
        s = -3;
        shB[lid] = xv;
      } else {
        shB[lid] = xv / (1.0 + exp(-xv));
        s = span(i, xv);
        if (s >= 0) {
          deBoor(i, s, xv);
          for (var q = 0; q <= KO; q++) { shV[lid * (KO + 1) + q] = w[q]; }
        }
      }
    }
    shS[lid] = s;
  }`;

const UNIFORMS = 'inF : i32, M : i32, nb : i32, outF : i32, oTiles : i32, rows : i32, wgs : i32,';
const uniformValues = (L: Layout, wgs: number) => [{ i: L.inF }, { i: L.m }, { i: L.nb }, { i: L.out }, { i: L.oTiles }, { i: L.n }, { i: wgs }];

/** Floats per record of {@link baseRecords}: span, silu, silu', k+1 bases, k+1 derivatives. */
const recordSize = (k: number) => 2 * k + 5;

/**
 * Records [N, in, 2k+5] of the de Boor bases of every x[b, i] (a thread per element): the span s
 * as a float (-1 outside the grid, -3 for NaN), silu(x) (x itself where NaN), silu'(x), then the
 * k+1 values B_{s-k+q}(x) and their derivatives. O(N in (k+1)) floats, read by the contraction
 * passes (no workgroup barriers: all threads of a workgroup read the same records, from cache).
 */
function baseRecords(ctx: WGSLContext, x: tf.TensorInfo, grid: tf.TensorInfo, L: Layout, k: number): tf.TensorInfo {
  const R = recordSize(k);
  const program = elementwiseProgram(
    `spline_local_records_${k}`,
    ['X', 'Grid'],
    L.n * L.inF * R,
    `let i = index % uniforms.inF;
     let xv = X[index];
     let o = index * ${R};
     if (isnan(xv)) {
       result[o] = -3.0;
       result[o + 1] = xv;
       return;
     }
     let sig = 1.0 / (1.0 + exp(-xv));
     result[o + 1] = xv * sig;
     result[o + 2] = sig * (1.0 + xv * (1.0 - sig));
     let s = span(i, xv);
     result[o] = f32(s);
     if (s >= 0) {
       deBoor(i, s, xv);
       for (var q = 0; q <= KO; q++) {
         result[o + 3 + q] = w[q];
         result[o + 4 + KO + q] = ders[q];
       }
     }`,
    'inF : i32, M : i32,',
    deBoorWGSL(k),
    L.n * L.inF,
  );
  return ctx.run(program, [x, grid], [{ i: L.inF }, { i: L.m }]);
}

function forward(base: boolean): WGSLSide<SplineLocalAttrs> {
  return (ctx, inputs, { splineOrder: k }) => {
    const [x, grid, wt, bwt] = inputs;
    const L = layout(x, grid, wt);
    const records = baseRecords(ctx, x, grid, L, k);
    const R = recordSize(k);
    // a thread per y[b, o]
    const program = elementwiseProgram(
      `spline_local_${base}_${k}`,
      base ? ['Rec', 'WT', 'BWT'] : ['Rec', 'WT'],
      L.n * L.out,
      `let b = index / uniforms.outF;
       let o = index % uniforms.outF;
       var acc = 0.0;
       for (var i = 0; i < uniforms.inF; i++) {
         let r = (b * uniforms.inF + i) * ${R};
         let s = i32(Rec[r]);
         if (s == -3) { acc += Rec[r + 1]; continue; }
         ${base ? 'acc += Rec[r + 1] * BWT[i * uniforms.outF + o];' : ''}
         if (s >= 0) {
           let wr = (i * uniforms.nb + s - KO) * uniforms.outF + o;
           for (var q = max(0, KO - s); q <= min(KO, uniforms.nb - 1 - s + KO); q++) { acc += Rec[r + 3 + q] * WT[wr + q * uniforms.outF]; }
         }
       }
       result[index] = acc;`,
      'inF : i32, nb : i32, outF : i32,',
      `const KO = ${k};`,
    );
    const y = ctx.run(program, base ? [records, wt, bwt] : [records, wt], [{ i: L.inF }, { i: L.nb }, { i: L.out }]);
    ctx.dispose(records);
    return [y];
  };
}

/** dx [N, in] (a thread per element), or zeros with `skip`. */
function inputGradient(ctx: WGSLContext, inputs: tf.TensorInfo[], L: Layout, k: number, base: boolean, skip: boolean): tf.TensorInfo {
  const size = L.n * L.inF;
  if (skip) return ctx.run(elementwiseProgram('spline_local_zeros', [], size, 'result[index] = 0.0;'), []);
  const program = elementwiseProgram(
    `spline_local_dx_${base}_${k}`,
    base ? ['DY', 'X', 'Grid', 'WT', 'BWT'] : ['DY', 'X', 'Grid', 'WT'],
    size,
    `let b = index / uniforms.inF;
     let i = index % uniforms.inF;
     let xv = X[index];
     if (isnan(xv)) { result[index] = xv; return; }
     let gy = b * uniforms.outF;
     var acc = 0.0;
     ${
       base
         ? `let sig = 1.0 / (1.0 + exp(-xv));
            var dot = 0.0;
            for (var o = 0; o < uniforms.outF; o++) { dot += DY[gy + o] * BWT[i * uniforms.outF + o]; }
            acc = sig * (1.0 + xv * (1.0 - sig)) * dot;`
         : ''
     }
     let s = span(i, xv);
     if (s >= 0) {
       deBoor(i, s, xv);
       for (var q = max(0, KO - s); q <= min(KO, uniforms.nb - 1 - s + KO); q++) {
         let d = ders[q];
         if (d != 0.0) {
           let r = (i * uniforms.nb + s - KO + q) * uniforms.outF;
           var dot = 0.0;
           for (var o = 0; o < uniforms.outF; o++) { dot += DY[gy + o] * WT[r + o]; }
           acc += d * dot;
         }
       }
     }
     result[index] = acc;`,
    'inF : i32, M : i32, nb : i32, outF : i32,',
    deBoorWGSL(k),
  );
  return ctx.run(program, inputs, [{ i: L.inF }, { i: L.m }, { i: L.nb }, { i: L.out }]);
}

/** [chunks, rows per chunk] of the dW pass: chunks of ~DW_CHUNK_ROWS rows, at most MAX_PARTIAL_FLOATS partial sums. */
export function splineWeightChunks(n: number, width: number): [number, number] {
  const cap = Math.max(1, Math.floor(MAX_PARTIAL_FLOATS / Math.max(1, width)));
  const wanted = Math.max(1, Math.min(cap, Math.ceil(n / DW_CHUNK_ROWS)));
  const rows = Math.max(WORKGROUP, Math.ceil(Math.ceil(n / wanted) / WORKGROUP) * WORKGROUP);
  return [Math.max(1, Math.ceil(n / rows)), rows];
}

/** dWt (and dBWt): partial sums per chunk of rows, then added in chunk order. */
function weightGradients(ctx: WGSLContext, inputs: tf.TensorInfo[], L: Layout, k: number, base: boolean): tf.TensorInfo[] {
  const spline = L.inF * L.nb * L.out;
  const width = spline + (base ? L.inF * L.out : 0);
  const [chunks, chunkRows] = splineWeightChunks(L.n, width);
  const wgs = chunks * L.inF * L.oTiles;
  const partials = ctx.run(
    workgroupProgram(
      `spline_local_dw_${base}_${k}_${L.nb}`,
      ['DY', 'X', 'Grid'],
      chunks * width,
      Math.max(1, wgs),
      `let o = (wg % uniforms.oTiles) * WG + lid;
       let i = (wg / uniforms.oTiles) % uniforms.inF;
       let r0 = (wg / uniforms.oTiles / uniforms.inF) * uniforms.chunkRows;
       let live = wg < uniforms.wgs && o < uniforms.outF;
       var acc : array<f32, NB>;
       for (var j = 0; j < NB; j++) { acc[j] = 0.0; }
       var accB = 0.0;
       var nanv = 0.0;
       var nan = false;
       for (var t = 0; t < uniforms.chunkRows; t += WG) {
         let b = r0 + t + lid;
         stage(lid, b * uniforms.inF + i, i, wg < uniforms.wgs && t + lid < uniforms.chunkRows && b < uniforms.rows);
         workgroupBarrier();
         if (live) {
           let cnt = min(min(WG, uniforms.chunkRows - t), uniforms.rows - r0 - t);
           for (var l = 0; l < cnt; l++) {
             let s = shS[l];
             if (s == -3) { nan = true; nanv = shB[l]; continue; }
             let g = DY[(r0 + t + l) * uniforms.outF + o];
             accB += shB[l] * g;
             if (s >= 0) {
               for (var q = max(0, KO - s); q <= min(KO, NB - 1 - s + KO); q++) { acc[s - KO + q] += shV[l * (KO + 1) + q] * g; }
             }
           }
         }
         workgroupBarrier();
       }
       if (live) {
         let p = (wg / uniforms.oTiles / uniforms.inF) * uniforms.width;
         for (var j = 0; j < NB; j++) { result[p + (i * NB + j) * uniforms.outF + o] = select(acc[j], nanv, nan); }
         ${base ? 'result[p + uniforms.spline + i * uniforms.outF + o] = select(accB, nanv, nan);' : ''}
       }`,
      `${UNIFORMS} chunkRows : i32, width : i32, spline : i32,`,
      `${deBoorWGSL(k)}
       ${sharedBases(k)}
       const NB = ${L.nb};`,
    ),
    inputs.slice(0, 3),
    [...uniformValues(L, wgs), { i: chunkRows }, { i: width }, { i: spline }],
  );
  if (chunks === 1 && !base) return [partials];
  const dwt = sumChunks(ctx, partials, chunks, width, 0, spline);
  const out = base ? [dwt, sumChunks(ctx, partials, chunks, width, spline, L.inF * L.out)] : [dwt];
  ctx.dispose(partials);
  return out;
}

function backward(base: boolean): WGSLSide<SplineLocalAttrs> {
  return (ctx, inputs, { splineOrder: k, skipInputGradient }) => {
    const [, x, grid, wt] = inputs;
    const L = layout(x, grid, wt);
    const dx = inputGradient(ctx, inputs, L, k, base, skipInputGradient === true);
    return [dx, ...weightGradients(ctx, inputs, L, k, base)];
  };
}

/** The local spline contraction's WGSL kernels (inputs x, grid, weightT; attribute `splineOrder`; backward dx, dweightT, `skipInputGradient`). */
export const splineLinearLocalWebGPU = /* @__PURE__ */ defineWebGPUKernel<SplineLocalAttrs>({
  fused: splineLinearLocalKernel,
  forward: forward(false),
  backward: backward(false),
});

/** The fused KANLinear's WGSL kernels (inputs x, grid, weightT, baseWeightT; backward dx, dweightT, dbaseWeightT). */
export const kanLinearLocalWebGPU = /* @__PURE__ */ defineWebGPUKernel<SplineLocalAttrs>({
  fused: kanLinearLocalKernel,
  forward: forward(true),
  backward: backward(true),
});
