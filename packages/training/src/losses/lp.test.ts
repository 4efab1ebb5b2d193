import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '../grad_check';
import { LpLoss } from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const rng = createRng(5);
const uniform = (n: number, lo = -1, hi = 1) => Array.from(rng.fillUniform(new Float32Array(n), lo, hi));
const read = (f: () => tf.Tensor) => tf.tidy(() => f().dataSync()[0]);
/** Per-sample ||v||_p^p over consecutive chunks of `size`. */
function powerSums(v: number[], size: number, p: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i += size) out.push(v.slice(i, i + size).reduce((s, x) => s + Math.abs(x) ** p, 0));
  return out;
}
const total = (a: number[]) => a.reduce((s, v) => s + v, 0);

describe('LpLoss (neuraloperator)', () => {
  const B = 3;
  const n = 16;
  const X = uniform(B * n);
  const Y = uniform(B * n, 0.5, 2);
  const E = X.map((x, i) => x - Y[i]);

  it('is the relative L2 error per sample, summed over the batch by default', () => {
    const per = powerSums(E, n, 2).map((d, i) => Math.sqrt(d) / (Math.sqrt(powerSums(Y, n, 2)[i]) + 1e-8));
    const loss = new LpLoss();
    expect(loss.d).toBe(1);
    expect(loss.p).toBe(2);
    expect(loss.reduction).toBe('sum');
    expect(loss.name).toBe('L2_1Dloss');
    expect(read(() => loss.call(tf.tensor(X, [B, n]), tf.tensor(Y, [B, n])))).toBeCloseTo(total(per), 5);
    expect(read(() => loss.rel(tf.tensor(X, [B, n]), tf.tensor(Y, [B, n])))).toBeCloseTo(total(per), 5);
    const mean = new LpLoss({ reduction: 'mean' });
    expect(read(() => mean.call(tf.tensor(X, [B, n]), tf.tensor(Y, [B, n])))).toBeCloseTo(total(per) / B, 5);
    // `call` is bound: it can be passed around as a function
    const f = loss.call;
    expect(read(() => f(tf.tensor(X, [B, n]), tf.tensor(Y, [B, n])))).toBeCloseTo(total(per), 5);
  });

  it('handles p = 1, 3, 4 as neuraloperator (p = 1 without the root)', () => {
    for (const p of [1, 3, 4]) {
      const d = powerSums(E, n, p);
      const y = powerSums(Y, n, p);
      const per = d.map((v, i) => (p === 1 ? v / (y[i] + 1e-8) : v ** (1 / p) / (y[i] ** (1 / p) + 1e-8)));
      const got = read(() => new LpLoss({ p }).call(tf.tensor(X, [B, n]), tf.tensor(Y, [B, n])));
      expect(got).toBeCloseTo(total(per), 5);
    }
  });

  it('reduces over the last d dims and sums over batch and channels (d = 2)', () => {
    const shape = [2, 3, 4, 5]; // batch, channel, 4 x 5 grid
    const size = 20;
    const x = uniform(120);
    const y = uniform(120, 0.5, 1.5);
    const e = x.map((v, i) => v - y[i]);
    const per = powerSums(e, size, 2).map((d, i) => Math.sqrt(d) / (Math.sqrt(powerSums(y, size, 2)[i]) + 1e-8));
    expect(per).toHaveLength(6);
    expect(read(() => new LpLoss({ d: 2 }).call(tf.tensor(x, shape), tf.tensor(y, shape)))).toBeCloseTo(total(per), 5);
    expect(read(() => new LpLoss({ d: 2, reduction: 'mean' }).call(tf.tensor(x, shape), tf.tensor(y, shape)))).toBeCloseTo(total(per) / 6, 5);
    // one sample without batch dims
    expect(read(() => new LpLoss({ d: 2 }).call(tf.tensor(x.slice(0, 20), [4, 5]), tf.tensor(y.slice(0, 20), [4, 5])))).toBeCloseTo(per[0], 5);
  });

  it('abs is the quadrature-weighted absolute error (h = measure / n per dim)', () => {
    for (const p of [1, 2, 3]) {
      const per = powerSums(E, n, p).map((v) => (p === 1 ? v / n : (v / n) ** (1 / p)));
      expect(read(() => new LpLoss({ p }).abs(tf.tensor(X, [B, n]), tf.tensor(Y, [B, n])))).toBeCloseTo(total(per), 5);
    }
    // measure 2π on a [2, 4, 8] grid: const = (2π/4)(2π/8), 'mean' over the batch of 2
    const x = uniform(64);
    const y = uniform(64);
    const e = x.map((v, i) => v - y[i]);
    const c = ((2 * Math.PI) / 4) * ((2 * Math.PI) / 8);
    const per = powerSums(e, 32, 2).map((v) => Math.sqrt(c * v));
    const loss = new LpLoss({ d: 2, measure: 2 * Math.PI, reduction: 'mean' });
    expect(read(() => loss.abs(tf.tensor(x, [2, 4, 8]), tf.tensor(y, [2, 4, 8])))).toBeCloseTo(total(per) / 2, 5);
    // explicit quadrature
    const q = read(() => loss.abs(tf.tensor(x, [2, 4, 8]), tf.tensor(y, [2, 4, 8]), [0.5, 0.25]));
    expect(q).toBeCloseTo(total(powerSums(e, 32, 2).map((v) => Math.sqrt(0.125 * v))) / 2, 5);
  });

  it('has correct gradients (rel and abs, p = 2 and 3)', () => {
    const x = tf.tensor(X.slice(0, 16), [2, 8]);
    const y = tf.tensor(Y.slice(0, 16), [2, 8]);
    expect(gradCheck((a, b) => new LpLoss().call(a, b), [x, y]).ok).toBe(true);
    expect(gradCheck((a) => new LpLoss({ p: 3 }).abs(a, y), [x]).ok).toBe(true);
    expect(gradCheck((a) => new LpLoss({ p: 1, reduction: 'mean' }).rel(a, y), [x]).ok).toBe(true);
    tf.dispose([x, y]);
  });

  it('validates options and shapes', () => {
    expect(() => new LpLoss({ d: 0 })).toThrow(ConfigError);
    expect(() => new LpLoss({ p: -1 })).toThrow(ConfigError);
    expect(() => new LpLoss({ reduction: 'none' as 'sum' })).toThrow(/LpLoss: argument reduction/);
    expect(() => new LpLoss({ d: 2, measure: [1, 2, 3] })).toThrow(ConfigError);
    tf.tidy(() => {
      expect(() => new LpLoss({ d: 3 }).call(tf.zeros([4, 4]), tf.zeros([4, 4]))).toThrow(ShapeError);
      expect(() => new LpLoss().call(tf.zeros([2, 4]), tf.zeros([2, 5]))).toThrow(/LpLoss.rel: argument y: .*expected shape \[2, 4\]/);
    });
  });
});
