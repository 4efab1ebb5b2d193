import { ConfigError, DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { fft, ifft, irfft, rfft, type ComplexTensor, type FFTNorm } from './fft';

type Impl = 'fused' | 'reference';

/** Direct float64 DFT of rows (last axis) of length L, cropped/padded to n; sign -1 forward. */
function dft(re: ArrayLike<number>, im: ArrayLike<number>, rows: number, len: number, n: number, inverse: boolean): [Float64Array, Float64Array] {
  const outRe = new Float64Array(rows * n);
  const outIm = new Float64Array(rows * n);
  const sign = inverse ? 1 : -1;
  const c = Math.min(len, n);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < c; j++) {
        const a = (sign * 2 * Math.PI * ((j * k) % n)) / n;
        const cs = Math.cos(a);
        const sn = Math.sin(a);
        const xr = re[r * len + j];
        const xi = im[r * len + j];
        sr += xr * cs - xi * sn;
        si += xr * sn + xi * cs;
      }
      outRe[r * n + k] = sr;
      outIm[r * n + k] = si;
    }
  }
  return [outRe, outIm];
}

function scaleOf(norm: FFTNorm, n: number, inverse: boolean) {
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  return (norm === 'backward') === inverse ? 1 / n : 1;
}

/** max |got - want| / max(1, max |want|) */
function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let err = 0;
  let big = 1;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    big = Math.max(big, Math.abs(want[i]));
  }
  return err / big;
}

const data = (t: tf.Tensor) => t.dataSync() as Float32Array;
const disposeC = (...cs: ComplexTensor[]) => cs.forEach((c) => tf.dispose([c.real, c.imag]));

const SIZES = [1, 2, 3, 5, 8, 17, 64, 97, 1000, 1024, 4096];
const rowsFor = (n: number) => (n >= 4096 ? 1 : n >= 1000 ? 2 : 3);

