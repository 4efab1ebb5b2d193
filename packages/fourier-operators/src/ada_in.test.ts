import { ConfigError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gelu } from '@basiskit/activations';
import { gradCheck } from '@basiskit/training';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaIN } from './ada_in';
import { FNOBlocks } from './fno_block';
import { checkParamGradients } from './test_helpers';

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe.each(['cpu', 'wasm'] as const)('AdaIN on %s', (backend) => {
  let before = 0;
  afterEach(() => expect(tf.memory().numTensors).toBe(before));

  it('has neuralop keys and normalizes with the MLP scale and shift', async () => {
    await initBackend({ backend });
    before = tf.memory().numTensors;
    const norm = new AdaIN({ embedDim: 4, inChannels: 3, seed: 1 });
    const sd = norm.stateDict();
    expect(Object.entries(sd).map(([k, v]) => `${k}:${v.shape.join('x')}`)).toEqual([
      'mlp.0.weight:512x4',
      'mlp.0.bias:512',
      'mlp.2.weight:6x512',
      'mlp.2.bias:6',
    ]);
    const x = createRng(0).normalTensor([2, 3, 4, 5]);
    expect(() => norm.forward(x)).toThrow(/setEmbedding/);
    const e = createRng(1).normalTensor([1, 4]);
    norm.setEmbedding(e);
    const y = norm.forward(x);
    const want = tf.tidy(() => {
      const h = gelu(tf.add(tf.matMul(tf.reshape(e, [1, 4]), sd['mlp.0.weight'], false, true), sd['mlp.0.bias']));
      const wb = tf.reshape(tf.add(tf.matMul(h, sd['mlp.2.weight'], false, true), sd['mlp.2.bias']), [6]);
      const { mean, variance } = tf.moments(x, [2, 3], true);
      const w = tf.reshape(tf.slice(wb, [0], [3]), [3, 1, 1]);
      const b = tf.reshape(tf.slice(wb, [3], [3]), [3, 1, 1]);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), w), b);
    });
    expect(maxDiff(y, want)).toBeLessThan(1e-4);
    const yl = tf.tidy(() => tf.transpose(norm.forwardLast(tf.transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2]));
    expect(maxDiff(yl, y)).toBeLessThan(1e-4);
    tf.dispose([x, e, y, want, yl]);
    norm.dispose();
  });

  it('gradients (input and MLP parameters) match finite differences', async () => {
    await initBackend({ backend });
    before = tf.memory().numTensors;
    const norm = new AdaIN({ embedDim: 2, inChannels: 2, seed: 2 });
    const e = tf.tensor([0.5, -1]);
    norm.setEmbedding(e);
    e.dispose();
    const x = createRng(4).normalTensor([2, 2, 5]);
    gradCheck((xx) => norm.forward(xx), [x], { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
    expect(checkParamGradients(norm, () => norm.forward(x))).toEqual([]);
    x.dispose();
    norm.dispose();
  });
});

describe('AdaIN errors', () => {
  it('checks the embedding size and the options', () => {
    const norm = new AdaIN({ embedDim: 3, inChannels: 2 });
    const e = tf.zeros([4]);
    expect(() => norm.setEmbedding(e)).toThrow(ConfigError);
    expect(() => norm.setEmbedding(e)).toThrow(/3 elements/);
    e.dispose();
    norm.dispose();
    expect(() => new AdaIN({ embedDim: 0, inChannels: 2 })).toThrow(/embedDim/);
  });
});

describe('FNOBlocks with ada_in', () => {
  it('needs adaInFeatures and embeddings, then runs forward and backward', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new FNOBlocks({ inChannels: 2, outChannels: 2, nModes: [4], norm: 'ada_in' })).toThrow(/adaInFeatures/);
    const before = tf.memory().numTensors;
    const blocks = new FNOBlocks({ inChannels: 2, outChannels: 2, nModes: [4], norm: 'ada_in', adaInFeatures: 3, seed: 1 });
    const keys = Object.keys(blocks.stateDict()).filter((k) => k.startsWith('norm.'));
    expect(keys).toEqual(['0', '1'].flatMap((k) => ['mlp.0.weight', 'mlp.0.bias', 'mlp.2.weight', 'mlp.2.bias'].map((s) => `norm.${k}.${s}`)));
    const x = createRng(6).normalTensor([2, 2, 8]);
    expect(() => blocks.forward(x, 0)).toThrow(/setEmbedding/);
    const e1 = tf.tensor([0.1, -0.2, 0.3]);
    const e2 = tf.tensor([1, 0, -1]);
    expect(() => blocks.setAdaInEmbeddings(e1, e2, e1)).toThrow(/1 or 2/);
    blocks.setAdaInEmbeddings(e1);
    const y1 = blocks.forward(x, 0);
    blocks.setAdaInEmbeddings(e1, e2);
    const y2 = blocks.forward(x, 0);
    expect(maxDiff(y1, y2)).toBeGreaterThan(1e-4);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(blocks.forward(x, 0))) as tf.Scalar);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(Object.keys(grads).length).toBe(blocks.namedParameters({ trainableOnly: true }).length);
    tf.dispose([x, e1, e2, y1, y2, value, ...Object.values(grads)]);
    blocks.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const plain = new FNOBlocks({ inChannels: 2, outChannels: 2, nModes: [4], norm: 'group_norm' });
    const e = tf.zeros([3]);
    expect(() => plain.setAdaInEmbeddings(e)).toThrow(ConfigError);
    e.dispose();
    plain.dispose();
  });
});
