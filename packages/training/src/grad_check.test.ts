import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, initBackend, tf } from '@basiskit/tensor';
import { GradCheckError, gradCheck } from './grad_check';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** x^2 whose custom gradient is wrong (3x instead of 2x) at every element. */
const wrongSquare = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return { value: tf.square(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.mul(saved[0], 3)) };
}) as (x: tf.Tensor) => tf.Tensor;

describe('gradCheck', () => {
  it('passes correct gradients of several inputs and reports the errors', () => {
    const a = tf.tensor2d([
      [0.3, -1.2, 0.7],
      [1.5, 0.1, -0.4],
    ]);
    const b = tf.tensor1d([0.5, -0.8, 2.0]);
    const r = gradCheck((x, y) => tf.mul(tf.sin(x), tf.exp(tf.mul(y, 0.3))), [a, b]);
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(9);
    expect(r.failures).toBe(0);
    expect(r.maxAbsError).toBeLessThan(1e-3);
    expect(r.maxRelError).toBeLessThan(1e-2);
    expect([0, 1]).toContain(r.worst.input);
    tf.dispose([a, b]);
  });

  it('detects a wrong custom gradient, naming the input and the worst element', () => {
    const x = tf.tensor2d([
      [0.5, -0.25],
      [2, 1],
    ]);
    const before = tf.memory().numTensors;
    let err: unknown;
    try {
      gradCheck((v) => wrongSquare(v), [x], { names: ['weights'] });
    } catch (e) {
      err = e;
    }
    expect(tf.memory().numTensors).toBe(before); // nothing leaked although it threw
    expect(err).toBeInstanceOf(GradCheckError);
    const e = err as GradCheckError;
    // the scalar L = sum(x^2 r): largest error |3x r - 2x r| = |x r| at the element with the largest |x r|
    expect(e.message).toMatch(/gradCheck: weights \(shape \[2, 2\]\) element \[\d, \d\]: analytic .*, numeric .*4\/4 elements outside/);
    expect(e.result.ok).toBe(false);
    const { worst } = e.result;
    expect(worst.input).toBe(0);
    expect(worst.analytic / worst.numeric).toBeCloseTo(1.5, 2);

    const r = gradCheck((v) => wrongSquare(v), [x], { throwOnFail: false });
    expect(r.ok).toBe(false);
    expect(r.failures).toBe(4);
    expect(r.maxRelError).toBeGreaterThan(0.3);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('checks only `wrt`, skips int32 inputs by default, and gives zero for unused inputs', () => {
    const x = tf.tensor1d([0.2, 0.4, -0.6]);
    const idx = tf.tensor1d([2, 0], 'int32');
    const unused = tf.tensor1d([1, 2]);
    const bad = tf.tensor1d([0.1, 0.3]);
    // gather's gradient into x, int indices ignored
    expect(gradCheck((v, i) => tf.square(tf.gather(v, i)), [x, idx]).checked).toBe(3);
    // an input the output does not depend on: analytic 0 = numeric 0
    expect(gradCheck((v, _u) => tf.square(v), [x, unused]).ok).toBe(true);
    // the wrong gradient is in input 1 only; checking input 0 passes
    expect(gradCheck((v, w) => tf.add(tf.sum(tf.square(v)), tf.sum(wrongSquare(w))), [x, bad], { wrt: [0] }).ok).toBe(true);
    expect(() => gradCheck((v, w) => tf.add(tf.sum(tf.square(v)), tf.sum(wrongSquare(w))), [x, bad])).toThrow(/input 1 \(shape \[2\]\)/);
    tf.dispose([x, idx, unused, bad]);
  });

  it('cleans up when fn throws, and validates its options', () => {
    const x = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    expect(() =>
      gradCheck(
        (v) => {
          tf.square(v);
          throw new Error('boom');
        },
        [x],
      ),
    ).toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    expect(() => gradCheck((v) => v, [x], { eps: 0 })).toThrow(ConfigError);
    expect(() => gradCheck((v) => v, [x], { wrt: [3] })).toThrow(ConfigError);
    const i = tf.tensor1d([1], 'int32');
    expect(() => gradCheck((v) => v, [i])).toThrow(/nothing to check/);
    tf.dispose([x, i]);
  });
});
