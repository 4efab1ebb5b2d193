// FFTs along any axis, numpy/torch semantics: argument checks and dispatch to the fused kernels
// (fft_kernel.ts, which documents the algorithms and the gradients) or the plain-ops references
// (fft_reference.ts). Complex values are `{ real, imag }` pairs of float32 tensors of one shape
// (tfjs's wasm backend has no complex dtype).
import { ConfigError, ShapeError, checkNumber, checkOptions, checkTensor, formatShape, isRecord, show, tf } from '@basiskit/tensor';
import { FFT_KERNEL, fftKernel, IRFFT_KERNEL, irfftKernel, RFFT_KERNEL, rfftKernel } from './fft_kernel';
import { fftReference, fftScale, irfftReference, rfftReference, type ComplexTensor, type FFTNorm } from './fft_reference';
import { runFusedKernel, useFusedKernel } from './kernel_dispatch';

export type { ComplexTensor, FFTNorm } from './fft_reference';

/** Options of {@link fft}, {@link ifft}, {@link rfft} and {@link irfft}. */
export interface FFTOptions {
  /** The axis to transform (negative counts from the end); default -1. */
  axis?: number;
  /**
   * Transform length: the input's axis is cropped or zero-padded to it (numpy's `n`). Default:
   * the axis's size; for {@link irfft}, the output length, default `2 (m - 1)` for m bins.
   */
  n?: number;
  /** `'backward'` (default: the inverse scales by 1/n), `'ortho'` (both by 1/sqrt n) or `'forward'`. */
  norm?: FFTNorm;
  /** Force the plain-ops reference (`'reference'`) or the fused kernel (`'fused'`); default `'auto'`. */
  impl?: 'auto' | 'fused' | 'reference';
}

const KNOWN = ['axis', 'n', 'norm', 'impl'];
const NORMS: readonly FFTNorm[] = ['backward', 'ortho', 'forward'];

interface Resolved {
  axis: number;
  n: number;
  norm: FFTNorm;
  impl: FFTOptions['impl'];
}

/** Checks a `{ real, imag }` argument: float32 tensors of one shape, rank >= 1. */
export function checkComplex(x: unknown, where: string, argument = 'x'): asserts x is ComplexTensor {
  if (!isRecord(x) || !('real' in x) || !('imag' in x)) {
    throw new ConfigError('not a complex pair', { where, argument, expected: '{ real, imag } (float32 tensors of one shape)', got: show(x) });
  }
  checkTensor(x.real, { where, argument: `${argument}.real`, dtype: 'float32', minRank: 1 });
  checkTensor(x.imag, { where, argument: `${argument}.imag`, dtype: 'float32', minRank: 1 });
  const a = x.real.shape;
  const b = x.imag.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new ShapeError('real and imaginary parts differ in shape', {
      where,
      argument: `${argument}.imag`,
      expected: `shape ${formatShape(a)} (as ${argument}.real)`,
      got: `shape ${formatShape(b)}`,
    });
  }
}

/** Resolves axis (to >= 0) and norm; n is checked when given. */
function resolve(options: FFTOptions | undefined, shape: number[], where: string): Omit<Resolved, 'n'> & { n?: number } {
  const o = checkOptions(options, { where, known: KNOWN });
  const rank = shape.length;
  const axis = checkNumber(o.axis ?? -1, { where, argument: 'axis', integer: true, min: -rank, max: rank - 1 });
  const norm = o.norm ?? 'backward';
  if (!NORMS.includes(norm)) {
    throw new ConfigError('invalid value', { where, argument: 'norm', expected: "'backward', 'ortho' or 'forward'", got: show(norm) });
  }
  const n = o.n === undefined ? undefined : checkNumber(o.n, { where, argument: 'n', integer: true, min: 1 });
  return { axis: axis < 0 ? axis + rank : axis, n, norm, impl: o.impl };
}

function lengthAt(shape: number[], axis: number, where: string): number {
  if (shape[axis] < 1) {
    throw new ConfigError('empty axis', { where, argument: 'n', expected: `an integer >= 1 (the axis ${axis} is empty)`, got: 'undefined' });
  }
  return shape[axis];
}

