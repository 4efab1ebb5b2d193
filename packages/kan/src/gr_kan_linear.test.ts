import { KATGroupRational, gelu, secondMoment, variancePreservingGain } from '@basiskit/activations';
import { groupRationalReference } from '@basiskit/kernels/testing';
import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { describe, expect, it } from 'vitest';
import { GRKANLinear } from './gr_kan_linear';
import { checkModuleGradients } from './layer_testing';

describe.each(['cpu', 'wasm'] as const)('GRKANLinear on %s', (backend) => {
  it('is group rational then x W^T + b on [..., in], with KAT state-dict names', async () => {
    await initBackend({ backend });
    const layer = new GRKANLinear({ inFeatures: 8, outFeatures: 3, groups: 4, sharedNumerator: false, seed: 1 });
    expect(Object.keys(layer.stateDict())).toEqual(['act1.weight_numerator', 'act1.weight_denominator', 'fc1.weight', 'fc1.bias']);
    expect(layer.fc1.weight.shape).toEqual([3, 8]);
    expect(layer.act1.weight_numerator.shape).toEqual([4, 6]);
    // distinct per-group coefficients and a nonzero bias, so a wrong grouping or a missing bias shows
    const num = tf.tidy(() => tf.add(layer.act1.weight_numerator.value, createRng(2).uniformTensor([4, 6], -0.1, 0.1)));
    const den = tf.tidy(() => tf.add(layer.act1.weight_denominator.value, createRng(3).uniformTensor([4, 4], 0, 0.5)));
    const bias = tf.tensor1d([0.1, -0.2, 0.3]);
    layer.loadStateDict({ 'act1.weight_numerator': num, 'act1.weight_denominator': den, 'fc1.bias': bias }, { strict: false });
    const x = tf.tidy(() => createRng(4).normalTensor([2, 3, 8]));
    const y = layer.forward(x);
    expect(y.shape).toEqual([2, 3, 3]);
    const want = tf.tidy(() => tf.add(tf.matMul(tf.reshape(groupRationalReference(x, num, den), [6, 8]), layer.fc1.weight.value, false, true), bias));
    assertClose(y, { shape: [2, 3, 3], data: want.dataSync() }, { rtol: 1e-5, atol: 1e-5 }, 'y');
    tf.dispose([num, den, bias, x, y, want]);
    layer.dispose();
  });

  it('has finite-difference-correct gradients in x and every parameter', async () => {
    await initBackend({ backend });
    const layer = new GRKANLinear({ inFeatures: 4, outFeatures: 2, groups: 2, seed: 5 });
    // denominator coefficients away from 0, where |b| has its kink (the fitted gelu start has b_4 ~ 1e-12)
    const den = tf.tidy(() => tf.mul(createRng(7).uniformTensor([2, 4], 0.2, 0.6), tf.tensor1d([1, -1, 1, -1])));
    const bias = tf.tensor1d([0.3, -0.1]);
    layer.loadStateDict({ 'act1.weight_denominator': den, 'fc1.bias': bias }, { strict: false });
    tf.dispose([den, bias]);
    const x = tf.tidy(() => createRng(6).uniformTensor([3, 4], -1.5, 1.5));
    const checked = checkModuleGradients(layer, x, { eps: 1e-2 });
    expect(checked).toEqual(['act1.weight_numerator', 'act1.weight_denominator', 'fc1.weight', 'fc1.bias', 'x']);
    x.dispose();
    layer.dispose();
  });
});

