import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@basiskit/tensor';
import { generateBurgers, solveBurgers } from './burgers';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const maxAbs = (a: Float64Array, b: Float64Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** Least-squares slope of log(err) against log(dt). */
function slope(dts: number[], errs: number[]): number {
  const x = dts.map(Math.log);
  const y = errs.map(Math.log);
  const mx = x.reduce((a, b) => a + b) / x.length;
  const my = y.reduce((a, b) => a + b) / y.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i] - mx) * (y[i] - my);
    den += (x[i] - mx) ** 2;
  }
  return num / den;
}

describe('Burgers (pseudo-spectral ETDRK4)', () => {
  const n = 64;
  const u0 = Float64Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * i) / n) + 0.2 * Math.cos((4 * Math.PI * i) / n));

  it('error against a fine-step reference falls at order 4 in dt', () => {
    const ref = solveBurgers(u0, { nu: 0.02, t: 0.5, dt: 1 / 2560 });
    const dts = [1 / 20, 1 / 40, 1 / 80, 1 / 160];
    const errs = dts.map((dt) => maxAbs(solveBurgers(u0, { nu: 0.02, t: 0.5, dt }), ref));
    const p = slope(dts, errs);
    expect(p).toBeGreaterThan(3.5);
    expect(p).toBeLessThan(4.6);
    expect(errs[3]).toBeLessThan(1e-7);
  });

  it('matches the Cole-Hopf solution of the heat equation it maps to', () => {
    // u = -2 nu phi_x / phi with phi = 1 + a e^{-nu (2 pi)^2 t} cos(2 pi x) solves u_t + u u_x = nu u_xx
    const nu = 0.05;
    const a = 0.5;
    const t = 0.3;
    const exact = (x: number, tt: number): number => {
      const d = Math.exp(-nu * 4 * Math.PI ** 2 * tt);
      return (2 * nu * a * d * 2 * Math.PI * Math.sin(2 * Math.PI * x)) / (1 + a * d * Math.cos(2 * Math.PI * x));
    };
    const m = 128;
    const init = Float64Array.from({ length: m }, (_, i) => exact(i / m, 0));
    const want = Float64Array.from({ length: m }, (_, i) => exact(i / m, t));
    expect(maxAbs(solveBurgers(init, { nu, t, dt: 1e-3 }), want)).toBeLessThan(1e-10);
  });

  it('conserves the mean and dissipates energy', () => {
    const u = solveBurgers(u0, { nu: 0.01, t: 0.5, dt: 1e-3 });
    const mean = (v: Float64Array): number => v.reduce((s, x) => s + x, 0) / v.length;
    const energy = (v: Float64Array): number => v.reduce((s, x) => s + x * x, 0);
    expect(Math.abs(mean(u) - mean(u0))).toBeLessThan(1e-13);
    expect(energy(u)).toBeLessThan(energy(u0));
  });

  it('generateBurgers: shapes, x is the GRF initial condition, halves concatenate to the whole', () => {
    const opts = { resolution: 64, subsample: 2, dt: 1e-3, t: 0.1, seed: 7 };
    const whole = generateBurgers({ ...opts, count: 4 });
    const a = generateBurgers({ ...opts, start: 0, count: 2 });
    const b = generateBurgers({ ...opts, start: 2, count: 2 });
    expect(whole.x.shape).toEqual([4, 32]);
    expect(whole.y.shape).toEqual([4, 32]);
    expect(Array.from(whole.y.dataSync())).toEqual([...a.y.dataSync(), ...b.y.dataSync()]);
    expect(Array.from(whole.x.dataSync())).toEqual([...a.x.dataSync(), ...b.x.dataSync()]);
    // viscosity smooths: u(t) has less energy than u0
    const [ex, ey] = tf.tidy(() => [whole.x.square().sum().dataSync()[0], whole.y.square().sum().dataSync()[0]]);
    expect(ey).toBeLessThan(ex);
    [whole, a, b].forEach((d) => (d.x.dispose(), d.y.dispose()));
  });

  it('rejects bad options naming the argument', () => {
    expect(() => generateBurgers({ count: 1, resolution: 100 })).toThrow(/resolution.*power of two/s);
    expect(() => generateBurgers({ count: 1, resolution: 64, subsample: 5 })).toThrow(/subsample/);
    expect(() => generateBurgers({ count: 1, nu: 0 })).toThrow(/nu/);
    expect(() => solveBurgers(u0, { visc: 1 } as never)).toThrow(/unknown option "visc"/);
  });
});
