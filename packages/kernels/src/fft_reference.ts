// Plain-ops references of the FFTs (fft.ts), differentiated by tfjs's autograd: the DFT as a
// matMul against cos/sin bases [n, n] (cos(2 pi jk/n), sin(2 pi jk/n), jk reduced mod n in
// float64, tables cached per n up to 1024), the axis moved last by a transpose (here only; the
// fused kernels read the axis by strides). Tests compare the fused kernels of fft_kernel.ts with
// these; backends without those kernels (webgl, webgpu) run them. O(n^2) per line.
//
//   forward (e^{-i}):  Yr = Xr C + Xi S,   Yi = Xi C - Xr S      inverse: the signs of S flip
//   rfft:              Yr = x C[:, :m],    Yi = -x S[:, :m]      m = n/2 + 1
//   irfft:             x = (w zr) C[:m, :] - (w zi) S[:m, :]     w = 1, 2, ..., 2, (1 if n even)
import { tf } from '@basiskit/tensor';

/** A complex tensor as two float32 tensors of one shape. */
export interface ComplexTensor {
  /** Real parts. */
  real: tf.Tensor;
  /** Imaginary parts. */
  imag: tf.Tensor;
}

/** FFT normalisation, as numpy's and torch's `norm`. */
export type FFTNorm = 'backward' | 'ortho' | 'forward';

/** The scale of a transform of length n: forward (fft, rfft) or inverse (ifft, irfft). */
export function fftScale(norm: FFTNorm, n: number, inverse: boolean): number {
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  return (norm === 'backward') === inverse ? 1 / n : 1;
}

/** Resolved arguments of a one-axis reference transform. */
export interface FFTReferenceOptions {
  /** Axis, negative counting from the end; default -1. */
  axis?: number;
  /** Transform length (the axis is cropped or zero-padded to it); default its size (irfft: 2 (m - 1)). */
  n?: number;
  /** Normalisation; default 'backward'. */
  norm?: FFTNorm;
}

const bases = new Map<number, { cos: Float32Array; sin: Float32Array }>();
/** Largest n whose bases are kept (2 n^2 floats: 8 MB at 1024); larger ones are rebuilt per call. */
const MAX_CACHED = 1024;

function basesOf(n: number) {
  let b = bases.get(n);
  if (!b) {
    const cos = new Float32Array(n * n);
    const sin = new Float32Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        const r = (j * k) % n;
        let c: number;
        let s: number;
        if (r === 0) [c, s] = [1, 0];
        else if (2 * r === n) [c, s] = [-1, 0];
        else if (4 * r === n) [c, s] = [0, 1];
        else if (4 * r === 3 * n) [c, s] = [0, -1];
        else [c, s] = [Math.cos((2 * Math.PI * r) / n), Math.sin((2 * Math.PI * r) / n)];
        cos[j * n + k] = c;
        sin[j * n + k] = s;
      }
    }
    b = { cos, sin };
    if (n <= MAX_CACHED) bases.set(n, b);
  }
  return b;
}

/** [rows, cols] block of the n x n cos and sin bases as tensors. */
function basisTensors(n: number, rows: number, cols: number): [tf.Tensor2D, tf.Tensor2D] {
  const { cos, sin } = basesOf(n);
  const c = tf.tensor2d(cos, [n, n]);
  const s = tf.tensor2d(sin, [n, n]);
  if (rows === n && cols === n) return [c, s];
  return [tf.slice(c, [0, 0], [rows, cols]), tf.slice(s, [0, 0], [rows, cols])];
}

const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function permLast(rank: number, axis: number): number[] {
  const perm = [...Array(rank).keys()].filter((d) => d !== axis);
  perm.push(axis);
  return perm;
}

function moveLast(t: tf.Tensor, axis: number): tf.Tensor {
  return axis === t.rank - 1 ? t : tf.transpose(t, permLast(t.rank, axis));
}

