import { ConfigError, DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { sobolevLoss, type SobolevLossOptions } from './sobolev_loss';

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

/**
 * The loss as @basiskit/training computed it before the move (its formula, kept here as the
 * reference): a full (not half) real DFT by cos/sin matrices and matMul along each of the last d
 * axes, |û|^2 weighted by (1 + |k|^2)^s over every bin.
 */
function oldDftLoss(pred: tf.Tensor, target: tf.Tensor, options: SobolevLossOptions = {}): tf.Scalar {
  const s = options.s ?? 1;
  const d = options.d ?? 1;
  const eps = options.eps ?? 1e-8;
  const spatial = pred.shape.slice(pred.rank - d);
  const lead = pred.shape.slice(0, pred.rank - d).reduce((a, b) => a * b, 1);
  const mats = (n: number) => {
    const cos = new Float32Array(n * n);
    const sin = new Float32Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        const a = (2 * Math.PI * ((j * k) % n)) / n;
        cos[j * n + k] = Math.cos(a) / n;
        sin[j * n + k] = Math.sin(a) / n;
      }
    }
    return { c: tf.tensor2d(cos, [n, n]), sn: tf.tensor2d(sin, [n, n]) };
  };
  const size = spatial.reduce((a, b) => a * b, 1);
  const w = new Float32Array(size);
  const idx = new Array<number>(d).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let k2 = 0;
    for (let j = 0; j < d; j++) {
      const k = idx[j] <= spatial[j] / 2 ? idx[j] : idx[j] - spatial[j];
      k2 += k * k;
    }
    w[flat] = Math.pow(1 + k2, s);
    for (let j = d - 1; j >= 0; j--) {
      if (++idx[j] < spatial[j]) break;
      idx[j] = 0;
    }
  }
  const power = (u: tf.Tensor) => {
    let re: tf.Tensor = tf.reshape(u, [lead, ...spatial]);
    let im: tf.Tensor | null = null;
    for (let step = 0; step < d; step++) {
      const shape = re.shape;
      const n = shape[shape.length - 1] as number;
      const { c, sn } = mats(n);
      const r2 = tf.reshape(re, [-1, n]);
      let nr: tf.Tensor;
      let ni: tf.Tensor;
      if (im === null) {
        nr = tf.matMul(r2, c);
        ni = tf.neg(tf.matMul(r2, sn));
      } else {
        const i2 = tf.reshape(im, [-1, n]);
        nr = tf.add(tf.matMul(r2, c), tf.matMul(i2, sn));
        ni = tf.sub(tf.matMul(i2, c), tf.matMul(r2, sn));
      }
      re = tf.reshape(nr, shape);
      im = tf.reshape(ni, shape);
      if (d > 1) {
        const perm = [0, d, ...Array.from({ length: d - 1 }, (_, i) => i + 1)];
        re = tf.transpose(re, perm);
        im = tf.transpose(im, perm);
      }
    }
    return tf.reshape(tf.add(tf.square(re), tf.square(im as tf.Tensor)), [lead, size]);
  };
  return tf.tidy(() => {
    const weights = tf.tensor1d(w);
    const energy = (u: tf.Tensor) => tf.sum(tf.mul(power(u), weights), -1);
    const norm = tf.sqrt(energy(tf.sub(pred, target)));
    const per = (options.relative ?? true) ? tf.div(norm, tf.add(tf.sqrt(energy(target)), eps)) : norm;
    return ((options.reduction ?? 'sum') === 'sum' ? tf.sum(per) : tf.mean(per)) as tf.Scalar;
  });
}

describe.each(['cpu', 'wasm'] as const)('sobolevLoss on %s', (backend) => {
  it.each([
    { shape: [3, 8], d: 1 },
    { shape: [2, 9], d: 1 },
    { shape: [2, 1], d: 1 },
    { shape: [2, 2], d: 1 },
    { shape: [2, 6, 8], d: 2 },
    { shape: [2, 5, 7], d: 2 },
    { shape: [1, 2, 4, 5], d: 2 },
    { shape: [3, 4, 3], d: 2 },
    { shape: [2, 3, 4, 5], d: 3 },
  ])('equals the old matMul-DFT loss for $shape, d $d (s, relative, reduction varied)', async ({ shape, d }) => {
    await initBackend({ backend });
    const size = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(uniform(size), shape);
    const y = tf.tensor(uniform(size), shape);
    for (const options of [{ d }, { d, s: 0 }, { d, s: 2.5, relative: false }, { d, s: -1, reduction: 'mean' as const }, { d, s: 1.5, eps: 0.1 }]) {
      const got = read(() => sobolevLoss(x, y, options));
      const want = read(() => oldDftLoss(x, y, options));
      expect(Math.abs(got - want)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want)));
    }
    tf.dispose([x, y]);
  });

  it('has correct gradients (1-D and 2-D, odd and even sizes)', async () => {
    await initBackend({ backend });
    const x = tf.tensor(uniform(16), [2, 8]);
    const y = tf.tensor(uniform(16), [2, 8]);
    gradCheck((a, b) => sobolevLoss(a, b), [x, y]);
    const x2 = tf.tensor(uniform(15), [1, 3, 5]);
    const y2 = tf.tensor(uniform(15), [1, 3, 5]);
    gradCheck((a) => sobolevLoss(a, y2, { d: 2, s: 2, relative: false }), [x2]);
    const x3 = tf.tensor(uniform(14), [2, 7]);
    const y3 = tf.tensor(uniform(14), [2, 7]);
    gradCheck((a, b) => sobolevLoss(a, b, { s: 0.5, reduction: 'mean' }), [x3, y3]);
    tf.dispose([x, y, x2, y2, x3, y3]);
  });
});

