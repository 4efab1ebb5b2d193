// FourierKAN's basis (GistNoesis/FourierKAN, `NaiveFourierKANLayer`): the first G harmonics
//
//   cos(k x), sin(k x),   k = 1..G
//
// x [..., in] -> [..., in, 2G], laid out cos block first, then sin block:
//   out[..., i, k-1] = cos(k x_i),   out[..., i, G + k-1] = sin(k x_i)
// (FourierKAN's `fouriercoeffs[0]` multiplies the cosines, `fouriercoeffs[1]` the sines).
//
// The fused kernels (cpu and wasm) evaluate cos x and sin x once per element and step the
// harmonics by the angle-addition rotation (c_{k+1}, s_{k+1}) = (c_k c_1 - s_k s_1, s_k c_1 + c_k s_1)
// in float64 (rounding error grows ~k * 1e-16, far below float32's), storing float32. Backward:
//
//   dx = sum_k k (-dy_cos[k] sin(k x) + dy_sin[k] cos(k x))
import { ConfigError, checkInt, tf } from '@basiskit/tensor';
import type { Basis } from './basis';
import { fourierBasisDerivativeReference, fourierBasisReference } from './fourier_basis_reference';
import { registerTypedArrayKernel, runKernel } from './typed_array_kernel';
import { checkBasisInput, useFusedKernel } from './basis_op_checks';

/** tfjs kernel names of the fused Fourier basis. */
export const FOURIER_BASIS_KERNEL = 'BasiskitFourierBasis';
export const FOURIER_BASIS_GRAD_KERNEL = 'BasiskitFourierBasisGrad';

interface FourierAttrs {
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

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  registerTypedArrayKernel<FourierAttrs>({
    kernelName: FOURIER_BASIS_KERNEL,
    inputNames: ['x'],
    outputShapes: ([xs], { gridSize }) => [[...xs, 2 * gridSize]],
    accumulates: [],
    compute: ([x], [out], _shapes, { gridSize }) => fourierForward(x, out, gridSize),
  });
  registerTypedArrayKernel<FourierAttrs>({
    kernelName: FOURIER_BASIS_GRAD_KERNEL,
    inputNames: ['dy', 'x'],
    outputShapes: ([, xs]) => [xs],
    accumulates: [],
    compute: ([dy, x], [dx], _shapes, { gridSize }) => fourierBackward(dy, x, dx, gridSize),
  });
  tf.registerGradient({
    kernelName: FOURIER_BASIS_KERNEL,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const dx = runKernel(FOURIER_BASIS_GRAD_KERNEL, { dy: dy as tf.Tensor, x }, attrs as unknown as FourierAttrs) as tf.Tensor;
      return { x: () => dx };
    },
  });
}

/** Options of {@link fourierBasis} and {@link FourierBasis}. */
export interface FourierBasisOptions {
  /** Number of harmonics G (FourierKAN's `gridsize`); the basis has 2G functions. */
  gridSize: number;
}

/** Options of {@link fourierBasis}: the basis options and the implementation. */
export interface FourierBasisOpOptions extends FourierBasisOptions {
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`); default `'auto'`. */
  impl?: 'auto' | 'fused' | 'reference';
}

function checkGridSize(options: FourierBasisOptions | undefined, where: string): number {
  if (!options || typeof options !== 'object') {
    throw new ConfigError('options are required', { where, argument: 'options', expected: '{ gridSize }', got: String(options) });
  }
  checkInt(options.gridSize, 1, where, 'gridSize');
  return options.gridSize;
}

/**
 * FourierKAN's basis: x [..., in] (float32) -> [..., in, 2G] with `cos(k x)` for k = 1..G in
 * `[..., 0:G]` and `sin(k x)` in `[..., G:2G]`. Differentiable in x.
 *
 * @example
 * const b = fourierBasis(x, { gridSize: 5 }); // [N, in, 10]: cos x..cos 5x, sin x..sin 5x
 */
export function fourierBasis(x: tf.Tensor, options: FourierBasisOpOptions): tf.Tensor {
  const where = 'fourierBasis';
  checkBasisInput(x, where);
  const gridSize = checkGridSize(options, where);
  register();
  if (!useFusedKernel(options.impl, FOURIER_BASIS_KERNEL, where)) return fourierBasisReference(x, gridSize);
  return runKernel(FOURIER_BASIS_KERNEL, { x }, { gridSize }) as tf.Tensor;
}

/**
 * FourierKAN's basis as a {@link Basis}: 2G dense functions (cosines then sines, see
 * {@link fourierBasis}), 2π-periodic, laid out for one period [-π, π].
 */
export class FourierBasis implements Basis {
  readonly name = 'fourier';
  readonly nBasis: number;
  readonly support = 'dense' as const;
  readonly nonzeros: number;
  readonly defaultRange: readonly [number, number] = Object.freeze([-Math.PI, Math.PI] as const);
  /** The number of harmonics G. */
  readonly gridSize: number;

  constructor(options: FourierBasisOptions) {
    this.gridSize = checkGridSize(options, 'FourierBasis');
    this.nBasis = 2 * this.gridSize;
    this.nonzeros = this.nBasis;
  }

  /** Values: x [..., in] -> [..., in, 2G] (fused on cpu and wasm). */
  evaluate(x: tf.Tensor): tf.Tensor {
    return fourierBasis(x, { gridSize: this.gridSize });
  }

  /** Derivatives `-k sin(k x)` then `k cos(k x)`: x [..., in] -> [..., in, 2G] (plain ops). */
  derivative(x: tf.Tensor): tf.Tensor {
    checkBasisInput(x, 'FourierBasis.derivative');
    return fourierBasisDerivativeReference(x, this.gridSize);
  }
}
