import { gelu, variancePreservingGain } from '@basiskit/activations';
import { groupRationalReference } from '@basiskit/kernels/testing';
import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { describe, expect, it } from 'vitest';
import { checkModuleGradients } from './layer_testing';
import { KATBlock } from './kat_block';

const KAT_NAMES = [
  'fc1.weight',
  'fc1.bias',
  'act1.weight_numerator',
  'act1.weight_denominator',
  'act2.weight_numerator',
  'act2.weight_denominator',
  'fc2.weight',
  'fc2.bias',
];

describe.each(['cpu', 'wasm'] as const)('KATBlock on %s', (backend) => {
  it("is fc2(act2(fc1(act1(x)))) on [..., in] with KAT's state-dict names", async () => {
    await initBackend({ backend });
    const mlp = new KATBlock({ inFeatures: 8, hiddenFeatures: 12, outFeatures: 5, groups: 4, seed: 1 });
    expect(Object.keys(mlp.stateDict())).toEqual(KAT_NAMES);
    expect(mlp.fc1.weight.shape).toEqual([12, 8]);
    expect(mlp.fc2.weight.shape).toEqual([5, 12]);
    // perturbed coefficients and biases so each stage matters
    const sd = tf.tidy(() => {
      const rng = createRng(2);
      return {
        'act1.weight_numerator': tf.add(mlp.act1.weight_numerator.value, rng.uniformTensor([1, 6], -0.1, 0.1)),
        'act1.weight_denominator': rng.uniformTensor([4, 4], -0.5, 0.5),
        'act2.weight_denominator': rng.uniformTensor([4, 4], -0.5, 0.5),
        'fc1.bias': rng.uniformTensor([12], -0.3, 0.3),
        'fc2.bias': rng.uniformTensor([5], -0.3, 0.3),
      };
    });
    mlp.loadStateDict(sd, { strict: false });
    const x = tf.tidy(() => createRng(3).normalTensor([2, 3, 8]));
    const y = mlp.forward(x);
    expect(y.shape).toEqual([2, 3, 5]);
    const want = tf.tidy(() => {
      const p = (n: string) => mlp.stateDict()[n];
      const lin = (h: tf.Tensor, w: string, b: string) => tf.add(tf.matMul(h, p(w), false, true), p(b));
      const h1 = lin(groupRationalReference(tf.reshape(x, [6, 8]), p('act1.weight_numerator'), p('act1.weight_denominator')), 'fc1.weight', 'fc1.bias');
      return lin(groupRationalReference(h1, p('act2.weight_numerator'), p('act2.weight_denominator')), 'fc2.weight', 'fc2.bias');
    });
    assertClose(y, { shape: [2, 3, 5], data: want.dataSync() }, { rtol: 1e-5, atol: 1e-5 }, 'y');
    tf.dispose([x, y, want, ...Object.values(sd)]);
    mlp.dispose();
  });

  it('gradients reach every parameter and match finite differences', async () => {
    await initBackend({ backend });
    const mlp = new KATBlock({ inFeatures: 4, hiddenFeatures: 4, outFeatures: 2, groups: 2, seed: 4 });
    // denominators away from 0 (|b| has a kink there; the identity start is all zeros)
    const sd = tf.tidy(() => ({
      'act1.weight_denominator': tf.mul(createRng(5).uniformTensor([2, 4], 0.2, 0.6), tf.tensor1d([1, -1, 1, -1])),
      'act2.weight_denominator': tf.mul(createRng(6).uniformTensor([2, 4], 0.2, 0.6), tf.tensor1d([-1, 1, -1, 1])),
      'fc1.bias': tf.tensor1d([0.1, -0.2, 0.15, 0.05]),
    }));
    mlp.loadStateDict(sd, { strict: false });
    const x = tf.tidy(() => createRng(7).uniformTensor([3, 4], -1.2, 1.2));
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(mlp.forward(x))) as tf.Scalar, mlp.trainableVariables());
    for (const v of mlp.trainableVariables()) expect(tf.tidy(() => tf.max(tf.abs(grads[v.name])).dataSync()[0])).toBeGreaterThan(0);
    expect(checkModuleGradients(mlp, x, { eps: 1e-2 })).toEqual([...KAT_NAMES, 'x']);
    tf.dispose([x, value, ...Object.values(grads), ...Object.values(sd)]);
    mlp.dispose();
  });
});

