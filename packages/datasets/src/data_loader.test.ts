import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError, Linear, Module, ShapeError, initBackend, loadSafetensors, saveSafetensors, tf } from '@basiskit/tensor';
import { Adam, fit, gradCheck, mse } from '@basiskit/training';
import { DataLoader, trainTestSplit, type Batch } from './data_loader';
import { RangeNormalizer, UnitGaussianNormalizer } from './normalizers';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

async function collect(it: AsyncIterable<Batch>): Promise<{ x: number[][]; y: number[][] }> {
  const x: number[][] = [];
  const y: number[][] = [];
  for await (const b of it) {
    x.push(Array.from(b.x.dataSync()));
    y.push(Array.from(b.y.dataSync()));
    tf.dispose([b.x, b.y]);
  }
  return { x, y };
}

describe('DataLoader', () => {
  it('batches every sample once per epoch, x and y together; dropLast; a new order each epoch from (seed, epoch)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 23 }),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        async (n, bs, shuffle, dropLast, seed) => {
          const x = tf.tidy(() => tf.range(0, n).reshape([n, 1]));
          const y = tf.tidy(() => tf.range(0, n).mul(10).reshape([n, 1]));
          const loader = new DataLoader({ x, y }, { batchSize: bs, shuffle, dropLast, seed });
          const e0 = await collect(loader);
          const e1 = await collect(loader);
          expect(loader.epoch).toBe(2);
          expect(e0.x.length).toBe(loader.length);
          expect(e0.x.length).toBe(dropLast ? Math.floor(n / bs) : Math.ceil(n / bs));
          for (const e of [e0, e1]) {
            e.x.forEach((b, i) => expect(b.length).toBe(dropLast || i < e.x.length - 1 ? bs : n - bs * (e.x.length - 1)));
            expect(e.y.flat()).toEqual(e.x.flat().map((v) => v * 10));
            const seen = e.x.flat();
            expect(new Set(seen).size).toBe(seen.length);
            if (!dropLast) expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          }
          if (!shuffle) expect(e0.x.flat()).toEqual(Array.from({ length: dropLast ? Math.floor(n / bs) * bs : n }, (_, i) => i));
          // stateless: epoch 1 again gives the same batches; another loader with the same seed too
          expect((await collect(loader.batches(1))).x).toEqual(e1.x);
          expect((await collect(new DataLoader({ x, y }, { batchSize: bs, shuffle, dropLast, seed }).batches(0))).x).toEqual(e0.x);
          tf.dispose([x, y]);
        },
      ),
      { numRuns: 60, seed: 9 },
    );
  });

  it('shuffled epochs differ (n = 50)', () => {
    const x = tf.zeros([50, 1]);
    const loader = new DataLoader({ x, y: x }, { shuffle: true, seed: 3 });
    expect(Array.from(loader.order(0))).not.toEqual(Array.from(loader.order(1)));
    x.dispose();
  });

  it("trains with @basiskit/training's fit (the loader as train, epoch after epoch)", async () => {
    const x = tf.randomUniform([64, 2], -1, 1, 'float32', 5);
    const y = tf.tidy(() => tf.matMul(x, tf.tensor2d([[2], [-1]])).add(0.5));
    const model = new Linear({ inFeatures: 2, outFeatures: 1 });
    const optimizer = new Adam(model.parameters(), { lr: 0.05 });
    const loader = new DataLoader({ x, y }, { batchSize: 16, shuffle: true, seed: 1 });
    const { history } = await fit(model, { train: loader, loss: mse, optimizer, epochs: 40, progress: 'silent' });
    const losses = history.get('loss');
    expect(losses.length).toBe(40);
    expect(losses[39]).toBeLessThan(1e-3);
    expect(losses[39]).toBeLessThan(losses[0] / 100);
    expect(loader.epoch).toBe(40);
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
  });

  it('checks its arguments', () => {
    const x = tf.zeros([4, 2]);
    const y = tf.zeros([3, 1]);
    expect(() => new DataLoader({ x, y })).toThrow(ShapeError);
    expect(() => new DataLoader({ x, y: x }, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new DataLoader({ x, y: x }, { batch: 2 } as never)).toThrow(/batch/);
    expect(() => new DataLoader({ x } as never)).toThrow(/data\.y/);
    tf.dispose([x, y]);
  });
});

