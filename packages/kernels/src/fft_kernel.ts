// Fused FFT kernels (see fft.ts for the ops): discrete Fourier transforms along one axis of a
// tensor, over typed arrays, with their adjoints as the backward kernels.
//
//   X_k = s sum_{j<N} x_j e^{sign 2 pi i j k / N},   sign -1 (fft, rfft), +1 (ifft, irfft)
//
// s is the norm's scale ('backward': 1 forward / 1/N inverse; 'ortho': 1/sqrt N; 'forward':
// 1/N forward / 1 inverse). The axis is read and written by strides (outer x N x inner lines),
// so no transpose is needed; each line is copied into float64 buffers, transformed and stored.
//
// Power-of-two N: iterative radix-2 decimation in time with a cached twiddle table and
// bit-reversal permutation. Other N: Bluestein's chirp-z, jk = (j^2 + k^2 - (k-j)^2)/2:
//   X_k = c_k sum_j (x_j c_j) conj(c_{k-j}),   c_t = e^{-pi i t^2 / N}  (t^2 reduced mod 2N)
// a convolution done by power-of-two FFTs of size M >= 2N-1, with FFT(conj c) cached per N.
// The inverse direction is conj(F conj(x)). Real input of even length N (rfft) is one complex
// FFT of length N/2 of z_j = x_{2j} + i x_{2j+1}, then the split:
//   X_k = (Z_k + conj Z_{N/2-k})/2 - i e^{-2 pi i k/N} (Z_k - conj Z_{N/2-k})/2,  k = 0..N/2.
//
// Gradients (a complex-linear map y = A x on (re, im) pairs has the adjoint dx = A^H dy):
// - fft/ifft, y = s F P x with P the crop/zero-pad of the axis from L to N: dx = s P^T F^H dy,
//   the transform in the other direction with the same scale, then cropped/padded back to L.
// - rfft, y = s R F P x (R keeps bins 0..N/2), x real: dx = s Re(P^T F^H R^T dy).
// - irfft, x_j = s Re(sum_{k<=N/2} w_k z_k e^{2 pi i j k/N}) with w_0 = 1, w_k = 2 for
//   0 < k < N/2, w_{N/2} = 1 (N even); bins past N/2 are dropped, the imaginary parts of bin 0
//   and the Nyquist bin do not count: dz_k = s w_k (F g)_k (an unnormalised rfft of the
//   cotangent g), whose bins 0 and N/2 are real, so those imaginary gradients are 0.
import { defineFusedKernel } from './fused_kernel';

/** tfjs kernel names of the fused FFTs. */
export const FFT_KERNEL = 'BasiskitFFT';
export const FFT_GRAD_KERNEL = 'BasiskitFFTGrad';
export const RFFT_KERNEL = 'BasiskitRFFT';
export const RFFT_GRAD_KERNEL = 'BasiskitRFFTGrad';
export const IRFFT_KERNEL = 'BasiskitIRFFT';
export const IRFFT_GRAD_KERNEL = 'BasiskitIRFFTGrad';

/** Attributes of the FFT kernels: axis (>= 0), transform length n, direction and scale. */
export interface FFTAttrs {
  axis: number;
  n: number;
  inverse: boolean;
  scale: number;
}

// ---------------------------------------------------------------------------------------------
// Plans, cached per size

interface Radix2Plan {
  kind: 'radix2';
  n: number;
  cos: Float64Array; // cos(2 pi k / n), k < n/2
  sin: Float64Array;
  rev: Uint32Array;
}

interface BluesteinPlan {
  kind: 'bluestein';
  n: number;
  m: number;
  inner: Radix2Plan;
  chirpRe: Float64Array; // c_t = e^{-pi i t^2 / n}
  chirpIm: Float64Array;
  filterRe: Float64Array; // FFT_m of conj(c) wrapped around
  filterIm: Float64Array;
  workRe: Float64Array;
  workIm: Float64Array;
}

type Plan = Radix2Plan | BluesteinPlan;

const plans = new Map<number, Plan>();
const realTwiddles = new Map<number, { cos: Float64Array; sin: Float64Array }>();

/** cos and sin of 2 pi r / n for an integer 0 <= r < n, exact at multiples of a quarter turn. */
function unitRoot(r: number, n: number): [number, number] {
  if (r === 0) return [1, 0];
  if (2 * r === n) return [-1, 0];
  if (4 * r === n) return [0, 1];
  if (4 * r === 3 * n) return [0, -1];
  const a = (2 * Math.PI * r) / n;
  return [Math.cos(a), Math.sin(a)];
}

const isPow2 = (n: number) => (n & (n - 1)) === 0;

