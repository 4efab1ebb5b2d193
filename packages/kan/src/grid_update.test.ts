import { createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { describe, expect, it } from 'vitest';
import { curve2coef } from './curve_fit';
import { gridFromSamples } from './grid_update';
import { KAN } from './kan';
import { KANLinear } from './kan_linear';

/** max |a - b| / max |b| over all elements. */
function relChange(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);
}

/**
 * Makes a layer's edges smooth, non-trivial curves: spline weights fitted to
 * phi_oi(x) = amp * sin(a_oi x + b_oi), a in [1, 3] (efficient-kan's initial splines are tiny noise).
 */
function makeSmooth(layer: KANLinear, seed: number, amp = 1): KANLinear {
  const { inFeatures: inF, outFeatures: outF } = layer;
  const coef = tf.tidy(() => {
    const rng = createRng(seed + 100);
    const a = rng.uniformTensor([1, inF, outF], 1, 3);
    const b = rng.uniformTensor([1, inF, outF], -1, 1);
    const xs = layer.gridRangeSamples(200);
    const y = tf.mul(tf.sin(tf.add(tf.mul(a, tf.expandDims(xs, -1)), b)), amp);
    return curve2coef(xs, y, layer.grid, layer.splineOrder);
  });
  layer.setScaledSplineWeight(coef);
  coef.dispose();
  return layer;
}

const smoothLayer = (seed: number, gridSize = 10) => makeSmooth(new KANLinear({ inFeatures: 3, outFeatures: 2, gridSize, seed }), seed);

describe.each(['cpu', 'wasm'] as const)('grid update and refine on %s', (backend) => {
  it('updateGrid moves knots to the sample quantiles (grid_eps blend, k extra knots) and keeps the function on the samples', async () => {
    await initBackend({ backend });
    const layer = smoothLayer(1);
    // skewed samples in [-1, 1]: x = 2 u^2 - 1
    const x = tf.tidy(() => tf.sub(tf.mul(tf.square(createRng(2).uniformTensor([400, 3])), 2), 1));
    const before = layer.forward(x);
    layer.updateGrid(x, { margin: 0.01 });
    const after = layer.forward(x);
    const change = relChange(after, before);
    expect(change).toBeLessThan(1e-3);
    // the grid: expected from sorted samples, computed here in float64
    const g = layer.grid.arraySync();
    const cols = x.arraySync() as number[][];
    for (let i = 0; i < 3; i++) {
      const s = cols.map((r) => r[i]).sort((p, q) => p - q);
      const ids = Array.from({ length: 11 }, (_, t) => Math.floor((t * 399) / 10));
      const step = (s[399] - s[0] + 0.02) / 10;
      const want = ids.map((id, t) => 0.02 * (t * step + s[0] - 0.01) + 0.98 * s[id]);
      for (let t = 0; t < 11; t++) expect(g[i][t + 3]).toBeCloseTo(want[t], 5);
      expect(g[i][0]).toBeCloseTo(want[0] - 3 * step, 5);
      expect(g[i][16]).toBeCloseTo(want[10] + 3 * step, 5);
    }
    tf.dispose([x, before, after]);
    layer.dispose();
  });

  it('KAN.forward({updateGrid}) updates layer by layer on the activations reaching each layer and keeps the outputs', async () => {
    await initBackend({ backend });
    const model = new KAN({ layers: [2, 4, 1], gridSize: 10, seed: 3 });
    makeSmooth(model.layers.at(0), 7, 0.25);
    makeSmooth(model.layers.at(1), 8);
    const x = createRng(4).uniformTensor([300, 2], -1, 1);
    const before = model.forward(x);
    const during = model.forward(x, { updateGrid: true });
    const after = model.forward(x);
    expect(relChange(during, before)).toBeLessThan(1e-3);
    expect(relChange(after, before)).toBeLessThan(1e-3);
    // layer 1's grid now spans the hidden activations, not [-1, 1]
    const h = model.layers.at(0).forward(x);
    const [lo, hi] = tf.tidy(() => [tf.min(h).dataSync()[0], tf.max(h).dataSync()[0]]);
    const g1 = model.layers.at(1).grid.arraySync();
    expect(Math.min(...g1.map((r) => r[3]))).toBeCloseTo(lo - 0.02 * 0.01, 4);
    expect(Math.max(...g1.map((r) => r[13]))).toBeCloseTo(hi + 0.02 * 0.01, 4);
    tf.dispose([x, before, during, after, h]);
    model.dispose();
  });

  it('refine extends the grid keeping every edge function (exactly for nested grids, closely for adapted ones)', async () => {
    await initBackend({ backend });
    const layer = smoothLayer(5, 10);
    const xs = tf.tidy(() => createRng(6).uniformTensor([500, 3], -1, 1));
    const y0 = layer.forward(xs);
    const fine = layer.refine(20);
    expect(fine.gridSize).toBe(20);
    expect(fine.spline_weight.shape).toEqual([2, 3, 23]);
    const y1 = fine.forward(xs);
    expect(relChange(y1, y0)).toBeLessThan(1e-4);
    // after a grid update (non-uniform knots) refine to 20 intervals: close, not exact
    layer.updateGrid(xs);
    const y2 = layer.forward(xs);
    const fine2 = layer.refine(30);
    const y3 = fine2.forward(xs);
    expect(relChange(y3, y2)).toBeLessThan(1e-3);
    // KAN.refine: a new network, same outputs on points in range
    const model = new KAN({ layers: [3, 3, 2], seed: 1 });
    const m2 = model.refine(10);
    expect(m2.layers.at(1).gridSize).toBe(10);
    const a = model.forward(xs);
    const b = m2.forward(xs);
    expect(relChange(b, a)).toBeLessThan(1e-3);
    tf.dispose([xs, y0, y1, y2, y3, a, b]);
    for (const m of [layer, fine, fine2, model, m2]) m.dispose();
  });

  it('gridFromSamples with gridEps = 1 gives the uniform grid over [min - margin, max + margin]', async () => {
    await initBackend({ backend });
    const x = tf.tensor2d([[-0.5], [0.2], [0.7], [0.1]]);
    const g = gridFromSamples(x, 4, 2, 1, 0.1);
    const step = (0.7 + 0.5 + 0.2) / 4;
    assertClose(g, { shape: [1, 9], data: Array.from({ length: 9 }, (_, j) => -0.6 + (j - 2) * step) }, { rtol: 1e-5, atol: 1e-6 }, 'grid');
    tf.dispose([x, g]);
  });
});
