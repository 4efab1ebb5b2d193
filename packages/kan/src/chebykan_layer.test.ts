import { ConfigError, DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose, loadCase, specStateDict } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { checkModuleGradients, expectConformance, expectFlattensLeadingDims } from './layer_testing';
import { ChebyKANLayer } from './chebykan_layer';

describe.each(['cpu', 'wasm'] as const)('ChebyKANLayer on %s', (backend) => {
  it('matches ChebyKAN (conformance chebykan_layer): y and dx', async () => {
    await initBackend({ backend });
    const c = loadCase('chebykan_layer');
    const cfg = c.config as Record<string, number>;
    const layer = new ChebyKANLayer({ inputDim: cfg.input_dim, outputDim: cfg.output_dim, degree: cfg.degree });
    const dict = specStateDict(c.params);
    expectConformance(layer, c, dict);
    layer.dispose();
  });

  it('gradients reach cheby_coeffs and x (finite differences)', async () => {
    await initBackend({ backend });
    const layer = new ChebyKANLayer({ inputDim: 3, outputDim: 2, degree: 3, seed: 1 });
    const x = createRng(2).normalTensor([4, 3]);
    expect(checkModuleGradients(layer, x, { input: false })).toEqual(['cheby_coeffs']);
    gradCheck((xx) => layer.forward(xx), [x], { eps: 1e-3, rtol: 2e-2, atol: 2e-3 });
    tf.dispose(x);
    layer.dispose();
  });
});

describe('ChebyKANLayer', () => {
  it("has ChebyKAN's parameter, shape and init; equals the einsum of its definition", async () => {
    await initBackend({ backend: 'cpu' });
    const layer = new ChebyKANLayer({ inputDim: 6, outputDim: 5, degree: 4, seed: 3 });
    const sd = layer.stateDict();
    expect(Object.keys(sd)).toEqual(['cheby_coeffs']);
    expect(sd.cheby_coeffs.shape).toEqual([6, 5, 5]);
    const w = Array.from(sd.cheby_coeffs.dataSync());
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.6 / 30);
    expect(std).toBeLessThan(1.4 / 30);
    // y_o = sum_i sum_d c[i,o,d] cos(d acos(tanh x_i)), in float64
    const xs = [[0.3, -1.2, 2, 0, -0.5, 0.9]];
    const x = tf.tensor2d(xs);
    const y = layer.forward(x);
    const c = sd.cheby_coeffs.arraySync() as number[][][];
    const want = Array.from({ length: 5 }, (_, o) =>
      xs[0].reduce((s, xi, i) => s + c[i][o].reduce((t, cd, d) => t + cd * Math.cos(d * Math.acos(Math.tanh(xi))), 0), 0),
    );
    assertClose(y, { shape: [1, 5], data: want }, { rtol: 1e-5, atol: 1e-6 }, 'einsum');
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('flattens leading dims, is seeded, round-trips its state dict, stays finite for huge x', async () => {
    await initBackend({ backend: 'wasm' });
    const a = new ChebyKANLayer({ inputDim: 3, outputDim: 2, degree: 3, seed: 7 });
    const b = new ChebyKANLayer({ inputDim: 3, outputDim: 2, degree: 3, seed: 8 });
    const a2 = new ChebyKANLayer({ inputDim: 3, outputDim: 2, degree: 3, seed: 7 });
    expect(Array.from(a2.cheby_coeffs.value.dataSync())).toEqual(Array.from(a.cheby_coeffs.value.dataSync()));
    b.loadStateDict(a.stateDict());
    const x = createRng(4).normalTensor([2, 5, 3]);
    const ya = a.forward(x);
    const yb = b.forward(x);
    expect(ya.shape).toEqual([2, 5, 2]);
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    expectFlattensLeadingDims(a, x, ya);
    const huge = tf.tensor2d([[1e6, -1e6, 3]]);
    const yh = a.forward(huge);
    const dh = tf.grad((xx: tf.Tensor) => tf.sum(a.forward(xx)))(huge);
    for (const t of [yh, dh]) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, ya, yb, huge, yh, dh]);
    [a, b, a2].forEach((m) => m.dispose());
  });

  it('refuses bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new ChebyKANLayer({ inputDim: 0, outputDim: 2, degree: 3 })).toThrow(/ChebyKANLayer: argument inputDim: invalid value/);
    expect(() => new ChebyKANLayer({ inputDim: 2, outputDim: 2, degree: -1 })).toThrow(ConfigError);
    expect(() => new ChebyKANLayer(undefined as never)).toThrow(/^ChebyKANLayer: argument inputDim: invalid value \(expected an integer >= 1, got undefined\)/);
    expect(() => new ChebyKANLayer({ inputDim: 2, outputDim: 2, degree: 3, degre: 3 } as never)).toThrow(
      /^ChebyKANLayer: argument options: unknown option "degre"/,
    );
    const layer = new ChebyKANLayer({ inputDim: 4, outputDim: 3, degree: 2 });
    const x = tf.zeros([7, 5]);
    const xi = tf.zeros([7, 4], 'int32');
    expect(() => layer.forward(x)).toThrow(ShapeError);
    expect(() => layer.forward(x)).toThrow(/ChebyKANLayer\.forward: argument x: wrong size of the last dim \(expected \[\.\.\., 4\], got shape \[7, 5\]\)/);
    expect(() => layer.forward(xi)).toThrow(DTypeError);
    tf.dispose([x, xi]);
    layer.dispose();
  });
});
