// Truncated real DFTs: only the first `modes` bins of an axis (and back), the way a Fourier
// neural operator keeps only its low modes. Two paths giving the same values:
// - 'matmul': matMuls against cached [n, modes] cos/sin bases, O(n modes) per line; the gradient
//   is the untransposed matMul against the cached transposed bases (tfjs's own MatMul gradient
//   would use transposeB, slow on tfjs-wasm);
// - 'fft': the fused rfft kernel writing only the first `modes` bins (its gradient the adjoint
//   transform of the zero-extended bins), and irfft, which zero-pads the bins itself.
// 'auto' (default) picks by the measured table `MATMUL_MAX_MODES` (at the end of this file):
// with the fused FFT kernels (cpu, wasm) the FFT path at power-of-two n, the matMul path for few
// modes at other n (whose FFT is the JavaScript Bluestein kernel); elsewhere the matMul path.
//
//   truncatedRfft:   Yr = s x C,   Yi = -s x S                        C, S [n, m]: cos, sin(2 pi jk/n)
//   truncatedIrfft:  x = s ((zr) Wc - (zi) Ws)                        Wc, Ws [m, n]: w_k cos, w_k sin
//                    w_0 = 1, w_k = 2, w_{n/2} = 1 (n even)           (irfft of the bins zero-padded)
import { ConfigError, checkNumber, checkOptions, checkTensor, tf } from '@basiskit/tensor';
import { checkComplex, irfft, rfft } from './fft';
import { fftScale, fitLast, type ComplexTensor, type FFTNorm } from './fft_reference';
import { irfftKernel, RFFT_KERNEL, rfftKernel } from './fft_kernel';
import { hasFusedKernels, runFusedKernel, useFusedKernel } from './kernel_dispatch';

/** Options of {@link truncatedRfft}. */
export interface TruncatedRfftOptions {
  /** How many bins to keep, 1..floor(n/2) + 1 (the first ones, as `rfft(x)` sliced). */
  modes: number;
  /** The axis (negative counts from the end); default -1. */
  axis?: number;
  /** Transform length (the axis is cropped or zero-padded to it); default its size. */
  n?: number;
  /** `'backward'` (default), `'ortho'` or `'forward'`, as for {@link rfft}. */
  norm?: FFTNorm;
  /**
   * `'matmul'` (against the cached bases), `'fft'` (the full rfft, then a slice) or `'auto'`
   * (default: whichever measured faster for this n, modes and backend, `MATMUL_MAX_MODES`).
   */
  impl?: TruncatedImpl;
}

/** How a truncated DFT is computed: see {@link TruncatedRfftOptions.impl}. */
export type TruncatedImpl = 'auto' | 'matmul' | 'fft';

/** Options of {@link truncatedIrfft}. */
export interface TruncatedIrfftOptions {
  /** The output length (required: the bins do not determine it). */
  n: number;
  /** The axis (negative counts from the end); default -1. */
  axis?: number;
  /** `'backward'` (default), `'ortho'` or `'forward'`, as for {@link irfft}. */
  norm?: FFTNorm;
  /**
   * `'matmul'` (against the cached bases), `'fft'` (irfft of the zero-padded bins) or `'auto'`
   * (default: whichever measured faster for this n, bins and backend, `MATMUL_MAX_MODES`).
   */
  impl?: TruncatedImpl;
}

interface Bases {
  cos: Float32Array;
  sin: Float32Array;
  /** the same, transposed (for the gradient's untransposed matMul) */
  cosT: Float32Array;
  sinT: Float32Array;
}

const cache = new Map<string, Bases>();

function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/**
 * x [rows, k] @ b [k, c] for a constant b (`bt` its transpose): the gradient in x is dy @ bt, an
 * untransposed matMul (tfjs's MatMul gradient uses transposeB, 4-17x slower on tfjs-wasm), and b, bt
 * get zero gradients (no [k, c] product for a constant).
 */
