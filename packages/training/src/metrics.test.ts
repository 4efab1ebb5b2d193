import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DTypeError, ShapeError, initBackend, tf } from '@basiskit/tensor';
import { History, accuracy, r2Score, relativeL2 } from './metrics';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('accuracy', () => {
  const logits = [
    [2, 0.1, -1],
    [0.2, 0.1, 3],
    [0, 5, 1],
    [1, 1.5, 0.2],
  ];
  it('compares the argmax with int labels or one-hot rows', () => {
    const a = tf.tensor2d(logits);
    const idx = tf.tensor1d([0, 2, 0, 1], 'int32');
    const oneHot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([0, 2, 0, 1], 'int32'), 3), 'float32'));
    expect(accuracy(a, idx)).toBe(0.75);
    expect(accuracy(a, oneHot)).toBe(0.75);
    const probs = tf.tidy(() => tf.softmax(a));
    expect(accuracy(probs, idx)).toBe(0.75);
    tf.dispose([a, idx, oneHot, probs]);
  });
  it('validates shapes and dtypes', () => {
    tf.tidy(() => {
      expect(() => accuracy(tf.zeros([4]), tf.zeros([4], 'int32'))).toThrow(ShapeError);
      expect(() => accuracy(tf.zeros([4, 3]), tf.zeros([3], 'int32'))).toThrow(/accuracy: argument labels/);
      expect(() => accuracy(tf.zeros([4, 3]), tf.zeros([4]))).toThrow(DTypeError);
    });
  });
});

describe('r2Score', () => {
  it('matches 1 - SS_res / SS_tot (sklearn r2_score), averaged over outputs', () => {
    const y = [3, -0.5, 2, 7];
    const p = [2.5, 0, 2, 8];
    // sklearn docs example: r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) = 0.948...
    const t = tf.tensor1d(y);
    const q = tf.tensor1d(p);
    expect(r2Score(q, t)).toBeCloseTo(0.9486081, 6);
    // multi-output example from sklearn docs ("0.936..."): per output 1 - 1.25/36.1667 and
    // 1 - 3/32.6667, averaged
    const y2 = tf.tensor2d([
      [0.5, 1],
      [-1, 1],
      [7, -6],
    ]);
    const p2 = tf.tensor2d([
      [0, 2],
      [-1, 2],
      [8, -5],
    ]);
    expect(r2Score(p2, y2)).toBeCloseTo((1 - 1.25 / (217 / 6) + 1 - 3 / (98 / 3)) / 2, 6);
    // a constant target: 1 when predicted exactly, else 0 (force_finite)
    const c = tf.tensor2d([
      [1, 2],
      [1, 3],
    ]);
    const pc = tf.tensor2d([
      [1, 2],
      [1, 3],
    ]);
    const pw = tf.tensor2d([
      [1.5, 2],
      [1, 3],
    ]);
    expect(r2Score(pc, c)).toBe(1);
    expect(r2Score(pw, c)).toBe(0.5);
    tf.dispose([t, q, y2, p2, c, pc, pw]);
  });
  it('validates shapes', () => {
    tf.tidy(() => {
      expect(() => r2Score(tf.zeros([3]), tf.zeros([4]))).toThrow(/r2Score: argument target/);
      expect(Number.isNaN(r2Score(tf.zeros([1]), tf.zeros([1])))).toBe(true);
    });
  });
});

describe('relativeL2', () => {
  it('is the batch mean of ||pred - target|| / ||target|| per sample', () => {
    const t = tf.tensor2d([
      [3, 4],
      [1, 0],
    ]);
    const p = tf.tensor2d([
      [3, 5],
      [0, 0],
    ]);
    expect(relativeL2(p, t)).toBeCloseTo((1 / 5 + 1) / 2, 6);
    const t3 = tf.tensor3d([
      [
        [1, 2],
        [2, 0],
      ],
      [
        [0, 0],
        [0, 2],
      ],
    ]);
    const p3 = tf.tensor3d([
      [
        [1, 2],
        [2, 3],
      ],
      [
        [0, 1],
        [0, 2],
      ],
    ]);
    expect(relativeL2(p3, t3)).toBeCloseTo((1 + 0.5) / 2, 6);
    const v = tf.tensor1d([3, 4]);
    const w = tf.tensor1d([0, 4]);
    expect(relativeL2(w, v)).toBeCloseTo(3 / 5, 6);
    tf.dispose([t, p, t3, p3, v, w]);
  });
});

describe('History', () => {
  it('records, merges and reads back values per key', () => {
    const h = new History();
    h.record(0, { loss: 1.5, lr: 0.1 });
    h.record(1, { loss: 0.9, lr: 0.1 });
    h.record(1, { val_loss: 1.1 });
    h.record(2, { loss: 0.5, lr: 0.05 });
    expect(h.get('loss')).toEqual([1.5, 0.9, 0.5]);
    expect(h.get('val_loss')).toEqual([1.1]);
    expect(h.epochs('val_loss')).toEqual([1]);
    expect(h.epochs()).toEqual([0, 1, 2]);
    expect(h.get('missing')).toEqual([]);
    expect(h.keys()).toEqual(['loss', 'lr', 'val_loss']);
    expect(h.last('lr')).toBe(0.05);
    expect(h.length).toBe(3);
    expect(() => h.record(NaN, {})).toThrow(ConfigError);
    expect(() => h.record(3, { loss: '1' as unknown as number })).toThrow(/History.record: argument logs.loss/);
  });

  it('round-trips through JSON, NaN and Infinity included', () => {
    const h = new History();
    h.record(0, { loss: 2 });
    h.record(1, { loss: NaN, grad_norm: Infinity });
    h.record(2, { loss: 1, val: -Infinity });
    const json = h.toJSON();
    expect(json).toEqual({ epoch: [0, 1, 2], history: { loss: [2, 'NaN', 1], grad_norm: [null, 'Infinity', null], val: [null, null, '-Infinity'] } });
    const back = History.fromJSON(JSON.stringify(h));
    expect(back.get('loss')).toEqual([2, NaN, 1]);
    expect(back.get('grad_norm')).toEqual([Infinity]);
    expect(back.epochs('val')).toEqual([2]);
    expect(back.toJSON()).toEqual(json);
    expect(() => History.fromJSON({ epoch: [0], history: { loss: [1, 2] } })).toThrow(ConfigError);
  });
});