function radix2Plan(n: number): Radix2Plan {
  const cos = new Float64Array(n >> 1);
  const sin = new Float64Array(n >> 1);
  for (let k = 0; k < n >> 1; k++) [cos[k], sin[k]] = unitRoot(k, n);
  const rev = new Uint32Array(n);
  const bits = Math.round(Math.log2(n));
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    rev[i] = r;
  }
  return { kind: 'radix2', n, cos, sin, rev };
}

function planFor(n: number): Plan {
  let p = plans.get(n);
  if (p) return p;
  if (isPow2(n)) p = radix2Plan(n);
  else {
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    const inner = planFor(m) as Radix2Plan;
    const chirpRe = new Float64Array(n);
    const chirpIm = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      // e^{-pi i t^2/n} = e^{-2 pi i (t^2 mod 2n) / (2n)}
      const [c, s] = unitRoot((t * t) % (2 * n), 2 * n);
      chirpRe[t] = c;
      chirpIm[t] = -s;
    }
    const filterRe = new Float64Array(m);
    const filterIm = new Float64Array(m);
    for (let t = 0; t < n; t++) {
      filterRe[t] = chirpRe[t];
      filterIm[t] = -chirpIm[t];
      if (t > 0) {
        filterRe[m - t] = chirpRe[t];
        filterIm[m - t] = -chirpIm[t];
      }
    }
    radix2(inner, filterRe, filterIm);
    p = { kind: 'bluestein', n, m, inner, chirpRe, chirpIm, filterRe, filterIm, workRe: new Float64Array(m), workIm: new Float64Array(m) };
  }
  plans.set(n, p);
  return p;
}

/** In-place forward (e^{-i}) FFT of a power-of-two length. */
function radix2(plan: Radix2Plan, re: Float64Array, im: Float64Array): void {
  const { n, cos, sin, rev } = plan;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let i = 0; i + 1 < n; i += 2) {
    const ar = re[i];
    const ai = im[i];
    const br = re[i + 1];
    const bi = im[i + 1];
    re[i] = ar + br;
    im[i] = ai + bi;
    re[i + 1] = ar - br;
    im[i + 1] = ai - bi;
  }
  for (let size = 4; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0, t = 0; k < half; k++, t += step) {
        const wr = cos[t];
        const wi = -sin[t];
        const a = start + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/** In-place forward (e^{-i}) DFT of `re, im` (length `plan.n`). */
function forwardInPlace(plan: Plan, re: Float64Array, im: Float64Array): void {
  if (plan.kind === 'radix2') {
    radix2(plan, re, im);
    return;
  }
  const { n, m, chirpRe, chirpIm, filterRe, filterIm, workRe: ar, workIm: ai } = plan;
  for (let j = 0; j < n; j++) {
    ar[j] = re[j] * chirpRe[j] - im[j] * chirpIm[j];
    ai[j] = re[j] * chirpIm[j] + im[j] * chirpRe[j];
  }
  ar.fill(0, n);
  ai.fill(0, n);
  radix2(plan.inner, ar, ai);
  // pointwise product, then the inverse FFT as conj(F conj(.)) / m
  for (let k = 0; k < m; k++) {
    const pr = ar[k] * filterRe[k] - ai[k] * filterIm[k];
    const pi = ar[k] * filterIm[k] + ai[k] * filterRe[k];
    ar[k] = pr;
    ai[k] = -pi;
  }
  radix2(plan.inner, ar, ai);
  for (let k = 0; k < n; k++) {
    const cr = ar[k] / m;
    const ci = -ai[k] / m;
    re[k] = cr * chirpRe[k] - ci * chirpIm[k];
    im[k] = cr * chirpIm[k] + ci * chirpRe[k];
  }
}

/** In-place DFT of length `re.length`, e^{-i} or (inverse) e^{+i}, unnormalised. */
function dftInPlace(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  if (n === 1) return;
  const plan = planFor(n);
  if (inverse) for (let i = 0; i < n; i++) im[i] = -im[i];
  forwardInPlace(plan, re, im);
  if (inverse) for (let i = 0; i < n; i++) im[i] = -im[i];
}

function realTwiddle(n: number) {
  let t = realTwiddles.get(n);
  if (!t) {
    const h = n >> 1;
    t = { cos: new Float64Array(h + 1), sin: new Float64Array(h + 1) };
    for (let k = 0; k <= h; k++) [t.cos[k], t.sin[k]] = unitRoot(k % n, n);
    realTwiddles.set(n, t);
  }
  return t;
}

/**
 * Unnormalised real-input DFT: x (length n, real) -> bins 0..floor(n/2) in outRe/outIm.
 * `zr, zi`: scratch of length >= n.
 */
function rfftLine(x: Float64Array, n: number, outRe: Float64Array, outIm: Float64Array, zr: Float64Array, zi: Float64Array): void {
  if (n % 2 === 1 || n < 4) {
    const re = zr.subarray(0, n);
    const im = zi.subarray(0, n);
    re.set(x.subarray(0, n));
    im.fill(0);
    dftInPlace(re, im, false);
    for (let k = 0; k <= n >> 1; k++) {
      outRe[k] = re[k];
      outIm[k] = im[k];
    }
    return;
  }
  const h = n >> 1;
  const re = zr.subarray(0, h);
  const im = zi.subarray(0, h);
  for (let j = 0; j < h; j++) {
    re[j] = x[2 * j];
    im[j] = x[2 * j + 1];
  }
  dftInPlace(re, im, false);
  const { cos, sin } = realTwiddle(n);
  for (let k = 0; k <= h; k++) {
    const a = k === h ? 0 : k;
    const b = k === 0 ? 0 : h - k;
    const pr = re[a];
    const pi = im[a];
    const qr = re[b];
    const qi = -im[b]; // conj Z_{h-k}
    const er = (pr + qr) / 2;
    const ei = (pi + qi) / 2;
    // O = (Z_k - conj Z_{h-k}) / (2i)
    const or = (pi - qi) / 2;
    const oi = -(pr - qr) / 2;
    const wr = cos[k];
    const wi = -sin[k];
    outRe[k] = er + wr * or - wi * oi;
    outIm[k] = ei + wr * oi + wi * or;
  }
}

// ---------------------------------------------------------------------------------------------
// Lines along an axis

function lineLayout(shape: number[], axis: number) {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return { outer, inner, len: shape[axis] };
}

/**
 * For every line along `axis`: `fn(inBase, outBase, stride)` with the offsets of the line in an
 * input whose axis has `lenIn` and an output whose axis has `lenOut` entries.
 */
function eachLine(shape: number[], axis: number, lenOut: number, fn: (inBase: number, outBase: number, stride: number) => void): void {
  const { outer, inner, len } = lineLayout(shape, axis);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) fn(o * len * inner + i, o * lenOut * inner + i, inner);
  }
}

