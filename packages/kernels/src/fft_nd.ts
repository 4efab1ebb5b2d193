// Transforms over several axes, composed of the one-axis FFTs of fft.ts (numpy's fftn, ifftn,
// rfftn, irfftn), and fftshift/ifftshift as rolls. rfftn is rfft on the last of the axes, then
// fft on the others; irfftn is ifft on all but the last, then irfft on the last. The scales of
// the norms multiply over the axes, so the composition has numpy's normalisation. Gradients
// come from those of the one-axis ops.
import { ConfigError, checkNumber, checkOptions, checkTensor, show, tf } from '@basiskit/tensor';
import { checkComplex, fft, ifft, irfft, rfft, type FFTOptions } from './fft';
import type { ComplexTensor } from './fft_reference';

/** Options of {@link fftn}, {@link ifftn}, {@link rfftn} and {@link irfftn}. */
export interface FFTNOptions {
  /**
   * The axes to transform (negative counts from the end), in order; default the last `s.length`
   * axes when `s` is given, else every axis.
   */
  axes?: number[];
  /** Transform lengths per axis (numpy's `s`); default the axes' sizes (irfftn's last: 2 (m - 1)). */
  s?: number[];
  /** Normalisation of every axis; default `'backward'`. */
  norm?: FFTOptions['norm'];
  /** Force the plain-ops references (`'reference'`) or the fused kernels (`'fused'`); default `'auto'`. */
  impl?: FFTOptions['impl'];
}

/** Options of {@link fftshift} and {@link ifftshift}. */
export interface FFTShiftOptions {
  /** Axes to shift (negative counts from the end); default every axis. */
  axes?: number[];
}

function checkAxes(axes: unknown, rank: number, where: string): number[] {
  if (!Array.isArray(axes) || axes.length === 0) {
    throw new ConfigError('invalid value', { where, argument: 'axes', expected: 'a non-empty array of axes', got: show(axes) });
  }
  const out = axes.map((a, i) => {
    const v = checkNumber(a, { where, argument: `axes[${i}]`, integer: true, min: -rank, max: rank - 1 });
    return v < 0 ? v + rank : v;
  });
  if (new Set(out).size !== out.length) {
    throw new ConfigError('repeated axis', { where, argument: 'axes', expected: 'distinct axes', got: show(axes) });
  }
  return out;
}

function resolveN(options: FFTNOptions | undefined, rank: number, where: string) {
  const o = checkOptions(options, { where, known: ['axes', 's', 'norm', 'impl'] });
  let s: number[] | undefined;
  if (o.s !== undefined) {
    if (!Array.isArray(o.s)) throw new ConfigError('invalid value', { where, argument: 's', expected: 'an array of lengths', got: show(o.s) });
    s = o.s.map((v, i) => checkNumber(v, { where, argument: `s[${i}]`, integer: true, min: 1 }));
  }
  const axes = checkAxes(o.axes ?? (s ? s.map((_, i) => rank - s!.length + i) : [...Array(rank).keys()]), rank, where);
  if (s && s.length !== axes.length) {
    throw new ConfigError('s and axes differ in length', { where, argument: 's', expected: `${axes.length} lengths (one per axis)`, got: show(s) });
  }
  return { axes, s, norm: o.norm, impl: o.impl };
}

function complexN(x: ComplexTensor, options: FFTNOptions | undefined, inverse: boolean, where: string): ComplexTensor {
  checkComplex(x, where);
  const { axes, s, norm, impl } = resolveN(options, x.real.rank, where);
  const [real, imag] = tf.tidy(() => {
    let y = x;
    axes.forEach((axis, i) => {
      y = (inverse ? ifft : fft)(y, { axis, n: s?.[i], norm, impl });
    });
    return [y.real, y.imag];
  });
  return { real, imag };
}

/**
 * The DFT over several axes (numpy's `fftn`): {@link fft} along each of `axes` in turn.
 *
 * @example
 * const y = fftn({ real, imag }, { axes: [-2, -1], norm: 'ortho' });
 */
export function fftn(x: ComplexTensor, options?: FFTNOptions): ComplexTensor {
  return complexN(x, options, false, 'fftn');
}

