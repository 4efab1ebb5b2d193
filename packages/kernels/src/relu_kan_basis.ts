// ReLU-KAN's basis (Qiu et al., "ReLU-KAN: New Kolmogorov-Arnold Networks that Only Need Matrix
// Addition, Dot Multiplication, and ReLU", 2024; github.com/quiqi/relu_kan, `ReLUKANLayer`):
//
//   R_i(x) = [ReLU(e_i - x) * ReLU(x - s_i) * r]^2,   i = 0..G+k-1
//   s_i = (i - k) / G  (`phase_low`),   e_i = s_i + (k + 1) / G  (`phase_height`),
//   r = 4 G^2 / (k + 1)^2            (so r^2 = 16 / (e_i - s_i)^4 and every bump peaks at 1)
//
// laid out for inputs in [0, 1]; R_i is nonzero only on (s_i, e_i), so at most k + 1 of the
// G + k functions are nonzero at any x. x [..., in] -> [..., in, G+k]. s and e may be given per
// input feature ([in, G+k], ReLU-KAN's layer holds them as parameters) or shared ([1, G+k]);
// r stays the constant above (as in ReLU-KAN, where training s, e leaves r unchanged).
//
// Backward (hand-written), with a = ReLU(x - s_i), b = ReLU(e_i - x), p = a b r:
//   dR_i/dx = 2 p r (b - a),   dR_i/ds_i = -2 p r b,   dR_i/de_i = 2 p r a
// dx per element; ds, de summed over the rows (float64 accumulators).
import { ConfigError, DTypeError, ShapeError, checkInt, formatShape, tf } from '@basiskit/tensor';
import type { Basis } from './basis';
import { reluKanBasisDerivativeReference, reluKanBasisReference } from './relu_kan_basis_reference';
import { registerTypedArrayKernel, runKernel } from './typed_array_kernel';
import { checkBasisInput, useFusedKernel } from './basis_op_checks';

/** tfjs kernel names of the fused ReLU-KAN basis. */
export const RELU_KAN_BASIS_KERNEL = 'BasiskitReLUKANBasis';
export const RELU_KAN_BASIS_GRAD_KERNEL = 'BasiskitReLUKANBasisGrad';

interface ReLUKANAttrs {
  /** ReLU-KAN's `r` = 4 G^2 / (k+1)^2. */
  r: number;
}

interface Layout {
  rows: number;
  features: number;
  nBasis: number;
  /** Whether s, e hold one row per feature (else one shared row). */
  perFeature: boolean;
}

function layoutOf(xShape: number[], phaseShape: number[]): Layout {
  const features = xShape[xShape.length - 1];
  const size = xShape.reduce((a, b) => a * b, 1);
  return { rows: features === 0 ? 0 : size / features, features, nBasis: phaseShape[1], perFeature: phaseShape[0] !== 1 };
}

/** Forward: out[m, j] = (ReLU(x - s_j) ReLU(e_j - x) r)^2 with the feature's s, e. */
function reluKanForward(x: Float32Array, low: Float32Array, high: Float32Array, out: Float32Array, L: Layout, r: number): void {
  const { rows, features, nBasis } = L;
  let m = 0;
  for (let row = 0; row < rows; row++) {
    for (let i = 0; i < features; i++, m++) {
      const base = L.perFeature ? i * nBasis : 0;
      const xm = x[m];
      const o = m * nBasis;
      for (let j = 0; j < nBasis; j++) {
        // branch-free: the ReLUs as max(., 0)
        const p = Math.max(xm - low[base + j], 0) * Math.max(high[base + j] - xm, 0) * r;
        out[o + j] = p * p;
      }
    }
  }
}

