// AssemblyScript source of the wasm SIMD kernel C = A^T B (A [N, P], B [N, Q], rows of both
// contiguous), compiled by @basiskit/wasm-build; pointers are offsets into tfjs's wasm heap.
// Same math as src/matmul_tn_kernel.ts (which documents it): for each chunk of `chunkRows` rows
// (both operands' rows stay in cache), tiles of 4 columns of A x 8 columns of B keep their 32
// sums in eight f32x4 registers over the chunk, then add them to C. C[p, q] is written at
// p * strideP + q * strideQ (so the caller can swap A and B and still get [P, Q] or its
// transpose). Needs Q % 4 == 0 (the caller checks); P is any size.

@inline function addLanes(c: usize, v: v128, strideQ: usize): void {
  store<f32>(c, load<f32>(c) + f32x4.extract_lane(v, 0));
  store<f32>(c + strideQ, load<f32>(c + strideQ) + f32x4.extract_lane(v, 1));
  store<f32>(c + 2 * strideQ, load<f32>(c + 2 * strideQ) + f32x4.extract_lane(v, 2));
  store<f32>(c + 3 * strideQ, load<f32>(c + 3 * strideQ) + f32x4.extract_lane(v, 3));
}

/** C[p, q] (at c + 4 (p strideP + q strideQ)) += sum_n A[n, p] B[n, q]; C arrives zeroed. */
export function matMulTN(a: usize, b: usize, c: usize, n: i32, p: i32, q: i32, strideP: i32, strideQ: i32, chunkRows: i32): void {
  const sp = <usize>strideP << 2;
  const sq = <usize>strideQ << 2;
  const rowA = <usize>p << 2;
  const rowB = <usize>q << 2;
  const p4 = p & ~3;
  const q8 = q & ~7;
  for (let n0 = 0; n0 < n; n0 += chunkRows) {
    const n1 = min(n, n0 + chunkRows);
    const a0 = a + <usize>n0 * rowA;
    const b0 = b + <usize>n0 * rowB;
    for (let j = 0; j < q; j += 8) {
      const two = j < q8;
      // four columns of A at a time
      for (let i = 0; i < p4; i += 4) {
        let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        let ap = a0 + (<usize>i << 2);
        let bp = b0 + (<usize>j << 2);
        for (let r = n0; r < n1; r++) {
          const b0v = v128.load(bp);
          const b1v = two ? v128.load(bp, 16) : b0v;
          const x0 = v128.load32_splat(ap), x1 = v128.load32_splat(ap, 4), x2 = v128.load32_splat(ap, 8), x3 = v128.load32_splat(ap, 12);
          c00 = f32x4.add(c00, f32x4.mul(x0, b0v)); c01 = f32x4.add(c01, f32x4.mul(x0, b1v));
          c10 = f32x4.add(c10, f32x4.mul(x1, b0v)); c11 = f32x4.add(c11, f32x4.mul(x1, b1v));
          c20 = f32x4.add(c20, f32x4.mul(x2, b0v)); c21 = f32x4.add(c21, f32x4.mul(x2, b1v));
          c30 = f32x4.add(c30, f32x4.mul(x3, b0v)); c31 = f32x4.add(c31, f32x4.mul(x3, b1v));
          ap += rowA;
          bp += rowB;
        }
        const cp = c + <usize>i * sp + <usize>j * sq;
        addLanes(cp, c00, sq); addLanes(cp + sp, c10, sq); addLanes(cp + 2 * sp, c20, sq); addLanes(cp + 3 * sp, c30, sq);
        if (two) {
          const cq = cp + 4 * sq;
          addLanes(cq, c01, sq); addLanes(cq + sp, c11, sq); addLanes(cq + 2 * sp, c21, sq); addLanes(cq + 3 * sp, c31, sq);
        }
      }
      // the remaining columns of A one at a time
      for (let i = p4; i < p; i++) {
        let c0 = f32x4.splat(0), c1 = c0;
        let ap = a0 + (<usize>i << 2);
        let bp = b0 + (<usize>j << 2);
        for (let r = n0; r < n1; r++) {
          const x0 = v128.load32_splat(ap);
          c0 = f32x4.add(c0, f32x4.mul(x0, v128.load(bp)));
          if (two) c1 = f32x4.add(c1, f32x4.mul(x0, v128.load(bp, 16)));
          ap += rowA;
          bp += rowB;
        }
        const cp = c + <usize>i * sp + <usize>j * sq;
        addLanes(cp, c0, sq);
        if (two) addLanes(cp + 4 * sq, c1, sq);
      }
    }
  }
}
