// Fused exact-GELU kernels over typed arrays: value, and the gradient in one pass.
//
//   gelu(x) = x Phi(x),   d gelu/dx = Phi(x) + x phi(x),   phi(x) = exp(-x^2/2) / sqrt(2 pi)
//
// Phi(x) = (1 + erf(x/sqrt 2))/2, evaluated (z = x/sqrt 2) as
//   |z| < 1/2:  1/2 + erf(z)/2, erf by its Taylor series to z^13 (truncation < 1e-9);
//   otherwise:  1 - erfc(|z|)/2 for x > 0, erfc(|z|)/2 for x < 0, with Numerical Recipes' erfcc
//               erfc(z) = t exp(-z^2 + P(t)), t = 1/(1 + z/2), P of degree 9 (relative error
//               < 1.2e-7 for every z >= 0),
// so the negative tail keeps its relative accuracy (no 1 + erf cancellation) and Phi is within
// ~1e-7 of the exact value everywhere. tfjs has no Erf kernel on wasm (it runs in JavaScript);
// the plain-ops form (gelu_reference.ts) takes ~9 elementwise passes forward and backward.
// Sources: Hendrycks & Gimpel, "Gaussian error linear units (GELUs)", arXiv:1606.08415 (GELU);
// Press et al., Numerical Recipes in C, 2nd ed., section 6.2 (erfcc); Abramowitz & Stegun 7.1.5
// (the series). The wasm SIMD version is assembly/gelu.ts (float32 lanes, Cephes' expf).
import { defineFusedKernel } from './fused_kernel';
import { GELU_WASM, type GeluWasm } from './generated/gelu_wasm';

/** tfjs kernel names of the fused GELU. */
export const GELU_KERNEL = 'BasiskitGelu';
export const GELU_GRAD_KERNEL = 'BasiskitGeluGrad';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
// erf(z)/z = sum_k E[k] z^(2k), E[k] = 2/sqrt(pi) (-1)^k / (k! (2k+1))
const E = [
  1.1283791670955126, -0.37612638903183754, 0.11283791670955126, -0.026866170645131252, 0.005223977625442188, -0.0008548327023450853, 0.00012055332981789664,
];
// Numerical Recipes' erfcc, P(t) = C[0] + C[1] t + ... + C[9] t^9
const C = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

/** Phi(x) and exp(-x^2/2) in float64. */
export function normalCdfAndGauss(x: number): [number, number] {
  const zs = x * SQRT1_2;
  const z = Math.abs(zs);
  const z2 = zs * zs;
  const gauss = Math.exp(-z2);
  if (z < 0.5) {
    let s = E[6];
    for (let k = 5; k >= 0; k--) s = s * z2 + E[k];
    return [0.5 + 0.5 * s * zs, gauss];
  }
  const t = 1 / (1 + 0.5 * z);
  let p = C[9];
  for (let k = 8; k >= 0; k--) p = p * t + C[k];
  const halfErfc = 0.5 * t * gauss * Math.exp(p);
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
