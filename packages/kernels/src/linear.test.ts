import { createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { linear } from './linear';

describe.each(['cpu', 'wasm'] as const)('linear on %s', (backend) => {
  it('equals matMul(x, w, false, true) + b in value and every gradient, any leading dims', async () => {
    await initBackend({ backend });
    const rng = createRng(3);
    const x = rng.normalTensor([2, 5, 7]);
    const w = rng.normalTensor([4, 7]);
    const b = rng.normalTensor([4]);
    const r = rng.normalTensor([2, 5, 4]);
    const ours = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(linear(xx, ww, bb), r));
    const plain = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(tf.reshape(tf.add(tf.matMul(tf.reshape(xx, [10, 7]), ww, false, true), bb), [2, 5, 4]), r));
    const y = linear(x, w, b);
    const want = tf.tidy(() => tf.reshape(tf.add(tf.matMul(tf.reshape(x, [10, 7]), w, false, true), b), [2, 5, 4]));
    assertClose(y, { shape: want.shape, data: want.dataSync() }, { rtol: 1e-5, atol: 1e-6 }, 'y');
    const g1 = tf.grads(ours)([x, w, b]);
    const g2 = tf.grads(plain)([x, w, b]);
    g1.forEach((g, i) => assertClose(g, { shape: g2[i].shape, data: g2[i].dataSync() }, { rtol: 1e-5, atol: 1e-5 }, `grad ${i}`));
    tf.dispose([x, w, b, r, y, want, ...g1, ...g2]);
  });

  it('passes a finite-difference gradient check', async () => {
    await initBackend({ backend });
    const rng = createRng(4);
    const x = rng.normalTensor([3, 4]);
    const w = rng.normalTensor([2, 4]);
    gradCheck((xx, ww) => linear(xx, ww), [x, w], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    tf.dispose([x, w]);
  });

  it('names the wrong weight or bias shape', async () => {
    await initBackend({ backend });
    const x = tf.zeros([3, 4]);
    const w = tf.zeros([2, 5]);
    const w2 = tf.zeros([2, 4]);
    const b = tf.zeros([3]);
    expect(() => linear(x, w)).toThrow(/linear: argument weight: wrong shape \(expected \[out, 4\]/);
    expect(() => linear(x, w2, b)).toThrow(/linear: argument bias: wrong shape \(expected \[2\]/);
    tf.dispose([x, w, w2, b]);
  });
});
