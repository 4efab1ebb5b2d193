import { createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { describe, expect, it } from 'vitest';
import { KAN } from './kan';

/** Zeroes every edge into and out of hidden node `j` of a [in, h, out] KAN (a dead node). */
function kill(model: KAN, j: number): void {
  const [a, b] = model.layerArray();
  tf.tidy(() => {
    const rowMask = tf.reshape(tf.cast(tf.oneHot(tf.tensor1d([j], 'int32'), a.outFeatures), 'float32'), [-1, 1]);
    const keepRows = tf.sub(1, rowMask);
    a.base_weight.assign(tf.mul(a.base_weight.value, keepRows));
    a.spline_weight.assign(tf.mul(a.spline_weight.value, tf.expandDims(keepRows, -1)));
    const colMask = tf.sub(1, tf.reshape(tf.cast(tf.oneHot(tf.tensor1d([j], 'int32'), b.inFeatures), 'float32'), [1, -1]));
    b.base_weight.assign(tf.mul(b.base_weight.value, colMask));
    b.spline_weight.assign(tf.mul(b.spline_weight.value, tf.expandDims(colMask, -1)));
  });
}

describe.each(['cpu', 'wasm'] as const)('prune on %s', (backend) => {
  it('removes dead hidden nodes of an over-wide network; outputs unchanged, parameters carried by name', async () => {
    await initBackend({ backend });
    const model = new KAN({ layers: [3, 6, 2], seed: 4 });
    for (const j of [1, 3, 4]) kill(model, j);
    const x = createRng(5).uniformTensor([80, 3], -1, 1);
    const before = model.forward(x, { cache: true });
    const scores = model.nodeScores();
    expect(Array.from(scores[0].incoming, (v) => v > 1e-2)).toEqual([true, false, true, false, false, true]);
    const { model: small, keptNodes } = model.pruneWithMap({ threshold: 1e-2 });
    expect(keptNodes).toEqual([
      [0, 1, 2],
      [0, 2, 5],
      [0, 1],
    ]);
    expect(small.widths).toEqual([3, 3, 2]);
    expect(Object.keys(small.stateDict()).sort()).toEqual(Object.keys(model.stateDict()).sort());
    const after = small.forward(x);
    assertClose(after, { shape: before.shape, data: before.dataSync() }, { rtol: 1e-5, atol: 1e-6 }, 'pruned outputs');
    // the kept rows are the old ones
    const w = small.layers.at(1).spline_weight.value.arraySync() as number[][][];
    const w0 = model.layers.at(1).spline_weight.value.arraySync() as number[][][];
    expect(w[1][2]).toEqual(w0[1][5]);
    tf.dispose([x, before, after]);
    small.dispose();
    model.dispose();
  });

  it('keeps at least one node per hidden layer and runs its own cached pass when given x', async () => {
    await initBackend({ backend });
    const model = new KAN({ layers: [2, 3, 1], seed: 6 });
    const x = createRng(7).uniformTensor([40, 2], -1, 1);
    const tiny = model.prune({ x, threshold: 1e9 });
    expect(tiny.widths).toEqual([2, 1, 1]);
    const fresh = new KAN({ layers: [2, 2, 1], seed: 0 });
    expect(() => fresh.prune()).toThrow(/no cached activations/);
    fresh.dispose();
    tf.dispose(x);
    tiny.dispose();
    model.dispose();
  });
});