/** Backward: dx per element; ds, de summed over rows (see the file header). */
function reluKanBackward(
  dy: Float32Array,
  x: Float32Array,
  low: Float32Array,
  high: Float32Array,
  dx: Float32Array,
  dlow: Float32Array,
  dhigh: Float32Array,
  L: Layout,
  r: number,
): void {
  const { rows, features, nBasis } = L;
  const accLow = new Float64Array(low.length);
  const accHigh = new Float64Array(high.length);
  let m = 0;
  for (let row = 0; row < rows; row++) {
    for (let i = 0; i < features; i++, m++) {
      const base = L.perFeature ? i * nBasis : 0;
      const xm = x[m];
      const o = m * nBasis;
      let s = 0;
      for (let j = 0; j < nBasis; j++) {
        const a = Math.max(xm - low[base + j], 0);
        const b = Math.max(high[base + j] - xm, 0);
        const q = 2 * a * b * r * r * dy[o + j]; // 2 p r dy (0 outside (s_j, e_j))
        s += q * (b - a);
        accLow[base + j] -= q * b;
        accHigh[base + j] += q * a;
      }
      dx[m] = s;
    }
  }
  for (let j = 0; j < low.length; j++) {
    dlow[j] = accLow[j];
    dhigh[j] = accHigh[j];
  }
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  registerTypedArrayKernel<ReLUKANAttrs>({
    kernelName: RELU_KAN_BASIS_KERNEL,
    inputNames: ['x', 'phaseLow', 'phaseHeight'],
    outputShapes: ([xs, ls]) => [[...xs, ls[1]]],
    accumulates: [],
    compute: ([x, low, high], [out], [xs, ls], { r }) => reluKanForward(x, low, high, out, layoutOf(xs, ls), r),
  });
  registerTypedArrayKernel<ReLUKANAttrs>({
    kernelName: RELU_KAN_BASIS_GRAD_KERNEL,
    inputNames: ['dy', 'x', 'phaseLow', 'phaseHeight'],
    outputShapes: ([, xs, ls, hs]) => [xs, ls, hs],
    accumulates: [],
    compute: ([dy, x, low, high], [dx, dlow, dhigh], [, xs, ls], { r }) =>
      reluKanBackward(dy, x, low, high, dx, dlow, dhigh, layoutOf(xs, ls), r),
  });
  tf.registerGradient({
    kernelName: RELU_KAN_BASIS_KERNEL,
    inputsToSave: ['x', 'phaseLow', 'phaseHeight'],
    gradFunc: (dy, saved, attrs) => {
      const [x, phaseLow, phaseHeight] = saved;
      const [dx, dlow, dhigh] = runKernel(
        RELU_KAN_BASIS_GRAD_KERNEL,
        { dy: dy as tf.Tensor, x, phaseLow, phaseHeight },
        attrs as unknown as ReLUKANAttrs,
      ) as tf.Tensor[];
      return { x: () => dx, phaseLow: () => dlow, phaseHeight: () => dhigh };
    },
  });
}

/** Options of {@link reluKanBasis} and {@link ReLUKANBasis}. */
export interface ReLUKANBasisOptions {
  /** Number of grid intervals G on [0, 1] (ReLU-KAN's `g`). */
  gridSize: number;
  /** Overlap k (ReLU-KAN's `k`): each bump spans k + 1 intervals; the basis has G + k functions. */
  k: number;
}

