import { ConfigError, DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose, loadCase, specStateDict } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { checkModuleGradients, expectConformance, expectFlattensLeadingDims } from './layer_testing';
import { FastKANLayer } from './fastkan_layer';

/** The conformance case's params under FastKAN's state-dict names (plus the layer's grid). */
function fastkanStateDict(specs: Record<string, never>, grid: tf.Tensor): Record<string, tf.Tensor> {
  const d = specStateDict(specs);
  return {
    'layernorm.weight': d.ln_weight,
    'layernorm.bias': d.ln_bias,
    'rbf.grid': grid,
    'spline_linear.weight': d.spline_weight,
    'base_linear.weight': d.base_weight,
    'base_linear.bias': d.base_bias,
  };
}

describe.each(['cpu', 'wasm'] as const)('FastKANLayer on %s', (backend) => {
  it('matches FastKAN (conformance fastkan_layer): y and dx', async () => {
    await initBackend({ backend });
    const c = loadCase('fastkan_layer');
    const cfg = c.config as Record<string, number | boolean>;
    const layer = new FastKANLayer({
      inputDim: cfg.input_dim as number,
      outputDim: cfg.output_dim as number,
      gridMin: cfg.grid_min as number,
      gridMax: cfg.grid_max as number,
      numGrids: cfg.num_grids as number,
      useLayerNorm: cfg.use_layernorm as boolean,
      useBaseUpdate: cfg.use_base_update as boolean,
    });
    const grid = tf.linspace(cfg.grid_min as number, cfg.grid_max as number, cfg.num_grids as number);
    const dict = fastkanStateDict(c.params as never, grid);
    expectConformance(layer, c, dict);
    layer.dispose();
  });

  it('gradients reach every trainable parameter and x (finite differences)', async () => {
    await initBackend({ backend });
    const layer = new FastKANLayer({ inputDim: 3, outputDim: 2, numGrids: 4, seed: 1 });
    const x = createRng(2).normalTensor([4, 3]);
    const names = checkModuleGradients(layer, x, { input: false });
    expect(names).toEqual(['layernorm.weight', 'layernorm.bias', 'spline_linear.weight', 'base_linear.weight', 'base_linear.bias']);
    gradCheck((xx) => layer.forward(xx), [x], { eps: 1e-3, rtol: 2e-2, atol: 2e-3 });
    tf.dispose(x);
    layer.dispose();
  });
});

