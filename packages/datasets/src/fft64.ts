// Float64 FFTs on typed arrays for the PDE solvers, by fft.js (Fedor Indutny's radix-4 FFT,
// https://github.com/indutny/fft.js), with plans cached per size. Complex data is interleaved
// (re, im, re, im, ...) as in fft.js. Conventions are NumPy's: forward X_k = sum_n x_n e^{-2 pi i kn/N},
// inverse x_n = (1/N) sum_k X_k e^{+2 pi i kn/N}; a real transform of N points keeps the N/2 + 1
// bins k = 0..N/2. The inverse real transform packs the half spectrum into one complex transform
// of N/2 points (the standard even/odd split, e.g. Numerical Recipes 12.3), so it costs about as
// much as the forward one. Inverses run as forward transforms of index-reversed input
// (IFFT(X)_j = FFT(X_{-k})_j / N), the reversal and the 1/N done while the input is gathered, which
// saves fft.js's inverse's extra pass dividing by N. The solvers' 2-D transforms fuse their
// pointwise work into the column passes: spectral factors applied while gathering
// (`irfft2d64Scaled`), the dealiasing mask while scattering (`rfft2d64Masked`, which skips the
// columns it zeroes). Sizes are powers of two (fft.js's radix-4 plans).
import FFT from 'fft.js';
import { ConfigError, ShapeError } from '@basiskit/tensor';

interface Plan {
  fft: FFT;
  /** Work buffers of 2n doubles. */
  a: Float64Array;
  b: Float64Array;
}

const plans = new Map<number, Plan>();
const twiddles = new Map<number, Float64Array>();

/** Throws unless `n` is a power of two >= `min`. */
export function checkPow2(n: number, where: string, argument: string, min = 2): void {
  if (!Number.isSafeInteger(n) || n < min || (n & (n - 1)) !== 0) {
    throw new ConfigError('FFT size must be a power of two', { where, argument, expected: `a power of two >= ${min}`, got: String(n) });
  }
}

/** The cached fft.js plan of `n` points with two scratch arrays of 2n doubles. */
function plan(n: number): Plan {
  let p = plans.get(n);
  if (!p) {
    p = { fft: new FFT(n), a: new Float64Array(2 * n), b: new Float64Array(2 * n) };
    plans.set(n, p);
  }
  return p;
}

/** cos/sin of 2 pi k / n for k = 0..n/2 (interleaved), for the real-transform packing. */
function twiddle(n: number): Float64Array {
  let t = twiddles.get(n);
  if (!t) {
    t = new Float64Array(n + 2);
    for (let k = 0; k <= n / 2; k++) {
      t[2 * k] = Math.cos((2 * Math.PI * k) / n);
      t[2 * k + 1] = Math.sin((2 * Math.PI * k) / n);
    }
    twiddles.set(n, t);
  }
  return t;
}

function checkLength(arr: Float64Array, length: number, where: string, argument: string): void {
  if (!(arr instanceof Float64Array) || arr.length < length) {
    throw new ShapeError('array too short', {
      where,
      argument,
      expected: `a Float64Array of at least ${length} values`,
      got: arr instanceof Float64Array ? `length ${arr.length}` : typeof arr,
    });
  }
}

/**
 * Complex FFT of `n` points (interleaved re/im in `input`, 2n values) into `out` (2n values;
 * may not alias `input`). `inverse` divides by n. Returns `out`.
 */
export function fft64(input: Float64Array, out: Float64Array = new Float64Array(input.length), inverse = false): Float64Array {
  const n = input.length / 2;
  checkPow2(n, 'fft64', 'input.length / 2');
  checkLength(out, 2 * n, 'fft64', 'out');
  const p = plan(n);
  if (inverse) p.fft.inverseTransform(out, input);
  else p.fft.transform(out, input);
  return out;
}

/**
 * Real FFT of `n = input.length` points: bins 0..n/2 (interleaved, n + 2 values) into `out`.
 * Returns `out`.
 */
export function rfft64(input: Float64Array, out: Float64Array = new Float64Array(input.length + 2)): Float64Array {
  const n = input.length;
  checkPow2(n, 'rfft64', 'input.length', 4);
  checkLength(out, n + 2, 'rfft64', 'out');
  realForward(input, n, out);
  return out;
}

/**
 * Bins 0..n/2 of the real signal `x` (n values) into `out`, by one complex FFT of n/2 points of
 * z_j = x_2j + i x_2j+1 (the real array read as interleaved complex, no copy), then
 * X_k = E_k + e^{-2 pi i k/n} O_k with E_k = (Z_k + conj Z_{m-k}) / 2, O_k = (Z_k - conj Z_{m-k}) / 2i.
 */
