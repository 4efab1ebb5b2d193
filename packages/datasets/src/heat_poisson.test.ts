import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@basiskit/tensor';
import { generateHeat, solveHeat } from './heat';
import { generatePoisson, solvePoisson } from './poisson';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const maxAbs = (a: Float64Array, b: Float64Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const P2 = 2 * Math.PI;

describe('heat (exact in Fourier space)', () => {
  it('1-D and 2-D match the closed-form decay of Fourier modes', () => {
    const n = 32;
    const kappa = 0.02;
    const t = 0.7;
    const u0 = Float64Array.from({ length: n }, (_, i) => Math.sin((P2 * i) / n) + 0.5 * Math.cos((3 * P2 * i) / n) + 2);
    const want = Float64Array.from(
      { length: n },
      (_, i) => Math.exp(-kappa * P2 ** 2 * t) * Math.sin((P2 * i) / n) + 0.5 * Math.exp(-9 * kappa * P2 ** 2 * t) * Math.cos((3 * P2 * i) / n) + 2,
    );
    expect(maxAbs(solveHeat(u0, { kappa, t }), want)).toBeLessThan(1e-13);
    const w0 = new Float64Array(n * n).map((_, k) => Math.sin((P2 * Math.floor(k / n)) / n) * Math.cos((2 * P2 * (k % n)) / n));
    expect(
      maxAbs(
        solveHeat(w0, { dim: 2, kappa, t }),
        w0.map((v) => v * Math.exp(-5 * kappa * P2 ** 2 * t)),
      ),
    ).toBeLessThan(1e-13);
  });

  it('generateHeat: shapes and shards', () => {
    const whole = generateHeat({ dim: 2, resolution: 8, count: 2, seed: 1 });
    const b = generateHeat({ dim: 2, resolution: 8, start: 1, count: 1, seed: 1 });
    expect(whole.y.shape).toEqual([2, 8, 8]);
    expect(Array.from(whole.y.dataSync().slice(64))).toEqual(Array.from(b.y.dataSync()));
    tf.dispose([whole.x, whole.y, b.x, b.y]);
    expect(() => solveHeat(new Float64Array(12))).toThrow(/u0.length.*power of two/s);
  });
});

describe('Poisson (exact in Fourier space)', () => {
  it('solves -Laplacian u = f for trigonometric f, dropping the mean', () => {
    const n = 16;
    const f = new Float64Array(n * n).map((_, k) => Math.sin((P2 * Math.floor(k / n)) / n) * Math.sin((2 * P2 * (k % n)) / n) + 3);
    const want = f.map((v) => (v - 3) / (5 * P2 ** 2));
    expect(maxAbs(solvePoisson(f), want)).toBeLessThan(1e-14);
    const g = Float64Array.from({ length: n }, (_, i) => Math.cos((4 * P2 * i) / n));
    expect(
      maxAbs(
        solvePoisson(g, { dim: 1 }),
        g.map((v) => v / (16 * P2 ** 2)),
      ),
    ).toBeLessThan(1e-15);
  });

  it('generatePoisson: the 5-point Laplacian of y reproduces x to O(h^2) at fine resolution', () => {
    const n = 64;
    const { x, y } = generatePoisson({ resolution: n, count: 1, seed: 2, alpha: 3 });
    const f = x.dataSync();
    const u = y.dataSync();
    let err = 0;
    let scale = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const at = (a: number, b: number): number => u[((a + n) % n) * n + ((b + n) % n)];
        const lap = (at(i + 1, j) + at(i - 1, j) + at(i, j + 1) + at(i, j - 1) - 4 * at(i, j)) * n * n;
        err = Math.max(err, Math.abs(-lap - f[i * n + j]));
        scale = Math.max(scale, Math.abs(f[i * n + j]));
      }
    expect(err / scale).toBeLessThan(0.05);
    tf.dispose([x, y]);
  });
});
