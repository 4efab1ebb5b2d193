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
// The rfft kernel's optional attribute `bins` keeps only the first bins (truncatedRfft's 'fft'
// path); its gradient zero-extends them, as it does for the crop of n.
//
// Gradients (a complex-linear map y = A x on (re, im) pairs has the adjoint dx = A^H dy):
// - fft/ifft, y = s F P x with P the crop/zero-pad of the axis from L to N: dx = s P^T F^H dy,
//   the transform in the other direction with the same scale, then cropped/padded back to L.
// - rfft, y = s R F P x (R keeps bins 0..N/2), x real: dx = s Re(P^T F^H R^T dy).
// - irfft, x_j = s Re(sum_{k<=N/2} w_k z_k e^{2 pi i j k/N}) with w_0 = 1, w_k = 2 for
//   0 < k < N/2, w_{N/2} = 1 (N even); bins past N/2 are dropped, the imaginary parts of bin 0
//   and the Nyquist bin do not count: dz_k = s w_k (F g)_k (an unnormalised rfft of the
//   cotangent g), whose bins 0 and N/2 are real, so those imaginary gradients are 0.
//
// wasm SIMD (assembly/fft.ts, when `setWasmSimd` allows): power-of-two lengths (complex length
// >= 2: fft/ifft of n >= 2, rfft/irfft of n >= 4), four lines per f32x4 lane set, float32
// arithmetic; the bit-reversal table and twiddles are computed once per length in float64
// (`simdPlan`, cached) and copied into the call's heap scratch. Other lengths (Bluestein) run
// the JavaScript kernels on the heap.
import { defineFusedKernel } from './fused_kernel';
import { FFT_WASM, type FftWasm } from './generated/fft_wasm';

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
  /** rfft only: how many bins to output, the first ones (default n/2 + 1; truncatedRfft's 'fft' path). */
  bins?: number;
}

const binsOf = ({ n, bins }: FFTAttrs) => bins ?? (n >> 1) + 1;

// ---------------------------------------------------------------------------------------------
// Plans, cached per size