/** Options of {@link reluKanBasis}. */
export interface ReLUKANBasisOpOptions extends ReLUKANBasisOptions {
  /**
   * Start points s, float32 [in or 1, G+k] (a ReLU-KAN layer's `phase_low`); default
   * `(i - k)/G` shared by all features. Give both or neither of `phaseLow`, `phaseHeight`;
   * the op is differentiable in them.
   */
  phaseLow?: tf.Tensor;
  /** End points e, same shape as `phaseLow` (`phase_height`); default `s_i + (k+1)/G`. */
  phaseHeight?: tf.Tensor;
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`); default `'auto'`. */
  impl?: 'auto' | 'fused' | 'reference';
}

/** ReLU-KAN's default start and end points, [G+k] each (float64 values). */
export function reluKanPhases(gridSize: number, k: number): { phaseLow: number[]; phaseHeight: number[] } {
  const phaseLow = Array.from({ length: gridSize + k }, (_, i) => (i - k) / gridSize);
  return { phaseLow, phaseHeight: phaseLow.map((s) => s + (k + 1) / gridSize) };
}

/** ReLU-KAN's normalisation `r = 4 G^2 / (k+1)^2` (the basis squares it). */
export function reluKanScale(gridSize: number, k: number): number {
  return (4 * gridSize * gridSize) / ((k + 1) * (k + 1));
}

function checkSizes(options: ReLUKANBasisOptions | undefined, where: string): { gridSize: number; k: number } {
  if (!options || typeof options !== 'object') {
    throw new ConfigError('options are required', { where, argument: 'options', expected: '{ gridSize, k }', got: String(options) });
  }
  checkInt(options.gridSize, 1, where, 'gridSize');
  checkInt(options.k, 0, where, 'k');
  return { gridSize: options.gridSize, k: options.k };
}

function checkPhases(x: tf.Tensor, options: ReLUKANBasisOpOptions, nBasis: number, where: string): void {
  const { phaseLow, phaseHeight } = options;
  if ((phaseLow === undefined) !== (phaseHeight === undefined)) {
    throw new ConfigError('give both or neither', {
      where,
      argument: phaseLow === undefined ? 'phaseLow' : 'phaseHeight',
      expected: 'phaseLow and phaseHeight together',
      got: 'only one of them',
    });
  }
  if (phaseLow === undefined || phaseHeight === undefined) return;
  const inF = x.shape[x.rank - 1];
  for (const [name, t] of [['phaseLow', phaseLow], ['phaseHeight', phaseHeight]] as const) {
    if (!(t instanceof tf.Tensor)) throw new ConfigError('invalid value', { where, argument: name, expected: 'a float32 tensor', got: typeof t });
    if (t.dtype !== 'float32') throw new DTypeError('wrong dtype', { where, argument: name, expected: 'float32', got: t.dtype });
    if (t.rank !== 2 || (t.shape[0] !== 1 && t.shape[0] !== inF) || t.shape[1] !== nBasis) {
      throw new ShapeError('wrong shape', { where, argument: name, expected: `[${inF} or 1, ${nBasis}] (in, G + k)`, got: formatShape(t.shape) });
    }
  }
  if (phaseLow.shape[0] !== phaseHeight.shape[0]) {
    throw new ShapeError('wrong shape', { where, argument: 'phaseHeight', expected: `${formatShape(phaseLow.shape)} (as phaseLow)`, got: formatShape(phaseHeight.shape) });
  }
}

/** Default phases as [1, G+k] float32 tensors. */
function defaultPhases(gridSize: number, k: number): [tf.Tensor, tf.Tensor] {
  const { phaseLow, phaseHeight } = reluKanPhases(gridSize, k);
  return [tf.tensor2d(phaseLow, [1, gridSize + k]), tf.tensor2d(phaseHeight, [1, gridSize + k])];
}

/**
 * ReLU-KAN's basis `[ReLU(e_i - x) ReLU(x - s_i) r]^2`, i = 0..G+k-1, on [0, 1] by default.
 * x [..., in] (float32) -> [..., in, G+k]. Differentiable in x (and in `phaseLow`,
 * `phaseHeight` when given).
 *
 * @example
 * const b = reluKanBasis(x, { gridSize: 5, k: 3 }); // [N, in, 8]
 */
export function reluKanBasis(x: tf.Tensor, options: ReLUKANBasisOpOptions): tf.Tensor {
  const where = 'reluKanBasis';
  checkBasisInput(x, where);
  const { gridSize, k } = checkSizes(options, where);
  checkPhases(x, options, gridSize + k, where);
  register();
  const fused = useFusedKernel(options.impl, RELU_KAN_BASIS_KERNEL, where);
  const r = reluKanScale(gridSize, k);
  return tf.tidy(() => {
    const [phaseLow, phaseHeight] = options.phaseLow && options.phaseHeight ? [options.phaseLow, options.phaseHeight] : defaultPhases(gridSize, k);
    if (!fused) return reluKanBasisReference(x, phaseLow, phaseHeight, r);
    return runKernel(RELU_KAN_BASIS_KERNEL, { x, phaseLow, phaseHeight }, { r }) as tf.Tensor;
  });
}

/**
 * ReLU-KAN's basis as a {@link Basis}: G + k bumps laid out on [0, 1], local (at most k + 1
 * nonzero at any x).
 */
export class ReLUKANBasis implements Basis {
  readonly name = 'relu';
  readonly nBasis: number;
  readonly support = 'local' as const;
  readonly nonzeros: number;
  readonly defaultRange: readonly [number, number] = Object.freeze([0, 1] as const);
  readonly gridSize: number;
  readonly k: number;

  constructor(options: ReLUKANBasisOptions) {
    const { gridSize, k } = checkSizes(options, 'ReLUKANBasis');
    this.gridSize = gridSize;
    this.k = k;
    this.nBasis = gridSize + k;
    this.nonzeros = k + 1;
  }

  /** Values: x [..., in] -> [..., in, G+k] (fused on cpu and wasm). */
  evaluate(x: tf.Tensor): tf.Tensor {
    return reluKanBasis(x, { gridSize: this.gridSize, k: this.k });
  }

  /** Derivatives `2 p r (b - a)` (see the file header): x [..., in] -> [..., in, G+k] (plain ops). */
  derivative(x: tf.Tensor): tf.Tensor {
    checkBasisInput(x, 'ReLUKANBasis.derivative');
    return tf.tidy(() => {
      const [low, high] = defaultPhases(this.gridSize, this.k);
      return reluKanBasisDerivativeReference(x, low, high, reluKanScale(this.gridSize, this.k));
    });
  }
}