/** Copies min(len, buf.length) strided values into buf and zero-fills the rest. */
function gather(src: Float32Array, base: number, stride: number, len: number, buf: Float64Array): void {
  const c = Math.min(len, buf.length);
  for (let j = 0, p = base; j < c; j++, p += stride) buf[j] = src[p];
  if (c < buf.length) buf.fill(0, c);
}

/** Writes s * buf[0..count) strided into dst, then zeros up to lenOut. */
function scatter(buf: Float64Array, count: number, s: number, dst: Float32Array, base: number, stride: number, lenOut: number): void {
  const c = Math.min(count, lenOut);
  let p = base;
  for (let j = 0; j < c; j++, p += stride) dst[p] = buf[j] * s;
  for (let j = c; j < lenOut; j++, p += stride) dst[p] = 0;
}

/**
 * Complex transform of every line along `axis`: input lines of length shape[axis] cropped or
 * zero-padded to n, the DFT of length n (e^{+i} when inverse) times `scale`, written as lines of
 * length `lenOut` (cropped or zero-padded). `outIm` null: only the real part is written.
 */
function complexLines(
  re: Float32Array,
  im: Float32Array | null,
  shape: number[],
  axis: number,
  n: number,
  inverse: boolean,
  scale: number,
  lenOut: number,
  outRe: Float32Array,
  outIm: Float32Array | null,
): void {
  const br = new Float64Array(n);
  const bi = new Float64Array(n);
  const len = shape[axis];
  eachLine(shape, axis, lenOut, (inBase, outBase, stride) => {
    gather(re, inBase, stride, len, br);
    if (im) gather(im, inBase, stride, len, bi);
    else bi.fill(0);
    dftInPlace(br, bi, inverse);
    scatter(br, n, scale, outRe, outBase, stride, lenOut);
    if (outIm) scatter(bi, n, scale, outIm, outBase, stride, lenOut);
  });
}

/** rfft of every line (cropped/zero-padded to n), times scale, bins 0..n/2 out. */
function rfftLines(
  x: Float32Array,
  shape: number[],
  axis: number,
  n: number,
  scale: number,
  outRe: Float32Array,
  outIm: Float32Array,
  weights?: (k: number) => number,
  lenOut?: number,
): void {
  const bins = (n >> 1) + 1;
  const out = lenOut ?? bins;
  const buf = new Float64Array(n);
  const zr = new Float64Array(n);
  const zi = new Float64Array(n);
  const yr = new Float64Array(bins);
  const yi = new Float64Array(bins);
  const len = shape[axis];
  eachLine(shape, axis, out, (inBase, outBase, stride) => {
    gather(x, inBase, stride, len, buf);
    rfftLine(buf, n, yr, yi, zr, zi);
    if (weights) {
      for (let k = 0; k < bins; k++) {
        const w = weights(k);
        yr[k] *= w;
        yi[k] *= w;
      }
    }
    scatter(yr, bins, scale, outRe, outBase, stride, out);
    scatter(yi, bins, scale, outIm, outBase, stride, out);
  });
}