describe('KATBlock init, options and errors', () => {
  it('variance-preserving init keeps Var(out) / Var(in) near 1 for N(0, 1) inputs', async () => {
    await initBackend({ backend: 'wasm' });
    const mlp = new KATBlock({ inFeatures: 64, hiddenFeatures: 256, seed: 11 });
    expect(mlp.outFeatures).toBe(64);
    expect(mlp.gains[0]).toBeCloseTo(1, 3); // act1 starts as the identity
    expect(Math.abs(mlp.gains[1] / variancePreservingGain(gelu) - 1)).toBeLessThan(0.01);
    const x = tf.tidy(() => createRng(12).normalTensor([2048, 64]));
    const ratio = tf.tidy(() => {
      const y = mlp.forward(x);
      return tf.div(tf.moments(y).variance, tf.moments(x).variance).dataSync()[0];
    });
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.33);
    // a plain N(0, 1/fan_in) init (gain 1 for act2 too) loses about half the variance
    const w = tf.tidy(() => tf.div(mlp.fc2.weight.value, Math.sqrt(mlp.gains[1])));
    mlp.fc2.weight.assign(w);
    const shrunk = tf.tidy(() => tf.div(tf.moments(mlp.forward(x)).variance, tf.moments(x).variance).dataSync()[0]);
    expect(shrunk).toBeLessThan(0.6);
    tf.dispose([x, w]);
    mlp.dispose();
  });

  it('bias and drop take one value or a pair; dropout only while training', async () => {
    await initBackend({ backend: 'cpu' });
    const nb = new KATBlock({ inFeatures: 8, bias: [true, false] });
    expect(Object.keys(nb.stateDict())).toEqual(KAT_NAMES.filter((n) => n !== 'fc2.bias'));
    const d = new KATBlock({ inFeatures: 8, hiddenFeatures: 16, drop: [0, 0.5], seed: 3 });
    const x = tf.tidy(() => createRng(1).normalTensor([32, 8]));
    const a = d.forward(x);
    const b = d.forward(x);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])).toBeGreaterThan(0);
    d.eval();
    const e1 = d.forward(x);
    const e2 = d.forward(x);
    assertClose(e1, { shape: e2.shape, data: e2.dataSync() }, { rtol: 0, atol: 0 }, 'eval is deterministic');
    tf.dispose([x, a, b, e1, e2]);
    nb.dispose();
    d.dispose();
  });

  it('rejects bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    const before = tf.engine().state.numTensors;
    expect(() => new KATBlock({ inFeatures: 8, hiddenFeatures: 12 })).toThrow(ConfigError);
    expect(() => new KATBlock({ inFeatures: 8, hiddenFeatures: 12 })).toThrow(
      /^KATBlock: argument groups: hiddenFeatures not divisible by groups \(expected a divisor of hiddenFeatures \(12\), got 8\)/,
    );
    expect(() => new KATBlock({ inFeatures: 6, groups: 4 })).toThrow(/inFeatures not divisible by groups/);
    expect(() => new KATBlock({ inFeatures: 8, drop: [0, -0.1] })).toThrow(/argument drop: invalid value/);
    expect(() => new KATBlock({ inFeatures: 8, actInit: 'bogus' as never })).toThrow(/unknown init/);
    expect(tf.engine().state.numTensors).toBe(before);
    const mlp = new KATBlock({ inFeatures: 8 });
    const x = tf.zeros([2, 3, 9]);
    expect(() => mlp.forward(x)).toThrow(ShapeError);
    expect(() => mlp.forward(x)).toThrow(/^KATBlock\.forward: argument x: wrong size of the last dim \(expected \[\.\.\., 8\], got shape \[2, 3, 9\]\)/);
    x.dispose();
    mlp.dispose();
  });
});
