// WGSL kernels of ChebyKAN's basis (chebyshev_basis_kernel.ts has the math and the cpu/wasm
// kernels): Chebyshev polynomials of the first kind of tanh(x),
//
//   t = tanh(x),  T_0 = 1,  T_1 = t,  T_{d+1} = 2 t T_d - T_{d-1}
//   dx = (1 - t^2) sum_d dy_d T'_d(t),   T'_0 = 0,  T'_1 = 1,  T'_{d+1} = 2 T_d + 2 t T'_d - T'_{d-1}
//
// x [..., in] -> [..., in, degree+1]; a thread per element runs the recurrence. Source: ChebyKAN
// (SynodicMonth/ChebyKAN).
import { chebyshevBasisKernel, type ChebyshevAttrs } from '../chebyshev_basis_kernel';
import { defineWebGPUKernel, elementwiseProgram, sizeOf, TANH_WGSL } from './program';

/** The Chebyshev basis's WGSL kernels (input x; attribute `degree`). */
export const chebyshevBasisWebGPU = /* @__PURE__ */ defineWebGPUKernel<ChebyshevAttrs>({
  fused: chebyshevBasisKernel,
  forward: (ctx, [x], { degree }) => {
    const n = sizeOf(x.shape);
    const program = elementwiseProgram(
      'chebyshev_basis',
      ['X'],
      n * (degree + 1),
      `let t = tanhSafe(X[index]);
       let o = index * (uniforms.degree + 1);
       result[o] = 1.0;
       if (uniforms.degree >= 1) { result[o + 1] = t; }
       var prev = 1.0;
       var cur = t;
       for (var d = 2; d <= uniforms.degree; d++) {
         let next = 2.0 * t * cur - prev;
         result[o + d] = next;
         prev = cur;
         cur = next;
       }`,
      'degree : i32,',
      TANH_WGSL,
      n,
    );
    return [ctx.run(program, [x], [{ i: degree }])];
  },
  backward: (ctx, [dy, x], { degree }) => {
    const program = elementwiseProgram(
      'chebyshev_basis_dx',
      ['DY', 'X'],
      sizeOf(x.shape),
      `if (uniforms.degree == 0) { result[index] = 0.0; return; }
       let t = tanhSafe(X[index]);
       let o = index * (uniforms.degree + 1);
       var tPrev = 1.0;
       var tCur = t;
       var dPrev = 0.0;
       var dCur = 1.0;
       var s = DY[o + 1];
       for (var d = 2; d <= uniforms.degree; d++) {
         let dNext = 2.0 * tCur + 2.0 * t * dCur - dPrev;
         let tNext = 2.0 * t * tCur - tPrev;
         s += DY[o + d] * dNext;
         tPrev = tCur;
         tCur = tNext;
         dPrev = dCur;
         dCur = dNext;
       }
       result[index] = s * (1.0 - t * t);`,
      'degree : i32,',
      TANH_WGSL,
    );
    return [ctx.run(program, [dy, x], [{ i: degree }])];
  },
});
