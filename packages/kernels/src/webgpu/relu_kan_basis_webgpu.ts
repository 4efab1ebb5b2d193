// WGSL kernels of ReLU-KAN's basis (relu_kan_basis_kernel.ts has the math and the cpu/wasm
// kernels):
//
//   R_j(x) = [ReLU(e_j - x) ReLU(x - s_j) r]^2,  a = ReLU(x - s_j), b = ReLU(e_j - x), p = a b r
//   dx = sum_j dy_j 2 p r (b - a),  ds_j = -sum dy_j 2 p r b,  de_j = sum dy_j 2 p r a
//
// x [..., in] -> [..., in, nb]; s, e per feature [in, nb] or shared [1, nb]. ds and de in two
// passes without atomics: a thread per (chunk, column) of [ds | de] sums the rows of its chunk,
// then `sumChunks` (once per output). Source: ReLU-KAN (Qiu et al., 2024, quiqi/relu_kan).
import { reluKanBasisKernel, type ReLUKANAttrs } from '../relu_kan_basis_kernel';
import { chunking, defineWebGPUKernel, elementwiseProgram, sizeOf, sumChunks } from './program';

// q = 2 p r dy = 2 a b r^2 dy for element m, basis j (phase index `base + j`)
const TERM = `fn ab(m : i32, j : i32) -> vec3<f32> {
    let base = select(0, (m % uniforms.features) * uniforms.nb, uniforms.perFeature != 0);
    let xv = X[m];
    let a = max(xv - Low[base + j], 0.0);
    let b = max(High[base + j] - xv, 0.0);
    return vec3<f32>(a, b, 2.0 * a * b * uniforms.r * uniforms.r * DY[m * uniforms.nb + j]);
  }`;
const UNIFORMS = 'features : i32, nb : i32, perFeature : i32, r : f32,';

/** The ReLU-KAN basis's WGSL kernels (inputs x, phaseLow, phaseHeight; attribute `r`). */
export const reluKanBasisWebGPU = /* @__PURE__ */ defineWebGPUKernel<ReLUKANAttrs>({
  fused: reluKanBasisKernel,
  forward: (ctx, [x, low, high], { r }) => {
    const features = x.shape[x.shape.length - 1];
    const nb = low.shape[1];
    const program = elementwiseProgram(
      'relu_kan_basis',
      ['X', 'Low', 'High'],
      sizeOf(x.shape) * nb,
      `let m = index / uniforms.nb;
       let j = index % uniforms.nb;
       let base = select(0, (m % uniforms.features) * uniforms.nb, uniforms.perFeature != 0);
       let xv = X[m];
       let p = max(xv - Low[base + j], 0.0) * max(High[base + j] - xv, 0.0) * uniforms.r;
       result[index] = p * p;`,
      UNIFORMS,
    );
    return [ctx.run(program, [x, low, high], [{ i: features }, { i: nb }, { i: low.shape[0] !== 1 ? 1 : 0 }, { f: r }])];
  },
  backward: (ctx, [dy, x, low, high], { r }) => {
    const features = x.shape[x.shape.length - 1];
    const nb = low.shape[1];
    const n = sizeOf(x.shape);
    const perFeature = low.shape[0] !== 1;
    const values = [{ i: features }, { i: nb }, { i: perFeature ? 1 : 0 }, { f: r }];
    const inputs = [dy, x, low, high];
    const names = ['DY', 'X', 'Low', 'High'];
    const dx = ctx.run(
      elementwiseProgram(
        'relu_kan_basis_dx',
        names,
        n,
        `var s = 0.0;
         for (var j = 0; j < uniforms.nb; j++) { let t = ab(index, j); s += t.z * (t.y - t.x); }
         result[index] = s;`,
        UNIFORMS,
        TERM,
      ),
      inputs,
      values,
    );
    // columns: [ds | de], L = low.length each; column col (feature i, basis j) sums elements
    // m = row * features + i (per feature) or every element (shared)
    const L = sizeOf(low.shape);
    const items = perFeature ? (features === 0 ? 0 : n / features) : n;
    const [chunks, perChunk] = chunking(items, 256);
    const partials = ctx.run(
      elementwiseProgram(
        'relu_kan_basis_dphase_partial',
        names,
        chunks * 2 * L,
        `let col = index % (2 * uniforms.L);
         let high = col >= uniforms.L;
         let c = col % uniforms.L;
         let j = c % uniforms.nb;
         let i = c / uniforms.nb;
         let t0 = (index / (2 * uniforms.L)) * uniforms.perChunk;
         let t1 = min(uniforms.items, t0 + uniforms.perChunk);
         var s = 0.0;
         for (var t = t0; t < t1; t++) {
           let m = select(t, t * uniforms.features + i, uniforms.perFeature != 0);
           let v = ab(m, j);
           s += select(-v.z * v.y, v.z * v.x, high);
         }
         result[index] = s;`,
        `${UNIFORMS} L : i32, items : i32, perChunk : i32,`,
        TERM,
      ),
      inputs,
      [...values, { i: L }, { i: items }, { i: perChunk }],
    );
    const dlow = sumChunks(ctx, partials, chunks, 2 * L, 0, L);
    const dhigh = sumChunks(ctx, partials, chunks, 2 * L, L, L);
    ctx.dispose(partials);
    return [dx, dlow, dhigh];
  },
});
