// WGSL kernels of the exact GELU (gelu_kernel.ts has the math and the cpu/wasm kernels):
//
//   y = x Phi(x),   dx = dy (Phi(x) + x phi(x)),   phi(x) = exp(-x^2/2) / sqrt(2 pi)
//
// Phi by erfc with one exp shared with phi: Phi = erfc(|z|)/2 (x <= 0), 1 - erfc(|z|)/2 (x > 0),
// z = x / sqrt 2, erfc(z) = exp(-z^2) erfcx(z), erfcx(z) = R((3 - z)/(3 + z)) (gelu_kernel.ts's
// degree-11 polynomial, relative error < 2.5e-7 in float32). Source: Hendrycks & Gimpel,
// arXiv:1606.08415. One thread per element.
import { geluKernel } from '../gelu_kernel';
import { defineWebGPUKernel, elementwiseProgram, normalCdfWGSL, sizeOf } from './program';

/** erfcx(z) = sum_k ERFCX_POLY[k] u^k, u = (3 - z)/(3 + z): the coefficients of gelu_kernel.ts. */
export const ERFCX_POLY = [
  0.1790011506737712, 0.32623353078319217, 0.24560378340524835, 0.15011658118319754, 0.07166660676779224, 0.02438877916537452, 0.0042637547680799415,
  -0.0006996957150686711, -0.0005828515428056846, -5.135387725374585e-5, 4.756293854768501e-5, 1.2165471190428434e-5,
];

/** WGSL `normalCdfGauss(x) -> vec2(Phi(x), exp(-x^2/2))` and `INV_SQRT_2PI`. */
export const GELU_WGSL = `${normalCdfWGSL(ERFCX_POLY)}
  const INV_SQRT_2PI = 0.3989422804014327;
  fn geluValue(x : f32) -> f32 { return x * normalCdfGauss(x).x; }
  fn geluSlope(x : f32) -> f32 { let pg = normalCdfGauss(x); return pg.x + x * INV_SQRT_2PI * pg.y; }`;

/** The GELU's WGSL kernels (inputs x; backward dy, x -> dx). */
export const geluWebGPU = /* @__PURE__ */ defineWebGPUKernel({
  fused: geluKernel,
  forward: (ctx, [x]) => [ctx.run(elementwiseProgram('gelu', ['X'], sizeOf(x.shape), 'result[index] = geluValue(X[index]);', '', GELU_WGSL), [x])],
  backward: (ctx, [dy, x]) => [
    ctx.run(elementwiseProgram('gelu_grad', ['DY', 'X'], sizeOf(x.shape), 'result[index] = DY[index] * geluSlope(X[index]);', '', GELU_WGSL), [dy, x]),
  ],
});
