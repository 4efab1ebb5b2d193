// The last-axis truncated real DFTs of the spectral convolutions, as matMuls against cached
// constant bases with a custom gradient: dx = dy B^T by an untransposed matMul against B^T, and
// no gradient for the basis (tfjs's own MatMul gradient uses transposeA/B, 4-17x slower on
// tfjs-wasm, and @basiskit/tensor's `linear` would compute the unused [k, c] weight gradient):
//
//   forward:  Yr = x (s C),  Yi = x (-s S)                      C, S [n, m]: cos, sin(2 pi j k / n)
//   inverse:  x = Zr (s Wc) + Zi (-s Ws)                        Wc, Ws [m, n]: w_k cos, w_k sin,
//                                                               w_0 = 1, w_k = 2, w_{n/2} = 1 (n even)
//
// At power-of-two n on backends with @basiskit/kernels' fused FFTs (cpu, wasm) the kernels'
// FFT path (`truncatedRfft`/`truncatedIrfft` with impl 'fft') is faster and is taken instead
// (measured on wasm, [16384, 64] -> 7 bins: rfft fwd+bwd 5.6-6.3 vs 8.1-9.5 ms, irfft fwd+bwd
// 13.0-13.3 vs 17.5-17.8 ms); at other n the kernels' FFT is the slower Bluestein kernel and
// their matMul path has tfjs's transposed MatMul gradient, so the matMuls here win.
//
// Same values as @basiskit/kernels' truncatedRfft/truncatedIrfft (numpy's rfft sliced to m bins;
// irfft of m bins zero-padded, imaginary parts of bin 0 and Nyquist ignored); s from the norm.
import { hasFusedKernels, truncatedIrfft, truncatedRfft, type ComplexTensor, type FFTNorm } from '@basiskit/kernels';
import { tf } from '@basiskit/tensor';

interface Basis {
  re: Float32Array;
  im: Float32Array;
  /** The same, transposed. */
  reT: Float32Array;
  imT: Float32Array;
}

const cache = new Map<string, Basis>();

/**
 * x [rows, k] @ b [k, c] for a constant b (given also transposed, bt [c, k]): the gradient in x is
 * dy @ bt, untransposed; b and bt get zero gradients (no [k, c] weight gradient computed).
 */
const mmConst = tf.customGrad(((x: tf.Tensor2D, b: tf.Tensor2D, bt: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([bt]);
  return {
    value: tf.matMul(x, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, saved[0] as tf.Tensor2D), tf.zerosLike(b), tf.zerosLike(bt)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, b: tf.Tensor, bt: tf.Tensor) => tf.Tensor;

/** x [rows, k] times the constant [k, c] matrix `b` (row-major; `bt` its transpose). */
function times(x: tf.Tensor, b: Float32Array, bt: Float32Array, k: number, c: number): tf.Tensor {
  return mmConst(x, tf.tensor2d(b, [k, c]), tf.tensor2d(bt, [c, k]));
}

function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/** cos/sin of 2 pi r / n, exact at multiples of a quarter turn. */
function cosSin(j: number, k: number, n: number): [number, number] {
  const r = (j * k) % n;
  if (r === 0) return [1, 0];
  if (2 * r === n) return [-1, 0];
  if (4 * r === n) return [0, 1];
  if (4 * r === 3 * n) return [0, -1];
  const a = (2 * Math.PI * r) / n;
  return [Math.cos(a), Math.sin(a)];
}

function scaleOf(norm: FFTNorm, n: number, inverse: boolean): number {
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  return (norm === 'forward') !== inverse ? 1 / n : 1;
}

/** Forward: [n, m] s cos and -s sin; inverse: [m, n] s w_k cos and -s w_k sin (row-major). */
function basis(n: number, m: number, norm: FFTNorm, inverse: boolean): Basis {
  const key = `${n},${m},${norm},${inverse}`;
  let b = cache.get(key);
  if (b) return b;
  const s = scaleOf(norm, n, inverse);
  const re = new Float32Array(m * n);
  const im = new Float32Array(m * n);
  for (let k = 0; k < m; k++) {
    const w = inverse ? (k === 0 || 2 * k === n ? 1 : 2) : 1;
    for (let j = 0; j < n; j++) {
      const [c, sn] = cosSin(j, k, n);
      const at = inverse ? k * n + j : j * m + k;
      re[at] = s * w * c;
      im[at] = -s * w * sn;
    }
  }
  const [r, c] = inverse ? [m, n] : [n, m];
  b = { re, im, reT: transposed(re, r, c), imT: transposed(im, r, c) };
  if (n * m <= 1 << 20) cache.set(key, b);
  return b;
}

/** Whether the kernels' FFT path is the faster one: power-of-two n with fused kernels. */
function fftPath(n: number): boolean {
  return n >= 2 && (n & (n - 1)) === 0 && hasFusedKernels();
}

/** The first `m` rfft bins of the last axis of `x` (length n), `{ real, imag }` `[..., m]`. */
export function truncatedRfftLast(x: tf.Tensor, m: number, norm: FFTNorm): ComplexTensor {
  const n = x.shape[x.rank - 1] as number;
  if (fftPath(n)) return truncatedRfft(x, { modes: m, norm, impl: 'fft' });
  const [real, imag] = tf.tidy(() => {
    const lead = x.shape.slice(0, -1);
    const x2 = tf.reshape(x, [-1, n]);
    const b = basis(n, m, norm, false);
    return [tf.reshape(times(x2, b.re, b.reT, n, m), [...lead, m]), tf.reshape(times(x2, b.im, b.imT, n, m), [...lead, m])];
  });
  return { real, imag };
}

/** irfft of `z` (`[..., m]` bins, zero-padded) to length n on the last axis. */
export function truncatedIrfftLast(z: ComplexTensor, n: number, norm: FFTNorm): tf.Tensor {
  if (fftPath(n)) return truncatedIrfft(z, { n, norm, impl: 'fft' });
  const m = z.real.shape[z.real.rank - 1] as number;
  return tf.tidy(() => {
    const lead = z.real.shape.slice(0, -1);
    const b = basis(n, m, norm, true);
    const y = tf.add(times(tf.reshape(z.real, [-1, m]), b.re, b.reT, m, n), times(tf.reshape(z.imag, [-1, m]), b.im, b.imT, m, n));
    return tf.reshape(y, [...lead, n]);
  });
}