function realForward(x: Float64Array, n: number, out: Float64Array): void {
  const m = n / 2;
  const p = plan(m);
  const t = twiddle(n);
  const z = p.a;
  p.fft.transform(z, x);
  // bins 0 and m: Z_m = Z_0, so X_0 = Re Z_0 + Im Z_0 and X_m = Re Z_0 - Im Z_0
  out[0] = z[0] + z[1];
  out[1] = 0;
  out[2 * m] = z[0] - z[1];
  out[2 * m + 1] = 0;
  for (let k = 1; k < m; k++) {
    const j = m - k;
    const zr = z[2 * k];
    const zi = z[2 * k + 1];
    const yr = z[2 * j];
    const yi = z[2 * j + 1];
    const er = 0.5 * (zr + yr);
    const ei = 0.5 * (zi - yi);
    const or = 0.5 * (zi + yi);
    const oi = -0.5 * (zr - yr);
    const c = t[2 * k];
    const s = t[2 * k + 1];
    out[2 * k] = er + c * or + s * oi;
    out[2 * k + 1] = ei + c * oi - s * or;
  }
}

/**
 * Inverse real FFT: `n` real points from the bins 0..n/2 (interleaved, n + 2 values) of a
 * Hermitian spectrum; the imaginary parts of bins 0 and n/2 are ignored (as NumPy's irfft).
 * Returns `out`.
 */
export function irfft64(spectrum: Float64Array, n: number, out: Float64Array = new Float64Array(n)): Float64Array {
  checkPow2(n, 'irfft64', 'n', 4);
  checkLength(spectrum, n + 2, 'irfft64', 'spectrum');
  checkLength(out, n, 'irfft64', 'out');
  realInverse(spectrum, n, out, 1);
  return out;
}

/**
 * `gain * irfft(spectrum)` (n real points from bins 0..n/2) into `out`, by one forward complex FFT
 * of n/2 points: z = IFFT(Z) is computed as FFT(W) with W_k = Z_{-k} / m (the inverse as a forward
 * transform of the index-reversed input), so fft.js's inverse, with its extra pass dividing by m,
 * is not needed and `gain` costs nothing.
 */
function realInverse(spectrum: Float64Array, n: number, out: Float64Array, gain: number): void {
  const m = n / 2;
  const p = plan(m);
  const t = twiddle(n);
  const z = p.a;
  const g = (0.5 * gain) / m;
  // Z_k = E_k + i O_k, E_k = (X_k + conj X_{m-k}) / 2, O_k = (X_k - conj X_{m-k}) e^{+2 pi i k/n} / 2, stored at (m - k) mod m
  for (let k = 0; k < m; k++) {
    const xr = spectrum[2 * k];
    const xi = k === 0 ? 0 : spectrum[2 * k + 1];
    const yr = spectrum[2 * (m - k)];
    const yi = k === 0 ? 0 : -spectrum[2 * (m - k) + 1];
    const er = xr + yr;
    const ei = xi + yi;
    const dr = xr - yr;
    const di = xi - yi;
    const c = t[2 * k];
    const s = t[2 * k + 1];
    const or = dr * c - di * s;
    const oi = dr * s + di * c;
    const j = k === 0 ? 0 : m - k;
    z[2 * j] = g * (er - oi);
    z[2 * j + 1] = g * (ei + or);
  }
  // the inverse is x_2j + i x_2j+1: written straight into out
  p.fft.transform(out, z);
}

/**
 * Real 2-D FFT of an `n0 x n1` row-major array: the `n0 x (n1/2 + 1)` complex half spectrum
 * (interleaved, row-major; NumPy's `rfft2`). Returns `out`.
 */
export function rfft2d64(input: Float64Array, n0: number, n1: number, out: Float64Array = new Float64Array(n0 * (n1 + 2))): Float64Array {
  checkPow2(n0, 'rfft2d64', 'n0');
  checkPow2(n1, 'rfft2d64', 'n1', 4);
  checkLength(input, n0 * n1, 'rfft2d64', 'input');
  checkLength(out, n0 * (n1 + 2), 'rfft2d64', 'out');
  const h = n1 / 2 + 1;
  for (let r = 0; r < n0; r++) realForward(input.subarray(r * n1, (r + 1) * n1), n1, out.subarray(r * 2 * h, (r + 1) * 2 * h));
  columnPass(out, n0, h, h, false, 1, null);
  return out;
}

/**
 * Inverse of {@link rfft2d64}: `n0 x n1` real values from the `n0 x (n1/2 + 1)` half spectrum
 * (NumPy's `irfft2`). `spectrum` is left unchanged. Returns `out`.
 */
