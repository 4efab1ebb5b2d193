// WGSL kernels of FourierKAN's basis (fourier_basis_kernel.ts has the math and the cpu/wasm
// kernels): the first G harmonics, cos block first, then sin block,
//
//   out[..., i, k-1] = cos(k x_i),  out[..., i, G+k-1] = sin(k x_i),  k = 1..G
//   dx = sum_k k (-dy_cos[k] sin(k x) + dy_sin[k] cos(k x))
//
// A thread per output value (forward) or element (backward), each harmonic by its own cos/sin.
// Source: FourierKAN (GistNoesis/FourierKAN).
import { fourierBasisKernel, type FourierAttrs } from '../fourier_basis_kernel';
import { defineWebGPUKernel, elementwiseProgram, sizeOf } from './program';

/** The Fourier basis's WGSL kernels (input x; attribute `gridSize` = G). */
export const fourierBasisWebGPU = /* @__PURE__ */ defineWebGPUKernel<FourierAttrs>({
  fused: fourierBasisKernel,
  forward: (ctx, [x], { gridSize }) => {
    const program = elementwiseProgram(
      'fourier_basis',
      ['X'],
      sizeOf(x.shape) * 2 * gridSize,
      `let m = index / (2 * uniforms.G);
       let c = index % (2 * uniforms.G);
       let k = c % uniforms.G;
       let a = f32(k + 1) * X[m];
       result[index] = select(sin(a), cos(a), c < uniforms.G);`,
      'G : i32,',
    );
    return [ctx.run(program, [x], [{ i: gridSize }])];
  },
  backward: (ctx, [dy, x], { gridSize }) => {
    const program = elementwiseProgram(
      'fourier_basis_dx',
      ['DY', 'X'],
      sizeOf(x.shape),
      `let o = index * 2 * uniforms.G;
       var s = 0.0;
       for (var k = 0; k < uniforms.G; k++) {
         let a = f32(k + 1) * X[index];
         s += f32(k + 1) * (DY[o + uniforms.G + k] * cos(a) - DY[o + k] * sin(a));
       }
       result[index] = s;`,
      'G : i32,',
    );
    return [ctx.run(program, [dy, x], [{ i: gridSize }])];
  },
});