describe.each(['cpu', 'wasm'] as const)('FFT on %s', (backend) => {
  it.each(SIZES)('fft and ifft of length %i equal a float64 DFT', async (n) => {
    await initBackend({ backend });
    const rows = rowsFor(n);
    const rng = createRng(n);
    const re = rng.normalTensor([rows, n]);
    const im = rng.normalTensor([rows, n]);
    for (const inverse of [false, true]) {
      const y = (inverse ? ifft : fft)({ real: re, imag: im }, { impl: 'fused' });
      const [wr, wi] = dft(data(re), data(im), rows, n, n, inverse);
      const s = inverse ? 1 / n : 1;
      expect(
        relErr(
          data(y.real),
          wr.map((v) => v * s),
        ),
      ).toBeLessThan(2e-6 * Math.log2(n + 1) + 1e-6);
      expect(
        relErr(
          data(y.imag),
          wi.map((v) => v * s),
        ),
      ).toBeLessThan(2e-6 * Math.log2(n + 1) + 1e-6);
      disposeC(y);
    }
    tf.dispose([re, im]);
  });

  // plus lengths whose half-length FFT has an even log2 (radix-4 first pass) and odd (radix-8)
  it.each([...SIZES, 16, 32, 128, 256, 2048])('rfft and irfft of length %i equal a float64 DFT, and round-trip', async (n) => {
    await initBackend({ backend });
    const rows = rowsFor(n);
    const rng = createRng(100 + n);
    const x = rng.normalTensor([rows, n]);
    const y = rfft(x, { impl: 'fused' });
    const m = (n >> 1) + 1;
    expect(y.real.shape).toEqual([rows, m]);
    const [wr, wi] = dft(data(x), new Float64Array(rows * n), rows, n, n, false);
    const pick = (a: Float64Array) => Float64Array.from({ length: rows * m }, (_, i) => a[Math.floor(i / m) * n + (i % m)]);
    expect(relErr(data(y.real), pick(wr))).toBeLessThan(2e-6 * Math.log2(n + 1) + 1e-6);
    expect(relErr(data(y.imag), pick(wi))).toBeLessThan(2e-6 * Math.log2(n + 1) + 1e-6);
    const back = irfft(y, { n, impl: 'fused' });
    expect(back.shape).toEqual([rows, n]);
    expect(relErr(data(back), data(x))).toBeLessThan(1e-5);
    disposeC(y);
    tf.dispose([x, back]);
  });

  it('round trips, Parseval and every norm', async () => {
    await initBackend({ backend });
    const rng = createRng(7);
    for (const n of [6, 16, 13]) {
      const re = rng.normalTensor([4, n]);
      const im = rng.normalTensor([4, n]);
      for (const norm of ['backward', 'ortho', 'forward'] as const) {
        const y = fft({ real: re, imag: im }, { norm });
        const [wr, wi] = dft(data(re), data(im), 4, n, n, false);
        const s = scaleOf(norm, n, false);
        expect(
          relErr(
            data(y.real),
            wr.map((v) => v * s),
          ),
        ).toBeLessThan(1e-5);
        expect(
          relErr(
            data(y.imag),
            wi.map((v) => v * s),
          ),
        ).toBeLessThan(1e-5);
        const back = ifft(y, { norm });
        expect(relErr(data(back.real), data(re))).toBeLessThan(1e-5);
        expect(relErr(data(back.imag), data(im))).toBeLessThan(1e-5);
        if (norm === 'ortho') {
          const e = (a: Float32Array, b: Float32Array) => a.reduce((acc, v, i) => acc + v * v + b[i] * b[i], 0);
          expect(e(data(y.real), data(y.imag)) / e(data(re), data(im))).toBeCloseTo(1, 5);
        }
        const ry = rfft(re, { norm });
        const rback = irfft(ry, { n, norm });
        expect(relErr(data(rback), data(re))).toBeLessThan(1e-5);
        disposeC(y, back, ry);
        rback.dispose();
      }
      tf.dispose([re, im]);
    }
  });

  it.each([0, 1, 2, -3])('non-last axis %i of a rank-3 tensor equals the reference (fft, rfft, irfft)', async (axis) => {
    await initBackend({ backend });
    const rng = createRng(11);
    const shape = [5, 6, 3];
    const re = rng.normalTensor(shape);
    const im = rng.normalTensor(shape);
    for (const n of [undefined, 4, 9]) {
      for (const inverse of [false, true]) {
        const f = (inverse ? ifft : fft)({ real: re, imag: im }, { axis, n, impl: 'fused', norm: 'ortho' });
        const r = (inverse ? ifft : fft)({ real: re, imag: im }, { axis, n, impl: 'reference', norm: 'ortho' });
        expect(f.real.shape).toEqual(r.real.shape);
        expect(relErr(data(f.real), data(r.real))).toBeLessThan(1e-5);
        expect(relErr(data(f.imag), data(r.imag))).toBeLessThan(1e-5);
        disposeC(f, r);
      }
      const f = rfft(re, { axis, n, impl: 'fused' });
      const r = rfft(re, { axis, n, impl: 'reference' });
      expect(f.real.shape).toEqual(r.real.shape);
      expect(relErr(data(f.real), data(r.real))).toBeLessThan(1e-5);
      expect(relErr(data(f.imag), data(r.imag))).toBeLessThan(1e-5);
      const fi = irfft({ real: re, imag: im }, { axis, n, impl: 'fused' });
      const ri = irfft({ real: re, imag: im }, { axis, n, impl: 'reference' });
      expect(fi.shape).toEqual(ri.shape);
      expect(relErr(data(fi), data(ri))).toBeLessThan(1e-5);
      disposeC(f, r);
      tf.dispose([fi, ri]);
    }
    tf.dispose([re, im]);
  });

  it('n crops and zero-pads like numpy', async () => {
    await initBackend({ backend });
    const rng = createRng(12);
    const re = rng.normalTensor([2, 8]);
    const im = rng.normalTensor([2, 8]);
    for (const n of [3, 8, 11, 16]) {
      const y = fft({ real: re, imag: im }, { n });
      expect(y.real.shape).toEqual([2, n]);
      const [wr, wi] = dft(data(re), data(im), 2, 8, n, false);
      expect(relErr(data(y.real), wr)).toBeLessThan(1e-5);
      expect(relErr(data(y.imag), wi)).toBeLessThan(1e-5);
      disposeC(y);
    }
    tf.dispose([re, im]);
  });

  describe('gradients', () => {
    const parts = (c: ComplexTensor) => tf.concat([c.real, c.imag], -1);
    it.each([5, 8])('finite differences: fft, ifft, rfft, irfft of length %i (every norm, crop and pad)', async (n) => {
      await initBackend({ backend });
      const rng = createRng(20 + n);
      const re = rng.normalTensor([2, n]);
      const im = rng.normalTensor([2, n]);
      const tol = { eps: 1e-2, rtol: 1e-2, atol: 1e-3 };
      for (const norm of ['backward', 'ortho', 'forward'] as const) {
        for (const nn of [undefined, n - 2, n + 3]) {
          const o = { norm, n: nn, impl: 'fused' as const };
          gradCheck((a, b) => parts(fft({ real: a, imag: b }, o)), [re, im], tol);
          gradCheck((a, b) => parts(ifft({ real: a, imag: b }, o)), [re, im], tol);
          gradCheck((a) => parts(rfft(a, o)), [re], tol);
          gradCheck((a, b) => irfft({ real: a, imag: b }, { ...o, n: nn ?? 2 * (n - 1) }), [re, im], tol);
        }
      }
      tf.dispose([re, im]);
    });

    it.each([5, 8, 9])("fused gradients equal the reference's autodiff (length %i, axis 0 of rank 3)", async (n) => {
      await initBackend({ backend });
      const rng = createRng(30 + n);
      const shape = [n, 3, 2];
      const re = rng.normalTensor(shape);
      const im = rng.normalTensor(shape);
      const norm = 'ortho';
      for (const nn of [undefined, n - 1, n + 2]) {
        const fns = (impl: Impl) => [
          (a: tf.Tensor, b: tf.Tensor) => parts(fft({ real: a, imag: b }, { axis: 0, n: nn, norm, impl })),
          (a: tf.Tensor, b: tf.Tensor) => parts(ifft({ real: a, imag: b }, { axis: 0, n: nn, norm: 'backward', impl })),
          (a: tf.Tensor) => parts(rfft(a, { axis: 0, n: nn, norm, impl })),
          (a: tf.Tensor, b: tf.Tensor) => irfft({ real: a, imag: b }, { axis: 0, n: nn ?? n, norm: 'forward', impl }),
        ];
        const f = fns('fused');
        const r = fns('reference');
        for (let i = 0; i < f.length; i++) {
          const [gf, gr] = tf.tidy(() => {
            const y = f[i](re, im);
            const w = createRng(i).normalTensor(y.shape);
            const loss = (fn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fn(a, b), w)));
            // rfft takes one input: b stays unused (zero gradient)
            const g1 = loss((a, b) => tf.add(f[i](a, b), tf.mul(tf.sum(b), 0)))([re, im]);
            const g2 = loss((a, b) => tf.add(r[i](a, b), tf.mul(tf.sum(b), 0)))([re, im]);
            return [tf.concat(g1.map((g) => tf.reshape(g, [-1]))), tf.concat(g2.map((g) => tf.reshape(g, [-1])))];
          });
          expect(relErr(data(gf), data(gr))).toBeLessThan(1e-5);
          tf.dispose([gf, gr]);
        }
      }
      tf.dispose([re, im]);
    });

    it('irfft ignores the imaginary parts of bin 0 and the Nyquist bin: their gradients are 0', async () => {
      await initBackend({ backend });
      const rng = createRng(40);
      const re = rng.normalTensor([2, 5]);
      const im = rng.normalTensor([2, 5]);
      const w = rng.normalTensor([2, 8]);
      for (const impl of ['fused', 'reference'] as const) {
        const [gr, gi] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(irfft({ real: a, imag: b }, { impl }), w)))([re, im]);
        const g = data(gi);
        expect([g[0], g[4], g[5], g[9]]).toEqual([0, 0, 0, 0]);
        expect(g[1]).not.toBe(0);
        tf.dispose([gr, gi]);
      }
      tf.dispose([re, im, w]);
    });
  });
});

