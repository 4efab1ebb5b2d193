import { ConfigError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import type { ComplexTensor } from './fft';
import { fftn, fftshift, ifftn, ifftshift, irfftn, rfftn } from './fft_nd';

/** Direct float64 2-D DFT of [B, H, W] (complex) over the last two axes, sign -1 (or +1). */
function dft2(re: ArrayLike<number>, im: ArrayLike<number>, [b, h, w]: number[], inverse = false): [Float64Array, Float64Array] {
  const sign = inverse ? 1 : -1;
  const outRe = new Float64Array(b * h * w);
  const outIm = new Float64Array(b * h * w);
  for (let q = 0; q < b; q++) {
    for (let k1 = 0; k1 < h; k1++) {
      for (let k2 = 0; k2 < w; k2++) {
        let sr = 0;
        let si = 0;
        for (let j1 = 0; j1 < h; j1++) {
          for (let j2 = 0; j2 < w; j2++) {
            const a = sign * 2 * Math.PI * (((j1 * k1) % h) / h + ((j2 * k2) % w) / w);
            const p = (q * h + j1) * w + j2;
            sr += re[p] * Math.cos(a) - im[p] * Math.sin(a);
            si += re[p] * Math.sin(a) + im[p] * Math.cos(a);
          }
        }
        outRe[(q * h + k1) * w + k2] = sr;
        outIm[(q * h + k1) * w + k2] = si;
      }
    }
  }
  return [outRe, outIm];
}

function maxErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]));
  return e;
}

const data = (t: tf.Tensor) => t.dataSync() as Float32Array;
const disposeC = (...cs: ComplexTensor[]) => cs.forEach((c) => tf.dispose([c.real, c.imag]));