function moveBack(t: tf.Tensor, axis: number): tf.Tensor {
  if (axis === t.rank - 1) return t;
  const perm = permLast(t.rank, axis);
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return tf.transpose(t, inv);
}

/** Crops or zero-pads the last axis to `len`. */
export function fitLast(t: tf.Tensor, len: number): tf.Tensor {
  const have = t.shape[t.rank - 1];
  if (have === len) return t;
  if (have > len)
    return tf.slice(
      t,
      t.shape.map(() => 0),
      [...t.shape.slice(0, -1), len],
    );
  return tf.pad(
    t,
    t.shape.map((_, i) => (i === t.rank - 1 ? [0, len - have] : [0, 0]) as [number, number]),
  );
}

/** x [..., a] times b [a, c] -> [..., c]. */
export function mm(x: tf.Tensor, b: tf.Tensor2D): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  return tf.reshape(tf.matMul(tf.reshape(x, [-1, b.shape[0]]), b), [...lead, b.shape[1]]);
}

/** fft (or, with `inverse`, ifft) along one axis by DFT matMuls. */
export function fftReference(x: ComplexTensor, options: FFTReferenceOptions & { inverse?: boolean } = {}): ComplexTensor {
  const out = tf.tidy(() => {
    const axis = normAxis(options.axis ?? -1, x.real.rank);
    const n = options.n ?? x.real.shape[axis];
    const inverse = options.inverse ?? false;
    const s = fftScale(options.norm ?? 'backward', n, inverse);
    const xr = fitLast(moveLast(x.real, axis), n);
    const xi = fitLast(moveLast(x.imag, axis), n);
    const [c, sn] = basisTensors(n, n, n);
    const rc = mm(xr, c);
    const rs = mm(xr, sn);
    const ic = mm(xi, c);
    const is = mm(xi, sn);
    const yr = inverse ? tf.sub(rc, is) : tf.add(rc, is);
    const yi = inverse ? tf.add(ic, rs) : tf.sub(ic, rs);
    return [moveBack(tf.mul(yr, s), axis), moveBack(tf.mul(yi, s), axis)];
  });
  return { real: out[0], imag: out[1] };
}

/** rfft along one axis by DFT matMuls: real x -> n/2 + 1 bins. */
export function rfftReference(x: tf.Tensor, options: FFTReferenceOptions = {}): ComplexTensor {
  const out = tf.tidy(() => {
    const axis = normAxis(options.axis ?? -1, x.rank);
    const n = options.n ?? x.shape[axis];
    const m = (n >> 1) + 1;
    const s = fftScale(options.norm ?? 'backward', n, false);
    const xr = fitLast(moveLast(x, axis), n);
    const [c, sn] = basisTensors(n, n, m);
    return [moveBack(tf.mul(mm(xr, c), s), axis), moveBack(tf.mul(mm(xr, sn), -s), axis)];
  });
  return { real: out[0], imag: out[1] };
}

/** irfft along one axis by DFT matMuls: bins -> real output of length n (default 2 (m - 1)). */
export function irfftReference(x: ComplexTensor, options: FFTReferenceOptions = {}): tf.Tensor {
  return tf.tidy(() => {
    const axis = normAxis(options.axis ?? -1, x.real.rank);
    const n = options.n ?? 2 * (x.real.shape[axis] - 1);
    const m = (n >> 1) + 1;
    const s = fftScale(options.norm ?? 'backward', n, true);
    const w = tf.tensor1d(Array.from({ length: m }, (_, k) => (k === 0 || 2 * k === n ? 1 : 2)));
    const zr = tf.mul(fitLast(moveLast(x.real, axis), m), w);
    const zi = tf.mul(fitLast(moveLast(x.imag, axis), m), w);
    const [c, sn] = basisTensors(n, m, n);
    return moveBack(tf.mul(tf.sub(mm(zr, c), mm(zi, sn)), s), axis);
  });
}
