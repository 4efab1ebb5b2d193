import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createRng, initBackend } from '@basiskit/tensor';
import { CosineRF, GaussianRF, generateGaussianRF } from './grf';
import { fft2d64, rfft64 } from './fft64';
import { sampleRng, sampleSeed } from './sample_rng';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Mean over `m` samples of |FFT_k|^2 / (N^(2d) e_k), per mode with e_k > 0. */
function spectrumRatio(grf: GaussianRF, m: number, seed: number): Float64Array {
  const n = grf.size;
  const total = grf.dim === 1 ? n : n * n;
  const acc = new Float64Array(total);
  const rng = createRng(seed);
  for (let s = 0; s < m; s++) {
    const u = grf.sample(rng);
    if (grf.dim === 1) {
      const X = rfft64(u);
      for (let k = 0; k < n; k++) {
        const b = k <= n / 2 ? k : n - k;
        acc[k] += X[2 * b] ** 2 + X[2 * b + 1] ** 2;
      }
    } else {
      const c = new Float64Array(2 * total);
      for (let i = 0; i < total; i++) c[2 * i] = u[i];
      fft2d64(c, n, n);
      for (let i = 0; i < total; i++) acc[i] += c[2 * i] ** 2 + c[2 * i + 1] ** 2;
    }
  }
  const scale = total * total;
  for (let i = 0; i < total; i++) acc[i] = grf.modeVariance[i] > 0 ? acc[i] / (m * scale * grf.modeVariance[i]) : NaN;
  return acc;
}

describe('GaussianRF', () => {
  it("neuralop's spectrum: the empirical spectrum of 1-D samples matches sigma^2 (4 pi^2 k^2 + tau^2)^(-alpha)", () => {
    const grf = new GaussianRF({ dim: 1, size: 64, alpha: 2.5, tau: 7, sigma: 49 });
    expect(grf.modeVariance[0]).toBe(0);
    expect(grf.modeVariance[3]).toBeCloseTo(49 ** 2 * (4 * Math.PI ** 2 * 9 + 49) ** -2.5, 15);
    const r = spectrumRatio(grf, 800, 1);
    // each bin's mean of 800 exponential (chi^2_2 / 2) variates: std ~ 0.035 (0.05 at k = 0, n/2 with 1 dof)
    let pooled = 0;
    for (let k = 1; k < 64; k++) {
      expect(Math.abs(r[k] - 1)).toBeLessThan(0.2);
      pooled += r[k] / 63;
    }
    expect(Math.abs(pooled - 1)).toBeLessThan(0.03);
  });

  it('2-D samples follow the target spectrum per mode, with Hermitian symmetry (real fields)', () => {
    const grf = new GaussianRF({ dim: 2, size: 16 });
    expect(grf.sigma).toBeCloseTo(3 ** 1, 12);
    const r = spectrumRatio(grf, 600, 2);
    let pooled = 0;
    for (let i = 1; i < 256; i++) {
      expect(Math.abs(r[i] - 1)).toBeLessThan(0.25);
      pooled += r[i] / 255;
    }
    expect(Math.abs(pooled - 1)).toBeLessThan(0.03);
  });

  it('Matern: pointwise variance sigma^2 and the spectrum decays as (2 nu / l^2 + 4 pi^2 k^2)^(-(nu + 1/2))', () => {
    const grf = new GaussianRF({ dim: 1, size: 32, kind: 'matern', nu: 1.5, lengthScale: 0.2, sigma: 2 });
    const e = grf.modeVariance;
    expect(e.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 12);
    expect(e[2] / e[1]).toBeCloseTo(((75 + 4 * Math.PI ** 2 * 4) / (75 + 4 * Math.PI ** 2)) ** -2, 12);
    const r = spectrumRatio(grf, 800, 3);
    for (let k = 0; k < 32; k++) expect(Math.abs(r[k] - 1)).toBeLessThan(0.25);
    // pointwise variance of the samples
    const rng = createRng(4);
    let v = 0;
    for (let s = 0; s < 2000; s++) v += grf.sample(rng)[5] ** 2 / 2000;
    expect(Math.abs(v - 4)).toBeLessThan(0.4);
  });

  it('rejects bad options with the argument named', () => {
    expect(() => new GaussianRF({ dim: 3 as 2, size: 16 })).toThrow(ConfigError);
    expect(() => new GaussianRF({ size: 12 })).toThrow(/size.*power of two/s);
    expect(() => new GaussianRF({ size: 16, tau: -1 })).toThrow(/tau/);
    expect(() => new GaussianRF({ size: 16, sigmma: 1 } as never)).toThrow(/unknown option "sigmma"/);
  });
});

describe('CosineRF (FNO Darcy field)', () => {
  it('is a cosine series: even about the cell-centred boundary, and its DCT has the target variance', () => {
    const s = 12;
    const grf = new CosineRF({ size: s });
    const rng = createRng(5);
    const m = 600;
    let ratio = 0;
    let count = 0;
    // project on cosine mode (a, b) = (1, 2): coefficient ~ N(0, (s coef)^2)
    for (const [a, b] of [
      [1, 2],
      [0, 1],
      [3, 3],
    ]) {
      let acc = 0;
      for (let t = 0; t < m; t++) {
        const u = grf.sample(rng);
        let proj = 0;
        const w = (k: number): number => (k === 0 ? Math.sqrt(1 / s) : Math.sqrt(2 / s));
        for (let i = 0; i < s; i++)
          for (let j = 0; j < s; j++)
            proj += u[i * s + j] * w(a) * w(b) * Math.cos((Math.PI * (2 * i + 1) * a) / (2 * s)) * Math.cos((Math.PI * (2 * j + 1) * b) / (2 * s));
        acc += proj * proj;
      }
      const target = (s * 3 * (Math.PI ** 2 * (a * a + b * b) + 9) ** -1) ** 2;
      ratio += acc / m / target;
      count++;
      expect(Math.abs(acc / m / target - 1)).toBeLessThan(0.2);
    }
    expect(ratio / count).toBeGreaterThan(0.85);
  });
});

describe('generateGaussianRF shards', () => {
  it('two halves concatenated equal the whole set; sample i depends only on (seed, i)', () => {
    const whole = generateGaussianRF({ dim: 2, size: 8, seed: 42, count: 6 });
    const a = generateGaussianRF({ dim: 2, size: 8, seed: 42, start: 0, count: 3 });
    const b = generateGaussianRF({ dim: 2, size: 8, seed: 42, start: 3, count: 3 });
    expect(whole.shape).toEqual([6, 8, 8]);
    expect(Array.from(whole.dataSync())).toEqual([...a.dataSync(), ...b.dataSync()]);
    const other = generateGaussianRF({ dim: 2, size: 8, seed: 43, start: 0, count: 1 });
    expect(other.dataSync()[0]).not.toBe(whole.dataSync()[0]);
    [whole, a, b, other].forEach((t) => t.dispose());
    expect(sampleSeed(42, 3)).toBe(sampleSeed(42n, 3));
    expect(sampleSeed(42, 3)).not.toBe(sampleSeed(43, 2));
    expect(sampleRng(1, 0).normal()).not.toBe(sampleRng(1, 1).normal());
  });

  it('rejects a bad shard', () => {
    expect(() => generateGaussianRF({ size: 8, count: 0 })).toThrow(/count/);
    expect(() => generateGaussianRF({ size: 8, count: 2, start: -1 })).toThrow(/start/);
    expect(() => generateGaussianRF({ size: 8, count: 2, seed: 0.5 })).toThrow(/seed/);
  });
});
