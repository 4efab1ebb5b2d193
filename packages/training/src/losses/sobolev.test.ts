import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '../grad_check';
import { sobolevLoss } from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const rng = createRng(13);
const uniform = (n: number, lo = -1, hi = 1) => Array.from(rng.fillUniform(new Float32Array(n), lo, hi));
const read = (f: () => tf.Tensor) => tf.tidy(() => f().dataSync()[0]);

/** sum_k (1 + |k|^2)^s |û_k|^2 by a direct float64 DFT (forward norm) of one [n1, n2] sample. */
function directEnergy2d(u: number[], n1: number, n2: number, s: number): number {
  let total = 0;
  for (let k1 = 0; k1 < n1; k1++) {
    for (let k2 = 0; k2 < n2; k2++) {
      let re = 0;
      let im = 0;
      for (let x1 = 0; x1 < n1; x1++) {
        for (let x2 = 0; x2 < n2; x2++) {
          const a = -2 * Math.PI * ((k1 * x1) / n1 + (k2 * x2) / n2);
          re += u[x1 * n2 + x2] * Math.cos(a);
          im += u[x1 * n2 + x2] * Math.sin(a);
        }
      }
      re /= n1 * n2;
      im /= n1 * n2;
      const q1 = k1 <= n1 / 2 ? k1 : k1 - n1;
      const q2 = k2 <= n2 / 2 ? k2 : k2 - n2;
      total += (1 + q1 * q1 + q2 * q2) ** s * (re * re + im * im);
    }
  }
  return total;
}
const directEnergy1d = (u: number[], s: number) => directEnergy2d(u, 1, u.length, s);

describe('sobolevLoss', () => {
  it('sin(2πkx) has energy only at ±k: ||u||^2 = (1 + k^2)^s / 2', () => {
    const n = 32;
    for (const k of [1, 3, 7]) {
      const u = Array.from({ length: n }, (_, j) => Math.sin((2 * Math.PI * k * j) / n));
      expect(directEnergy1d(u, 1)).toBeCloseTo((1 + k * k) / 2, 10); // the test's own DFT agrees
      for (const s of [0, 1, 2, -1]) {
        const got = read(() => sobolevLoss(tf.tensor(u, [1, n]), tf.zeros([1, n]), { s, relative: false }));
        expect(got).toBeCloseTo(Math.sqrt((1 + k * k) ** s / 2), 4);
      }
    }
  });

  it('matches a direct DFT sum for random 1-D signals (relative and absolute, sum and mean)', () => {
    const B = 3;
    const n = 10;
    const x = uniform(B * n);
    const y = uniform(B * n);
    for (const s of [1, 0.5, 2]) {
      const abs: number[] = [];
      const rel: number[] = [];
      for (let b = 0; b < B; b++) {
        const ys = y.slice(b * n, (b + 1) * n);
        const e = x.slice(b * n, (b + 1) * n).map((v, i) => v - ys[i]);
        abs.push(Math.sqrt(directEnergy1d(e, s)));
        rel.push(abs[b] / (Math.sqrt(directEnergy1d(ys, s)) + 1e-8));
      }
      const sum = (a: number[]) => a.reduce((p, q) => p + q, 0);
      const X = () => tf.tensor(x, [B, n]);
      const Y = () => tf.tensor(y, [B, n]);
      expect(read(() => sobolevLoss(X(), Y(), { s }))).toBeCloseTo(sum(rel), 4);
      expect(read(() => sobolevLoss(X(), Y(), { s, reduction: 'mean' }))).toBeCloseTo(sum(rel) / B, 4);
      expect(read(() => sobolevLoss(X(), Y(), { s, relative: false }))).toBeCloseTo(sum(abs), 4);
    }
  });

  it('s = 0 is the root mean square of the error (Parseval)', () => {
    const e = uniform(24);
    const rms = Math.sqrt(e.reduce((s, v) => s + v * v, 0) / 24);
    expect(read(() => sobolevLoss(tf.tensor(e, [1, 24]), tf.zeros([1, 24]), { s: 0, relative: false }))).toBeCloseTo(rms, 5);
  });

  it('matches a direct 2-D DFT sum over the last two dims (odd and even sizes, channels summed)', () => {
    const shape = [2, 2, 5, 6];
    const x = uniform(120);
    const y = uniform(120);
    let abs = 0;
    let rel = 0;
    for (let smp = 0; smp < 4; smp++) {
      const ys = y.slice(smp * 30, (smp + 1) * 30);
      const e = x.slice(smp * 30, (smp + 1) * 30).map((v, i) => v - ys[i]);
      const a = Math.sqrt(directEnergy2d(e, 5, 6, 1.5));
      abs += a;
      rel += a / (Math.sqrt(directEnergy2d(ys, 5, 6, 1.5)) + 1e-8);
    }
    expect(read(() => sobolevLoss(tf.tensor(x, shape), tf.tensor(y, shape), { d: 2, s: 1.5, relative: false }))).toBeCloseTo(abs, 4);
    expect(read(() => sobolevLoss(tf.tensor(x, shape), tf.tensor(y, shape), { d: 2, s: 1.5 }))).toBeCloseTo(rel, 4);
  });

  it('matches a direct DFT sum for odd last-axis sizes (1-D n = 9, 2-D [4, 5])', () => {
    for (const [shape, d] of [
      [[2, 9], 1],
      [[2, 4, 5], 2],
    ] as const) {
      const per = shape.slice(1).reduce((a, b) => a * b, 1);
      const [n1, n2] = d === 1 ? [1, shape[1]] : [shape[1], shape[2]];
      const e = uniform(2 * per);
      let abs = 0;
      for (let smp = 0; smp < 2; smp++) abs += Math.sqrt(directEnergy2d(e.slice(smp * per, (smp + 1) * per), n1, n2, 1));
      expect(read(() => sobolevLoss(tf.tensor(e, [...shape]), tf.zeros([...shape]), { d, relative: false }))).toBeCloseTo(abs, 4);
    }
  });

  it('has correct gradients (1-D and 2-D)', () => {
    const x = tf.tensor(uniform(16), [2, 8]);
    const y = tf.tensor(uniform(16), [2, 8]);
    expect(gradCheck((a, b) => sobolevLoss(a, b), [x, y]).ok).toBe(true);
    const x2 = tf.tensor(uniform(12), [1, 3, 4]);
    const y2 = tf.tensor(uniform(12), [1, 3, 4]);
    expect(gradCheck((a) => sobolevLoss(a, y2, { d: 2, s: 2, relative: false }), [x2]).ok).toBe(true);
    tf.dispose([x, y, x2, y2]);
  });

  it('validates options and shapes', () => {
    tf.tidy(() => {
      expect(() => sobolevLoss(tf.zeros([2, 4]), tf.zeros([2, 5]))).toThrow(ShapeError);
      expect(() => sobolevLoss(tf.zeros([4]), tf.zeros([4]), { d: 2 })).toThrow(/sobolevLoss: argument pred/);
      expect(() => sobolevLoss(tf.zeros([4]), tf.zeros([4]), { s: NaN })).toThrow(ConfigError);
      expect(() => sobolevLoss(tf.zeros([4]), tf.zeros([4]), { reduction: 'none' as 'sum' })).toThrow(ConfigError);
    });
  });
});
