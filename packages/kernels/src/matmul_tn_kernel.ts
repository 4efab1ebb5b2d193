// Fused kernel C = A^T B over typed arrays, for the weight gradients of 1x1 convolutions and
// linear layers (dW = dY^T X) and row sums (ones^T dY), without materialising a transpose:
//
//   C[p, q] = sum_n A[n, p] B[n, q],   A [N, P], B [N, Q]   (row-major, as they are stored)
//
// tfjs-wasm runs `matMul(transpose(dY), X)` as a Transpose kernel plus an XNNPACK GEMM that packs
// its right operand on every call; this reads both operands in place. The wasm SIMD version
// (assembly/matmul_tn.ts) walks chunks of rows (kept in cache) with 4 x 8 register tiles of C, in
// float32 like XNNPACK's GEMM; it needs Q or P to be a multiple of 4 (else A and B are swapped and
// C written transposed; neither: the JavaScript kernel, which sums in float64).
// Backward (for second derivatives): dA = B G^T, dB = A G (G = dC [P, Q]).
import { defineFusedKernel } from './fused_kernel';
import { MATMUL_TN_WASM, type MatmulTnWasm } from './generated/matmul_tn_wasm';

/** tfjs kernel names of A^T B. */
export const MATMUL_TN_KERNEL = 'BasiskitMatMulTN';
export const MATMUL_TN_GRAD_KERNEL = 'BasiskitMatMulTNGrad';

/** Rows per chunk of the SIMD kernel (both operands' chunk rows stay in L1/L2). */
export const MATMUL_TN_CHUNK_ROWS = 128;

/** C = A^T B in float64 sums. */
export function matMulTNForward(a: Float32Array, b: Float32Array, c: Float32Array, n: number, p: number, q: number): void {
  const acc = new Float64Array(p * q);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < p; i++) {
      const ai = a[r * p + i];
      if (ai === 0) continue;
      const o = i * q;
      for (let j = 0; j < q; j++) acc[o + j] += ai * b[r * q + j];
    }
  }
  c.set(acc);
}

/** dA = B G^T, dB = A G. */
export function matMulTNBackward(g: Float32Array, a: Float32Array, b: Float32Array, da: Float32Array, db: Float32Array, n: number, p: number, q: number): void {
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < q; j++) s += b[r * q + j] * g[i * q + j];
      da[r * p + i] = s;
    }
    for (let j = 0; j < q; j++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += a[r * p + i] * g[i * q + j];
      db[r * q + j] = s;
    }
  }
}

/** The kernels of A^T B: inputs a [N, P], b [N, Q]; output [P, Q]; backward gives da, db. */
export const matMulTNKernel = /* @__PURE__ */ defineFusedKernel<Record<string, never>, MatmulTnWasm>({
  name: MATMUL_TN_KERNEL,
  gradName: MATMUL_TN_GRAD_KERNEL,
  inputs: ['a', 'b'],
  simd: MATMUL_TN_WASM,
  forward: {
    outputShapes: ([as, bs]) => [[as[1], bs[1]]],
    accumulates: [0],
    compute: ([a, b], [c], [as, bs]) => matMulTNForward(a, b, c, as[0], as[1], bs[1]),
    wasm: (simd, [a, b], [c], [as, bs]) => {
      const [n, p] = as;
      const q = bs[1];
      if (q % 4 === 0) simd.matMulTN(a, b, c, n, p, q, q, 1, MATMUL_TN_CHUNK_ROWS);
      else if (p % 4 === 0) simd.matMulTN(b, a, c, n, q, p, 1, q, MATMUL_TN_CHUNK_ROWS);
      else return false;
      return true;
    },
  },
  backward: {
    outputShapes: ([, as, bs]) => [as, bs],
    accumulates: [],
    compute: ([g, a, b], [da, db], [, as, bs]) => matMulTNBackward(g, a, b, da, db, as[0], as[1], bs[1]),
  },
});