describe('FastKANLayer', () => {
  it("has FastKAN's state-dict names, shapes and init", async () => {
    await initBackend({ backend: 'cpu' });
    const layer = new FastKANLayer({ inputDim: 5, outputDim: 4, numGrids: 6, seed: 3 });
    const sd = layer.stateDict();
    expect(Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.shape]))).toEqual({
      'layernorm.weight': [5],
      'layernorm.bias': [5],
      'rbf.grid': [6],
      'spline_linear.weight': [4, 30],
      'base_linear.weight': [4, 5],
      'base_linear.bias': [4],
    });
    expect(layer.namedParameters({ trainableOnly: true }).map(([n]) => n)).not.toContain('rbf.grid');
    expect(Array.from(sd['rbf.grid'].dataSync()).map((v) => Number(v.toFixed(5)))).toEqual([-2, -1.2, -0.4, 0.4, 1.2, 2]);
    expect(layer.denominator).toBeCloseTo(0.8, 12);
    expect(Array.from(sd['layernorm.weight'].dataSync())).toEqual([1, 1, 1, 1, 1]);
    const w = Array.from(sd['spline_linear.weight'].dataSync());
    expect(Math.max(...w.map(Math.abs))).toBeLessThan(2);
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.06);
    expect(std).toBeLessThan(0.14);
    const bw = Array.from(sd['base_linear.weight'].dataSync());
    expect(Math.max(...bw.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(5));
    layer.dispose();
  });

  it('flattens leading dims; options switch branches off; seeds are reproducible', async () => {
    await initBackend({ backend: 'cpu' });
    const a = new FastKANLayer({ inputDim: 3, outputDim: 2, seed: 7 });
    const b = new FastKANLayer({ inputDim: 3, outputDim: 2, seed: 7 });
    const x = createRng(4).normalTensor([2, 5, 3]);
    const ya = a.forward(x);
    const yb = b.forward(x);
    expect(ya.shape).toEqual([2, 5, 2]);
    expect(Array.from(ya.dataSync())).toEqual(Array.from(yb.dataSync()));
    expectFlattensLeadingDims(a, x, ya);
    const plain = new FastKANLayer({ inputDim: 1, outputDim: 2, useLayerNorm: false, useBaseUpdate: false, seed: 1 });
    expect(Object.keys(plain.stateDict())).toEqual(['rbf.grid', 'spline_linear.weight']);
    const x1 = tf.tensor2d([[0.3], [-1]]);
    // without LayerNorm and base: y = B(x) W^T exactly
    const y1 = plain.forward(x1);
    const want = tf.tidy(() => {
      const w = plain.stateDict()['spline_linear.weight'];
      const bases = tf.exp(tf.neg(tf.square(tf.div(tf.sub(x1, tf.linspace(-2, 2, 8)), 4 / 7))));
      return tf.matMul(bases, w, false, true);
    });
    assertClose(y1, { shape: want.shape, data: want.dataSync() }, { rtol: 1e-5, atol: 1e-6 }, 'no LN, no base');
    tf.dispose([x, ya, yb, x1, y1, want]);
    [a, b, plain].forEach((m) => m.dispose());
  });

  it('huge inputs (±1e6) give finite outputs and gradients', async () => {
    await initBackend({ backend: 'wasm' });
    const layer = new FastKANLayer({ inputDim: 3, outputDim: 2, seed: 5 });
    const x = tf.tensor2d([
      [1e6, -1e6, 0.5],
      [1e6, 1e6, 1e6],
    ]);
    const y = layer.forward(x);
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(layer.forward(xx)))(x);
    for (const t of [y, dx]) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y, dx]);
    layer.dispose();
  });

  it('state dict round trip: a second layer loaded from the first computes the same', async () => {
    await initBackend({ backend: 'cpu' });
    const a = new FastKANLayer({ inputDim: 3, outputDim: 2, seed: 8 });
    const b = new FastKANLayer({ inputDim: 3, outputDim: 2, seed: 9 });
    b.loadStateDict(a.stateDict());
    const x = createRng(6).normalTensor([4, 3]);
    const ya = a.forward(x);
    const yb = b.forward(x);
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });

  it('refuses bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new FastKANLayer({ inputDim: 1, outputDim: 3 })).toThrow(ConfigError);
    expect(() => new FastKANLayer({ inputDim: 1, outputDim: 3 })).toThrow(/FastKANLayer: argument useLayerNorm: LayerNorm over one feature is constant/);
    expect(() => new FastKANLayer({ inputDim: 0, outputDim: 3 })).toThrow(/argument inputDim/);
    expect(() => new FastKANLayer({ inputDim: 2, outputDim: 3, numGrids: 1 })).toThrow(/argument numGrids/);
    expect(() => new FastKANLayer({ inputDim: 2, outputDim: 3, gridMin: 1, gridMax: 1 })).toThrow(/argument gridMax/);
    expect(() => new FastKANLayer({ inputDim: 2, outputDim: 3, baseActivation: 'nope' })).toThrow(/unknown activation/);
    expect(() => new FastKANLayer(undefined as never)).toThrow(/^FastKANLayer: argument inputDim: invalid value \(expected an integer >= 1, got undefined\)/);
    expect(() => new FastKANLayer({ inputDim: 2, outputDim: 2, numGrid: 4 } as never)).toThrow(/^FastKANLayer: argument options: unknown option "numGrid"/);
    const layer = new FastKANLayer({ inputDim: 4, outputDim: 3 });
    const x = tf.zeros([7, 3]);
    const xi = tf.zeros([7, 4], 'int32');
    expect(() => layer.forward(x)).toThrow(ShapeError);
    expect(() => layer.forward(x)).toThrow(/FastKANLayer\.forward: argument x: wrong size of the last dim \(expected \[\.\.\., 4\], got shape \[7, 3\]\)/);
    expect(() => layer.forward(xi)).toThrow(DTypeError);
    tf.dispose([x, xi]);
    layer.dispose();
  });
});
