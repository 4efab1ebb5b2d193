// Fused kernels of ChebyKAN's basis (see chebyshev_basis.ts for the op): Chebyshev polynomials
// of the first kind of tanh(x),
//
//   t = tanh(x),   T_0 = 1,  T_1 = t,  T_{d+1} = 2 t T_d - T_{d-1},   d = 0..degree
//
// x [..., in] -> [..., in, degree+1]. Backward, by the derivative recurrence
// T'_0 = 0, T'_1 = 1, T'_{d+1} = 2 T_d + 2 t T'_d - T'_{d-1}:
//
//   dx = (1 - t^2) sum_d dy_d T'_d(t)
//
// Computed in float64, stored float32.
import { defineFusedKernel, sideOf } from './fused_kernel';
import { KAN_BASES_WASM, type KanBasesWasm } from './generated/kan_bases_wasm';
import { chebyshevParallel } from './kan_bases_parallel';

/** tfjs kernel names of the fused Chebyshev basis. */
export const CHEBYSHEV_BASIS_KERNEL = 'BasiskitChebyshevBasis';
export const CHEBYSHEV_BASIS_GRAD_KERNEL = 'BasiskitChebyshevBasisGrad';

/** Attributes of the Chebyshev kernels. */
export interface ChebyshevAttrs {
  degree: number;
}

/** Forward: out[m, d] = T_d(tanh x[m]). */
function chebyshevForward(x: Float32Array, out: Float32Array, degree: number): void {
  const n = degree + 1;
  for (let m = 0, o = 0; m < x.length; m++, o += n) {
    const t = Math.tanh(x[m]);
    out[o] = 1;
    if (degree === 0) continue;
    out[o + 1] = t;
    let prev = 1;
    let cur = t;
    for (let d = 2; d <= degree; d++) {
      const next = 2 * t * cur - prev;
      out[o + d] = next;
      prev = cur;
      cur = next;
    }
  }
}

/** Backward: dx[m] = (1 - t^2) sum_d dy[m, d] T'_d(t), t = tanh x[m]. */
function chebyshevBackward(dy: Float32Array, x: Float32Array, dx: Float32Array, degree: number): void {
  const n = degree + 1;
  for (let m = 0, o = 0; m < x.length; m++, o += n) {
    if (degree === 0) {
      dx[m] = 0;
      continue;
    }
    const t = Math.tanh(x[m]);
    // (T_{d-1}, T_d) and (T'_{d-1}, T'_d), starting at d = 1
    let tPrev = 1;
    let tCur = t;
    let dPrev = 0;
    let dCur = 1;
    let s = dy[o + 1];
    for (let d = 2; d <= degree; d++) {
      const dNext = 2 * tCur + 2 * t * dCur - dPrev;
      const tNext = 2 * t * tCur - tPrev;
      s += dy[o + d] * dNext;
      tPrev = tCur;
      tCur = tNext;
      dPrev = dCur;
      dCur = dNext;
    }
    dx[m] = s * (1 - t * t);
  }
}

/** The Chebyshev basis kernels: input x (attribute `degree`); the backward gives dx. */
export const chebyshevBasisKernel = /* @__PURE__ */ defineFusedKernel<ChebyshevAttrs, KanBasesWasm>({
  name: CHEBYSHEV_BASIS_KERNEL,
  gradName: CHEBYSHEV_BASIS_GRAD_KERNEL,
  inputs: ['x'],
  simd: KAN_BASES_WASM,
  forward: {
    outputShapes: ([xs], { degree }) => [[...xs, degree + 1]],
    accumulates: [],
    compute: ([x], [out], _shapes, { degree }) => chebyshevForward(x, out, degree),
    parallel: /* @__PURE__ */ sideOf(chebyshevParallel, 'forward'),
  },
  backward: {
    outputShapes: ([, xs]) => [xs],
    accumulates: [],
    compute: ([dy, x], [dx], _shapes, { degree }) => chebyshevBackward(dy, x, dx, degree),
    parallel: /* @__PURE__ */ sideOf(chebyshevParallel, 'backward'),
  },
});