describe('FFT errors', () => {
  it('name where, the argument, the expectation and what came', async () => {
    await initBackend({ backend: 'cpu' });
    const x = tf.zeros([2, 3]);
    const y = tf.zeros([2, 4]);
    const xi = tf.zeros([2, 3], 'int32');
    const s = tf.scalar(1);
    expect(() => fft({ real: x, imag: x }, { axis: 2 })).toThrow(/fft: argument axis: invalid value \(expected an integer >= -2 <= 1, got 2\)/);
    expect(() => ifft({ real: x, imag: x }, { axis: -3 })).toThrow(ConfigError);
    expect(() => fft({ real: x, imag: x }, { n: 0 })).toThrow(/fft: argument n: invalid value \(expected an integer >= 1, got 0\)/);
    expect(() => rfft(x, { n: 2.5 })).toThrow(/rfft: argument n/);
    expect(() => fft({ real: x, imag: y })).toThrow(ShapeError);
    expect(() => fft({ real: x, imag: y })).toThrow(
      /fft: argument x.imag: real and imaginary parts differ in shape \(expected shape \[2, 3\] \(as x.real\), got shape \[2, 4\]\)/,
    );
    expect(() => fft({ real: x, imag: xi })).toThrow(DTypeError);
    expect(() => fft({ real: x, imag: xi })).toThrow(/fft: argument x.imag: wrong dtype \(expected float32, got int32\)/);
    expect(() => rfft(xi)).toThrow(DTypeError);
    expect(() => rfft(s)).toThrow(ShapeError);
    expect(() => rfft([1, 2] as never)).toThrow(/rfft: argument x: not a tensor/);
    expect(() => fft(x as never)).toThrow(/fft: argument x: not a complex pair/);
    expect(() => irfft({ real: x, imag: 1 } as never)).toThrow(/irfft: argument x.imag: not a tensor/);
    expect(() => fft({ real: x, imag: x }, { norm: 'none' as never })).toThrow(/fft: argument norm/);
    expect(() => fft({ real: x, imag: x }, { nn: 3 } as never)).toThrow(/unknown option "nn"/);
    expect(() => fft({ real: x, imag: x }, { impl: 'x' as never })).toThrow(/argument impl/);
    const e = tf.zeros([2, 0]);
    expect(() => fft({ real: e, imag: e })).toThrow(/fft: argument n/);
    const one = tf.zeros([2, 1]);
    expect(() => irfft({ real: one, imag: one })).toThrow(/irfft: argument n/);
    tf.dispose([x, y, xi, s, e, one]);
  });
});
