// Fused exact-GELU kernels over typed arrays: value, and the gradient in one pass.
//
//   gelu(x) = x Phi(x),   d gelu/dx = Phi(x) + x phi(x),   phi(x) = exp(-x^2/2) / sqrt(2 pi)
//
// Phi(x) by erfc alone (z = x/sqrt 2), with ONE exponential shared with phi:
//   Phi(x) = erfc(|z|)/2 (x < 0),  1 - erfc(|z|)/2 (x >= 0),
//   erfc(z) = exp(-z^2) erfcx(z),  erfcx(z) = R(u),  u = (3 - z)/(3 + z) in (-1, 1],
// R a degree-11 polynomial fitted (Lawson's iteratively reweighted least squares, relative
// error, against mpmath's erfc at 40 digits) to erfcx on z in [0, inf): relative error < 1.5e-8 in
// float64, < 2.5e-7 in float32 lanes. Since exp(-z^2) = exp(-x^2/2) = sqrt(2 pi) phi(x), the
// backward Phi + x phi needs the same single exp as the forward; the negative tail keeps its
// relative accuracy (no 1 + erf cancellation). The change of variable (z - k)/(z + k) for erfc is
// that of Schonfelder's Chebyshev expansions (Math. Comp. 32, 1978). tfjs has no Erf kernel on wasm (it
// runs in JavaScript); the plain-ops form (gelu_reference.ts) takes ~9 elementwise passes
// forward and backward. Source: Hendrycks & Gimpel, "Gaussian error linear units (GELUs)",
// arXiv:1606.08415 (GELU). The wasm SIMD version is assembly/gelu.ts (float32 lanes, Cephes' expf).
import { defineFusedKernel } from './fused_kernel';
import { GELU_WASM, type GeluWasm } from './generated/gelu_wasm';

/** tfjs kernel names of the fused GELU. */
export const GELU_KERNEL = 'BasiskitGelu';
export const GELU_GRAD_KERNEL = 'BasiskitGeluGrad';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
// erfcx(z) = sum_k R[k] u^k, u = (3 - z)/(3 + z)
const ERFCX_POLY = [
  0.1790011506737712, 0.32623353078319217, 0.24560378340524835, 0.15011658118319754, 0.07166660676779224, 0.02438877916537452, 0.0042637547680799415,
  -0.0006996957150686711, -0.0005828515428056846, -5.135387725374585e-5, 4.756293854768501e-5, 1.2165471190428434e-5,
];
const R = ERFCX_POLY;

/** Phi(x) and exp(-x^2/2) in float64 (one exp). */
export function normalCdfAndGauss(x: number): [number, number] {
  const zs = x * SQRT1_2;
  // erfcx only matters while exp(-z^2) > 0: clamping z keeps u finite for x = ±Infinity
  const z = Math.min(Math.abs(zs), 30);
  const gauss = Math.exp(-zs * zs);
  const u = (3 - z) / (3 + z);
  let r = R[11];
  for (let k = 10; k >= 0; k--) r = r * u + R[k];
  const halfErfc = 0.5 * gauss * r;
  return [x > 0 ? 1 - halfErfc : halfErfc, gauss];
}

/** y = x Phi(x). */
export function geluForward(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] * normalCdfAndGauss(x[i])[0];
}

/** dx = dy (Phi(x) + x phi(x)). */
export function geluBackward(dy: Float32Array, x: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const [phi, gauss] = normalCdfAndGauss(x[i]);
    dx[i] = dy[i] * (phi + x[i] * INV_SQRT_2PI * gauss);
  }
}

/** The exact GELU's kernels: input x; the backward gives dx from (dy, x). */
export const geluKernel = /* @__PURE__ */ defineFusedKernel<Record<string, never>, GeluWasm>({
  name: GELU_KERNEL,
  gradName: GELU_GRAD_KERNEL,
  inputs: ['x'],
  simd: GELU_WASM,
  forward: {
    outputShapes: ([xs]) => [xs],
    accumulates: [],
    compute: ([x], [y]) => geluForward(x, y),
    wasm: (simd, [x], [y], [xs]) => {
      simd.geluForward(
        x,
        y,
        xs.reduce((p, d) => p * d, 1),
      );
      return true;
    },
  },
  backward: {
    outputShapes: ([, xs]) => [xs],
    accumulates: [],
    compute: ([dy, x], [dx]) => geluBackward(dy, x, dx),
    wasm: (simd, [dy, x], [dx], [, xs]) => {
      simd.geluBackward(
        dy,
        x,
        dx,
        xs.reduce((p, d) => p * d, 1),
      );
      return true;
    },
  },
});
