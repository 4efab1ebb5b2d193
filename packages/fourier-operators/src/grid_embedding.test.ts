import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { GridEmbeddingND } from './grid_embedding';

describe('GridEmbeddingND', () => {
  it('appends linspace(start, stop, n + 1)[:-1] coordinates per dim (meshgrid ij)', async () => {
    await initBackend({ backend: 'cpu' });
    const emb = new GridEmbeddingND({
      inChannels: 1,
      dim: 2,
      gridBoundaries: [
        [0, 1],
        [-1, 3],
      ],
    });
    expect(emb.outChannels).toBe(3);
    expect(emb.numParameters()).toBe(0);
    const x = createRng(0).normalTensor([2, 1, 4, 2]);
    const y = emb.forward(x);
    expect(y.shape).toEqual([2, 3, 4, 2]);
    const a = y.arraySync() as number[][][][];
    expect(a[1][0]).toEqual((x.arraySync() as number[][][][])[1][0]);
    expect(a[1][1]).toEqual([
      [0, 0],
      [0.25, 0.25],
      [0.5, 0.5],
      [0.75, 0.75],
    ]);
    expect(a[0][2]).toEqual([
      [-1, 1],
      [-1, 1],
      [-1, 1],
      [-1, 1],
    ]);
    tf.dispose([x, y]);
  });

  it('works in 1-D and 3-D and checks its input', () => {
    const e1 = new GridEmbeddingND({ inChannels: 2, dim: 1 });
    const x1 = tf.zeros([1, 2, 5]);
    const y1 = e1.forward(x1);
    expect([...y1.dataSync().slice(10)].map((v) => +v.toFixed(6))).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    const e3 = new GridEmbeddingND({ inChannels: 1, dim: 3 });
    const x3 = tf.zeros([1, 1, 2, 3, 4]);
    const y3 = e3.forward(x3);
    expect(y3.shape).toEqual([1, 4, 2, 3, 4]);
    expect((y3.arraySync() as number[][][][][])[0][3][1][2]).toEqual([0, 0.25, 0.5, 0.75]);
    expect(() => e3.forward(x1)).toThrow(ShapeError);
    const bad = tf.zeros([1, 3, 5]);
    expect(() => e1.forward(bad)).toThrow(/\[\*, 2, \*\]/);
    expect(() => new GridEmbeddingND({ inChannels: 1, dim: 2, gridBoundaries: [[0, 1]] })).toThrow(ConfigError);
    tf.dispose([x1, y1, x3, y3, bad]);
  });
});