describe('sobolevLoss', () => {
  it('sin(2πkx) has energy only at ±k: ||u||^2 = (1 + k^2)^s / 2', async () => {
    await initBackend({ backend: 'cpu' });
    for (const n of [32, 33]) {
      for (const k of [1, 3, 7]) {
        const u = Array.from({ length: n }, (_, j) => Math.sin((2 * Math.PI * k * j) / n));
        expect(directEnergy1d(u, 1)).toBeCloseTo((1 + k * k) / 2, 10); // the test's own DFT agrees
        for (const s of [0, 1, 2, -1]) {
          const got = read(() => sobolevLoss(tf.tensor(u, [1, n]), tf.zeros([1, n]), { s, relative: false }));
          expect(got).toBeCloseTo(Math.sqrt((1 + k * k) ** s / 2), 4);
        }
      }
    }
    // the Nyquist bin of an even length counts once: cos(πj) has |û_{n/2}|^2 = 1
    const nyq = Array.from({ length: 8 }, (_, j) => (j % 2 ? -1 : 1));
    expect(read(() => sobolevLoss(tf.tensor(nyq, [1, 8]), tf.zeros([1, 8]), { s: 1, relative: false }))).toBeCloseTo(Math.sqrt(17), 4);
  });

  it('matches a direct DFT sum for random 1-D signals (relative and absolute, sum and mean)', async () => {
    await initBackend({ backend: 'cpu' });
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

  it('s = 0 is the root mean square of the error (Parseval)', async () => {
    await initBackend({ backend: 'cpu' });
    const e = uniform(24);
    const rms = Math.sqrt(e.reduce((s, v) => s + v * v, 0) / 24);
    expect(read(() => sobolevLoss(tf.tensor(e, [1, 24]), tf.zeros([1, 24]), { s: 0, relative: false }))).toBeCloseTo(rms, 5);
  });

  it('matches a direct 2-D DFT sum over the last two dims (odd and even sizes, channels summed)', async () => {
    await initBackend({ backend: 'wasm' });
    for (const [n1, n2] of [
      [5, 6],
      [4, 5],
    ]) {
      const per = n1 * n2;
      const shape = [2, 2, n1, n2];
      const x = uniform(4 * per);
      const y = uniform(4 * per);
      let abs = 0;
      let rel = 0;
      for (let smp = 0; smp < 4; smp++) {
        const ys = y.slice(smp * per, (smp + 1) * per);
        const e = x.slice(smp * per, (smp + 1) * per).map((v, i) => v - ys[i]);
        const a = Math.sqrt(directEnergy2d(e, n1, n2, 1.5));
        abs += a;
        rel += a / (Math.sqrt(directEnergy2d(ys, n1, n2, 1.5)) + 1e-8);
      }
      expect(read(() => sobolevLoss(tf.tensor(x, shape), tf.tensor(y, shape), { d: 2, s: 1.5, relative: false }))).toBeCloseTo(abs, 4);
      expect(read(() => sobolevLoss(tf.tensor(x, shape), tf.tensor(y, shape), { d: 2, s: 1.5 }))).toBeCloseTo(rel, 4);
    }
  });

  it('validates options and shapes', async () => {
    await initBackend({ backend: 'cpu' });
    tf.tidy(() => {
      expect(() => sobolevLoss(tf.zeros([2, 4]), tf.zeros([2, 5]))).toThrow(ShapeError);
      expect(() => sobolevLoss(tf.zeros([2, 4]), tf.zeros([2, 5]))).toThrow(/sobolevLoss: argument target: shape differs from pred/);
      expect(() => sobolevLoss(tf.zeros([4]), tf.zeros([4]), { d: 2 })).toThrow(/sobolevLoss: argument pred/);
      expect(() => sobolevLoss(tf.zeros([4]), tf.zeros([4]), { s: NaN })).toThrow(ConfigError);
      expect(() => sobolevLoss(tf.zeros([4]), tf.zeros([4]), { d: 0 })).toThrow(/sobolevLoss: argument d/);
      expect(() => sobolevLoss(tf.zeros([4]), tf.zeros([4]), { eps: -1 })).toThrow(/sobolevLoss: argument eps/);
      expect(() => sobolevLoss(tf.zeros([4]), tf.zeros([4]), { reduction: 'none' as 'sum' })).toThrow(ConfigError);
      expect(() => sobolevLoss(tf.zeros([4]), tf.zeros([4]), { relative: 1 as never })).toThrow(/sobolevLoss: argument relative/);
      expect(() => sobolevLoss(tf.zeros([4]), tf.zeros([4]), { order: 2 } as never)).toThrow(/sobolevLoss: argument options: unknown option "order"/);
      expect(() => sobolevLoss(tf.zeros([2, 0]), tf.zeros([2, 0]))).toThrow(/empty input/);
      expect(() => sobolevLoss(tf.zeros([4], 'int32'), tf.zeros([4], 'int32'))).toThrow(DTypeError);
    });
  });
});