/** irfft of every line of bins (cropped/zero-padded to n/2+1), real output of length n. */
function irfftLines(re: Float32Array, im: Float32Array, shape: number[], axis: number, n: number, scale: number, out: Float32Array): void {
  const br = new Float64Array(n);
  const bi = new Float64Array(n);
  const len = shape[axis];
  const used = Math.min(len, (n >> 1) + 1);
  eachLine(shape, axis, n, (inBase, outBase, stride) => {
    br.fill(0);
    bi.fill(0);
    for (let k = 0, p = inBase; k < used; k++, p += stride) {
      br[k] = re[p];
      bi[k] = im[p];
    }
    // Hermitian extension: imaginary parts of bin 0 and (n even) bin n/2 do not count
    bi[0] = 0;
    if (n % 2 === 0) bi[n >> 1] = 0;
    for (let k = 1; 2 * k < n; k++) {
      br[n - k] = br[k];
      bi[n - k] = -bi[k];
    }
    dftInPlace(br, bi, true);
    scatter(br, n, scale, out, outBase, stride, n);
  });
}

const withAxis = (shape: number[], axis: number, len: number) => shape.map((d, i) => (i === axis ? len : d));

/** fft / ifft along `axis`: inputs real, imag -> real, imag with n entries on the axis. */
export const fftKernel = /* @__PURE__ */ defineFusedKernel<FFTAttrs>({
  name: FFT_KERNEL,
  gradName: FFT_GRAD_KERNEL,
  inputs: ['real', 'imag'],
  cotangents: ['dyReal', 'dyImag'],
  forward: {
    outputShapes: ([s], { axis, n }) => [withAxis(s, axis, n), withAxis(s, axis, n)],
    accumulates: [],
    compute: ([re, im], [outRe, outIm], [s], { axis, n, inverse, scale }) => complexLines(re, im, s, axis, n, inverse, scale, n, outRe, outIm),
  },
  backward: {
    outputShapes: ([, , s]) => [s, s],
    accumulates: [],
    compute: ([dr, di], [gr, gi], [ds, , s], { axis, n, inverse, scale }) => complexLines(dr, di, ds, axis, n, !inverse, scale, s[axis], gr, gi),
  },
});

/** rfft along `axis`: input x -> real, imag with n/2+1 bins on the axis. */
export const rfftKernel = /* @__PURE__ */ defineFusedKernel<FFTAttrs>({
  name: RFFT_KERNEL,
  gradName: RFFT_GRAD_KERNEL,
  inputs: ['x'],
  cotangents: ['dyReal', 'dyImag'],
  forward: {
    outputShapes: ([s], { axis, n }) => [withAxis(s, axis, (n >> 1) + 1), withAxis(s, axis, (n >> 1) + 1)],
    accumulates: [],
    compute: ([x], [outRe, outIm], [s], { axis, n, scale }) => rfftLines(x, s, axis, n, scale, outRe, outIm),
  },
  backward: {
    outputShapes: ([, , s]) => [s],
    accumulates: [],
    compute: ([dr, di], [dx], [ds, , s], { axis, n, scale }) => complexLines(dr, di, ds, axis, n, true, scale, s[axis], dx, null),
  },
});

/** irfft along `axis`: inputs real, imag (bins) -> real output of length n on the axis. */
export const irfftKernel = /* @__PURE__ */ defineFusedKernel<FFTAttrs>({
  name: IRFFT_KERNEL,
  gradName: IRFFT_GRAD_KERNEL,
  inputs: ['real', 'imag'],
  forward: {
    outputShapes: ([s], { axis, n }) => [withAxis(s, axis, n)],
    accumulates: [],
    compute: ([re, im], [out], [s], { axis, n, scale }) => irfftLines(re, im, s, axis, n, scale, out),
  },
  backward: {
    outputShapes: ([, s]) => [s, s],
    accumulates: [],
    compute: ([g], [dr, di], [gs, s], { axis, n, scale }) => rfftLines(g, gs, axis, n, scale, dr, di, (k) => (k === 0 || 2 * k === n ? 1 : 2), s[axis]),
  },
});
