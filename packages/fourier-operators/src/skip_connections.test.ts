import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { Flattened1dConv, IdentitySkip, SoftGating, skipConnection } from './skip_connections';
import { checkParamGradients } from './test_helpers';

describe.each(['cpu', 'wasm'] as const)('skip connections on %s', (backend) => {
  it('linear is a bias-free 1x1 conv (key conv.weight [out, in, 1]) with gradients', async () => {
    await initBackend({ backend });
    const skip = skipConnection({ inFeatures: 3, outFeatures: 2, nDim: 2, skipType: 'linear', seed: 5 });
    expect(skip).toBeInstanceOf(Flattened1dConv);
    expect(Object.entries(skip.stateDict()).map(([k, v]) => `${k}:${v.shape.join('x')}`)).toEqual(['conv.weight:2x3x1']);
    const x = createRng(1).normalTensor([2, 3, 3, 2]);
    const w = skip.stateDict()['conv.weight'].dataSync();
    const xs = x.dataSync();
    const y = skip.forward(x);
    expect(y.shape).toEqual([2, 2, 3, 2]);
    const ys = y.dataSync();
    // y[1, 1, 2, 0] = sum_i w[1, i] x[1, i, 2, 0]
    const at = (c: number) => xs[((1 * 3 + c) * 3 + 2) * 2 + 0];
    expect(ys[((1 * 2 + 1) * 3 + 2) * 2 + 0]).toBeCloseTo(w[3] * at(0) + w[4] * at(1) + w[5] * at(2), 5);
    gradCheck((xx) => skip.forward(xx), [x], { eps: 1e-2 });
    expect(checkParamGradients(skip, () => skip.forward(x))).toEqual([]);
    tf.dispose([x, y]);
    skip.dispose();
  });

  it('soft-gating scales each channel by weight [1, C, 1, 1] (ones at start), with gradients', async () => {
    await initBackend({ backend });
    const skip = skipConnection({ inFeatures: 3, outFeatures: 3, nDim: 2, bias: true });
    expect(skip).toBeInstanceOf(SoftGating);
    expect(Object.entries(skip.stateDict()).map(([k, v]) => `${k}:${v.shape.join('x')}`)).toEqual(['weight:1x3x1x1', 'bias:1x3x1x1']);
    const x = createRng(1).normalTensor([2, 3, 2, 2]);
    const y0 = skip.forward(x);
    expect([...tf.tidy(() => tf.sub(y0, tf.add(x, 1)).dataSync())].every((v) => Math.abs(v) < 1e-6)).toBe(true);
    const sg = skip as SoftGating;
    tf.tidy(() => sg.weight.assign(tf.tensor([2, -1, 0.5], [1, 3, 1, 1])));
    const y = skip.forward(x);
    const want = tf.tidy(() => tf.add(tf.mul(x, tf.tensor([2, -1, 0.5], [1, 3, 1, 1])), 1));
    expect(Math.max(...tf.tidy(() => tf.abs(tf.sub(y, want)).dataSync()))).toBeLessThan(1e-6);
    const yl = tf.tidy(() => tf.transpose(skip.forwardLast(tf.transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2]));
    expect(Math.max(...tf.tidy(() => tf.abs(tf.sub(yl, want)).dataSync()))).toBeLessThan(1e-6);
    gradCheck((xx) => skip.forward(xx), [x], { eps: 1e-2 });
    expect(checkParamGradients(skip, () => skip.forward(x))).toEqual([]);
    const xl = tf.transpose(x, [0, 2, 3, 1]);
    gradCheck((xx) => skip.forwardLast(xx), [xl], { eps: 1e-2 });
    expect(checkParamGradients(skip, () => skip.forwardLast(xl))).toEqual([]);
    tf.dispose([x, y0, y, want, yl, xl]);
    skip.dispose();
  });
});

describe('skipConnection', () => {
  it('identity returns its input and has no parameters', () => {
    const skip = skipConnection({ inFeatures: 3, outFeatures: 3, skipType: 'identity' });
    expect(skip).toBeInstanceOf(IdentitySkip);
    expect(skip.numParameters()).toBe(0);
    const x = tf.ones([1, 3, 2]);
    expect(skip.forward(x)).toBe(x);
    x.dispose();
  });

  it('defaults to soft-gating and gives clear errors', () => {
    const sg = skipConnection({ inFeatures: 4, outFeatures: 4 });
    expect(sg).toBeInstanceOf(SoftGating);
    expect(sg.stateDict().weight.shape).toEqual([1, 4, 1, 1]);
    expect(() => skipConnection({ inFeatures: 4, outFeatures: 4, skipType: 'gated' as never })).toThrow(/skipType.*one of "soft-gating", "linear", "identity"/);
    expect(() => skipConnection({ inFeatures: 4, outFeatures: 5 })).toThrow(ConfigError);
    const x = tf.zeros([1, 3, 2, 2]);
    expect(() => sg.forward(x)).toThrow(ShapeError);
    const x1 = tf.zeros([1, 4, 2]);
    expect(() => sg.forward(x1)).toThrow(/rank 4/);
    tf.dispose([x, x1]);
    sg.dispose();
  });
});
