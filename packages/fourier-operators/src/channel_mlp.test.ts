import { gelu } from '@basiskit/activations';
import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { ChannelMLP } from './channel_mlp';
import { PointwiseConv } from './pointwise_conv';
import { checkParamGradients } from './test_helpers';

/** y[b, o, s] = sum_i W[o, i] x[b, i, s] + bias[o], in plain JS (channels first). */
function conv1x1(x: Float32Array, shape: number[], w: Float32Array, bias: Float32Array | null, out: number): Float32Array {
  const [b, c] = shape;
  const s = shape.slice(2).reduce((p, q) => p * q, 1);
  const y = new Float32Array(b * out * s);
  for (let n = 0; n < b; n++)
    for (let o = 0; o < out; o++)
      for (let p = 0; p < s; p++) {
        let acc = bias ? bias[o] : 0;
        for (let i = 0; i < c; i++) acc += w[o * c + i] * x[(n * c + i) * s + p];
        y[(n * out + o) * s + p] = acc;
      }
  return y;
}

describe.each(['cpu', 'wasm'] as const)('ChannelMLP on %s', (backend) => {
  it('is fcs.1(gelu(fcs.0(x))) over the channel axis, with neuralop keys and Conv1d shapes', async () => {
    await initBackend({ backend });
    const mlp = new ChannelMLP({ inChannels: 3, outChannels: 2, hiddenChannels: 5, seed: 1 });
    expect(Object.entries(mlp.stateDict()).map(([k, v]) => `${k}:${v.shape.join('x')}`)).toEqual([
      'fcs.0.weight:5x3x1',
      'fcs.0.bias:5',
      'fcs.1.weight:2x5x1',
      'fcs.1.bias:2',
    ]);
    const x = createRng(2).normalTensor([2, 3, 4, 3]);
    const sd = mlp.stateDict();
    const h = conv1x1(x.dataSync() as Float32Array, x.shape, sd['fcs.0.weight'].dataSync() as Float32Array, sd['fcs.0.bias'].dataSync() as Float32Array, 5);
    const hg = tf.tidy(() => gelu(tf.tensor(h)).dataSync() as Float32Array);
    const want = conv1x1(hg, [2, 5, 4, 3], sd['fcs.1.weight'].dataSync() as Float32Array, sd['fcs.1.bias'].dataSync() as Float32Array, 2);
    const y = mlp.forward(x);
    expect(y.shape).toEqual([2, 2, 4, 3]);
    const got = y.dataSync();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    // the channels-last path is the same map
    const yl = tf.tidy(() => tf.transpose(mlp.forwardLast(tf.transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2]));
    expect(Math.max(...tf.tidy(() => tf.abs(tf.sub(yl, y)).dataSync()))).toBeLessThan(1e-6);
    tf.dispose([x, y, yl]);
    mlp.dispose();
  });

  it('has finite-difference gradients (x and every parameter)', async () => {
    await initBackend({ backend });
    const mlp = new ChannelMLP({ inChannels: 2, outChannels: 3, hiddenChannels: 4, nLayers: 3, nDim: 1, seed: 3 });
    const x = createRng(4).normalTensor([2, 2, 5]);
    gradCheck((xx) => mlp.forward(xx), [x], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    expect(checkParamGradients(mlp, () => mlp.forward(x))).toEqual([]);
    x.dispose();
    mlp.dispose();
  });
});

describe('ChannelMLP', () => {
  it('initializes as PyTorch Conv1d: U(+-1/sqrt(in)), seeded', () => {
    const a = new PointwiseConv({ inChannels: 16, outChannels: 64, seed: 7 });
    const b = new PointwiseConv({ inChannels: 16, outChannels: 64, seed: 7 });
    const w = a.weight.value.dataSync();
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.2);
    expect([...b.weight.value.dataSync()]).toEqual([...w]);
    a.dispose();
    b.dispose();
  });

  it('one layer maps in -> out; defaults out = hidden = in', () => {
    const one = new ChannelMLP({ inChannels: 3, outChannels: 7, nLayers: 1 });
    expect(Object.keys(one.stateDict())).toEqual(['fcs.0.weight', 'fcs.0.bias']);
    expect(one.fcs.at(0).weight.shape).toEqual([7, 3, 1]);
    const def = new ChannelMLP({ inChannels: 4 });
    expect(def.numParameters()).toBe(2 * (4 * 4 + 4));
    one.dispose();
    def.dispose();
  });

  it('gives clear errors', () => {
    expect(() => new ChannelMLP({ inChannels: 0 })).toThrow(ConfigError);
    expect(() => new ChannelMLP({ inChannels: 2, nonLinearity: 'nope' })).toThrow(/unknown activation "nope"/);
    expect(() => new ChannelMLP({ inChannels: 2, hiden: 3 } as never)).toThrow(/unknown option "hiden"/);
    const mlp = new ChannelMLP({ inChannels: 3 });
    const x = tf.zeros([1, 4, 5]);
    expect(() => mlp.forward(x)).toThrow(ShapeError);
    expect(() => mlp.forward(x)).toThrow(/ChannelMLP.*3 at dim 1/);
    x.dispose();
    mlp.dispose();
  });
});
