import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@basiskit/tensor';
import { generateKuramotoSivashinsky, solveKuramotoSivashinsky } from './kuramoto_sivashinsky';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const maxAbs = (a: Float64Array, b: Float64Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('Kuramoto-Sivashinsky (ETDRK4)', () => {
  // Kassam & Trefethen's kursiv.m: L = 32 pi, N = 128, u0 = cos(x/16)(1 + sin(x/16))
  const n = 128;
  const u0 = Float64Array.from({ length: n }, (_, i) => {
    const x = (32 * Math.PI * i) / n;
    return Math.cos(x / 16) * (1 + Math.sin(x / 16));
  });

  it('error against a fine-step reference falls at order 4 in dt', () => {
    const t = 10;
    const ref = solveKuramotoSivashinsky(u0, { t, dt: 1 / 256 }).u[0];
    const dts = [0.5, 0.25, 0.125, 0.0625];
    const errs = dts.map((dt) => maxAbs(solveKuramotoSivashinsky(u0, { t, dt }).u[0], ref));
    const x = dts.map(Math.log);
    const y = errs.map(Math.log);
    const mx = x.reduce((a, b) => a + b) / 4;
    const my = y.reduce((a, b) => a + b) / 4;
    const p = x.reduce((s, xi, i) => s + (xi - mx) * (y[i] - my), 0) / x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
    expect(p).toBeGreaterThan(3.5);
    expect(p).toBeLessThan(4.6);
  });

  it('conserves the mean; linear growth rate of a small single mode is q^2 - q^4', () => {
    const sol = solveKuramotoSivashinsky(u0, { t: 20, recordSteps: 2 });
    expect(sol.times).toEqual([10, 20]);
    const mean = (v: Float64Array): number => v.reduce((s, x) => s + x, 0) / v.length;
    expect(Math.abs(mean(sol.u[1]) - mean(u0))).toBeLessThan(1e-12);
    const eps = 1e-9;
    const L = 32 * Math.PI;
    const q = (2 * Math.PI * 5) / L;
    const small = Float64Array.from({ length: n }, (_, i) => eps * Math.cos((2 * Math.PI * 5 * i) / n));
    const out = solveKuramotoSivashinsky(small, { t: 2, dt: 0.1 }).u[0];
    expect(out[0] / eps).toBeCloseTo(Math.exp((q * q - q ** 4) * 2), 6);
  });

  it('generateKuramotoSivashinsky: trajectory shapes and shards', () => {
    const opts = { resolution: 32, t: 1, dt: 0.1, recordSteps: 2, seed: 5 };
    const whole = generateKuramotoSivashinsky({ ...opts, count: 2 });
    const b = generateKuramotoSivashinsky({ ...opts, start: 1, count: 1 });
    expect(whole.y.shape).toEqual([2, 2, 32]);
    expect(whole.x.shape).toEqual([2, 32]);
    expect(Array.from(whole.y.dataSync().slice(64))).toEqual(Array.from(b.y.dataSync()));
    tf.dispose([whole.x, whole.y, b.x, b.y]);
    expect(() => generateKuramotoSivashinsky({ count: 1, resolution: 48 })).toThrow(/resolution.*power of two/s);
    expect(() => solveKuramotoSivashinsky(u0, { dt: -1 })).toThrow(/dt/);
  });
});
