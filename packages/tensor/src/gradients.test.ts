// tfjs-core imported alone in Node registers no gradients; importing @basiskit/tensor must
// make tf.grad work for the ops the library uses, on cpu and wasm.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import './index';

const backends = ['cpu', 'wasm'] as const;

describe.each(backends)('gradients on %s', (backend) => {
  it('flow through sum, matMul, exp, where, gather (and the comparison in where)', async () => {
    await initBackend({ backend });
    const x = tf.tensor2d([
      [0.5, -1],
      [2, 0.25],
    ]);
    const w = tf.tensor2d([
      [1, 2],
      [3, -1],
    ]);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.where(tf.greater(a, 0), tf.exp(tf.matMul(a, b)), tf.gather(a, [1, 0])));
    const [gx, gw] = tf.grads(f)([x, w]);
    // Reference by central differences in float64 on the same function.
    const xs = [0.5, -1, 2, 0.25];
    const ws = [1, 2, 3, -1];
    const F = (a: number[], b: number[]) => {
      let s = 0;
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) {
          const mm = a[i * 2] * b[j] + a[i * 2 + 1] * b[2 + j];
          s += a[i * 2 + j] > 0 ? Math.exp(mm) : a[(1 - i) * 2 + j];
        }
      return s;
    };
    const fd = (v: number[], which: 0 | 1) =>
      v.map((_, k) => {
        const h = 1e-6;
        const p = [...v];
        const m = [...v];
        p[k] += h;
        m[k] -= h;
        return which === 0 ? (F(p, ws) - F(m, ws)) / (2 * h) : (F(xs, p) - F(xs, m)) / (2 * h);
      });
    const expectClose = (got: Float32Array | Int32Array | Uint8Array, want: number[]) =>
      want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
    expectClose(gx.dataSync(), fd(xs, 0));
    expectClose(gw.dataSync(), fd(ws, 1));
    tf.dispose([x, w, gx, gw]);
  });

  it('gather gradient scatters into repeated indices', async () => {
    await initBackend({ backend });
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.gather(a, [2, 2, 0])))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 0, 2]);
    tf.dispose([x, g]);
  });

  it('conv2d gradient with respect to the filter (a kernel wasm lacks, bridged to cpu)', async () => {
    await initBackend({ backend });
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const k = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
    const g = tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, 'valid')))(k);
    expect(Array.from(g.dataSync())).toEqual([12, 16, 24, 28]);
    tf.dispose([x, k, g]);
  });
});