const constMatMul = tf.customGrad(((x: tf.Tensor2D, b: tf.Tensor2D, bt: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([bt]);
  return {
    value: tf.matMul(x, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, saved[0] as tf.Tensor2D), tf.zerosLike(b), tf.zerosLike(bt)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, b: tf.Tensor, bt: tf.Tensor) => tf.Tensor;

/** x [..., k] times the constant row-major [k, c] matrix `b` (`bt` its transpose) -> [..., c]. */
function times(x: tf.Tensor, b: Float32Array, bt: Float32Array, k: number, c: number): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const y = constMatMul(tf.reshape(x, [-1, k]), tf.tensor2d(b, [k, c]), tf.tensor2d(bt, [c, k]));
  return tf.reshape(y, [...lead, c]);
}

/** [n, m] (forward) or weighted [m, n] (inverse) bases, float64-computed, cached. */
function basesOf(n: number, m: number, inverse: boolean): Bases {
  const key = `${n},${m},${inverse}`;
  let b = cache.get(key);
  if (!b) {
    const cos = new Float32Array(n * m);
    const sin = new Float32Array(n * m);
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < m; k++) {
        const r = (j * k) % n;
        const a = (2 * Math.PI * r) / n;
        const c = r === 0 ? 1 : 2 * r === n ? -1 : 4 * r === n || 4 * r === 3 * n ? 0 : Math.cos(a);
        const s = r === 0 || 2 * r === n ? 0 : 4 * r === n ? 1 : 4 * r === 3 * n ? -1 : Math.sin(a);
        const w = inverse ? (k === 0 || 2 * k === n ? 1 : 2) : 1;
        const i = inverse ? k * n + j : j * m + k;
        cos[i] = w * c;
        sin[i] = w * s;
      }
    }
    const [rows, cols] = inverse ? [m, n] : [n, m];
    b = { cos, sin, cosT: transposed(cos, rows, cols), sinT: transposed(sin, rows, cols) };
    if (n * m <= 1 << 19) cache.set(key, b); // keep at most 8 MB per entry (four arrays)
  }
  return b;
}

function axisOf(axis: unknown, rank: number, where: string): number {
  const a = checkNumber(axis ?? -1, { where, argument: 'axis', integer: true, min: -rank, max: rank - 1 });
  return a < 0 ? a + rank : a;
}

function toLast(t: tf.Tensor, axis: number): [tf.Tensor, number[] | null] {
  if (axis === t.rank - 1) return [t, null];
  const perm = [...Array(t.rank).keys()].filter((d) => d !== axis).concat(axis);
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return [tf.transpose(t, perm), inv];
}

/**
 * The first `modes` bins of {@link rfft} along one axis, by a matMul against cached `[n, modes]`
 * cos/sin bases (no full spectrum): equal to `rfft(x, { axis, n, norm })` sliced to `modes` bins
 * on the axis. Differentiable in x.
 *
 * @example
 * const low = truncatedRfft(x, { modes: 16, norm: 'forward' }); // [..., 16] pair
 */
export function truncatedRfft(x: tf.Tensor, options: TruncatedRfftOptions): ComplexTensor {
  const where = 'truncatedRfft';
  checkTensor(x, { where, dtype: 'float32', minRank: 1 });
  if (options === undefined) throw new ConfigError('options are required', { where, argument: 'options', expected: '{ modes }', got: 'undefined' });
  const o = checkOptions(options, { where, known: ['modes', 'axis', 'n', 'norm', 'impl'] });
  const axis = axisOf(o.axis, x.rank, where);
  const n = checkNumber(o.n ?? x.shape[axis], { where, argument: 'n', integer: true, min: 1 });
  const m = checkNumber(o.modes, { where, argument: 'modes', integer: true, min: 1, max: (n >> 1) + 1 });
  const norm = checkNorm(o.norm, where);
  const s = fftScale(norm, n, false);
  if (!useMatmul(o.impl, n, m, false, where)) {
    // the rfft kernel writes only the first m bins (no slice); without it, the reference and a slice
    if (useFusedKernel('auto', where, rfftKernel)) {
      const [real, imag] = runFusedKernel(RFFT_KERNEL, { x }, { axis, n, inverse: false, scale: s, bins: m }) as tf.Tensor[];
      return { real, imag };
    }
    return tf.tidy(() => {
      const f = rfft(x, { axis, n, norm });
      const size = x.shape.map((d, i) => (i === axis ? m : d));
      const begin = x.shape.map(() => 0);
      return { real: tf.slice(f.real, begin, size), imag: tf.slice(f.imag, begin, size) };
    });
  }
  const [real, imag] = tf.tidy(() => {
    const [xl, inv] = toLast(x, axis);
    const b = basesOf(n, m, false);
    const xf = fitLast(xl, n);
    const yr = tf.mul(times(xf, b.cos, b.cosT, n, m), s);
    const yi = tf.mul(times(xf, b.sin, b.sinT, n, m), -s);
    return inv ? [tf.transpose(yr, inv), tf.transpose(yi, inv)] : [yr, yi];
  });
  return { real, imag };
}

/**
 * The real signal of length n whose first bins are `x` (m on the axis, m <= floor(n/2) + 1) and
 * whose other bins are 0: {@link irfft} of the bins zero-padded, by a matMul against cached
 * weighted `[m, n]` bases. As irfft, the imaginary parts of bin 0 and (n even) bin n/2 are
 * ignored. Differentiable in both parts.
 */
