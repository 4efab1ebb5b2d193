import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '../grad_check';
import { H1Loss } from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const rng = createRng(9);
const uniform = (n: number, lo = -1, hi = 1) => Array.from(rng.fillUniform(new Float32Array(n), lo, hi));
const read = (f: () => tf.Tensor) => tf.tidy(() => f().dataSync()[0]);
const total = (a: number[]) => a.reduce((s, v) => s + v, 0);

/** d/dx of a 1-D array with spacing h, as neuraloperator's FiniteDiff (scalar loops). */
function fd(u: number[], h: number, periodic: boolean): number[] {
  const n = u.length;
  return u.map((_, i) => {
    if (periodic) return (u[(i + 1) % n] - u[(i - 1 + n) % n]) / (2 * h);
    if (i === 0) return (-11 * u[0] + 18 * u[1] - 9 * u[2] + 2 * u[3]) / (6 * h);
    if (i === n - 1) return (-2 * u[n - 4] + 9 * u[n - 3] - 18 * u[n - 2] + 11 * u[n - 1]) / (6 * h);
    return (u[i + 1] - u[i - 1]) / (2 * h);
  });
}
const sq = (a: number[]) => a.reduce((s, v) => s + v * v, 0);

/** ||u||^2 + sum_j ||D_j u||^2 of one 2-D sample [n1, n2] (row-major), spacings h1, h2. */
function h1Squared2d(u: number[], n1: number, n2: number, h: [number, number], periodic: [boolean, boolean]): number {
  let s = sq(u);
  for (let j = 0; j < n2; j++)
    s += sq(
      fd(
        Array.from({ length: n1 }, (_, i) => u[i * n2 + j]),
        h[0],
        periodic[0],
      ),
    );
  for (let i = 0; i < n1; i++) s += sq(fd(u.slice(i * n2, (i + 1) * n2), h[1], periodic[1]));
  return s;
}

describe('H1Loss (neuraloperator)', () => {
  const B = 3;
  const n = 12;
  const X = uniform(B * n);
  const Y = uniform(B * n, 0.2, 1.5);
  const sample = (v: number[], b: number) => v.slice(b * n, (b + 1) * n);

  for (const periodic of [true, false]) {
    it(`1-D relative and absolute errors match scalar finite differences (periodic: ${periodic})`, () => {
      const h = 1 / n;
      const rel: number[] = [];
      const abs: number[] = [];
      for (let b = 0; b < B; b++) {
        const e = sample(X, b).map((x, i) => x - sample(Y, b)[i]);
        const y = sample(Y, b);
        const de = sq(e) + sq(fd(e, h, periodic));
        const dy = sq(y) + sq(fd(y, h, periodic));
        rel.push(Math.sqrt(de) / (Math.sqrt(dy) + 1e-8));
        abs.push(Math.sqrt(h * de));
      }
      const loss = new H1Loss({ periodic });
      const x = () => tf.tensor(X, [B, n]);
      const y = () => tf.tensor(Y, [B, n]);
      expect(read(() => loss.call(x(), y()))).toBeCloseTo(total(rel), 5);
      expect(read(() => loss.abs(x(), y()))).toBeCloseTo(total(abs), 5);
      expect(read(() => new H1Loss({ periodic, reduction: 'mean' }).call(x(), y()))).toBeCloseTo(total(rel) / B, 5);
    });
  }

  it('periodic and non-periodic differ only through the edge stencils', () => {
    const x = () => tf.tensor(X, [B, n]);
    const y = () => tf.tensor(Y, [B, n]);
    const a = read(() => new H1Loss({ periodic: true }).call(x(), y()));
    const b = read(() => new H1Loss({ periodic: false }).call(x(), y()));
    expect(Math.abs(a - b)).toBeGreaterThan(1e-3);
    // a function smooth and periodic on the grid: both agree closely with the analytic H1 norm
    const m = 256;
    const s = Array.from({ length: m }, (_, i) => Math.sin((2 * Math.PI * i) / m));
    const want = Math.sqrt(0.5 + 2 * Math.PI ** 2); // sqrt(∫ sin^2 + (2π cos)^2 dx) on [0, 1]
    const zero = () => tf.zeros([1, m]);
    expect(read(() => new H1Loss().abs(tf.tensor(s, [1, m]), zero()))).toBeCloseTo(want, 2);
    expect(read(() => new H1Loss({ periodic: false }).abs(tf.tensor(s, [1, m]), zero()))).toBeCloseTo(want, 2);
  });

  it('2-D: sums over the batch and channels, per-dim periodicity and measure', () => {
    const shape = [2, 2, 5, 6];
    const x = uniform(120);
    const y = uniform(120, 0.2, 1.2);
    for (const periodic of [true, [true, false] as [boolean, boolean], false]) {
      const per: [boolean, boolean] = Array.isArray(periodic) ? periodic : [periodic, periodic];
      const measure: [number, number] = [2, 3];
      const h: [number, number] = [measure[0] / 5, measure[1] / 6];
      const rel: number[] = [];
      const abs: number[] = [];
      for (let s = 0; s < 4; s++) {
        const ys = y.slice(s * 30, (s + 1) * 30);
        const es = x.slice(s * 30, (s + 1) * 30).map((v, i) => v - ys[i]);
        const de = h1Squared2d(es, 5, 6, h, per);
        rel.push(Math.sqrt(de) / (Math.sqrt(h1Squared2d(ys, 5, 6, h, per)) + 1e-8));
        abs.push(Math.sqrt(h[0] * h[1] * de));
      }
      const loss = new H1Loss({ d: 2, periodic, measure });
      expect(loss.name).toBe('H1_2DLoss');
      expect(read(() => loss.call(tf.tensor(x, shape), tf.tensor(y, shape)))).toBeCloseTo(total(rel), 4);
      expect(read(() => loss.abs(tf.tensor(x, shape), tf.tensor(y, shape)))).toBeCloseTo(total(abs), 4);
    }
  });

  it('has correct gradients (periodic and not, 1-D and 2-D)', () => {
    const x = tf.tensor(X.slice(0, 12), [2, 6]);
    const y = tf.tensor(Y.slice(0, 12), [2, 6]);
    expect(gradCheck((a, b) => new H1Loss().call(a, b), [x, y]).ok).toBe(true);
    expect(gradCheck((a) => new H1Loss({ periodic: false }).abs(a, y), [x]).ok).toBe(true);
    const x2 = tf.tensor(X.slice(0, 20), [1, 4, 5]);
    const y2 = tf.tensor(Y.slice(0, 20), [1, 4, 5]);
    expect(gradCheck((a) => new H1Loss({ d: 2, periodic: [false, true] }).call(a, y2), [x2]).ok).toBe(true);
    tf.dispose([x, y, x2, y2]);
  });

  it('validates options and shapes', () => {
    expect(() => new H1Loss({ periodic: [true, false] })).toThrow(ConfigError);
    expect(() => new H1Loss({ measure: 0 })).toThrow(ConfigError);
    tf.tidy(() => {
      expect(() => new H1Loss({ periodic: false }).call(tf.zeros([2, 3]), tf.zeros([2, 3]))).toThrow(ShapeError);
      expect(() => new H1Loss({ periodic: false }).call(tf.zeros([2, 3]), tf.zeros([2, 3]))).toThrow(/H1Loss.rel: argument pred: .*>= 4 points/);
      expect(() => new H1Loss({ d: 2 }).call(tf.zeros([4, 4]), tf.zeros([4, 5]))).toThrow(ShapeError);
    });
  });
});
