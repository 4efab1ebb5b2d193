import { createRng, initBackend, linear, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { channelLinear, scaleChannels, sumRows } from './channel_ops';

const near = (got: tf.Tensor, want: tf.Tensor, tol = 1e-4) => {
  const w = want.dataSync();
  got.dataSync().forEach((v, i) => expect(Math.abs(v - w[i])).toBeLessThan(tol * (1 + Math.abs(w[i]))));
};

describe.each(['cpu', 'wasm'] as const)('channel ops on %s', (backend) => {
  it('channelLinear equals linear in value and gradients (weight gradient by matMulTN), rank 2 and 4', async () => {
    await initBackend({ backend });
    const rng = createRng(4);
    for (const shape of [
      [37, 8],
      [2, 5, 3, 3],
    ]) {
      const x = rng.normalTensor(shape);
      const w = rng.normalTensor([12, shape[shape.length - 1]]);
      const r = rng.normalTensor([...shape.slice(0, -1), 12]);
      const run = (f: typeof linear) => {
        const y = f(x, w);
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)))([x, w]);
        return [y, ...g];
      };
      const got = run(channelLinear);
      const want = run(linear);
      got.forEach((t, i) => near(t, want[i]));
      tf.dispose([x, w, r, ...got, ...want]);
    }
  });

  it('sumRows is the sum over every axis but the last; scaleChannels and channelLinear gradients match finite differences', async () => {
    await initBackend({ backend });
    const rng = createRng(8);
    const t = rng.normalTensor([3, 50, 6]);
    const s = sumRows(t);
    const want = tf.sum(t, [0, 1]);
    near(s, want, 1e-5);
    const x = rng.normalTensor([10, 4]);
    const w = rng.normalTensor([4]);
    expect(gradCheck((a, b) => scaleChannels(a, b), [x, w], { eps: 1e-2, rtol: 1e-2, atol: 1e-3 }).ok).toBe(true);
    const w2 = rng.normalTensor([3, 4]);
    expect(gradCheck((a, b) => channelLinear(a, b), [x, w2], { eps: 1e-2, rtol: 1e-2, atol: 1e-3 }).ok).toBe(true);
    tf.dispose([t, s, want, x, w, w2]);
  });
});
