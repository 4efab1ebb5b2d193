import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '../grad_check';
import { bceWithLogits, crossEntropy } from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const N = 4;
const C = 5;
const rng = createRng(11);
const LOGITS = Array.from(rng.fillUniform(new Float32Array(N * C), -3, 3));
const LABELS = [2, 0, 4, 1];
const row = (n: number) => LOGITS.slice(n * C, (n + 1) * C);
/** log_softmax of one row in float64. */
function logSoftmax(x: number[]): number[] {
  const m = Math.max(...x);
  const lse = m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
  return x.map((v) => v - lse);
}
/** torch's per-sample CrossEntropyLoss with class-index target and label smoothing ε. */
function ceIndex(x: number[], y: number, eps: number): number {
  const lp = logSoftmax(x);
  return (1 - eps) * -lp[y] + (eps / x.length) * lp.reduce((s, v) => s - v, 0);
}
const read = (f: () => tf.Tensor) => tf.tidy(() => Array.from(f().dataSync()));

describe('crossEntropy', () => {
  it('matches torch.nn.CrossEntropyLoss with class indices, with and without label smoothing', () => {
    for (const eps of [0, 0.1, 0.35]) {
      const per = LABELS.map((y, n) => ceIndex(row(n), y, eps));
      const opts = { labelSmoothing: eps };
      const none = read(() => crossEntropy(tf.tensor2d(LOGITS, [N, C]), tf.tensor1d(LABELS, 'int32'), { ...opts, reduction: 'none' }));
      none.forEach((v, n) => expect(v).toBeCloseTo(per[n], 5));
      const mean = read(() => crossEntropy(tf.tensor2d(LOGITS, [N, C]), tf.tensor1d(LABELS, 'int32'), opts))[0];
      expect(mean).toBeCloseTo(per.reduce((a, b) => a + b) / N, 5);
      const sum = read(() => crossEntropy(tf.tensor2d(LOGITS, [N, C]), tf.tensor1d(LABELS, 'int32'), { ...opts, reduction: 'sum' }))[0];
      expect(sum).toBeCloseTo(
        per.reduce((a, b) => a + b),
        4,
      );
    }
  });

  it("gives the value of torch's label_smoothing formula on a worked example", () => {
    // logits [1, 2, 3], target 0, ε = 0.1: -log p = [2.4076059, 1.4076059, 0.4076059];
    // 0.9 * 2.4076059 + 0.1 / 3 * 4.2228178 = 2.3076059
    const v = read(() => crossEntropy(tf.tensor2d([[1, 2, 3]]), tf.tensor1d([0], 'int32'), { labelSmoothing: 0.1 }))[0];
    expect(v).toBeCloseTo(2.3076059, 5);
    const plain = read(() => crossEntropy(tf.tensor2d([[1, 2, 3]]), tf.tensor1d([0], 'int32')))[0];
    expect(plain).toBeCloseTo(2.4076059, 5);
  });

  it('accepts one-hot and probability targets (smoothed as torch: (1 - ε) t + ε / C)', () => {
    const oneHot = LABELS.flatMap((y) => Array.from({ length: C }, (_, c) => (c === y ? 1 : 0)));
    const a = read(() => crossEntropy(tf.tensor2d(LOGITS, [N, C]), tf.tensor2d(oneHot, [N, C]), { labelSmoothing: 0.2, reduction: 'none' }));
    const b = read(() => crossEntropy(tf.tensor2d(LOGITS, [N, C]), tf.tensor1d(LABELS, 'int32'), { labelSmoothing: 0.2, reduction: 'none' }));
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));

    const probs = Array.from(createRng(3).fillUniform(new Float32Array(N * C), 0, 1));
    for (let n = 0; n < N; n++) {
      const s = probs.slice(n * C, (n + 1) * C).reduce((p, q) => p + q);
      for (let c = 0; c < C; c++) probs[n * C + c] /= s;
    }
    const eps = 0.1;
    const want = Array.from({ length: N }, (_, n) => {
      const lp = logSoftmax(row(n));
      return -lp.reduce((s, v, c) => s + ((1 - eps) * probs[n * C + c] + eps / C) * v, 0);
    });
    const got = read(() => crossEntropy(tf.tensor2d(LOGITS, [N, C]), tf.tensor2d(probs, [N, C]), { labelSmoothing: eps, reduction: 'none' }));
    got.forEach((v, n) => expect(v).toBeCloseTo(want[n], 5));
  });

  it('is stable for huge logits', () => {
    const v = read(() =>
      crossEntropy(
        tf.tensor2d([
          [1000, 0, -1000],
          [-1000, 1000, 990],
        ]),
        tf.tensor1d([0, 2], 'int32'),
        { reduction: 'none' },
      ),
    );
    expect(v[0]).toBeCloseTo(0, 6);
    expect(v[1]).toBeCloseTo(10, 4);
  });

  it('has gradient softmax - smoothed target, checked numerically', () => {
    const x = tf.tensor2d(LOGITS, [N, C]);
    const y = tf.tensor1d(LABELS, 'int32');
    const eps = 0.1;
    const g = read(() => tf.grad((l: tf.Tensor) => crossEntropy(l, y, { labelSmoothing: eps, reduction: 'sum' }))(x));
    for (let n = 0; n < N; n++) {
      const p = logSoftmax(row(n)).map(Math.exp);
      for (let c = 0; c < C; c++) {
        const t = (1 - eps) * (c === LABELS[n] ? 1 : 0) + eps / C;
        expect(g[n * C + c]).toBeCloseTo(p[c] - t, 5);
      }
    }
    expect(gradCheck((l) => crossEntropy(l, y, { labelSmoothing: eps }), [x, y]).ok).toBe(true);
    const probs = tf.tidy(() =>
      tf.softmax(
        tf.tensor2d(
          LOGITS.map((v) => -v),
          [N, C],
        ),
      ),
    );
    expect(gradCheck((l, t) => crossEntropy(l, t, { labelSmoothing: 0.05 }), [x, probs]).ok).toBe(true);
    tf.dispose([x, y, probs]);
  });

  it('validates shapes, dtypes and options', () => {
    tf.tidy(() => {
      const x = tf.zeros([3, 4]);
      expect(() => crossEntropy(tf.zeros([4]), tf.tensor1d([1], 'int32'))).toThrow(ShapeError);
      expect(() => crossEntropy(x, tf.tensor1d([1, 2], 'int32'))).toThrow(/crossEntropy: argument labels/);
      expect(() => crossEntropy(x, tf.tensor1d([1, 2, 0]))).toThrow(DTypeError);
      expect(() => crossEntropy(x, tf.zeros([3, 5]))).toThrow(ShapeError);
      expect(() => crossEntropy(x, tf.tensor1d([1, 2, 0], 'int32'), { labelSmoothing: 1.5 })).toThrow(ConfigError);
    });
  });
});

