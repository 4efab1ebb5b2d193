import { ConfigError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { GroupNorm } from './group_norm';
import { InstanceNorm } from './instance_norm';
import { checkParamGradients } from './test_helpers';

/** Group normalization of channels-first data in plain JS (float64). */
function groupNormJs(x: Float32Array, shape: number[], groups: number, eps: number): Float64Array {
  const [b, c] = shape;
  const s = x.length / (b * c);
  const per = (c / groups) * s;
  const y = new Float64Array(x.length);
  for (let n = 0; n < b; n++)
    for (let g = 0; g < groups; g++) {
      const off = (n * c + g * (c / groups)) * s;
      let m = 0;
      for (let i = 0; i < per; i++) m += x[off + i];
      m /= per;
      let v = 0;
      for (let i = 0; i < per; i++) v += (x[off + i] - m) ** 2;
      v /= per;
      for (let i = 0; i < per; i++) y[off + i] = (x[off + i] - m) / Math.sqrt(v + eps);
    }
  return y;
}

describe.each(['cpu', 'wasm'] as const)('norms on %s', (backend) => {
  it('GroupNorm matches the formula, channels first and last, with gradients', async () => {
    await initBackend({ backend });
    const norm = new GroupNorm({ numGroups: 2, numChannels: 4 });
    expect(Object.entries(norm.stateDict()).map(([k, v]) => `${k}:${v.shape.join('x')}`)).toEqual(['weight:4', 'bias:4']);
    tf.tidy(() => {
      norm.weight?.assign(tf.tensor([1, 2, 3, -1]));
      norm.bias?.assign(tf.tensor([0, 0.5, 0, 1]));
    });
    const x = createRng(0).normalTensor([2, 4, 3, 2]);
    const base = groupNormJs(x.dataSync() as Float32Array, x.shape, 2, 1e-5);
    const y = norm.forward(x);
    const got = y.dataSync();
    const wb = [
      [1, 0],
      [2, 0.5],
      [3, 0],
      [-1, 1],
    ];
    for (let i = 0; i < got.length; i++) {
      const c = Math.floor(i / 6) % 4;
      expect(got[i]).toBeCloseTo(base[i] * wb[c][0] + wb[c][1], 4);
    }
    const yl = tf.tidy(() => tf.transpose(norm.forwardLast(tf.transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2]));
    expect(Math.max(...tf.tidy(() => tf.abs(tf.sub(yl, y)).dataSync()))).toBeLessThan(1e-5);
    gradCheck((xx) => norm.forward(xx), [x], { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
    expect(checkParamGradients(norm, () => norm.forward(x))).toEqual([]);
    tf.dispose([x, y, yl]);
    norm.dispose();
  });

  it('InstanceNorm normalizes each (sample, channel) over space, no parameters', async () => {
    await initBackend({ backend });
    const norm = new InstanceNorm();
    expect(norm.numParameters()).toBe(0);
    const x = createRng(1).normalTensor([2, 3, 5]);
    const want = groupNormJs(x.dataSync() as Float32Array, x.shape, 3, 1e-5);
    const y = norm.forward(x);
    const got = y.dataSync();
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i], 4);
    const yl = tf.tidy(() => tf.transpose(norm.forwardLast(tf.transpose(x, [0, 2, 1])), [0, 2, 1]));
    expect(Math.max(...tf.tidy(() => tf.abs(tf.sub(yl, y)).dataSync()))).toBeLessThan(1e-5);
    gradCheck((xx) => norm.forward(xx), [x], { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
    tf.dispose([x, y, yl]);
  });
});

describe('GroupNorm', () => {
  it('needs numGroups to divide numChannels', () => {
    expect(() => new GroupNorm({ numGroups: 3, numChannels: 4 })).toThrow(ConfigError);
    expect(() => new GroupNorm({ numGroups: 3, numChannels: 4 })).toThrow(/divisor of 4/);
  });
});
