import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, initBackend, tf } from '@basiskit/tensor';
import { createDataset, type FunctionDataset } from './create_dataset';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const rows = (t: tf.Tensor2D): number[][] => t.arraySync();
const disposeAll = (d: FunctionDataset): void => tf.dispose([d.trainInput, d.trainLabel, d.testInput, d.testLabel]);
const f2 = (x: tf.Tensor2D): tf.Tensor => tf.exp(tf.add(tf.sin(tf.mul(Math.PI, x.slice([0, 0], [-1, 1]))), tf.square(x.slice([0, 1], [-1, 1]))));

describe('createDataset (pykan create_dataset semantics)', () => {
  it('defaults: 1000 + 1000 samples of 2 variables in [-1, 1], labels f(x) as [n, 1]', () => {
    const d = createDataset(f2);
    expect(d.trainInput.shape).toEqual([1000, 2]);
    expect(d.testInput.shape).toEqual([1000, 2]);
    expect(d.trainLabel.shape).toEqual([1000, 1]);
    expect(d.testLabel.shape).toEqual([1000, 1]);
    expect(d.normalization).toBeUndefined();
    const x = d.trainInput.dataSync();
    expect(Math.min(...x)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    // spread over the range: both halves of each variable are populated
    expect(Math.min(...x)).toBeLessThan(-0.99);
    expect(Math.max(...x)).toBeGreaterThan(0.99);
    const want = rows(d.testInput).map(([a, b]) => Math.exp(Math.sin(Math.PI * a) + b * b));
    const got = d.testLabel.dataSync();
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 4));
    disposeAll(d);
  });

  it('draws column by column, training then test, from the seeded stream (pykan order)', () => {
    const d = createDataset(f2, {
      nVar: 2,
      ranges: [
        [0, 2],
        [-3, -1],
      ],
      nTrain: 5,
      nTest: 4,
      seed: 7,
    });
    const rng = createRng(7);
    const u = Array.from({ length: 2 * (5 + 4) }, () => rng.uniform());
    const tr = rows(d.trainInput);
    const te = rows(d.testInput);
    for (let i = 0; i < 5; i++) {
      expect(tr[i][0]).toBeCloseTo(2 * u[i], 6);
      expect(tr[i][1]).toBeCloseTo(-3 + 2 * u[9 + i], 6);
    }
    for (let i = 0; i < 4; i++) {
      expect(te[i][0]).toBeCloseTo(2 * u[5 + i], 6);
      expect(te[i][1]).toBeCloseTo(-3 + 2 * u[14 + i], 6);
    }
    disposeAll(d);
  });

  it('same seed -> same data; another seed -> other data', () => {
    const a = createDataset(f2, { nTrain: 50, nTest: 10, seed: 3 });
    const b = createDataset(f2, { nTrain: 50, nTest: 10, seed: 3 });
    const c = createDataset(f2, { nTrain: 50, nTest: 10, seed: 4 });
    expect(Array.from(a.trainInput.dataSync())).toEqual(Array.from(b.trainInput.dataSync()));
    expect(Array.from(a.testLabel.dataSync())).toEqual(Array.from(b.testLabel.dataSync()));
    expect(Array.from(a.trainInput.dataSync())).not.toEqual(Array.from(c.trainInput.dataSync()));
    [a, b, c].forEach(disposeAll);
  });

  it('rank-1 labels become [n, 1]; several outputs stay [n, k]', () => {
    const d1 = createDataset((x) => tf.prod(x, 1), { nVar: 3, nTrain: 8, nTest: 2 });
    expect(d1.trainLabel.shape).toEqual([8, 1]);
    rows(d1.trainInput).forEach((r, i) => expect(d1.trainLabel.dataSync()[i]).toBeCloseTo(r[0] * r[1] * r[2], 6));
    const d2 = createDataset((x) => tf.concat([tf.sum(x, 1, true), tf.max(x, 1, true)], 1), { nVar: 2, nTrain: 8, nTest: 3 });
    expect(d2.trainLabel.shape).toEqual([8, 2]);
    expect(d2.testLabel.shape).toEqual([3, 2]);
    const lab = rows(d2.testLabel);
    rows(d2.testInput).forEach((r, i) => {
      expect(lab[i][0]).toBeCloseTo(r[0] + r[1], 6);
      expect(lab[i][1]).toBeCloseTo(Math.max(r[0], r[1]), 6);
    });
    [d1, d2].forEach(disposeAll);
  });

  it('normalizeInput / normalizeLabel standardise both splits by the training statistics (unbiased std)', () => {
    const opts = {
      nVar: 2,
      ranges: [
        [0, 4],
        [1, 2],
      ] as [number, number][],
      nTrain: 200,
      nTest: 50,
      seed: 1,
    };
    const raw = createDataset(f2, opts);
    const d = createDataset(f2, { ...opts, normalizeInput: true, normalizeLabel: true });
    const n = d.normalization;
    expect(n?.inputMean).toHaveLength(2);
    const trX = rows(d.trainInput);
    for (let j = 0; j < 2; j++) {
      const col = trX.map((r) => r[j]);
      const mean = col.reduce((s, v) => s + v, 0) / col.length;
      const varUnbiased = col.reduce((s, v) => s + (v - mean) ** 2, 0) / (col.length - 1);
      expect(mean).toBeCloseTo(0, 5);
      expect(varUnbiased).toBeCloseTo(1, 5);
    }
    const rawTe = rows(raw.testInput);
    rows(d.testInput).forEach((r, i) => r.forEach((v, j) => expect(v * n!.inputStd![j] + n!.inputMean![j]).toBeCloseTo(rawTe[i][j], 4)));
    const rawLab = raw.testLabel.dataSync();
    d.testLabel.dataSync().forEach((v, i) => expect(v * n!.labelStd![0] + n!.labelMean![0]).toBeCloseTo(rawLab[i], 3));
    [raw, d].forEach(disposeAll);
  });

  it('noise perturbs the training labels only, with the requested std', () => {
    const exact = createDataset(f2, { nTrain: 2000, nTest: 100, seed: 5 });
    const noisy = createDataset(f2, { nTrain: 2000, nTest: 100, seed: 5, noise: 0.1 });
    const e = exact.trainLabel.dataSync();
    const diffs = Array.from(noisy.trainLabel.dataSync(), (v, i) => v - e[i]);
    const mean = diffs.reduce((s, v) => s + v, 0) / diffs.length;
    const std = Math.sqrt(diffs.reduce((s, v) => s + (v - mean) ** 2, 0) / diffs.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeGreaterThan(0.09);
    expect(std).toBeLessThan(0.11);
    expect(Array.from(noisy.testLabel.dataSync())).toEqual(Array.from(exact.testLabel.dataSync()));
    [exact, noisy].forEach(disposeAll);
  });

  it('takes a spec { fn, nVar, ranges } and its defaults', () => {
    const d = createDataset({ fn: (x) => tf.sqrt(x), nVar: 1, ranges: [[4, 9]] }, { nTrain: 20, nTest: 0 });
    expect(d.trainInput.shape).toEqual([20, 1]);
    expect(d.testInput.shape).toEqual([0, 1]);
    expect(d.testLabel.shape).toEqual([0, 1]);
    const x = d.trainInput.dataSync();
    expect(Math.min(...x)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...x)).toBeLessThanOrEqual(9);
    disposeAll(d);
  });

  it('rejects bad options, shapes and non-finite labels with clear errors, leaking nothing', () => {
    const before = tf.memory().numTensors;
    expect(() => createDataset(f2, { ranges: [1, -1] })).toThrow(/createDataset: argument ranges/);
    expect(() =>
      createDataset(f2, {
        nVar: 3,
        ranges: [
          [0, 1],
          [0, 1],
        ],
      }),
    ).toThrow(/3 such pairs/);
    expect(() => createDataset(f2, { nTrain: 0 })).toThrow(/nTrain/);
    expect(() => createDataset(f2, { normalise: true } as never)).toThrow(/unknown option "normalise"/);
    expect(() => createDataset((x) => tf.zeros([x.shape[0] + 1]), { nTrain: 4, nTest: 4 })).toThrow(/wrong shape.*\[4\] or \[4, k\]/s);
    expect(() => createDataset((x) => tf.log(tf.sub(x.slice([0, 0], [-1, 1]), 2)), { nTrain: 4, nTest: 4 })).toThrow(/non-finite value.*NaN at input/s);
    expect(() => createDataset((x) => tf.onesLike(x.slice([0, 0], [-1, 1])), { nTrain: 4, nTest: 4, normalizeLabel: true })).toThrow(/constant column/);
    expect(() => createDataset(3 as never)).toThrow(/argument fn/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
