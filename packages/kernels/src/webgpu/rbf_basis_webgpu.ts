// WGSL kernels of FastKAN's Gaussian radial basis (rbf_basis_kernel.ts has the math and the
// cpu/wasm kernels):
//
//   b_k(x) = exp(-((x - g_k)/h)^2),   dx = sum_k dy_k b_k'(x),   dgrid_k = -sum_m dy_k b_k'(x_m),
//   b_k'(x) = -2 (x - g_k)/h^2 b_k(x)
//
// x [..., in] -> [..., in, K]. One exp per value (a thread per output). dgrid in two passes
// without atomics: a thread per (chunk of elements, k), then `sumChunks`. Source: FastKAN
// (Li, 2024, ZiyaoLi/fast-kan).
import { rbfBasisKernel, type RBFAttrs } from '../rbf_basis_kernel';
import { chunking, defineWebGPUKernel, elementwiseProgram, f32, sizeOf, sumChunks } from './program';

/** The RBF basis's WGSL kernels (inputs x, grid; attribute `denominator` = h). */
export const rbfBasisWebGPU = /* @__PURE__ */ defineWebGPUKernel<RBFAttrs>({
  fused: rbfBasisKernel,
  forward: (ctx, [x, grid], { denominator }) => {
    const K = grid.shape[0];
    const program = elementwiseProgram(
      'rbf_basis',
      ['X', 'Grid'],
      sizeOf(x.shape) * K,
      `let d = (X[index / uniforms.K] - Grid[index % uniforms.K]) * uniforms.invH;
       result[index] = exp(-d * d);`,
      'K : i32, invH : f32,',
    );
    return [ctx.run(program, [x, grid], [{ i: K }, { f: 1 / denominator }])];
  },
  backward: (ctx, [dy, x, grid], { denominator }) => {
    const K = grid.shape[0];
    const n = sizeOf(x.shape);
    const invH = 1 / denominator;
    // t = dy c (x - g_k) b_k = -dy b_k'(x),  c = 2/h^2
    const term = `fn term(m : i32, k : i32) -> f32 {
        let diff = X[m] - Grid[k];
        let d = diff * uniforms.invH;
        return DY[m * uniforms.K + k] * ${f32(2)} * uniforms.invH * uniforms.invH * diff * exp(-d * d);
      }`;
    const dx = ctx.run(
      elementwiseProgram(
        'rbf_basis_dx',
        ['DY', 'X', 'Grid'],
        n,
        `var s = 0.0;
         for (var k = 0; k < uniforms.K; k++) { s -= term(index, k); }
         result[index] = s;`,
        'K : i32, invH : f32,',
        term,
      ),
      [dy, x, grid],
      [{ i: K }, { f: invH }],
    );
    const [chunks, perChunk] = chunking(n, 256);
    const partials = ctx.run(
      elementwiseProgram(
        'rbf_basis_dgrid_partial',
        ['DY', 'X', 'Grid'],
        chunks * K,
        `let k = index % uniforms.K;
         let m0 = (index / uniforms.K) * uniforms.perChunk;
         let m1 = min(uniforms.n, m0 + uniforms.perChunk);
         var s = 0.0;
         for (var m = m0; m < m1; m++) { s += term(m, k); }
         result[index] = s;`,
        'K : i32, invH : f32, n : i32, perChunk : i32,',
        term,
      ),
      [dy, x, grid],
      [{ i: K }, { f: invH }, { i: n }, { i: perChunk }],
    );
    const dgrid = sumChunks(ctx, partials, chunks, K, 0, K);
    ctx.dispose(partials);
    return [dx, dgrid];
  },
});
