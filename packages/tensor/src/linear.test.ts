import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import './index';
import { linear } from './linear';
import { createRng } from './rng';

/** Central differences in float64 of `f` at `v` (a flat array). */
function centralDifferences(f: (v: number[]) => number, v: number[], h = 1e-6): number[] {
  return v.map((_, k) => {
    const p = [...v];
    const m = [...v];
    p[k] += h;
    m[k] -= h;
    return (f(p) - f(m)) / (2 * h);
  });
}

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(tol * Math.max(1, Math.abs(want[i])));
};

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
    expect(y.shape).toEqual([2, 5, 4]);
    close(y.dataSync(), want.dataSync(), 1e-5);
    const g1 = tf.grads(ours)([x, w, b]);
    const g2 = tf.grads(plain)([x, w, b]);
    g1.forEach((g, i) => close(g.dataSync(), g2[i].dataSync(), 1e-5));
    tf.dispose([x, w, b, r, y, want, ...g1, ...g2]);
  });

  it('gradients match float64 finite differences of sum(r * (x W^T + b))', async () => {
    await initBackend({ backend });
    const rng = createRng(4);
    const [M, K, O] = [3, 4, 2];
    const x = rng.normalTensor([M, K]);
    const w = rng.normalTensor([O, K]);
    const b = rng.normalTensor([O]);
    const r = rng.normalTensor([M, O]);
    const [xs, ws, bs, rs] = [x, w, b, r].map((t) => Array.from(t.dataSync()));
    const F = (xv: number[], wv: number[], bv: number[]) => {
      let s = 0;
      for (let m = 0; m < M; m++)
        for (let o = 0; o < O; o++) {
          let y = bv[o];
          for (let k = 0; k < K; k++) y += xv[m * K + k] * wv[o * K + k];
          s += rs[m * O + o] * y;
        }
      return s;
    };
    const [gx, gw, gb] = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(linear(xx, ww, bb), r)))([x, w, b]);
    close(
      gx.dataSync(),
      centralDifferences((v) => F(v, ws, bs), xs),
      1e-4,
    );
    close(
      gw.dataSync(),
      centralDifferences((v) => F(xs, v, bs), ws),
      1e-4,
    );
    close(
      gb.dataSync(),
      centralDifferences((v) => F(xs, ws, v), bs),
      1e-4,
    );
    tf.dispose([x, w, b, r, gx, gw, gb]);
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
