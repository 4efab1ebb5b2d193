import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, initBackend, tf } from '@basiskit/tensor';
import { fnoForcing, generateNavierStokes, solveNavierStokes } from './navier_stokes';
import { GaussianRF } from './grf';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const maxAbs = (a: Float64Array, b: Float64Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const slope = (dts: number[], errs: number[]): number => {
  const x = dts.map(Math.log);
  const y = errs.map(Math.log);
  const mx = x.reduce((a, b) => a + b) / x.length;
  const my = y.reduce((a, b) => a + b) / y.length;
  let num = 0;
  let den = 0;
  x.forEach((xi, i) => ((num += (xi - mx) * (y[i] - my)), (den += (xi - mx) ** 2)));
  return num / den;
};

describe('Navier-Stokes vorticity (pseudo-spectral, Crank-Nicolson)', () => {
  it('Taylor-Green vortex: exact exponential decay, error falls at order 2 in dt (Crank-Nicolson)', () => {
    const n = 16;
    const nu = 0.05;
    const t = 0.5;
    const w0 = new Float64Array(n * n).map((_, k) => Math.sin((2 * Math.PI * Math.floor(k / n)) / n) * Math.sin((2 * Math.PI * (k % n)) / n));
    const exact = w0.map((v) => v * Math.exp(-8 * Math.PI ** 2 * nu * t));
    for (const scheme of ['heun', 'euler'] as const) {
      const dts = [0.1, 0.05, 0.025, 0.0125];
      const errs = dts.map((dt) => maxAbs(solveNavierStokes(w0, { nu, t, dt, scheme, forcing: 'none' }).w[0], exact));
      const p = slope(dts, errs);
      expect(p).toBeGreaterThan(1.9);
      expect(p).toBeLessThan(2.2);
    }
  });

  it('turbulent GRF start with forcing: Heun + CN is second order, the FNO scheme (Euler + CN) first order', () => {
    const n = 32;
    const w0 = new GaussianRF({ dim: 2, size: n, alpha: 2.5, tau: 7 }).sample(createRng(11));
    const opts = { nu: 1e-2, t: 0.1 };
    const ref = solveNavierStokes(w0, { ...opts, dt: 0.1 / 1280 }).w[0];
    const dts = [0.1 / 20, 0.1 / 40, 0.1 / 80, 0.1 / 160];
    const heun = dts.map((dt) => maxAbs(solveNavierStokes(w0, { ...opts, dt }).w[0], ref));
    const euler = dts.map((dt) => maxAbs(solveNavierStokes(w0, { ...opts, dt, scheme: 'euler' }).w[0], ref));
    expect(slope(dts, heun)).toBeGreaterThan(1.85);
    expect(slope(dts, heun)).toBeLessThan(2.3);
    expect(slope(dts, euler)).toBeGreaterThan(0.9);
    expect(slope(dts, euler)).toBeLessThan(1.2);
  });

  it('records snapshots at equal times; the forcing is the FNO one', () => {
    const n = 8;
    const { w, times } = solveNavierStokes(new Float64Array(n * n), { nu: 1, t: 1, dt: 0.05, recordSteps: 4 });
    expect(times.map((x) => +x.toFixed(12))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(w).toHaveLength(4);
    // from rest, a single-mode forcing f (a Laplacian eigenfunction, no advection) gives w = f (1 - e^{-nu lam t}) / (nu lam)
    const f = fnoForcing(n);
    expect(f[1]).toBeCloseTo(0.1 * (Math.sin((2 * Math.PI) / n) + Math.cos((2 * Math.PI) / n)), 14);
    const lam = 8 * Math.PI ** 2;
    const want = f.map((v) => (v * (1 - Math.exp(-lam))) / lam);
    expect(maxAbs(w[3], want)).toBeLessThan(1e-3 * Math.max(...want));
  });

  it('generateNavierStokes: shapes (time last), halves concatenate to the whole', () => {
    const opts = { resolution: 16, subsample: 2, t: 0.02, dt: 0.005, recordSteps: 2, seed: 9 };
    const whole = generateNavierStokes({ ...opts, count: 2 });
    const b = generateNavierStokes({ ...opts, start: 1, count: 1 });
    expect(whole.x.shape).toEqual([2, 8, 8]);
    expect(whole.y.shape).toEqual([2, 8, 8, 2]);
    expect(whole.times.map((x) => +x.toFixed(12))).toEqual([0.01, 0.02]);
    expect(Array.from(whole.y.dataSync().slice(128))).toEqual(Array.from(b.y.dataSync()));
    tf.dispose([whole.x, whole.y, b.x, b.y]);
  });

  it('rejects bad options naming the argument', () => {
    expect(() => solveNavierStokes(new Float64Array(12))).toThrow(/w0/);
    expect(() => solveNavierStokes(new Float64Array(36))).toThrow(/power of two/);
    expect(() => solveNavierStokes(new Float64Array(16), { scheme: 'rk4' as 'heun' })).toThrow(/scheme/);
    expect(() => generateNavierStokes({ count: 1, resolution: 64, subsample: 3 })).toThrow(/subsample/);
  });
});
