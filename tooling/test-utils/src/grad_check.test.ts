import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradCheck } from './grad_check';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('gradCheck', () => {
  it('accepts a correct custom gradient', () => {
    const x = tf.tensor1d([-1.5, 0.3, 2]);
    const f = tf.customGrad((a) => {
      const t = a as tf.Tensor;
      return { value: tf.mul(t, t), gradFunc: (dy) => tf.mul(dy, tf.mul(t, 2)) };
    }) as (x: tf.Tensor) => tf.Tensor;
    expect(gradCheck(f, [x]).ok).toBe(true);
    x.dispose();
  });
  it('rejects a wrong custom gradient, naming the input', () => {
    const x = tf.tensor1d([-1.5, 0.3, 2]);
    const f = tf.customGrad((a) => {
      const t = a as tf.Tensor;
      return { value: tf.mul(t, t), gradFunc: (dy) => tf.mul(dy, t) };
    }) as (x: tf.Tensor) => tf.Tensor;
    expect(() => gradCheck(f, [x])).toThrow(/gradCheck: input 0/);
    x.dispose();
  });
});