describe('bceWithLogits', () => {
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  /** torch's definition: -w [p y log σ(x) + (1 - y) log(1 - σ(x))], in float64. */
  const ref = (x: number, y: number, p = 1, w = 1) => -w * (p * y * Math.log(sigmoid(x)) + (1 - y) * Math.log(1 - sigmoid(x)));
  const X = [-4, -1.5, -0.2, 0, 0.3, 1.1, 2.5, 6];
  const Y = [0, 1, 0.3, 1, 0, 0.8, 1, 0];

  it("matches torch's definition for every reduction", () => {
    const l = X.map((x, i) => ref(x, Y[i]));
    const none = read(() => bceWithLogits(tf.tensor(X, [2, 4]), tf.tensor(Y, [2, 4]), { reduction: 'none' }));
    none.forEach((v, i) => expect(v).toBeCloseTo(l[i], 5));
    expect(read(() => bceWithLogits(tf.tensor(X), tf.tensor(Y)))[0]).toBeCloseTo(l.reduce((a, b) => a + b) / 8, 5);
    expect(read(() => bceWithLogits(tf.tensor(X), tf.tensor(Y), { reduction: 'sum' }))[0]).toBeCloseTo(
      l.reduce((a, b) => a + b),
      5,
    );
  });

  it("gives torch's documented pos_weight example and applies a per-class pos_weight", () => {
    // torch.nn.BCEWithLogitsLoss docs: target ones [10, 64], output 1.5, pos_weight ones [64]
    // -> -log(sigmoid(1.5)) = 0.2014
    const doc = read(() => bceWithLogits(tf.fill([10, 64], 1.5), tf.ones([10, 64]), { posWeight: tf.ones([64]) }))[0];
    expect(doc).toBeCloseTo(0.2014133, 5);
    const pw = [0.5, 2, 3, 1];
    const w = [1, 0.5, 2, 1];
    const l = X.map((x, i) => ref(x, Y[i], pw[i % 4], w[i % 4]));
    const got = read(() => bceWithLogits(tf.tensor(X, [2, 4]), tf.tensor(Y, [2, 4]), { posWeight: tf.tensor(pw), weight: tf.tensor(w), reduction: 'none' }));
    got.forEach((v, i) => expect(v).toBeCloseTo(l[i], 5));
    const scalar = read(() => bceWithLogits(tf.tensor(X), tf.tensor(Y), { posWeight: 3, reduction: 'none' }));
    scalar.forEach((v, i) => expect(v).toBeCloseTo(ref(X[i], Y[i], 3), 5));
  });

  it('is stable for huge logits (max(x,0) - x y + log1p(exp(-|x|)))', () => {
    const v = read(() => bceWithLogits(tf.tensor([100, -100, 100, -100]), tf.tensor([1, 0, 0, 1]), { reduction: 'none' }));
    expect(v[0]).toBeCloseTo(0, 6);
    expect(v[1]).toBeCloseTo(0, 6);
    expect(v[2]).toBeCloseTo(100, 4);
    expect(v[3]).toBeCloseTo(100, 4);
    expect(v.every(Number.isFinite)).toBe(true);
  });

  it('has the exact gradient σ(x) - y (0.5 - y at x = 0) and passes gradCheck', () => {
    const g = read(() => tf.grad((x: tf.Tensor) => bceWithLogits(x, tf.tensor([0.25, 1, 0]), { reduction: 'sum' }))(tf.tensor([0, 0, 2])));
    expect(g[0]).toBeCloseTo(0.25, 6);
    expect(g[1]).toBeCloseTo(-0.5, 6);
    expect(g[2]).toBeCloseTo(sigmoid(2), 6);
    const x = tf.tensor(X, [2, 4]);
    const y = tf.tensor(Y, [2, 4]);
    const pw = tf.tensor([0.5, 2, 3, 1]);
    expect(gradCheck((a, b) => bceWithLogits(a, b), [x, y]).ok).toBe(true);
    expect(gradCheck((a, b) => bceWithLogits(a, b, { posWeight: pw, reduction: 'sum' }), [x, y]).ok).toBe(true);
    tf.dispose([x, y, pw]);
  });

  it('validates shapes', () => {
    tf.tidy(() => {
      expect(() => bceWithLogits(tf.zeros([2, 4]), tf.zeros([4, 2]))).toThrow(/bceWithLogits: argument targets/);
      expect(() => bceWithLogits(tf.zeros([2, 4]), tf.zeros([2, 4]), { posWeight: tf.ones([3]) })).toThrow(/argument posWeight/);
      expect(() => bceWithLogits(tf.zeros([2, 4]), tf.zeros([2, 4]), { posWeight: -1 })).toThrow(ConfigError);
    });
  });
});