describe('GRKANLinear init and errors', () => {
  it('variance-preserving init: gain = 1/E[F(x)^2] of the starting rational, weight std sqrt(gain / in)', async () => {
    await initBackend({ backend: 'cpu' });
    const id = new GRKANLinear({ inFeatures: 64, outFeatures: 64, init: 'identity', seed: 7 });
    const g = new GRKANLinear({ inFeatures: 64, outFeatures: 64, seed: 8 }); // default init: gelu
    expect(id.gain).toBeCloseTo(1, 3);
    // the rational only approximates gelu (on [-3, 3]): its gain is within 1% of gelu's 2.3568
    const geluGain = variancePreservingGain(gelu);
    expect(Math.abs(g.gain / geluGain - 1)).toBeLessThan(0.01);
    const act = new KATGroupRational({ channels: 1, groups: 1, init: 'gelu' });
    expect(g.gain).toBeCloseTo(1 / secondMoment((t) => act.forward(tf.reshape(t, [-1, 1]))), 6);
    for (const [layer, gain] of [
      [id, 1],
      [g, g.gain],
    ] as const) {
      const w = Array.from(layer.fc1.weight.value.dataSync());
      const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
      expect(Math.abs(std / Math.sqrt(gain / 64) - 1)).toBeLessThan(0.05);
      expect([...layer.fc1.bias!.value.dataSync()].every((v) => v === 0)).toBe(true);
    }
    // same seed, same weights
    const g2 = new GRKANLinear({ inFeatures: 64, outFeatures: 64, seed: 8 });
    expect([...g2.fc1.weight.value.dataSync()]).toEqual([...g.fc1.weight.value.dataSync()]);
    for (const m of [id, g, g2, act]) m.dispose();
  });

  it('bias: false has no fc1.bias; dropout only in training mode, seeded', async () => {
    await initBackend({ backend: 'cpu' });
    const nb = new GRKANLinear({ inFeatures: 8, outFeatures: 2, bias: false });
    expect(Object.keys(nb.stateDict())).toEqual(['act1.weight_numerator', 'act1.weight_denominator', 'fc1.weight']);
    const d = new GRKANLinear({ inFeatures: 8, outFeatures: 4, drop: 0.5, seed: 1 });
    const x = tf.ones([16, 8]);
    const a = d.forward(x);
    const b = d.forward(x);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])).toBeGreaterThan(0); // fresh masks
    d.eval();
    const e1 = d.forward(x);
    const e2 = tf.tidy(() => tf.matMul(d.act1.forward(x), d.fc1.weight.value, false, true));
    assertClose(e1, { shape: e2.shape, data: e2.dataSync() }, { rtol: 1e-6, atol: 1e-6 }, 'eval: no dropout');
    tf.dispose([x, a, b, e1, e2]);
    nb.dispose();
    d.dispose();
  });

  it('rejects bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new GRKANLinear({ inFeatures: 10, outFeatures: 2 })).toThrow(ConfigError);
    expect(() => new GRKANLinear({ inFeatures: 10, outFeatures: 2 })).toThrow(
      /^GRKANLinear: argument groups: inFeatures not divisible by groups \(expected a divisor of inFeatures \(10\), got 8\)/,
    );
    expect(() => new GRKANLinear({ inFeatures: 8, outFeatures: 0 })).toThrow(/GRKANLinear: argument outFeatures: invalid value/);
    expect(() => new GRKANLinear({ inFeatures: 8, outFeatures: 2, drop: 1 })).toThrow(/argument drop: invalid value/);
    expect(() => new GRKANLinear({ inFeatures: 8, outFeatures: 2, init: 'nope' as never })).toThrow(/unknown init/);
    const before = tf.engine().state.numTensors;
    expect(() => new GRKANLinear({ inFeatures: 8, outFeatures: 2, init: { numerator: [0, 1], denominator: [] } })).toThrow(/degrees 5\/4/);
    expect(tf.engine().state.numTensors).toBe(before);
    const layer = new GRKANLinear({ inFeatures: 8, outFeatures: 2 });
    const x = tf.zeros([3, 7]);
    expect(() => layer.forward(x)).toThrow(ShapeError);
    expect(() => layer.forward(x)).toThrow(/^GRKANLinear\.forward: argument x: wrong size of the last dim \(expected \[\.\.\., 8\], got shape \[3, 7\]\)/);
    x.dispose();
    layer.dispose();
  });
});
