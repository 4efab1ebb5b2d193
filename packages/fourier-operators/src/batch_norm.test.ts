import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchNorm, BatchNormNd } from './batch_norm';
import { FNOBlocks } from './fno_block';
import { checkParamGradients } from './test_helpers';

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe.each(['cpu', 'wasm'] as const)('BatchNorm on %s', (backend) => {
  let before = 0;
  afterEach(() => expect(tf.memory().numTensors).toBe(before));

  it('has neuralop keys, uses batch statistics in training and updates the running ones', async () => {
    await initBackend({ backend });
    before = tf.memory().numTensors;
    const bn = new BatchNorm({ nDim: 2, numFeatures: 3 });
    const sd = bn.stateDict();
    expect(Object.entries(sd).map(([k, v]) => `${k}:${v.shape.join('x')}:${v.dtype}`)).toEqual([
      'norm.weight:3:float32',
      'norm.bias:3:float32',
      'norm.running_mean:3:float32',
      'norm.running_var:3:float32',
      'norm.num_batches_tracked::int32',
    ]);
    tf.tidy(() => {
      bn.norm.weight?.assign(tf.tensor([1, 2, -1]));
      bn.norm.bias?.assign(tf.tensor([0, 0.5, 1]));
    });
    const x = tf.tidy(() => tf.add(tf.mul(createRng(0).normalTensor([2, 3, 4, 5]), 2), 3));
    const y = bn.forward(x);
    // reference with tf ops: per channel over (N, H, W)
    const want = tf.tidy(() => {
      const { mean, variance } = tf.moments(x, [0, 2, 3], true);
      const w = tf.reshape(tf.tensor([1, 2, -1]), [3, 1, 1]);
      const b = tf.reshape(tf.tensor([0, 0.5, 1]), [3, 1, 1]);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), w), b);
    });
    expect(maxDiff(y, want)).toBeLessThan(1e-4);
    const n = 2 * 4 * 5;
    const [bm, bv] = tf.tidy(() => {
      const { mean, variance } = tf.moments(x, [0, 2, 3]);
      return [mean.dataSync(), variance.dataSync()];
    });
    const rm = bn.norm.runningMean.dataSync();
    const rv = bn.norm.runningVar.dataSync();
    for (let c = 0; c < 3; c++) {
      expect(rm[c]).toBeCloseTo(0.1 * bm[c], 4);
      expect(rv[c]).toBeCloseTo(0.9 + 0.1 * bv[c] * (n / (n - 1)), 4);
    }
    expect(bn.norm.numBatchesTracked.dataSync()[0]).toBe(1);
    // channels last gives the same (and counts another batch)
    const yl = tf.tidy(() => tf.transpose(bn.forwardLast(tf.transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2]));
    expect(maxDiff(yl, y)).toBeLessThan(1e-4);
    expect(bn.norm.numBatchesTracked.dataSync()[0]).toBe(2);
    tf.dispose([x, y, want, yl]);
    bn.dispose();
  });

  it('eval uses the running statistics, and loads a state dict', async () => {
    await initBackend({ backend });
    before = tf.memory().numTensors;
    const bn = new BatchNormNd({ numFeatures: 2 });
    const sd = tf.tidy(() => ({
      weight: tf.tensor([2, 1]),
      bias: tf.tensor([0, -1]),
      running_mean: tf.tensor([1, -2]),
      running_var: tf.tensor([4, 0.25]),
      num_batches_tracked: tf.scalar(7, 'int32'),
    }));
    bn.loadStateDict(sd);
    tf.dispose(Object.values(sd));
    bn.eval();
    const x = createRng(2).normalTensor([3, 2, 5]);
    const y = bn.forward(x);
    const want = tf.tidy(() => {
      const m = tf.reshape(tf.tensor([1, -2]), [2, 1]);
      const s = tf.reshape(tf.sqrt(tf.add(tf.tensor([4, 0.25]), 1e-5)), [2, 1]);
      return tf.add(tf.mul(tf.div(tf.sub(x, m), s), tf.reshape(tf.tensor([2, 1]), [2, 1])), tf.reshape(tf.tensor([0, -1]), [2, 1]));
    });
    expect(maxDiff(y, want)).toBeLessThan(1e-5);
    expect(bn.numBatchesTracked.dataSync()[0]).toBe(7);
    expect(Array.from(bn.runningMean.dataSync())).toEqual([1, -2]);
    // eval: an affine map of x
    gradCheck((xx) => bn.forward(xx), [x], { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
    expect(checkParamGradients(bn, () => bn.forward(x))).toEqual([]);
    tf.dispose([x, y, want]);
    bn.dispose();
  });

  it('training-mode gradients match finite differences', async () => {
    await initBackend({ backend });
    before = tf.memory().numTensors;
    const bn = new BatchNorm({ nDim: 1, numFeatures: 2 });
    tf.tidy(() => bn.norm.weight?.assign(tf.tensor([1.5, -0.5])));
    const x = createRng(3).normalTensor([3, 2, 4]);
    gradCheck((xx) => bn.forward(xx), [x], { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
    expect(checkParamGradients(bn, () => bn.forward(x))).toEqual([]);
    x.dispose();
    bn.dispose();
  });
});

describe('BatchNorm errors', () => {
  it('names the argument', () => {
    expect(() => new BatchNorm({ nDim: 0, numFeatures: 2 })).toThrow(/nDim/);
    expect(() => new BatchNormNd({ numFeatures: 2, affine: 1 as unknown as boolean })).toThrow(ConfigError);
    const bn = new BatchNorm({ nDim: 1, numFeatures: 2 });
    const one = tf.zeros([1, 2, 1]);
    expect(() => bn.forward(one)).toThrow(ShapeError);
    const bad = tf.zeros([2, 3, 4]);
    expect(() => bn.forward(bad)).toThrow(/3/);
    tf.dispose([one, bad]);
    bn.dispose();
  });
});

describe('FNOBlocks with batch_norm', () => {
  it('builds neuralop keys, runs forward and backward, and switches to running stats in eval', async () => {
    await initBackend({ backend: 'cpu' });
    const before = tf.memory().numTensors;
    const blocks = new FNOBlocks({ inChannels: 4, outChannels: 4, nModes: [4, 4], nLayers: 2, norm: 'batch_norm', seed: 3 });
    const keys = Object.keys(blocks.stateDict()).filter((k) => k.startsWith('norm.'));
    expect(keys.length).toBe(4 * 5);
    const want = ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'];
    expect([...keys].sort()).toEqual(['0', '1', '2', '3'].flatMap((k) => want.map((w) => `norm.${k}.norm.${w}`)).sort());
    const x = createRng(5).normalTensor([2, 4, 8, 8]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(blocks.forward(x, 1))) as tf.Scalar);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const params = new Map(blocks.namedParameters({ trainableOnly: true }));
    for (const k of ['norm.2.norm.weight', 'norm.2.norm.bias', 'norm.3.norm.weight', 'norm.3.norm.bias', 'convs.1.bias']) {
      expect(grads[params.get(k)!.value.name]?.shape).toEqual(params.get(k)!.shape);
    }
    expect(Object.values(grads).every((g) => g.dataSync().every(Number.isFinite))).toBe(true);
    expect((blocks.norm?.at(2) as BatchNorm).norm.numBatchesTracked.dataSync()[0]).toBe(1);
    const yTrain = blocks.forward(x, 0);
    blocks.eval();
    const yEval = blocks.forward(x, 0);
    expect((blocks.norm?.at(0) as BatchNorm).norm.numBatchesTracked.dataSync()[0]).toBe(1);
    expect(maxDiff(yTrain, yEval)).toBeGreaterThan(1e-3);
    tf.dispose([x, value, ...Object.values(grads), yTrain, yEval]);
    blocks.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