interface Radix2Plan {
  kind: 'radix2';
  n: number;
  cos: Float64Array; // cos(2 pi k / n), k < n/2
  sin: Float64Array;
  rev: Uint32Array;
  /** log2 n is odd: a radix-8 pass (radix-2 for n = 2) precedes the radix-4 ones. */
  odd: boolean;
  /** Per radix-4 stage (block 4h), per k < h: W_{2h}^k and W_{4h}^k as (re, im, re, im), e^{-i}. */
  twiddles: Float64Array;
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

const SQRT1_2 = Math.SQRT1_2;

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
  const odd = bits % 2 === 1;
  const tw: number[] = [];
  for (let h = odd ? 8 : 1; 4 * h <= n; h *= 4) {
    const step = n / (4 * h);
    for (let k = 0; k < h; k++) tw.push(cos[2 * k * step], -sin[2 * k * step], cos[k * step], -sin[k * step]);
  }
  return { kind: 'radix2', n, cos, sin, rev, odd, twiddles: Float64Array.from(tw) };
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

/**
 * In-place forward (e^{-i}) FFT of a power-of-two length: bit reversal, then decimation in time
 * two radix-2 stages at a time (radix-4 butterflies: 3 complex multiplies per 4 points, one pass
 * over the data), after one radix-2 stage when log2 n is odd.
 */
function radix2(plan: Radix2Plan, re: Float64Array, im: Float64Array): void {
  const { n, rev } = plan;
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
  butterflies(plan, re, im);
}

/** The butterfly stages of {@link radix2}, on data already in bit-reversed order. */
function butterflies(plan: Radix2Plan, re: Float64Array, im: Float64Array, firstDone = false): void {
  const { n, odd, twiddles: tw } = plan;
  let h = 1; // the next radix-4 stage combines blocks of size 2h into 4h
  if (firstDone) h = odd ? 8 : 4;
  else if (odd && n === 2) {
    const ar = re[0];
    const ai = im[0];
    re[0] = ar + re[1];
    im[0] = ai + im[1];
    re[1] = ar - re[1];
    im[1] = ai - im[1];
    return;
  } else if (odd) {
    // first three radix-2 stages at once: 8-point DFTs of the bit-reversed blocks
    for (let a = 0; a < n; a += 8) {
      // size 2
      const s0r = re[a] + re[a + 1];
      const s0i = im[a] + im[a + 1];
      const s1r = re[a] - re[a + 1];
      const s1i = im[a] - im[a + 1];
      const s2r = re[a + 2] + re[a + 3];
      const s2i = im[a + 2] + im[a + 3];
      const s3r = re[a + 2] - re[a + 3];
      const s3i = im[a + 2] - im[a + 3];
      const s4r = re[a + 4] + re[a + 5];
      const s4i = im[a + 4] + im[a + 5];
      const s5r = re[a + 4] - re[a + 5];
      const s5i = im[a + 4] - im[a + 5];
      const s6r = re[a + 6] + re[a + 7];
      const s6i = im[a + 6] + im[a + 7];
      const s7r = re[a + 6] - re[a + 7];
      const s7i = im[a + 6] - im[a + 7];
      // size 4: (0, 2) w = 1, (1, 3) w = -i
      const f0r = s0r + s2r;
      const f0i = s0i + s2i;
      const f2r = s0r - s2r;
      const f2i = s0i - s2i;
      const f1r = s1r + s3i;
      const f1i = s1i - s3r;
      const f3r = s1r - s3i;
      const f3i = s1i + s3r;
      const g0r = s4r + s6r;
      const g0i = s4i + s6i;
      const g2r = s4r - s6r;
      const g2i = s4i - s6i;
      const g1r = s5r + s7i;
      const g1i = s5i - s7r;
      const g3r = s5r - s7i;
      const g3i = s5i + s7r;
      // size 8: twiddles 1, (1 - i)/sqrt 2, -i, (-1 - i)/sqrt 2 on g0..g3
      const h1r = SQRT1_2 * (g1r + g1i);
      const h1i = SQRT1_2 * (g1i - g1r);
      const h3r = SQRT1_2 * (g3i - g3r);
      const h3i = -SQRT1_2 * (g3r + g3i);
      re[a] = f0r + g0r;
      im[a] = f0i + g0i;
      re[a + 4] = f0r - g0r;
      im[a + 4] = f0i - g0i;
      re[a + 1] = f1r + h1r;
      im[a + 1] = f1i + h1i;
      re[a + 5] = f1r - h1r;
      im[a + 5] = f1i - h1i;
      re[a + 2] = f2r + g2i;
      im[a + 2] = f2i - g2r;
      re[a + 6] = f2r - g2i;
      im[a + 6] = f2i + g2r;
      re[a + 3] = f3r + h3r;
      im[a + 3] = f3i + h3i;
      re[a + 7] = f3r - h3r;
      im[a + 7] = f3i - h3i;
    }
    h = 8;
  } else if (n >= 4) {
    // first radix-4 stage: every twiddle is 1
    for (let a0 = 0; a0 < n; a0 += 4) {
      const x0r = re[a0];
      const x0i = im[a0];
      const x1r = re[a0 + 1];
      const x1i = im[a0 + 1];
      const x2r = re[a0 + 2];
      const x2i = im[a0 + 2];
      const x3r = re[a0 + 3];
      const x3i = im[a0 + 3];
      const t0r = x0r + x1r;
      const t0i = x0i + x1i;
      const t1r = x0r - x1r;
      const t1i = x0i - x1i;
      const u2r = x2r + x3r;
      const u2i = x2i + x3i;
      const u3r = x2r - x3r;
      const u3i = x2i - x3i;
      re[a0] = t0r + u2r;
      im[a0] = t0i + u2i;
      re[a0 + 2] = t0r - u2r;
      im[a0 + 2] = t0i - u2i;
      re[a0 + 1] = t1r + u3i;
      im[a0 + 1] = t1i - u3r;
      re[a0 + 3] = t1r - u3i;
      im[a0 + 3] = t1i + u3r;
    }
    h = 4;
  }
  let o = odd ? 0 : 4; // the h = 1 stage's twiddles are skipped
  for (; 4 * h <= n; h *= 4) {
    const q = 4 * h;
    for (let k = 0; k < h; k++, o += 4) {
      const w1r = tw[o];
      const w1i = tw[o + 1];
      const w2r = tw[o + 2];
      const w2i = tw[o + 3];
      for (let a0 = k; a0 < n; a0 += q) {
        const a1 = a0 + h;
        const a2 = a1 + h;
        const a3 = a2 + h;
        // first radix-2 stage (size 2h): twiddle w1 on a1 and a3
        const b1r = re[a1] * w1r - im[a1] * w1i;
        const b1i = re[a1] * w1i + im[a1] * w1r;
        const b3r = re[a3] * w1r - im[a3] * w1i;
        const b3i = re[a3] * w1i + im[a3] * w1r;
        const x0r = re[a0];
        const x0i = im[a0];
        const x2r = re[a2];
        const x2i = im[a2];
        const t0r = x0r + b1r;
        const t0i = x0i + b1i;
        const t1r = x0r - b1r;
        const t1i = x0i - b1i;
        const u2r = x2r + b3r;
        const u2i = x2i + b3i;
        const u3r = x2r - b3r;
        const u3i = x2i - b3i;
        // second stage (size 4h): w2 on u2, w2 * (-i) on u3
        const c2r = u2r * w2r - u2i * w2i;
        const c2i = u2r * w2i + u2i * w2r;
        const d3r = u3r * w2r - u3i * w2i;
        const d3i = u3r * w2i + u3i * w2r;
        // (-i) (d3r + i d3i) = d3i - i d3r
        re[a0] = t0r + c2r;
        im[a0] = t0i + c2i;
        re[a2] = t0r - c2r;
        im[a2] = t0i - c2i;
        re[a1] = t1r + d3i;
        im[a1] = t1i - d3r;
        re[a3] = t1r - d3i;
        im[a3] = t1i + d3r;
      }
    }
  }
}

/**
 * The first pass of {@link butterflies} (radix-8 when log2 n is odd, radix-4 otherwise; n >= 8
 * or n >= 4) fused with the packing of a real line: z_j = (src[base + 2j stride],
 * src[base + (2j+1) stride]) read in bit-reversed order, so the packed data is written once.
 */
function packFirstPass(plan: Radix2Plan, src: Float32Array, base: number, stride: number, re: Float64Array, im: Float64Array): void {
  const { n, odd, rev } = plan;
  const step = 2 * stride;
  if (odd) {
    // first three radix-2 stages at once: 8-point DFTs of the bit-reversed blocks
    for (let a = 0; a < n; a += 8) {
      const p0 = base + rev[a] * step;
      const x0r = src[p0];
      const x0i = src[p0 + stride];
      const p1 = base + rev[a + 1] * step;
      const x1r = src[p1];
      const x1i = src[p1 + stride];
      const p2 = base + rev[a + 2] * step;
      const x2r = src[p2];
      const x2i = src[p2 + stride];
      const p3 = base + rev[a + 3] * step;
      const x3r = src[p3];
      const x3i = src[p3 + stride];
      const p4 = base + rev[a + 4] * step;
      const x4r = src[p4];
      const x4i = src[p4 + stride];
      const p5 = base + rev[a + 5] * step;
      const x5r = src[p5];
      const x5i = src[p5 + stride];
      const p6 = base + rev[a + 6] * step;
      const x6r = src[p6];
      const x6i = src[p6 + stride];
      const p7 = base + rev[a + 7] * step;
      const x7r = src[p7];
      const x7i = src[p7 + stride];
      // size 2
      const s0r = x0r + x1r;
      const s0i = x0i + x1i;
      const s1r = x0r - x1r;
      const s1i = x0i - x1i;
      const s2r = x2r + x3r;
      const s2i = x2i + x3i;
      const s3r = x2r - x3r;
      const s3i = x2i - x3i;
      const s4r = x4r + x5r;
      const s4i = x4i + x5i;
      const s5r = x4r - x5r;
      const s5i = x4i - x5i;
      const s6r = x6r + x7r;
      const s6i = x6i + x7i;
      const s7r = x6r - x7r;
      const s7i = x6i - x7i;
      // size 4: (0, 2) w = 1, (1, 3) w = -i
      const f0r = s0r + s2r;
      const f0i = s0i + s2i;
      const f2r = s0r - s2r;
      const f2i = s0i - s2i;
      const f1r = s1r + s3i;
      const f1i = s1i - s3r;
      const f3r = s1r - s3i;
      const f3i = s1i + s3r;
      const g0r = s4r + s6r;
      const g0i = s4i + s6i;
      const g2r = s4r - s6r;
      const g2i = s4i - s6i;
      const g1r = s5r + s7i;
      const g1i = s5i - s7r;
      const g3r = s5r - s7i;
      const g3i = s5i + s7r;
      // size 8: twiddles 1, (1 - i)/sqrt 2, -i, (-1 - i)/sqrt 2 on g0..g3
      const h1r = SQRT1_2 * (g1r + g1i);
      const h1i = SQRT1_2 * (g1i - g1r);
      const h3r = SQRT1_2 * (g3i - g3r);
      const h3i = -SQRT1_2 * (g3r + g3i);
      re[a] = f0r + g0r;
      im[a] = f0i + g0i;
      re[a + 4] = f0r - g0r;
      im[a + 4] = f0i - g0i;
      re[a + 1] = f1r + h1r;
      im[a + 1] = f1i + h1i;
      re[a + 5] = f1r - h1r;
      im[a + 5] = f1i - h1i;
      re[a + 2] = f2r + g2i;
      im[a + 2] = f2i - g2r;
      re[a + 6] = f2r - g2i;
      im[a + 6] = f2i + g2r;
      re[a + 3] = f3r + h3r;
      im[a + 3] = f3i + h3i;
      re[a + 7] = f3r - h3r;
      im[a + 7] = f3i - h3i;
    }
  } else {
    // first radix-4 stage: every twiddle is 1
    for (let a0 = 0; a0 < n; a0 += 4) {
      const p0 = base + rev[a0] * step;
      const x0r = src[p0];
      const x0i = src[p0 + stride];
      const p1 = base + rev[a0 + 1] * step;
      const x1r = src[p1];
      const x1i = src[p1 + stride];
      const p2 = base + rev[a0 + 2] * step;
      const x2r = src[p2];
      const x2i = src[p2 + stride];
      const p3 = base + rev[a0 + 3] * step;
      const x3r = src[p3];
      const x3i = src[p3 + stride];
      const t0r = x0r + x1r;
      const t0i = x0i + x1i;
      const t1r = x0r - x1r;
      const t1i = x0i - x1i;
      const u2r = x2r + x3r;
      const u2i = x2i + x3i;
      const u3r = x2r - x3r;
      const u3i = x2i - x3i;
      re[a0] = t0r + u2r;
      im[a0] = t0i + u2i;
      re[a0 + 2] = t0r - u2r;
      im[a0 + 2] = t0i - u2i;
      re[a0 + 1] = t1r + u3i;
      im[a0 + 1] = t1i - u3r;
      re[a0 + 3] = t1r - u3i;
      im[a0 + 3] = t1i + u3r;
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
 * Unnormalised real-input DFT of one strided line of `src` (length `len`, cropped or
 * zero-padded to n) -> bins 0..floor(n/2) in outRe/outIm. Scratch `zr, zi`: length n/2 for
 * even n >= 4 (the half-length complex FFT), else n.
 */
function rfftLine(
  src: Float32Array,
  base: number,
  stride: number,
  len: number,
  n: number,
  outRe: Float64Array | Float32Array,
  outIm: Float64Array | Float32Array,
  zr: Float64Array,
  zi: Float64Array,
  outBase = 0,
  outStride = 1,
  scale = 1,
): void {
  const c = Math.min(len, n);
  if (n % 2 === 1 || n < 4) {
    for (let j = 0, p = base; j < c; j++, p += stride) zr[j] = src[p];
    zr.fill(0, c);
    zi.fill(0);
    dftInPlace(zr, zi, false);
    for (let k = 0, q = outBase; k <= n >> 1; k++, q += outStride) {
      outRe[q] = zr[k] * scale;
      outIm[q] = zi[k] * scale;
    }
    return;
  }
  const h = n >> 1;
  if (c < n) {
    zr.fill(0);
    zi.fill(0);
  }
  const pairs = c >> 1;
  const step = 2 * stride;
  let p = base;
  const plan = h > 1 && isPow2(h) ? (planFor(h) as Radix2Plan) : null;
  if (plan && c === n && h >= 8) {
    packFirstPass(plan, src, base, stride, zr, zi);
    butterflies(plan, zr, zi, true);
  } else if (plan) {
    // pack straight into bit-reversed order, then only the butterflies
    const rev = plan.rev;
    for (let j = 0; j < pairs; j++, p += step) {
      const r = rev[j];
      zr[r] = src[p];
      zi[r] = src[p + stride];
    }
    if (c & 1) zr[rev[pairs]] = src[p];
    butterflies(plan, zr, zi);
  } else {
    for (let j = 0; j < pairs; j++, p += step) {
      zr[j] = src[p];
      zi[j] = src[p + stride];
    }
    if (c & 1) zr[pairs] = src[p];
    dftInPlace(zr, zi, false);
  }
  // bins 0 and h from Z_0; then k and h - k together
  outRe[outBase] = (zr[0] + zi[0]) * scale;
  outIm[outBase] = 0;
  outRe[outBase + h * outStride] = (zr[0] - zi[0]) * scale;
  outIm[outBase + h * outStride] = 0;
  const { cos, sin } = realTwiddle(n);
  const half = 0.5 * scale;
  for (let k = 1, qa = outBase + outStride, qb = outBase + (h - 1) * outStride; 2 * k <= h; k++, qa += outStride, qb -= outStride) {
    const b = h - k;
    const pr = zr[k];
    const pi = zi[k];
    const qr = zr[b];
    const qi = -zi[b]; // conj Z_{h-k}
    const er = half * (pr + qr);
    const ei = half * (pi + qi);
    // O = (Z_k - conj Z_{h-k}) / (2i)
    const or = half * (pi - qi);
    const oi = -half * (pr - qr);
    const wr = cos[k];
    const wi = -sin[k];
    const mr = wr * or - wi * oi;
    const mi = wr * oi + wi * or;
    outRe[qa] = er + mr;
    outIm[qa] = ei + mi;
    // bin h - k: E_{h-k} = conj E_k, O_{h-k} = conj O_k, W^{h-k} = -conj W^k
    outRe[qb] = er - mr;
    outIm[qb] = -ei + mi;
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
  const half = n % 2 === 0 && n >= 4;
  const zr = new Float64Array(half ? n >> 1 : n);
  const zi = new Float64Array(half ? n >> 1 : n);
  const yr = new Float64Array(bins);
  const yi = new Float64Array(bins);
  const len = shape[axis];
  const direct = !weights && out === bins;
  eachLine(shape, axis, out, (inBase, outBase, stride) => {
    if (direct) {
      // straight into the outputs, scaled
      rfftLine(x, inBase, stride, len, n, outRe, outIm, zr, zi, outBase, stride, scale);
      return;
    }
    rfftLine(x, inBase, stride, len, n, yr, yi, zr, zi);
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

/**
 * irfft of every line of bins (cropped/zero-padded to n/2+1), real output of length n. Even
 * n >= 4: one inverse complex FFT of length h = n/2, the split run backwards: with the
 * Hermitian X_{k+h} = conj X_{h-k},
 *   z_m = x_{2m} + i x_{2m+1} = sum_{k<h} (A_k + i B_k) e^{2 pi i mk/h},
 *   A_k = X_k + conj X_{h-k},   B_k = (X_k - conj X_{h-k}) e^{2 pi i k/n}.
 * Odd n: the Hermitian extension to n bins and an inverse complex FFT of length n.
 */
function irfftLines(re: Float32Array, im: Float32Array, shape: number[], axis: number, n: number, scale: number, out: Float32Array): void {
  const len = shape[axis];
  const h = n >> 1;
  const used = Math.min(len, h + 1);
  if (n % 2 === 0 && n >= 4) {
    const xr = new Float64Array(h + 1);
    const xi = new Float64Array(h + 1);
    const zr = new Float64Array(h);
    const zi = new Float64Array(h);
    const { cos, sin } = realTwiddle(n);
    eachLine(shape, axis, n, (inBase, outBase, stride) => {
      for (let k = 0, p = inBase; k < used; k++, p += stride) {
        xr[k] = re[p];
        xi[k] = im[p];
      }
      if (used <= h) {
        xr.fill(0, used);
        xi.fill(0, used);
      }
      // the imaginary parts of bin 0 and bin n/2 do not count
      xi[0] = 0;
      xi[h] = 0;
      for (let k = 0; k < h; k++) {
        const b = h - k;
        const ar = xr[k] + xr[b];
        const ai = xi[k] - xi[b];
        const dr = xr[k] - xr[b];
        const di = xi[k] + xi[b];
        const c = cos[k];
        const sn = sin[k];
        const br = dr * c - di * sn;
        const bi = dr * sn + di * c;
        zr[k] = ar - bi;
        zi[k] = ai + br;
      }
      dftInPlace(zr, zi, true);
      for (let m = 0, q = outBase; m < h; m++, q += 2 * stride) {
        out[q] = zr[m] * scale;
        out[q + stride] = zi[m] * scale;
      }
    });
    return;
  }
  const br = new Float64Array(n);
  const bi = new Float64Array(n);
  eachLine(shape, axis, n, (inBase, outBase, stride) => {
    br.fill(0);
    bi.fill(0);
    for (let k = 0, p = inBase; k < used; k++, p += stride) {
      br[k] = re[p];
      bi[k] = im[p];
    }
    // Hermitian extension: imaginary parts of bin 0 and (n even) bin n/2 do not count
    bi[0] = 0;
    if (n % 2 === 0) bi[h] = 0;
    for (let k = 1; 2 * k < n; k++) {
      br[n - k] = br[k];
      bi[n - k] = -bi[k];
    }
    dftInPlace(br, bi, true);
    scatter(br, n, scale, out, outBase, stride, n);
  });
}

const withAxis = (shape: number[], axis: number, len: number) => shape.map((d, i) => (i === axis ? len : d));

// ---------------------------------------------------------------------------------------------
// wasm SIMD plans and calls

/** The tables of assembly/fft.ts for a complex length N, as bytes, with their byte offsets. */
interface SimdPlan {
  bytes: Uint8Array;
  rev: number;
  tw: number;
  split: number;
}

const simdPlans = new Map<number, SimdPlan>();

/** Whether the SIMD kernels take complex length N (a power of two >= 2). */
const simdLength = (N: number) => N >= 2 && isPow2(N);

/**
 * The SIMD tables for complex length N, cached: rev (u32 [N]); per radix-4 stage (block 4h, h
 * from 2 (log2 N odd) or 4, times 4) per k < h: W_{2h}^k, W_{4h}^k as f32 (re, im, re, im),
 * e^{-i}; the real split's (cos, -sin)(2 pi k / 2N), k = 0..N. Float64-computed, rounded once.
 */
function simdPlan(N: number): SimdPlan {
  let p = simdPlans.get(N);
  if (p) return p;
  const { rev } = planFor(N) as Radix2Plan;
  const tw: number[] = [];
  for (let h = Math.log2(N) % 2 === 1 ? 2 : 4; 4 * h <= N; h *= 4) {
    for (let k = 0; k < h; k++) {
      const [c1, s1] = unitRoot(k * (N / (2 * h)), N);
      const [c2, s2] = unitRoot(k * (N / (4 * h)), N);
      tw.push(c1, -s1, c2, -s2);
    }
  }
  const split = new Float32Array(2 * (N + 1));
  for (let k = 0; k <= N; k++) {
    const [c, sn] = unitRoot(k, 2 * N);
    split[2 * k] = c;
    split[2 * k + 1] = -sn;
  }
  const bytes = new Uint8Array(4 * (N + tw.length + split.length));
  new Uint32Array(bytes.buffer, 0, N).set(rev);
  new Float32Array(bytes.buffer, 4 * N, tw.length).set(tw);
  new Float32Array(bytes.buffer, 4 * (N + tw.length), split.length).set(split);
  p = { bytes, rev: 0, tw: 4 * N, split: 4 * (N + tw.length) };
  simdPlans.set(N, p);
  return p;
}

/** Heap scratch of a SIMD call of complex length N: work and spec buffers ((N + 1) x 32 bytes each), then the tables. */
function simdScratchBytes(N: number): number {
  return simdLength(N) ? 64 * (N + 1) + simdPlan(N).bytes.length : 0;
}

/** Copies the tables of length N into the scratch; their heap offsets and the buffers'. */
function simdTables(memory: WebAssembly.Memory, scratch: number, N: number) {
  const p = simdPlan(N);
  const work = scratch;
  const spec = work + 32 * (N + 1);
  const table = spec + 32 * (N + 1);
  new Uint8Array(memory.buffer, table, p.bytes.length).set(p.bytes);
  return { work, spec, rev: table + p.rev, tw: table + p.tw, split: table + p.split };
}

/** SIMD version of {@link complexLines} (heap offsets; outIm 0: real part only). */
function complexLinesSimd(
  simd: FftWasm,
  memory: WebAssembly.Memory,
  scratch: number,
  re: number,
  im: number,
  shape: number[],
  axis: number,
  n: number,
  inverse: boolean,
  scale: number,
  lenOut: number,
  outRe: number,
  outIm: number,
): boolean {
  if (!simdLength(n)) return false;
  const { outer, inner, len } = lineLayout(shape, axis);
  const t = simdTables(memory, scratch, n);
  // the inverse direction: F^H z = swap(F swap z), swap(a + ib) = b + ia
  if (inverse) simd.complexLines(im, re, outIm, outRe, outer * inner, inner, len, lenOut, n, scale, t.rev, t.tw, t.work);
  else simd.complexLines(re, im, outRe, outIm, outer * inner, inner, len, lenOut, n, scale, t.rev, t.tw, t.work);
  return true;
}

/** SIMD version of {@link rfftLines} (n a power of two >= 4). */
function rfftLinesSimd(
  simd: FftWasm,
  memory: WebAssembly.Memory,
  scratch: number,
  x: number,
  shape: number[],
  axis: number,
  n: number,
  scale: number,
  outRe: number,
  outIm: number,
  weighted: boolean,
  lenOut: number,
): boolean {
  const N = n >> 1;
  if (n % 2 === 1 || !simdLength(N)) return false;
  const { outer, inner, len } = lineLayout(shape, axis);
  const t = simdTables(memory, scratch, N);
  simd.rfftLines(x, outRe, outIm, outer * inner, inner, len, lenOut, N, scale, weighted ? 1 : 0, t.rev, t.tw, t.split, t.work);
  return true;
}

/** fft / ifft along `axis`: inputs real, imag -> real, imag with n entries on the axis. */
export const fftKernel = /* @__PURE__ */ defineFusedKernel<FFTAttrs, FftWasm>({
  name: FFT_KERNEL,
  gradName: FFT_GRAD_KERNEL,
  inputs: ['real', 'imag'],
  cotangents: ['dyReal', 'dyImag'],
  simd: FFT_WASM,
  forward: {
    outputShapes: ([s], { axis, n }) => [withAxis(s, axis, n), withAxis(s, axis, n)],
    accumulates: [],
    compute: ([re, im], [outRe, outIm], [s], { axis, n, inverse, scale }) => complexLines(re, im, s, axis, n, inverse, scale, n, outRe, outIm),
    wasmScratchBytes: (_, { n }) => simdScratchBytes(n),
    wasm: (simd, [re, im], [outRe, outIm], [s], { axis, n, inverse, scale }, scratch, memory) =>
      complexLinesSimd(simd, memory, scratch, re, im, s, axis, n, inverse, scale, n, outRe, outIm),
  },
  backward: {
    outputShapes: ([, , s]) => [s, s],
    accumulates: [],
    compute: ([dr, di], [gr, gi], [ds, , s], { axis, n, inverse, scale }) => complexLines(dr, di, ds, axis, n, !inverse, scale, s[axis], gr, gi),
    wasmScratchBytes: (_, { n }) => simdScratchBytes(n),
    wasm: (simd, [dr, di], [gr, gi], [ds, , s], { axis, n, inverse, scale }, scratch, memory) =>
      complexLinesSimd(simd, memory, scratch, dr, di, ds, axis, n, !inverse, scale, s[axis], gr, gi),
  },
});

/** rfft along `axis`: input x -> real, imag with n/2+1 bins on the axis. */
export const rfftKernel = /* @__PURE__ */ defineFusedKernel<FFTAttrs, FftWasm>({
  name: RFFT_KERNEL,
  gradName: RFFT_GRAD_KERNEL,
  inputs: ['x'],
  cotangents: ['dyReal', 'dyImag'],
  simd: FFT_WASM,
  forward: {
    outputShapes: ([s], a) => [withAxis(s, a.axis, binsOf(a)), withAxis(s, a.axis, binsOf(a))],
    accumulates: [],
    compute: ([x], [outRe, outIm], [s], a) => rfftLines(x, s, a.axis, a.n, a.scale, outRe, outIm, undefined, binsOf(a)),
    wasmScratchBytes: (_, { n }) => (n % 2 === 0 ? simdScratchBytes(n >> 1) : 0),
    wasm: (simd, [x], [outRe, outIm], [s], a, scratch, memory) =>
      rfftLinesSimd(simd, memory, scratch, x, s, a.axis, a.n, a.scale, outRe, outIm, false, binsOf(a)),
  },
  backward: {
    outputShapes: ([, , s]) => [s],
    accumulates: [],
    compute: ([dr, di], [dx], [ds, , s], { axis, n, scale }) => complexLines(dr, di, ds, axis, n, true, scale, s[axis], dx, null),
    wasmScratchBytes: (_, { n }) => simdScratchBytes(n),
    wasm: (simd, [dr, di], [dx], [ds, , s], { axis, n, scale }, scratch, memory) =>
      complexLinesSimd(simd, memory, scratch, dr, di, ds, axis, n, true, scale, s[axis], dx, 0),
  },
});

/** irfft along `axis`: inputs real, imag (bins) -> real output of length n on the axis. */
export const irfftKernel = /* @__PURE__ */ defineFusedKernel<FFTAttrs, FftWasm>({
  name: IRFFT_KERNEL,
  gradName: IRFFT_GRAD_KERNEL,
  inputs: ['real', 'imag'],
  simd: FFT_WASM,
  forward: {
    outputShapes: ([s], { axis, n }) => [withAxis(s, axis, n)],
    accumulates: [],
    compute: ([re, im], [out], [s], { axis, n, scale }) => irfftLines(re, im, s, axis, n, scale, out),
    wasmScratchBytes: (_, { n }) => (n % 2 === 0 ? simdScratchBytes(n >> 1) : 0),
    wasm: (simd, [re, im], [out], [s], { axis, n, scale }, scratch, memory) => {
      const N = n >> 1;
      if (n % 2 === 1 || !simdLength(N)) return false;
      const { outer, inner, len } = lineLayout(s, axis);
      const t = simdTables(memory, scratch, N);
      simd.irfftLines(re, im, out, outer * inner, inner, len, N, scale, t.rev, t.tw, t.split, t.work, t.spec);
      return true;
    },
  },
  backward: {
    outputShapes: ([, s]) => [s, s],
    accumulates: [],
    compute: ([g], [dr, di], [gs, s], { axis, n, scale }) => rfftLines(g, gs, axis, n, scale, dr, di, (k) => (k === 0 || 2 * k === n ? 1 : 2), s[axis]),
    wasmScratchBytes: (_, { n }) => (n % 2 === 0 ? simdScratchBytes(n >> 1) : 0),
    wasm: (simd, [g], [dr, di], [gs, s], { axis, n, scale }, scratch, memory) =>
      rfftLinesSimd(simd, memory, scratch, g, gs, axis, n, scale, dr, di, true, s[axis]),
  },
});