export function truncatedIrfft(x: ComplexTensor, options: TruncatedIrfftOptions): tf.Tensor {
  const where = 'truncatedIrfft';
  checkComplex(x, where);
  if (options === undefined) throw new ConfigError('options are required', { where, argument: 'options', expected: '{ n }', got: 'undefined' });
  const o = checkOptions(options, { where, known: ['n', 'axis', 'norm', 'impl'] });
  const axis = axisOf(o.axis, x.real.rank, where);
  const n = checkNumber(o.n, { where, argument: 'n', integer: true, min: 1 });
  const m = x.real.shape[axis];
  if (m < 1 || m > (n >> 1) + 1) {
    throw new ConfigError('too many or no bins for n', {
      where,
      argument: 'x',
      expected: `1..${(n >> 1) + 1} bins on axis ${axis} (n = ${n})`,
      got: `${m} bins`,
    });
  }
  const norm = checkNorm(o.norm, where);
  if (!useMatmul(o.impl, n, m, true, where)) return irfft(x, { axis, n, norm }); // irfft zero-pads the bins
  const s = fftScale(norm, n, true);
  return tf.tidy(() => {
    const [zr, inv] = toLast(x.real, axis);
    const [zi] = toLast(x.imag, axis);
    const b = basesOf(n, m, true);
    const y = tf.mul(tf.sub(times(zr, b.cos, b.cosT, m, n), times(zi, b.sin, b.sinT, m, n)), s);
    return inv ? tf.transpose(y, inv) : y;
  });
}

function checkNorm(norm: unknown, where: string): FFTNorm {
  const v = norm ?? 'backward';
  if (v !== 'backward' && v !== 'ortho' && v !== 'forward') {
    throw new ConfigError('invalid value', { where, argument: 'norm', expected: "'backward', 'ortho' or 'forward'", got: String(norm) });
  }
  return v;
}

/**
 * For 'auto': the largest number of modes (bins) at which the matMul path is taken, per backend
 * and direction, for n a power of two and other n; more modes take the FFT path. Measured with
 * `node bench/run.mjs truncated` (and `truncated 16`), 2026-11-29, 2-core Intel Xeon VM, Node 20,
 * tfjs 4.22, 256 and 16 lines, forward and forward + backward, fastest of 7-15 runs:
 * - n = 32..1024 (powers of two), m = 4..n/2+1: the FFT path (the wasm SIMD kernel, on cpu the
 *   JavaScript one) was faster in every case on both backends, forward and backward (n = 1024,
 *   m = 16, 256 lines on wasm: 0.29 vs 0.80 ms forward, 1.02 vs 2.29 ms with the backward).
 * - n = 96 and 1000 (the JavaScript Bluestein FFT), after the matMul path's backward became
 *   untransposed matMuls: on wasm (XNNPACK matMul) the matMul path won up to m = 48 (n = 96, all
 *   m) / 256 (n = 1000) on 256 lines, and up to m = 24 (n = 96) / 48 (n = 1000) on 16 lines;
 *   on cpu it won up to m = 8 forward (n = 96), never clearly inverse.
 */
export const MATMUL_MAX_MODES: Readonly<Record<'wasm' | 'cpu', Readonly<Record<'powerOfTwo' | 'other', { forward: number; inverse: number }>>>> = {
  wasm: { powerOfTwo: { forward: 0, inverse: 0 }, other: { forward: 48, inverse: 48 } },
  cpu: { powerOfTwo: { forward: 0, inverse: 0 }, other: { forward: 8, inverse: 0 } },
};

/** Whether to take the matMul path for `impl` (checked) at transform length n and m modes. */
function useMatmul(impl: unknown, n: number, m: number, inverse: boolean, where: string): boolean {
  const mode = impl ?? 'auto';
  if (mode !== 'auto' && mode !== 'matmul' && mode !== 'fft') {
    throw new ConfigError('invalid value', { where, argument: 'impl', expected: "'auto', 'matmul' or 'fft'", got: String(impl) });
  }
  if (mode !== 'auto') return mode === 'matmul';
  // without the fused FFT kernels (webgl, webgpu before registerWebGPUKernels, tfjs-node) rfft is the O(n^2) plain-ops reference;
  // webgpu with the WGSL kernels follows the cpu row (not measured there)
  if (!hasFusedKernels(inverse ? irfftKernel : rfftKernel)) return true;
  const row = MATMUL_MAX_MODES[tf.getBackend() === 'wasm' ? 'wasm' : 'cpu'][(n & (n - 1)) === 0 ? 'powerOfTwo' : 'other'];
  return m <= (inverse ? row.inverse : row.forward);
}