describe('trainTestSplit', () => {
  it("splits with sklearn's sizes (ceil(testSize n) test samples), rows kept together, seeded", () => {
    const x = tf.tidy(() => tf.range(0, 10).reshape([10, 1]));
    const y = tf.tidy(() => tf.range(0, 10).mul(-1));
    const { train, test } = trainTestSplit({ x, y }, { testSize: 0.25, seed: 4 });
    expect(train.x.shape).toEqual([7, 1]);
    expect(test.x.shape).toEqual([3, 1]);
    const all = [...train.x.dataSync(), ...test.x.dataSync()];
    expect([...all].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(test.y.dataSync())).toEqual(Array.from(test.x.dataSync(), (v) => -v));
    const again = trainTestSplit({ x, y }, { testSize: 3, seed: 4 });
    expect(Array.from(again.test.x.dataSync())).toEqual(Array.from(test.x.dataSync()));
    const plain = trainTestSplit({ x, y }, { testSize: 0.2, shuffle: false });
    expect(Array.from(plain.test.x.dataSync())).toEqual([8, 9]);
    expect(() => trainTestSplit({ x, y }, { testSize: 1.5 })).toThrow(ConfigError);
    expect(() => trainTestSplit({ x, y }, { testSize: 10 })).toThrow(/testSize/);
    tf.dispose([
      x,
      y,
      train.x,
      train.y,
      test.x,
      test.y,
      again.train.x,
      again.train.y,
      again.test.x,
      again.test.y,
      plain.train.x,
      plain.train.y,
      plain.test.x,
      plain.test.y,
    ]);
  });
});

class Wrapped extends Module {
  readonly normalizer: UnitGaussianNormalizer;
  readonly range: RangeNormalizer;
  readonly head: Linear;
  constructor(channels: number) {
    super();
    this.normalizer = this.registerModule('normalizer', new UnitGaussianNormalizer({ dim: [0, 2], shape: [1, channels, 1] }));
    this.range = this.registerModule('range', new RangeNormalizer({ shape: [channels, 4] }));
    this.head = this.registerModule('head', new Linear({ inFeatures: 4, outFeatures: 1 }));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const a = this.normalizer.transform(x);
      const b = this.range.transform(a);
      return this.head.forward(b);
    });
  }
}

describe('normalizers', () => {
  it("UnitGaussianNormalizer: neuralop's per-channel statistics, transform/inverse, eps", () => {
    // [n=3, c=2, w=4]: channel 0 ~ 5 + 2 z, channel 1 ~ -1 + 0.5 z
    const x = tf.tidy(() => {
      const z = tf.randomNormal([3, 2, 4], 0, 1, 'float32', 11);
      return tf.add(tf.mul(z, tf.tensor3d([[[2], [0.5]]])), tf.tensor3d([[[5], [-1]]]));
    });
    const n = UnitGaussianNormalizer.fitFrom(x, { dim: [0, 2], eps: 1e-6 });
    expect(n.mean.shape).toEqual([1, 2, 1]);
    expect(Object.keys(n.stateDict()).sort()).toEqual(['eps', 'mean', 'std']);
    const xs = x.arraySync() as number[][][];
    for (let c = 0; c < 2; c++) {
      const v = xs.flatMap((s) => s[c]);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length - m * m);
      expect(n.mean.dataSync()[c]).toBeCloseTo(m, 4);
      expect(n.std.dataSync()[c]).toBeCloseTo(sd, 4);
    }
    const t = n.transform(x);
    const back = n.inverseTransform(t);
    const stats = tf.tidy(() => tf.moments(t, [0, 2]));
    expect(Array.from(stats.mean.dataSync()).every((v) => Math.abs(v) < 1e-5)).toBe(true);
    expect(Array.from(stats.variance.dataSync()).every((v) => Math.abs(v - 1) < 1e-4)).toBe(true);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(back, x))).arraySync() as number)).toBeLessThan(1e-5);
    gradCheck((xx) => n.forward(xx), [x], { eps: 1e-2, rtol: 1e-2, atol: 1e-3 });
    tf.dispose([x, t, back, stats.mean, stats.variance]);
    n.dispose();
  });

  it('RangeNormalizer maps each feature onto [low, high] and back (FNO utilities semantics)', () => {
    const x = tf.tensor2d([
      [1, 10, 3],
      [3, 20, 3],
      [2, 15, 3],
    ]);
    const r = RangeNormalizer.fitFrom(x, { low: -1, high: 1 });
    expect(Object.keys(r.stateDict()).sort()).toEqual(['a', 'b']);
    const t = r.transform(x);
    expect(Array.from(t.dataSync())).toEqual([-1, -1, 1, 1, 1, 1, 0, 0, 1]);
    const back = r.inverseTransform(t);
    expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
    gradCheck((xx) => r.forward(xx), [x], { eps: 1e-2, rtol: 1e-2, atol: 1e-3 });
    tf.dispose([x, t, back]);
    r.dispose();
  });

  it("their buffers save and load with the model's state dict (safetensors), under neuralop's key names", () => {
    const x = tf.randomNormal([5, 3, 4], 2, 3, 'float32', 12);
    const model = new Wrapped(3);
    model.normalizer.fit(x);
    const normalized = model.normalizer.transform(x);
    model.range.fit(normalized);
    normalized.dispose();
    const bytes = saveSafetensors(model.stateDict());
    const fresh = new Wrapped(3);
    const dict = loadSafetensors(bytes);
    expect(Object.keys(dict).sort()).toEqual(['head.bias', 'head.weight', 'normalizer.eps', 'normalizer.mean', 'normalizer.std', 'range.a', 'range.b']);
    fresh.loadStateDict(dict);
    const a = model.forward(x);
    const b = fresh.forward(x);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b, ...Object.values(dict)]);
    model.dispose();
    fresh.dispose();
  });
});