/** The inverse of {@link fftn} (numpy's `ifftn`): {@link ifft} along each of `axes`. */
export function ifftn(x: ComplexTensor, options?: FFTNOptions): ComplexTensor {
  return complexN(x, options, true, 'ifftn');
}

/**
 * The DFT of a real tensor over several axes (numpy's `rfftn`): {@link rfft} on the last of
 * `axes` (floor(n/2) + 1 bins there), then {@link fft} on the others.
 *
 * @example
 * const y = rfftn(x, { axes: [-2, -1], norm: 'forward' }); // neuraloperator's SpectralConv
 */
export function rfftn(x: tf.Tensor, options?: FFTNOptions): ComplexTensor {
  const where = 'rfftn';
  checkTensor(x, { where, dtype: 'float32', minRank: 1 });
  const { axes, s, norm, impl } = resolveN(options, x.rank, where);
  const last = axes.length - 1;
  const [real, imag] = tf.tidy(() => {
    let y = rfft(x, { axis: axes[last], n: s?.[last], norm, impl });
    for (let i = 0; i < last; i++) y = fft(y, { axis: axes[i], n: s?.[i], norm, impl });
    return [y.real, y.imag];
  });
  return { real, imag };
}

/**
 * The inverse of {@link rfftn} (numpy's `irfftn`): {@link ifft} on all but the last of `axes`,
 * then {@link irfft} on the last (output length `s[-1]`, default 2 (m - 1)).
 */
export function irfftn(x: ComplexTensor, options?: FFTNOptions): tf.Tensor {
  const where = 'irfftn';
  checkComplex(x, where);
  const { axes, s, norm, impl } = resolveN(options, x.real.rank, where);
  const last = axes.length - 1;
  return tf.tidy(() => {
    let y = x;
    for (let i = 0; i < last; i++) y = ifft(y, { axis: axes[i], n: s?.[i], norm, impl });
    return irfft(y, { axis: axes[last], n: s?.[last], norm, impl });
  });
}

/** Rolls `t` by `shift` along `axis` (entries move to higher indices). */
function roll(t: tf.Tensor, shift: number, axis: number): tf.Tensor {
  const n = t.shape[axis];
  const k = n === 0 ? 0 : ((shift % n) + n) % n;
  if (k === 0) return tf.clone(t);
  const begin = t.shape.map(() => 0);
  const head = tf.slice(
    t,
    begin.map((b, i) => (i === axis ? n - k : b)),
    t.shape.map((d, i) => (i === axis ? k : d)),
  );
  const tail = tf.slice(
    t,
    begin,
    t.shape.map((d, i) => (i === axis ? n - k : d)),
  );
  return tf.concat([head, tail], axis);
}

function shiftAll<T extends tf.Tensor | ComplexTensor>(x: T, options: FFTShiftOptions | undefined, inverse: boolean, where: string): T {
  const o = checkOptions(options, { where, known: ['axes'] });
  const isComplex = !(x instanceof tf.Tensor);
  if (isComplex) checkComplex(x, where);
  else checkTensor(x, { where, minRank: 1 });
  const parts = isComplex ? [(x as ComplexTensor).real, (x as ComplexTensor).imag] : [x as tf.Tensor];
  const rank = parts[0].rank;
  const axes = checkAxes(o.axes ?? [...Array(rank).keys()], rank, where);
  const out = parts.map((p) =>
    tf.tidy(() => {
      let y = p;
      for (const axis of axes) {
        const half = Math.floor(p.shape[axis] / 2);
        y = roll(y, inverse ? -half : half, axis);
      }
      return y === p ? tf.clone(p) : y;
    }),
  );
  return (isComplex ? { real: out[0], imag: out[1] } : out[0]) as T;
}

/**
 * Moves the zero-frequency entry to the centre of each of `axes` (numpy's `fftshift`): a roll
 * by floor(n/2). Takes a tensor or a `{ real, imag }` pair; returns the same kind.
 */
export function fftshift<T extends tf.Tensor | ComplexTensor>(x: T, options?: FFTShiftOptions): T {
  return shiftAll(x, options, false, 'fftshift');
}

/** The inverse of {@link fftshift} (numpy's `ifftshift`): a roll by -floor(n/2). */
export function ifftshift<T extends tf.Tensor | ComplexTensor>(x: T, options?: FFTShiftOptions): T {
  return shiftAll(x, options, true, 'ifftshift');
}