export function irfft2d64(spectrum: Float64Array, n0: number, n1: number, out: Float64Array = new Float64Array(n0 * n1)): Float64Array {
  checkPow2(n0, 'irfft2d64', 'n0');
  checkPow2(n1, 'irfft2d64', 'n1', 4);
  const h = n1 / 2 + 1;
  checkLength(spectrum, n0 * 2 * h, 'irfft2d64', 'spectrum');
  checkLength(out, n0 * n1, 'irfft2d64', 'out');
  const tmp = scratch(n0 * 2 * h);
  tmp.set(spectrum.subarray(0, n0 * 2 * h));
  columnPass(tmp, n0, h, h, true, 1, null);
  for (let r = 0; r < n0; r++) realInverse(tmp.subarray(r * 2 * h, (r + 1) * 2 * h), n1, out.subarray(r * n1, (r + 1) * n1), 1 / n0);
  return out;
}

/**
 * Complex 2-D FFT of an `n0 x n1` row-major interleaved array (2 n0 n1 values) in place;
 * `inverse` divides by n0 n1. Returns `data`.
 */
export function fft2d64(data: Float64Array, n0: number, n1: number, inverse = false): Float64Array {
  checkPow2(n0, 'fft2d64', 'n0');
  checkPow2(n1, 'fft2d64', 'n1');
  checkLength(data, 2 * n0 * n1, 'fft2d64', 'data');
  const p1 = plan(n1);
  for (let r = 0; r < n0; r++) {
    const row = data.subarray(2 * r * n1, 2 * (r + 1) * n1);
    p1.a.set(row);
    if (inverse) p1.fft.inverseTransform(p1.b, p1.a);
    else p1.fft.transform(p1.b, p1.a);
    row.set(p1.b);
  }
  columnPass(data, n0, n1, n1, inverse, inverse ? 1 / n0 : 1, null);
  return data;
}

/** Columns per block of the column passes (8 complex doubles: two 64-byte cache lines per row). */
const COLUMN_BLOCK = 8;
const blocks = new Map<number, [Float64Array[], Float64Array[]]>();
/** Two sets (gathered columns, their transforms) of {@link COLUMN_BLOCK} buffers of n0 complex values. */
function blockBuffers(n0: number): [Float64Array[], Float64Array[]] {
  let bs = blocks.get(n0);
  if (!bs) {
    const make = () => Array.from({ length: COLUMN_BLOCK }, () => new Float64Array(2 * n0));
    bs = [make(), make()];
    blocks.set(n0, bs);
  }
  return bs;
}

let scratchBuf = new Float64Array(0);
function scratch(size: number): Float64Array {
  if (scratchBuf.length < size) scratchBuf = new Float64Array(size);
  return scratchBuf.subarray(0, size);
}

/**
 * Complex FFT along axis 0 of the columns `0 .. limit - 1` of an `n0 x w` interleaved array, in
 * place: forward, or with `reverse` the inverse times n0 (the forward transform of each column
 * read index-reversed); results times `gain`, and zero where `mask` (one byte per bin) is 0.
 * Columns go through in blocks of {@link COLUMN_BLOCK}: one pass over the rows gathers a block
 * (whole cache lines), the transforms run on contiguous buffers, one pass scatters it back.
 */
function columnPass(data: Float64Array, n0: number, w: number, limit: number, reverse: boolean, gain: number, mask: Uint8Array | null): void {
  const p0 = plan(n0);
  const [src, dst] = blockBuffers(n0);
  for (let c0 = 0; c0 < limit; c0 += COLUMN_BLOCK) {
    const nb = Math.min(COLUMN_BLOCK, limit - c0);
    for (let r = 0; r < n0; r++) {
      const q = reverse ? 2 * ((n0 - r) & (n0 - 1)) : 2 * r;
      for (let k = 0, i = 2 * (r * w + c0); k < nb; k++, i += 2) {
        const a = src[k];
        a[q] = data[i];
        a[q + 1] = data[i + 1];
      }
    }
    for (let k = 0; k < nb; k++) p0.fft.transform(dst[k], src[k]);
    for (let r = 0; r < n0; r++) {
      const base = r * w + c0;
      if (mask)
        for (let k = 0; k < nb; k++) {
          const g = mask[base + k] ? gain : 0;
          data[2 * (base + k)] = g * dst[k][2 * r];
          data[2 * (base + k) + 1] = g * dst[k][2 * r + 1];
        }
      else if (gain !== 1)
        for (let k = 0; k < nb; k++) {
          data[2 * (base + k)] = gain * dst[k][2 * r];
          data[2 * (base + k) + 1] = gain * dst[k][2 * r + 1];
        }
      else
        for (let k = 0; k < nb; k++) {
          data[2 * (base + k)] = dst[k][2 * r];
          data[2 * (base + k) + 1] = dst[k][2 * r + 1];
        }
    }
  }
}