function complexTransform(x: ComplexTensor, options: FFTOptions | undefined, inverse: boolean, where: string): ComplexTensor {
  checkComplex(x, where);
  const r = resolve(options, x.real.shape, where);
  const n = r.n ?? lengthAt(x.real.shape, r.axis, where);
  if (!useFusedKernel(r.impl, where, fftKernel)) return fftReference(x, { axis: r.axis, n, norm: r.norm, inverse });
  const scale = fftScale(r.norm, n, inverse);
  const [real, imag] = runFusedKernel(FFT_KERNEL, { real: x.real, imag: x.imag }, { axis: r.axis, n, inverse, scale }) as tf.Tensor[];
  return { real, imag };
}

/**
 * The discrete Fourier transform along one axis, `X_k = sum_j x_j e^{-2 pi i jk/n}` (numpy's and
 * torch's `fft`): `{ real, imag }` -> `{ real, imag }` with n entries on the axis. Any length
 * (radix-2 for powers of two, Bluestein otherwise). Differentiable in both parts.
 *
 * @example
 * const { real, imag } = fft({ real: x, imag: tf.zerosLike(x) }, { axis: 1, norm: 'ortho' });
 */
export function fft(x: ComplexTensor, options?: FFTOptions): ComplexTensor {
  return complexTransform(x, options, false, 'fft');
}

/** The inverse of {@link fft}, `x_j = (1/n) sum_k X_k e^{2 pi i jk/n}` with the default norm. */
export function ifft(x: ComplexTensor, options?: FFTOptions): ComplexTensor {
  return complexTransform(x, options, true, 'ifft');
}

/**
 * The DFT of a real float32 tensor along one axis, bins 0..n/2 (numpy's `rfft`): -> `{ real,
 * imag }` with `floor(n/2) + 1` entries on the axis. Differentiable in x.
 */
export function rfft(x: tf.Tensor, options?: FFTOptions): ComplexTensor {
  const where = 'rfft';
  checkTensor(x, { where, dtype: 'float32', minRank: 1 });
  const r = resolve(options, x.shape, where);
  const n = r.n ?? lengthAt(x.shape, r.axis, where);
  if (!useFusedKernel(r.impl, where, rfftKernel)) return rfftReference(x, { axis: r.axis, n, norm: r.norm });
  const scale = fftScale(r.norm, n, false);
  const [real, imag] = runFusedKernel(RFFT_KERNEL, { x }, { axis: r.axis, n, inverse: false, scale }) as tf.Tensor[];
  return { real, imag };
}

/**
 * The inverse of {@link rfft} (numpy's `irfft`): Hermitian bins `{ real, imag }` (m on the axis)
 * -> a real tensor with n entries on the axis, default `n = 2 (m - 1)`. The bins are cropped or
 * zero-padded to `n/2 + 1`; the imaginary parts of bin 0 and (n even) of bin n/2 are ignored,
 * and get zero gradients. Differentiable in both parts.
 */
export function irfft(x: ComplexTensor, options?: FFTOptions): tf.Tensor {
  const where = 'irfft';
  checkComplex(x, where);
  const r = resolve(options, x.real.shape, where);
  let n = r.n;
  if (n === undefined) {
    const m = x.real.shape[r.axis];
    if (m < 2) {
      throw new ConfigError('too few bins for the default output length', {
        where,
        argument: 'n',
        expected: `an integer >= 1 (the default 2 (m - 1) needs m >= 2 bins on axis ${r.axis})`,
        got: `undefined with m = ${m}`,
      });
    }
    n = 2 * (m - 1);
  }
  if (!useFusedKernel(r.impl, where, irfftKernel)) return irfftReference(x, { axis: r.axis, n, norm: r.norm });
  const scale = fftScale(r.norm, n, true);
  return runFusedKernel(IRFFT_KERNEL, { real: x.real, imag: x.imag }, { axis: r.axis, n, inverse: true, scale }) as tf.Tensor;
}
