import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@basiskit/tensor';
import { generateDarcy, solveDarcy } from './darcy';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Manufactured problem: u = sin(pi x) sin(pi y) x, a = 2 + sin(2 pi x) cos(pi y), f = -div(a grad u). */
function manufactured(s: number): { a: Float64Array; f: Float64Array; u: Float64Array } {
  const a = new Float64Array(s * s);
  const f = new Float64Array(s * s);
  const u = new Float64Array(s * s);
  const P = Math.PI;
  for (let i = 0; i < s; i++)
    for (let j = 0; j < s; j++) {
      const y = i / (s - 1);
      const x = j / (s - 1);
      const av = 2 + Math.sin(2 * P * x) * Math.cos(P * y);
      const ax = 2 * P * Math.cos(2 * P * x) * Math.cos(P * y);
      const ay = -P * Math.sin(2 * P * x) * Math.sin(P * y);
      // u = x sin(pi x) sin(pi y)
      const sx = Math.sin(P * x);
      const cx = Math.cos(P * x);
      const sy = Math.sin(P * y);
      const cy = Math.cos(P * y);
      const uv = x * sx * sy;
      const ux = (sx + P * x * cx) * sy;
      const uy = P * x * sx * cy;
      const uxx = (2 * P * cx - P * P * x * sx) * sy;
      const uyy = -P * P * x * sx * sy;
      a[i * s + j] = av;
      u[i * s + j] = uv;
      f[i * s + j] = -(av * (uxx + uyy) + ax * ux + ay * uy);
    }
  return { a, f, u };
}

describe('Darcy (5-point FD, harmonic faces, MIC(0)-PCG)', () => {
  it('second order in h on a smooth manufactured solution', () => {
    const sizes = [17, 33, 65];
    const errs = sizes.map((s) => {
      const { a, f, u } = manufactured(s);
      const sol = solveDarcy(a, { f, tol: 1e-12 });
      expect(sol.residual).toBeLessThan(1e-12);
      return sol.u.reduce((m, v, i) => Math.max(m, Math.abs(v - u[i])), 0);
    });
    const rates = [Math.log2(errs[0] / errs[1]), Math.log2(errs[1] / errs[2])];
    expect(rates[0]).toBeGreaterThan(1.8);
    expect(rates[1]).toBeGreaterThan(1.9);
    expect(rates[1]).toBeLessThan(2.2);
  });

  it('the preconditioners agree; MIC needs fewer iterations than IC(0) and Jacobi on a 12/3 coefficient', () => {
    const s = 64;
    const a = new Float64Array(s * s).map((_, k) => (((Math.floor(k / s) >> 3) + ((k % s) >> 3)) % 2 ? 12 : 3));
    const mic = solveDarcy(a);
    const ic = solveDarcy(a, { preconditioner: 'ic' });
    const jac = solveDarcy(a, { preconditioner: 'jacobi' });
    for (const sol of [ic, jac]) expect(sol.u.reduce((m, v, i) => Math.max(m, Math.abs(v - mic.u[i])), 0)).toBeLessThan(1e-9 * Math.max(...mic.u));
    expect(mic.iterations).toBeLessThan(ic.iterations);
    expect(ic.iterations).toBeLessThan(jac.iterations);
    expect(Math.min(...mic.u)).toBe(0);
    expect(Math.max(...mic.u)).toBeGreaterThan(0);
  });

  it('generateDarcy: coefficient 12/3, positive solution zero on the boundary, shards concatenate', () => {
    const opts = { resolution: 33, subsample: 2, seed: 3 };
    const whole = generateDarcy({ ...opts, count: 3 });
    const b = generateDarcy({ ...opts, start: 1, count: 2 });
    expect(whole.x.shape).toEqual([3, 17, 17]);
    const x = whole.x.dataSync();
    expect(new Set(x)).toEqual(new Set([12, 3]));
    const y = whole.y.dataSync();
    expect(y[0]).toBe(0);
    expect(Math.max(...y)).toBeGreaterThan(0.001);
    expect(Array.from(y.slice(17 * 17))).toEqual(Array.from(b.y.dataSync()));
    tf.dispose([whole.x, whole.y, b.x, b.y]);
  });

  it('rejects bad input naming the argument', () => {
    expect(() => solveDarcy(new Float64Array(10))).toThrow(/a:.*s \* s/s);
    expect(() => solveDarcy(new Float64Array(9).fill(-1))).toThrow(/positive/);
    expect(() => solveDarcy(new Float64Array(9).fill(1), { preconditioner: 'ilu' as 'ic' })).toThrow(/preconditioner/);
    expect(() => generateDarcy({ count: 1, resolution: 64, subsample: 2 })).toThrow(/subsample/);
  });
});