/**
 * `irfft2d64(i * scale * spectrum)` (or `scale * spectrum` when `imaginary` is false) into `out`,
 * `scale` one real factor per bin (`n0 x (n1/2 + 1)`): the spectral derivatives of the solvers.
 * The factor is applied while each column is gathered, so neither the scaled spectrum nor a copy
 * of it is written; `spectrum` is left unchanged. Returns `out`. @internal
 */
export function irfft2d64Scaled(
  spectrum: Float64Array,
  scale: Float64Array,
  imaginary: boolean,
  n0: number,
  n1: number,
  out: Float64Array = new Float64Array(n0 * n1),
): Float64Array {
  checkPow2(n0, 'irfft2d64Scaled', 'n0');
  checkPow2(n1, 'irfft2d64Scaled', 'n1', 4);
  const w = n1 / 2 + 1;
  checkLength(spectrum, n0 * 2 * w, 'irfft2d64Scaled', 'spectrum');
  checkLength(scale, n0 * w, 'irfft2d64Scaled', 'scale');
  checkLength(out, n0 * n1, 'irfft2d64Scaled', 'out');
  const tmp = scratch(n0 * 2 * w);
  const p0 = plan(n0);
  const B = COLUMN_BLOCK;
  const [blk, res] = blockBuffers(n0);
  for (let c0 = 0; c0 < w; c0 += B) {
    const nb = Math.min(B, w - c0);
    // gather nb adjacent columns (one pass over the rows, whole cache lines); row r goes to
    // (n0 - r) mod n0: the forward transform of the reversed column is n0 times its inverse
    for (let r = 0; r < n0; r++) {
      const q = 2 * ((n0 - r) & (n0 - 1));
      for (let k = 0, j = r * w + c0; k < nb; k++, j++) {
        const s = scale[j];
        const a = blk[k];
        if (imaginary) {
          a[q] = -s * spectrum[2 * j + 1];
          a[q + 1] = s * spectrum[2 * j];
        } else {
          a[q] = s * spectrum[2 * j];
          a[q + 1] = s * spectrum[2 * j + 1];
        }
      }
    }
    for (let k = 0; k < nb; k++) p0.fft.transform(res[k], blk[k]);
    for (let r = 0; r < n0; r++)
      for (let k = 0, i = 2 * (r * w + c0); k < nb; k++, i += 2) {
        const a = res[k];
        tmp[i] = a[2 * r];
        tmp[i + 1] = a[2 * r + 1];
      }
  }
  for (let r = 0; r < n0; r++) realInverse(tmp.subarray(r * 2 * w, (r + 1) * 2 * w), n1, out.subarray(r * n1, (r + 1) * n1), 1 / n0);
  return out;
}

/**
 * `rfft2d64(input)` with the bins where `mask` (one byte per bin, `n0 x (n1/2 + 1)`) is 0 set to
 * zero: a dealiased product's spectrum. Columns whose mask is all zero (`c >= colLimit`) are not
 * transformed. Returns `out`. @internal
 */
export function rfft2d64Masked(
  input: Float64Array,
  mask: Uint8Array,
  colLimit: number,
  n0: number,
  n1: number,
  out: Float64Array = new Float64Array(n0 * (n1 + 2)),
): Float64Array {
  checkPow2(n0, 'rfft2d64Masked', 'n0');
  checkPow2(n1, 'rfft2d64Masked', 'n1', 4);
  const w = n1 / 2 + 1;
  checkLength(input, n0 * n1, 'rfft2d64Masked', 'input');
  checkLength(out, n0 * 2 * w, 'rfft2d64Masked', 'out');
  if (!(mask instanceof Uint8Array) || mask.length < n0 * w)
    throw new ShapeError('mask too short', { where: 'rfft2d64Masked', argument: 'mask', expected: `${n0 * w} bytes`, got: String(mask?.length) });
  for (let r = 0; r < n0; r++) realForward(input.subarray(r * n1, (r + 1) * n1), n1, out.subarray(r * 2 * w, (r + 1) * 2 * w));
  const limit = Math.min(w, Math.max(0, colLimit));
  columnPass(out, n0, w, limit, false, 1, mask);
  for (let r = 0; r < n0; r++) out.fill(0, r * 2 * w + 2 * limit, (r + 1) * 2 * w);
  return out;
}

/** NumPy's `fftfreq(n) * n`: the integer wavenumbers 0, 1, ..., n/2 - 1, -n/2, ..., -1. */
export function wavenumbers(n: number): Float64Array {
  const k = new Float64Array(n);
  for (let i = 0; i < n; i++) k[i] = i < n / 2 ? i : i - n;
  return k;
}
