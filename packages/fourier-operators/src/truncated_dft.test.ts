import { truncatedIrfft, truncatedRfft } from '@basiskit/kernels';
import { createRng, initBackend, tf } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { truncatedIrfftLast, truncatedRfftLast } from './truncated_dft';

function maxErr(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let e = 0;
  for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(x[i] - y[i]));
  return e;
}

describe.each(['cpu', 'wasm'] as const)('last-axis truncated DFTs on %s', (backend) => {
  it.each([
    { shape: [3, 16], m: 5, n: 16 }, // the kernels' FFT path
    { shape: [3, 12], m: 5, n: 10 },
    { shape: [2, 3, 9], m: 5, n: 12 },
    { shape: [4, 10], m: 4, n: 7 },
    { shape: [2, 6], m: 4, n: 6 },
  ])("equal kernels' truncatedRfft/truncatedIrfft in values and gradients: %o", async ({ shape, m, n }) => {
    await initBackend({ backend });
    const rng = createRng(shape.length + m);
    const x = rng.normalTensor(shape);
    const zs = [...shape.slice(0, -1), m];
    const zr = rng.normalTensor(zs);
    const zi = rng.normalTensor(zs);
    const r = rng.normalTensor([...shape.slice(0, -1), n]);
    for (const norm of ['forward', 'backward', 'ortho'] as const) {
      const mine = (a: tf.Tensor) => {
        const y = truncatedRfftLast(a, m, norm);
        return tf.add(tf.sum(tf.mul(y.real, zr)), tf.sum(tf.mul(y.imag, zi)));
      };
      const theirs = (a: tf.Tensor) => {
        const y = truncatedRfft(a, { modes: m, norm });
        return tf.add(tf.sum(tf.mul(y.real, zr)), tf.sum(tf.mul(y.imag, zi)));
      };
      const [a, b] = [tf.tidy(() => mine(x)), tf.tidy(() => theirs(x))];
      expect(maxErr(a, b)).toBeLessThan(1e-4);
      const [ga, gb] = [tf.grad(mine)(x), tf.grad(theirs)(x)];
      expect(maxErr(ga, gb)).toBeLessThan(1e-5);
      const inv = (f: typeof truncatedIrfftLast | null) => (p: tf.Tensor, q: tf.Tensor) =>
        tf.sum(tf.mul(f ? f({ real: p, imag: q }, n, norm) : truncatedIrfft({ real: p, imag: q }, { n, norm }), r));
      const [ya, yb] = [tf.tidy(() => truncatedIrfftLast({ real: zr, imag: zi }, n, norm)), truncatedIrfft({ real: zr, imag: zi }, { n, norm })];
      expect(maxErr(ya, yb)).toBeLessThan(1e-5);
      const gi = tf.grads(inv(truncatedIrfftLast))([zr, zi]);
      const gj = tf.grads(inv(null))([zr, zi]);
      gi.forEach((g, i) => expect(maxErr(g, gj[i])).toBeLessThan(1e-5));
      tf.dispose([a, b, ga, gb, ya, yb, ...gi, ...gj]);
    }
    tf.dispose([x, zr, zi, r]);
  });
});
