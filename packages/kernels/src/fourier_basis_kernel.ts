// Fused kernels of FourierKAN's basis (see fourier_basis.ts for the op): the first G harmonics,
// cos block first, then sin block,
//
//   out[..., i, k-1] = cos(k x_i),   out[..., i, G + k-1] = sin(k x_i),   k = 1..G
//
// cos x and sin x are evaluated once per element and the harmonics stepped by the angle-addition
// rotation (c_{k+1}, s_{k+1}) = (c_k c_1 - s_k s_1, s_k c_1 + c_k s_1) in float64 (rounding error
// grows ~k * 1e-16, far below float32's), stored float32. Backward:
//
//   dx = sum_k k (-dy_cos[k] sin(k x) + dy_sin[k] cos(k x))
import { defineFusedKernel, sideOf } from './fused_kernel';
import { KAN_BASES_WASM, type KanBasesWasm } from './generated/kan_bases_wasm';
import { fourierParallel } from './kan_bases_parallel';

/** tfjs kernel names of the fused Fourier basis. */
export const FOURIER_BASIS_KERNEL = 'BasiskitFourierBasis';
export const FOURIER_BASIS_GRAD_KERNEL = 'BasiskitFourierBasisGrad';

/** Attributes of the Fourier kernels. */
export interface FourierAttrs {
  gridSize: number;
}

/** Forward: out[m, k-1] = cos(k x[m]), out[m, G + k-1] = sin(k x[m]). */
function fourierForward(x: Float32Array, out: Float32Array, G: number): void {
  for (let m = 0, o = 0; m < x.length; m++, o += 2 * G) {
    const c1 = Math.cos(x[m]);
    const s1 = Math.sin(x[m]);
    let c = c1;
    let s = s1;
    for (let k = 0; k < G; k++) {
      out[o + k] = c;
      out[o + G + k] = s;
      const cn = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = cn;
    }
  }
}

/** Backward: dx[m] = sum_k k (-dy[m, k-1] sin(k x) + dy[m, G + k-1] cos(k x)). */
function fourierBackward(dy: Float32Array, x: Float32Array, dx: Float32Array, G: number): void {
  for (let m = 0, o = 0; m < x.length; m++, o += 2 * G) {
    const c1 = Math.cos(x[m]);
    const s1 = Math.sin(x[m]);
    let c = c1;
    let s = s1;
    let acc = 0;
    for (let k = 0; k < G; k++) {
      acc += (k + 1) * (dy[o + G + k] * c - dy[o + k] * s);
      const cn = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = cn;
    }
    dx[m] = acc;
  }
}

/** The Fourier basis kernels: input x (attribute `gridSize` = G); the backward gives dx. */
export const fourierBasisKernel = /* @__PURE__ */ defineFusedKernel<FourierAttrs, KanBasesWasm>({
  name: FOURIER_BASIS_KERNEL,
  gradName: FOURIER_BASIS_GRAD_KERNEL,
  inputs: ['x'],
  simd: KAN_BASES_WASM,
  forward: {
    outputShapes: ([xs], { gridSize }) => [[...xs, 2 * gridSize]],
    accumulates: [],
    compute: ([x], [out], _shapes, { gridSize }) => fourierForward(x, out, gridSize),
    parallel: /* @__PURE__ */ sideOf(fourierParallel, 'forward'),
  },
  backward: {
    outputShapes: ([, xs]) => [xs],
    accumulates: [],
    compute: ([dy, x], [dx], _shapes, { gridSize }) => fourierBackward(dy, x, dx, gridSize),
    parallel: /* @__PURE__ */ sideOf(fourierParallel, 'backward'),
  },
});
