// ChebyKAN's basis (SynodicMonth/ChebyKAN, `ChebyKANLayer`): Chebyshev polynomials of the first
// kind of tanh(x), which maps every input into their domain [-1, 1]:
//
//   t = tanh(x),   T_0 = 1,  T_1 = t,  T_{d+1} = 2 t T_d - T_{d-1},   d = 0..degree
//
// x [..., in] -> [..., in, degree+1]. ChebyKAN's first version wrote T_d(t) = cos(d acos t);
// the recurrence (its later version) is equal on [-1, 1] and, unlike acos, has a finite
// derivative at |t| = 1 (tanh x rounds to ±1 for |x| > ~9 in float32, ~19 in float64). Backward, by the
// derivative recurrence T'_0 = 0, T'_1 = 1, T'_{d+1} = 2 T_d + 2 t T'_d - T'_{d-1}:
//
//   dx = (1 - t^2) sum_d dy_d T'_d(t)
//
// The fused kernels (cpu and wasm) compute in float64 and store float32.
import { ConfigError, checkInt, tf } from '@basiskit/tensor';
import type { Basis } from './basis';
import { chebyshevBasisDerivativeReference, chebyshevBasisReference } from './chebyshev_basis_reference';
import { registerTypedArrayKernel, runKernel } from './typed_array_kernel';
import { checkBasisInput, useFusedKernel } from './basis_op_checks';

/** tfjs kernel names of the fused Chebyshev basis. */
export const CHEBYSHEV_BASIS_KERNEL = 'BasiskitChebyshevBasis';
export const CHEBYSHEV_BASIS_GRAD_KERNEL = 'BasiskitChebyshevBasisGrad';

interface ChebyshevAttrs {
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

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  registerTypedArrayKernel<ChebyshevAttrs>({
    kernelName: CHEBYSHEV_BASIS_KERNEL,
    inputNames: ['x'],
    outputShapes: ([xs], { degree }) => [[...xs, degree + 1]],
    accumulates: [],
    compute: ([x], [out], _shapes, { degree }) => chebyshevForward(x, out, degree),
  });
  registerTypedArrayKernel<ChebyshevAttrs>({
    kernelName: CHEBYSHEV_BASIS_GRAD_KERNEL,
    inputNames: ['dy', 'x'],
    outputShapes: ([, xs]) => [xs],
    accumulates: [],
    compute: ([dy, x], [dx], _shapes, { degree }) => chebyshevBackward(dy, x, dx, degree),
  });
  tf.registerGradient({
    kernelName: CHEBYSHEV_BASIS_KERNEL,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const dx = runKernel(CHEBYSHEV_BASIS_GRAD_KERNEL, { dy: dy as tf.Tensor, x }, attrs as unknown as ChebyshevAttrs) as tf.Tensor;
      return { x: () => dx };
    },
  });
}

/** Options of {@link chebyshevBasis} and {@link ChebyshevBasis}. */
export interface ChebyshevBasisOptions {
  /** Highest polynomial degree D (ChebyKAN's `degree`); the basis has D + 1 functions. */
  degree: number;
}

/** Options of {@link chebyshevBasis}: the basis options and the implementation. */
export interface ChebyshevBasisOpOptions extends ChebyshevBasisOptions {
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`); default `'auto'`. */
  impl?: 'auto' | 'fused' | 'reference';
}

function checkDegree(options: ChebyshevBasisOptions | undefined, where: string): number {
  if (!options || typeof options !== 'object') {
    throw new ConfigError('options are required', { where, argument: 'options', expected: '{ degree }', got: String(options) });
  }
  checkInt(options.degree, 0, where, 'degree');
  return options.degree;
}

/**
 * ChebyKAN's basis `T_d(tanh x)`, d = 0..degree. x [..., in] (float32) -> [..., in, degree+1].
 * Differentiable in x.
 *
 * @example
 * const b = chebyshevBasis(x, { degree: 4 }); // [N, in, 5]
 */
export function chebyshevBasis(x: tf.Tensor, options: ChebyshevBasisOpOptions): tf.Tensor {
  const where = 'chebyshevBasis';
  checkBasisInput(x, where);
  const degree = checkDegree(options, where);
  register();
  if (!useFusedKernel(options.impl, CHEBYSHEV_BASIS_KERNEL, where)) return chebyshevBasisReference(x, degree);
  return runKernel(CHEBYSHEV_BASIS_KERNEL, { x }, { degree }) as tf.Tensor;
}

/**
 * ChebyKAN's basis as a {@link Basis}: `degree + 1` dense functions `T_d(tanh x)`. tanh takes
 * every real into the polynomials' domain; the default range [-3, 3] (tanh within ±0.995) is
 * where the functions vary.
 */
export class ChebyshevBasis implements Basis {
  readonly name = 'chebyshev';
  readonly nBasis: number;
  readonly support = 'dense' as const;
  readonly nonzeros: number;
  readonly defaultRange: readonly [number, number] = Object.freeze([-3, 3] as const);
  /** The highest degree D. */
  readonly degree: number;

  constructor(options: ChebyshevBasisOptions) {
    this.degree = checkDegree(options, 'ChebyshevBasis');
    this.nBasis = this.degree + 1;
    this.nonzeros = this.nBasis;
  }

  /** Values: x [..., in] -> [..., in, degree+1] (fused on cpu and wasm). */
  evaluate(x: tf.Tensor): tf.Tensor {
    return chebyshevBasis(x, { degree: this.degree });
  }

  /** Derivatives `(1 - tanh^2 x) T'_d(tanh x)`: x [..., in] -> [..., in, degree+1] (plain ops). */
  derivative(x: tf.Tensor): tf.Tensor {
    checkBasisInput(x, 'ChebyshevBasis.derivative');
    return chebyshevBasisDerivativeReference(x, this.degree);
  }
}
