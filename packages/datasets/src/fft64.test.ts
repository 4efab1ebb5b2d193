import { describe, expect, it } from 'vitest';
import { createRng } from '@basiskit/tensor';
import { fft2d64, fft64, irfft2d64, irfft2d64Scaled, irfft64, rfft2d64, rfft2d64Masked, rfft64, wavenumbers } from './fft64';

/** Direct O(n^2) DFT of interleaved complex data. */
function dft(x: Float64Array, inverse = false): Float64Array {
  const n = x.length / 2;
  const out = new Float64Array(2 * n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const a = (sign * 2 * Math.PI * ((k * j) % n)) / n;
      re += x[2 * j] * Math.cos(a) - x[2 * j + 1] * Math.sin(a);
      im += x[2 * j] * Math.sin(a) + x[2 * j + 1] * Math.cos(a);
    }
    out[2 * k] = inverse ? re / n : re;
    out[2 * k + 1] = inverse ? im / n : im;
  }
  return out;
}

function randn(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const complexOf = (x: Float64Array): Float64Array => {
  const c = new Float64Array(2 * x.length);
  for (let i = 0; i < x.length; i++) c[2 * i] = x[i];
  return c;
};

describe('fft64', () => {
  it.each([2, 4, 8, 32, 64])('complex forward and inverse match a direct DFT (n = %i)', (n) => {
    const x = randn(2 * n, n);
    expect(maxDiff(fft64(x), dft(x))).toBeLessThan(1e-12 * n);
    expect(maxDiff(fft64(x, undefined, true), dft(x, true))).toBeLessThan(1e-13 * n);
  });

  it.each([4, 8, 16, 128])('rfft64 keeps bins 0..n/2 of the DFT and irfft64 inverts it (n = %i)', (n) => {
    const x = randn(n, 100 + n);
    const X = rfft64(x);
    expect(X.length).toBe(n + 2);
    expect(maxDiff(X, dft(complexOf(x)), n + 2)).toBeLessThan(1e-12 * n);
    expect(maxDiff(irfft64(X, n), x)).toBeLessThan(1e-14 * n);
  });

  it('irfft64 ignores the imaginary parts of bins 0 and n/2 (as NumPy)', () => {
    const n = 16;
    const X = rfft64(randn(n, 3));
    const a = irfft64(X, n);
    X[1] = 5;
    X[n + 1] = -7;
    expect(maxDiff(irfft64(X, n), a)).toBeLessThan(1e-15 * n * 10);
  });

  it('2-D real and complex transforms match separable direct DFTs', () => {
    const [n0, n1] = [8, 16];
    const x = randn(n0 * n1, 7);
    // reference: complex 2-D DFT by rows then columns
    const c = complexOf(x);
    const rows = new Float64Array(2 * n0 * n1);
    for (let r = 0; r < n0; r++) rows.set(dft(c.subarray(2 * r * n1, 2 * (r + 1) * n1)), 2 * r * n1);
    const full = new Float64Array(2 * n0 * n1);
    for (let k = 0; k < n1; k++) {
      const col = new Float64Array(2 * n0);
      for (let r = 0; r < n0; r++) [col[2 * r], col[2 * r + 1]] = [rows[2 * (r * n1 + k)], rows[2 * (r * n1 + k) + 1]];
      const f = dft(col);
      for (let r = 0; r < n0; r++) [full[2 * (r * n1 + k)], full[2 * (r * n1 + k) + 1]] = [f[2 * r], f[2 * r + 1]];
    }
    const h = n1 / 2 + 1;
    const half = rfft2d64(x, n0, n1);
    let err = 0;
    for (let r = 0; r < n0; r++)
      for (let k = 0; k < h; k++) for (let p = 0; p < 2; p++) err = Math.max(err, Math.abs(half[2 * (r * h + k) + p] - full[2 * (r * n1 + k) + p]));
    expect(err).toBeLessThan(1e-11);
    const before = half.slice();
    expect(maxDiff(irfft2d64(half, n0, n1), x)).toBeLessThan(1e-13);
    expect(maxDiff(half, before)).toBe(0);
    const cc = c.slice();
    expect(maxDiff(fft2d64(cc, n0, n1), full)).toBeLessThan(1e-11);
    expect(maxDiff(fft2d64(cc, n0, n1, true), c)).toBeLessThan(1e-14);
  });

  it('wavenumbers are fftfreq(n) * n', () => {
    expect(Array.from(wavenumbers(8))).toEqual([0, 1, 2, 3, -4, -3, -2, -1]);
  });

  it('rejects sizes that are not powers of two with a clear error', () => {
    expect(() => rfft64(new Float64Array(12))).toThrow(/rfft64.*input.length.*power of two/s);
    expect(() => irfft64(new Float64Array(9), 8)).toThrow(/irfft64.*spectrum/s);
    expect(() => fft64(new Float64Array(6))).toThrow(/power of two/);
  });
});

describe('fused 2-D transforms of the solvers', () => {
  it('irfft2d64Scaled equals irfft2d64 of the scaled spectrum (times i or not), spectrum unchanged', () => {
    for (const [n0, n1] of [
      [8, 16],
      [32, 32],
    ]) {
      const w = n1 / 2 + 1;
      const spec = rfft2d64(randn(n0 * n1, 3), n0, n1);
      const before = spec.slice();
      const scale = randn(n0 * w, 4);
      for (const imaginary of [true, false]) {
        const scaled = new Float64Array(spec.length);
        for (let i = 0; i < n0 * w; i++) {
          scaled[2 * i] = imaginary ? -scale[i] * spec[2 * i + 1] : scale[i] * spec[2 * i];
          scaled[2 * i + 1] = imaginary ? scale[i] * spec[2 * i] : scale[i] * spec[2 * i + 1];
        }
        const want = irfft2d64(scaled, n0, n1);
        const got = irfft2d64Scaled(spec, scale, imaginary, n0, n1);
        const peak = Math.max(...want.map(Math.abs));
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-13 * peak);
      }
      expect(spec).toEqual(before);
    }
  });

  it('rfft2d64Masked equals rfft2d64 with the masked bins zeroed, also for columns past colLimit', () => {
    const [n0, n1] = [16, 32];
    const w = n1 / 2 + 1;
    const x = randn(n0 * n1, 5);
    const want = rfft2d64(x, n0, n1);
    const rng = createRng(6);
    const colLimit = 7;
    const mask = new Uint8Array(n0 * w).map((_, i) => (i % w < colLimit && rng.uniform() < 0.7 ? 1 : 0));
    const got = rfft2d64Masked(x, mask, colLimit, n0, n1, new Float64Array(n0 * 2 * w).fill(9));
    for (let i = 0; i < n0 * w; i++)
      for (const part of [0, 1]) {
        const expected = mask[i] ? want[2 * i + part] : 0;
        expect(Math.abs(got[2 * i + part] - expected)).toBeLessThan(1e-12);
      }
    expect(() => rfft2d64Masked(x, new Uint8Array(3), colLimit, n0, n1)).toThrow(/rfft2d64Masked.*mask/s);
  });
});
