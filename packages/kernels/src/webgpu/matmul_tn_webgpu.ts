// WGSL kernels of C = A^T B (matmul_tn_kernel.ts has the cpu/wasm kernels):
//
//   C[p, q] = sum_n A[n, p] B[n, q],   A [N, P], B [N, Q]   (both read in place, row-major)
//   backward (second derivatives): dA = B G^T, dB = A G   (G = dC [P, Q])
//
// Forward: a workgroup per (16 x 16 tile of C, chunk of rows); blocks of 32 rows of A's and B's
// tile columns go through workgroup memory and each thread sums a 2 x 2 block of C. Long
// reductions (large N, few tiles) split the rows into chunks whose partial tiles a second pass
// adds in chunk order (no atomics). Backward: a thread per element of dA and dB.
import { matMulTNKernel } from '../matmul_tn_kernel';
import { defineWebGPUKernel, elementwiseProgram, sumChunks, workgroupProgram, WORKGROUP } from './program';

const TILE = 16;
const ROWS = 32;
/** Chunks of rows are at least this long. */
const MIN_CHUNK_ROWS = 256;
/** Enough workgroups to fill a GPU (more chunks are not made beyond this). */
const TARGET_WORKGROUPS = 256;
/** At most this many floats of partial tiles. */
const MAX_PARTIAL_FLOATS = 2 ** 22;

/** [chunks, rows per chunk] for C [P, Q] over N rows. */
export function matMulTNChunks(n: number, p: number, q: number): [number, number] {
  const tiles = Math.ceil(p / TILE) * Math.ceil(q / TILE);
  const wanted = Math.max(
    1,
    Math.min(Math.ceil(n / MIN_CHUNK_ROWS), Math.ceil(TARGET_WORKGROUPS / Math.max(1, tiles)), Math.floor(MAX_PARTIAL_FLOATS / Math.max(1, p * q))),
  );
  const rows = Math.max(ROWS, Math.ceil(Math.ceil(n / wanted) / ROWS) * ROWS);
  return [Math.max(1, Math.ceil(n / rows)), rows];
}

/** The WGSL kernels of A^T B (inputs a, b; backward da, db). */
export const matMulTNWebGPU = /* @__PURE__ */ defineWebGPUKernel<Record<string, never>>({
  fused: matMulTNKernel,
  forward: (ctx, [a, b]) => {
    const [n, p] = a.shape;
    const q = b.shape[1];
    const [chunks, chunkRows] = matMulTNChunks(n, p, q);
    const tilesQ = Math.ceil(q / TILE);
    const tiles = Math.ceil(p / TILE) * tilesQ;
    const wgs = tiles * chunks;
    const partials = ctx.run(
      workgroupProgram(
        'matmul_tn',
        ['A', 'B'],
        chunks * p * q,
        Math.max(1, wgs),
        `let tile = wg % uniforms.tiles;
         let c = wg / uniforms.tiles;
         let p0 = (tile / uniforms.tilesQ) * TILE;
         let q0 = (tile % uniforms.tilesQ) * TILE;
         let r0 = c * uniforms.chunkRows;
         let pr = 2 * (lid / 8);
         let qc = 2 * (lid % 8);
         var c00 = 0.0;
         var c01 = 0.0;
         var c10 = 0.0;
         var c11 = 0.0;
         for (var t = 0; t < uniforms.chunkRows; t += ROWS) {
           for (var e = lid; e < ROWS * TILE; e += WG) {
             let rr = e / TILE;
             let cc = e % TILE;
             let r = r0 + t + rr;
             let inRows = wg < uniforms.wgs && t + rr < uniforms.chunkRows && r < uniforms.n;
             var av = 0.0;
             var bv = 0.0;
             if (inRows && p0 + cc < uniforms.P) { av = A[r * uniforms.P + p0 + cc]; }
             if (inRows && q0 + cc < uniforms.Q) { bv = B[r * uniforms.Q + q0 + cc]; }
             shA[e] = av;
             shB[e] = bv;
           }
           workgroupBarrier();
           for (var rr = 0; rr < ROWS; rr++) {
             let a0 = shA[rr * TILE + pr];
             let a1 = shA[rr * TILE + pr + 1];
             let b0 = shB[rr * TILE + qc];
             let b1 = shB[rr * TILE + qc + 1];
             c00 += a0 * b0;
             c01 += a0 * b1;
             c10 += a1 * b0;
             c11 += a1 * b1;
           }
           workgroupBarrier();
         }
         if (wg < uniforms.wgs) {
           let base = c * uniforms.P * uniforms.Q;
           let p = p0 + pr;
           let q = q0 + qc;
           if (p < uniforms.P && q < uniforms.Q) { result[base + p * uniforms.Q + q] = c00; }
           if (p < uniforms.P && q + 1 < uniforms.Q) { result[base + p * uniforms.Q + q + 1] = c01; }
           if (p + 1 < uniforms.P && q < uniforms.Q) { result[base + (p + 1) * uniforms.Q + q] = c10; }
           if (p + 1 < uniforms.P && q + 1 < uniforms.Q) { result[base + (p + 1) * uniforms.Q + q + 1] = c11; }
         }`,
        'n : i32, P : i32, Q : i32, tiles : i32, tilesQ : i32, chunkRows : i32, wgs : i32,',
        `const WG = ${WORKGROUP};
         const TILE = ${TILE};
         const ROWS = ${ROWS};
         var<workgroup> shA : array<f32, ${ROWS * TILE}>;
         var<workgroup> shB : array<f32, ${ROWS * TILE}>;`,
      ),
      [a, b],
      [{ i: n }, { i: p }, { i: q }, { i: tiles }, { i: tilesQ }, { i: chunkRows }, { i: wgs }],
    );
    if (chunks === 1) return [partials];
    const c = sumChunks(ctx, partials, chunks, p * q, 0, p * q);
    ctx.dispose(partials);
    return [c];
  },
  backward: (ctx, [g, a, b]) => {
    const [n, p] = a.shape;
    const q = b.shape[1];
    const uniforms = 'P : i32, Q : i32,';
    const values = [{ i: p }, { i: q }];
    // dA[r, i] = sum_j B[r, j] G[i, j]
    const da = ctx.run(
      elementwiseProgram(
        'matmul_tn_da',
        ['G', 'B'],
        n * p,
        `let r = index / uniforms.P;
         let i = index % uniforms.P;
         var s = 0.0;
         for (var j = 0; j < uniforms.Q; j++) { s += B[r * uniforms.Q + j] * G[i * uniforms.Q + j]; }
         result[index] = s;`,
        uniforms,
      ),
      [g, b],
      values,
    );
    // dB[r, j] = sum_i A[r, i] G[i, j]
    const db = ctx.run(
      elementwiseProgram(
        'matmul_tn_db',
        ['G', 'A'],
        n * q,
        `let r = index / uniforms.Q;
         let j = index % uniforms.Q;
         var s = 0.0;
         for (var i = 0; i < uniforms.P; i++) { s += A[r * uniforms.P + i] * G[i * uniforms.Q + j]; }
         result[index] = s;`,
        uniforms,
      ),
      [g, a],
      values,
    );
    return [da, db];
  },
});
