import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '../grad_check';
import { huber, mae, mse, rmse } from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const rng = createRng(7);
const P = Array.from(rng.fillUniform(new Float32Array(12), -2, 2));
const T = Array.from(rng.fillUniform(new Float32Array(12), -2, 2));
const E = P.map((p, i) => p - T[i]);
const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);

/** Runs `f` on fresh [3, 4] tensors of P and T and returns the result's shape and values. */
function run(f: (p: tf.Tensor, t: tf.Tensor) => tf.Tensor): { shape: number[]; values: number[] } {
  return tf.tidy(() => {
    const y = f(tf.tensor(P, [3, 4]), tf.tensor(T, [3, 4]));
    return { shape: y.shape, values: Array.from(y.dataSync()) };
  });
}

describe('mse / rmse / mae', () => {
  it('match scalar computations for every reduction', () => {
    const sq = E.map((e) => e * e);
    expect(run((p, t) => mse(p, t)).values[0]).toBeCloseTo(sum(sq) / 12, 5);
    expect(run((p, t) => mse(p, t, { reduction: 'sum' })).values[0]).toBeCloseTo(sum(sq), 4);
    const none = run((p, t) => mse(p, t, { reduction: 'none' }));
    expect(none.shape).toEqual([3, 4]);
    none.values.forEach((v, i) => expect(v).toBeCloseTo(sq[i], 5));

    expect(run((p, t) => rmse(p, t)).values[0]).toBeCloseTo(Math.sqrt(sum(sq) / 12), 5);
    expect(run((p, t) => rmse(p, t, { reduction: 'sum' })).values[0]).toBeCloseTo(Math.sqrt(sum(sq)), 5);
    run((p, t) => rmse(p, t, { reduction: 'none' })).values.forEach((v, i) => expect(v).toBeCloseTo(Math.abs(E[i]), 5));

    const ab = E.map(Math.abs);
    expect(run((p, t) => mae(p, t)).values[0]).toBeCloseTo(sum(ab) / 12, 5);
    expect(run((p, t) => mae(p, t, { reduction: 'sum' })).values[0]).toBeCloseTo(sum(ab), 4);
    run((p, t) => mae(p, t, { reduction: 'none' })).values.forEach((v, i) => expect(v).toBeCloseTo(ab[i], 5));
  });

  it('have correct gradients', () => {
    const p = tf.tensor(P, [3, 4]);
    const t = tf.tensor(T, [3, 4]);
    expect(gradCheck((x) => mse(x, t), [p]).ok).toBe(true);
    expect(gradCheck((x) => rmse(x, t, { reduction: 'sum' }), [p]).ok).toBe(true);
    expect(gradCheck((x, y) => mae(x, y), [p, t]).ok).toBe(true);
    expect(gradCheck((x) => mse(x, t, { reduction: 'none' }), [p]).ok).toBe(true);
    tf.dispose([p, t]);
  });

  it('mae has a zero gradient at a zero error, as torch', () => {
    const g = tf.tidy(() =>
      Array.from(
        tf
          .grad((x: tf.Tensor) => mae(x, tf.tensor([0, 1, -1])))(tf.tensor([0, 2, -3]))
          .dataSync(),
      ),
    );
    expect(g).toEqual([0, 1 / 3, -1 / 3].map(Math.fround));
  });

  it('reject mismatched shapes and bad reductions', () => {
    tf.tidy(() => {
      expect(() => mse(tf.zeros([2, 3]), tf.zeros([3, 2]))).toThrow(ShapeError);
      expect(() => mse(tf.zeros([2, 3]), tf.zeros([3, 2]))).toThrow(/mse: argument target: .*expected shape \[2, 3\].*got shape \[3, 2\]/);
      expect(() => mae(tf.zeros([2]), tf.zeros([2]), { reduction: 'avg' as 'mean' })).toThrow(ConfigError);
    });
  });
});

describe('huber', () => {
  const ref = (e: number, delta: number) => (Math.abs(e) < delta ? 0.5 * e * e : delta * (Math.abs(e) - 0.5 * delta));

  it('matches torch.nn.HuberLoss for several deltas and reductions', () => {
    for (const delta of [1, 0.5, 2.5]) {
      const l = E.map((e) => ref(e, delta));
      expect(run((p, t) => huber(p, t, { delta })).values[0]).toBeCloseTo(sum(l) / 12, 5);
      expect(run((p, t) => huber(p, t, { delta, reduction: 'sum' })).values[0]).toBeCloseTo(sum(l), 4);
      run((p, t) => huber(p, t, { delta, reduction: 'none' })).values.forEach((v, i) => expect(v).toBeCloseTo(l[i], 5));
    }
    // default delta = 1: e = 0.5 -> 0.125, e = 3 -> 1 * (3 - 0.5) = 2.5
    expect(tf.tidy(() => Array.from(huber(tf.tensor([0.5, 3]), tf.tensor([0, 0]), { reduction: 'none' }).dataSync()))).toEqual([0.125, 2.5]);
  });

  it('has correct gradients away from the kinks and rejects delta <= 0', () => {
    const p = tf.tensor([0.3, -0.2, 1.7, -2.4, 0.9, -0.05]);
    const t = tf.tensor([0, 0.1, -0.4, 0.2, 0.1, 0.6]);
    expect(gradCheck((x, y) => huber(x, y, { delta: 0.7 }), [p, t]).ok).toBe(true);
    expect(() => huber(p, t, { delta: 0 })).toThrow(ConfigError);
    tf.dispose([p, t]);
  });
});
