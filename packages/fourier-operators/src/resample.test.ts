import { ConfigError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { interpolationMatrix, resample } from './resample';

describe('resample (neuralop: linear in 1-D, bicubic in 2-D, align_corners)', () => {
  it('linear: interpolates between the two neighbours, endpoints kept', () => {
    const m = interpolationMatrix(3, 5, 'linear');
    // src = j * 2/4: 0, 0.5, 1, 1.5, 2
    expect([...m]).toEqual([1, 0, 0, 0.5, 0.5, 0, 0, 1, 0, 0, 0.5, 0.5, 0, 0, 1]);
  });

  it("bicubic: PyTorch's cubic convolution (A = -0.75) weights, clamped at the border", () => {
    const m = interpolationMatrix(4, 7, 'bicubic'); // src = j/2
    // j = 1: t = 0.5 at i0 = 0: w = [-0.09375, 0.59375, 0.59375, -0.09375] on rows [-1 -> 0, 0, 1, 2]
    expect([...m.slice(4, 8)].map((v) => +v.toFixed(6))).toEqual([0.5, 0.59375, -0.09375, 0]);
    // every row sums to 1; integer source points are copied
    for (let j = 0; j < 7; j++) expect(m.slice(4 * j, 4 * j + 4).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect([...m.slice(8, 12)]).toEqual([0, 1, 0, 0]);
  });

  it('reproduces linear functions (1-D; 2-D inside) and constants; x itself when the size matches; gradients', async () => {
    await initBackend({ backend: 'cpu' });
    tf.tidy(() => {
      const x1 = tf.linspace(0, 1, 5).reshape([1, 1, 5]);
      const y1 = resample(x1, [9], [2]);
      expect([...y1.dataSync()].map((v) => +v.toFixed(5))).toEqual([0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1]);
      // bicubic keeps constants everywhere, and linear functions where no tap is clamped (rows 2-4 of 7)
      const g = tf.add(tf.linspace(0, 3, 4).reshape([1, 1, 4, 1]), tf.zeros([1, 1, 1, 3]));
      const y2 = resample(g, [7, 5], [2, 3]);
      const inner = tf.slice(y2, [0, 0, 2, 0], [1, 1, 3, 5]);
      const want = tf.add(tf.linspace(1, 2, 3).reshape([1, 1, 3, 1]), tf.zeros([1, 1, 1, 5]));
      expect(tf.max(tf.abs(tf.sub(inner, want))).dataSync()[0]).toBeLessThan(1e-5);
      const c = resample(tf.fill([1, 2, 4, 3], 1.5), [7, 5], [2, 3]);
      expect(tf.max(tf.abs(tf.sub(c, 1.5))).dataSync()[0]).toBeLessThan(1e-5);
      expect(resample(g, [4, 3], [2, 3])).toBe(g);
      expect(() => resample(tf.zeros([1, 1, 2, 2, 2]), [4, 4, 4], [2, 3, 4])).toThrow(ConfigError);
    });
    const x = createRng(0).normalTensor([1, 2, 4, 3]);
    gradCheck((xx) => resample(xx, [6, 5], [2, 3]), [x], { eps: 1e-2 });
    x.dispose();
  });
});