describe.each(['cpu', 'wasm'] as const)('n-dimensional FFTs on %s', (backend) => {
  it.each([
    [2, 6, 5],
    [1, 8, 8],
    [3, 3, 7],
  ])('fftn, ifftn and rfftn over the last two axes of [%i, %i, %i] equal a float64 2-D DFT; irfftn inverts rfftn', async (b, h, w) => {
    await initBackend({ backend });
    const shape = [b, h, w];
    const rng = createRng(h * w);
    const re = rng.normalTensor(shape);
    const im = rng.normalTensor(shape);
    const axes = [-2, -1];
    const [wr, wi] = dft2(data(re), data(im), shape);
    const y = fftn({ real: re, imag: im }, { axes });
    expect(maxErr(data(y.real), wr)).toBeLessThan(1e-4);
    expect(maxErr(data(y.imag), wi)).toBeLessThan(1e-4);
    const back = ifftn(y, { axes });
    expect(maxErr(data(back.real), data(re))).toBeLessThan(1e-5);
    expect(maxErr(data(back.imag), data(im))).toBeLessThan(1e-5);
    // rfftn: the first w/2 + 1 columns of the complex DFT of a real input
    const [xr, xi] = dft2(data(re), new Float64Array(b * h * w), shape);
    const r = rfftn(re, { axes, norm: 'forward' });
    const m = (w >> 1) + 1;
    expect(r.real.shape).toEqual([b, h, m]);
    const pick = (a: Float64Array) => Float64Array.from({ length: b * h * m }, (_, i) => a[Math.floor(i / m) * w + (i % m)] / (h * w));
    expect(maxErr(data(r.real), pick(xr))).toBeLessThan(1e-5);
    expect(maxErr(data(r.imag), pick(xi))).toBeLessThan(1e-5);
    const x2 = irfftn(r, { axes, s: [h, w], norm: 'forward' });
    expect(maxErr(data(x2), data(re))).toBeLessThan(1e-5);
    disposeC(y, back, r);
    tf.dispose([re, im, x2]);
  });

  it('default axes: every axis; s alone picks the last axes; axes in any order', async () => {
    await initBackend({ backend });
    const rng = createRng(3);
    const x = rng.normalTensor([4, 6]);
    const a = rfftn(x);
    const b = rfftn(x, { axes: [0, 1] });
    const c = rfftn(x, { s: [4, 6] });
    expect(a.real.shape).toEqual([4, 4]);
    for (const t of [b, c]) {
      expect(maxErr(data(t.real), data(a.real))).toBe(0);
      expect(maxErr(data(t.imag), data(a.imag))).toBe(0);
    }
    const d = rfftn(x, { axes: [1, 0] }); // rfft along axis 0
    expect(d.real.shape).toEqual([3, 6]);
    const e = irfftn(d, { axes: [1, 0], s: [6, 4] });
    expect(maxErr(data(e), data(x))).toBeLessThan(1e-5);
    const p = rfftn(x, { s: [8] });
    expect(p.real.shape).toEqual([4, 5]);
    disposeC(a, b, c, d, p);
    tf.dispose([x, e]);
  });

  it('gradients: finite differences for rfftn and irfftn; fused equals reference', async () => {
    await initBackend({ backend });
    const rng = createRng(5);
    const x = rng.normalTensor([3, 4]);
    const zr = rng.normalTensor([3, 3]);
    const zi = rng.normalTensor([3, 3]);
    const tol = { eps: 1e-2, rtol: 1e-2, atol: 1e-3 };
    const parts = (c: ComplexTensor) => tf.concat([c.real, c.imag], -1);
    gradCheck((a) => parts(rfftn(a, { norm: 'ortho' })), [x], tol);
    gradCheck((a, b) => irfftn({ real: a, imag: b }, { s: [3, 5] }), [zr, zi], tol);
    gradCheck((a, b) => parts(fftn({ real: a, imag: b }, { norm: 'forward' })), [zr, zi], tol);
    for (const fn of [
      (impl: 'fused' | 'reference') => (a: tf.Tensor, b: tf.Tensor) => irfftn({ real: a, imag: b }, { norm: 'forward', impl }),
      (impl: 'fused' | 'reference') => (a: tf.Tensor, b: tf.Tensor) => parts(ifftn({ real: a, imag: b }, { impl })),
    ]) {
      const [f, r] = tf.tidy(() => {
        const w = rng.normalTensor(fn('fused')(zr, zi).shape);
        const g = (impl: 'fused' | 'reference') => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fn(impl)(a, b), w)))([zr, zi]);
        return [tf.concat(g('fused'), -1), tf.concat(g('reference'), -1)];
      });
      expect(maxErr(data(f), data(r))).toBeLessThan(1e-5);
      tf.dispose([f, r]);
    }
    tf.dispose([x, zr, zi]);
  });

  it("fftshift and ifftshift as numpy's (odd and even sizes, tensors and pairs)", async () => {
    await initBackend({ backend });
    const odd = tf.tensor1d([0, 1, 2, 3, 4]);
    const even = tf.tensor1d([0, 1, 2, 3]);
    const s1 = fftshift(odd);
    const s2 = ifftshift(odd);
    const s3 = fftshift(even);
    const back = ifftshift(s1);
    expect(Array.from(data(s1))).toEqual([3, 4, 0, 1, 2]);
    expect(Array.from(data(s2))).toEqual([2, 3, 4, 0, 1]);
    expect(Array.from(data(s3))).toEqual([2, 3, 0, 1]);
    expect(Array.from(data(back))).toEqual([0, 1, 2, 3, 4]);
    const m = tf.tensor2d([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    const negm = tf.neg(m);
    const c = fftshift({ real: m, imag: negm }, { axes: [1] });
    expect(Array.from(data(c.real))).toEqual([2, 0, 1, 5, 3, 4]);
    expect(Array.from(data(c.imag))).toEqual([-2, -0, -1, -5, -3, -4]);
    const all = fftshift(m);
    expect(Array.from(data(all))).toEqual([5, 3, 4, 2, 0, 1]);
    tf.dispose([odd, even, s1, s2, s3, back, m, negm, all, c.real, c.imag]);
  });
});

describe('n-dimensional FFT errors', () => {
  it('name where, the argument, the expectation and what came', async () => {
    await initBackend({ backend: 'cpu' });
    const x = tf.zeros([2, 3]);
    expect(() => rfftn(x, { axes: [0, 2] })).toThrow(/rfftn: argument axes\[1\]: invalid value/);
    expect(() => rfftn(x, { axes: [1, -1] })).toThrow(/rfftn: argument axes: repeated axis/);
    expect(() => rfftn(x, { axes: [] })).toThrow(ConfigError);
    expect(() => irfftn({ real: x, imag: x }, { axes: [0, 1], s: [2] })).toThrow(/irfftn: argument s: s and axes differ in length/);
    expect(() => fftn({ real: x, imag: x }, { s: [0, 2] })).toThrow(/fftn: argument s\[0\]/);
    expect(() => ifftn(x as never)).toThrow(/ifftn: argument x: not a complex pair/);
    expect(() => fftshift(3 as never)).toThrow(/fftshift: argument x: not a complex pair/);
    expect(() => ifftshift(x, { axes: [5] })).toThrow(/ifftshift: argument axes\[0\]/);
    x.dispose();
  });
});
