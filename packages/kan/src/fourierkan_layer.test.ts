import { ConfigError, DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose, loadCase, specStateDict } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { checkModuleGradients, expectConformance, expectFlattensLeadingDims } from './layer_testing';
import { FourierKANLayer } from './fourierkan_layer';

/** Root mean square of a tensor's values. */
function rms(t: tf.Tensor): number {
  const v = Array.from(t.dataSync());
  return Math.sqrt(v.reduce((s, a) => s + a * a, 0) / v.length);
}

describe.each(['cpu', 'wasm'] as const)('FourierKANLayer on %s', (backend) => {
  it('matches FourierKAN (conformance fourierkan_layer): y and dx', async () => {
    await initBackend({ backend });
    const c = loadCase('fourierkan_layer');
    const cfg = c.config as Record<string, number | boolean>;
    const layer = new FourierKANLayer({
      inputDim: cfg.inputdim as number,
      outputDim: cfg.outdim as number,
      gridSize: cfg.gridsize as number,
      addBias: cfg.addbias as boolean,
    });
    const dict = specStateDict(c.params);
    expectConformance(layer, c, dict);
    layer.dispose();
  });

  it('gradients reach fouriercoeffs, bias and x (finite differences)', async () => {
    await initBackend({ backend });
    const layer = new FourierKANLayer({ inputDim: 3, outputDim: 2, gridSize: 3, seed: 1 });
    const x = createRng(2).normalTensor([4, 3]);
    expect(checkModuleGradients(layer, x, { input: false })).toEqual(['fouriercoeffs', 'bias']);
    gradCheck((xx) => layer.forward(xx), [x], { eps: 1e-3, rtol: 2e-2, atol: 2e-3 });
    tf.dispose(x);
    layer.dispose();
  });
});

describe('FourierKANLayer', () => {
  it("has FourierKAN's parameters, shapes and init (plain and smooth)", async () => {
    await initBackend({ backend: 'cpu' });
    const layer = new FourierKANLayer({ inputDim: 4, outputDim: 50, gridSize: 6, seed: 3 });
    const sd = layer.stateDict();
    expect(Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.shape]))).toEqual({ fouriercoeffs: [2, 50, 4, 6], bias: [1, 50] });
    expect(Array.from(sd.bias.dataSync()).every((v) => v === 0)).toBe(true);
    const s = rms(sd.fouriercoeffs) * Math.sqrt(4) * Math.sqrt(6); // randn / (sqrt(in) sqrt(G))
    expect(s).toBeGreaterThan(0.9);
    expect(s).toBeLessThan(1.1);
    const smooth = new FourierKANLayer({ inputDim: 4, outputDim: 50, gridSize: 6, smoothInitialization: true, addBias: false, seed: 3 });
    expect(Object.keys(smooth.stateDict())).toEqual(['fouriercoeffs']);
    // harmonic k (0-based) scaled by 1/(sqrt(in) (k+1)^2)
    for (const k of [0, 2, 5]) {
      const slice = tf.slice(smooth.fouriercoeffs.value, [0, 0, 0, k], [2, 50, 4, 1]);
      const sk = rms(slice) * 2 * (k + 1) ** 2;
      expect(sk).toBeGreaterThan(0.8);
      expect(sk).toBeLessThan(1.2);
      slice.dispose();
    }
    layer.dispose();
    smooth.dispose();
  });

  it('equals its definition in float64 (cos block with C[0], sin block with C[1]) and flattens leading dims', async () => {
    await initBackend({ backend: 'wasm' });
    const layer = new FourierKANLayer({ inputDim: 3, outputDim: 2, gridSize: 4, seed: 5 });
    const b = tf.tensor2d([[0.25, -0.5]]);
    layer.bias!.assign(b);
    const xs = [0.4, -2.2, 3.0];
    const x = tf.tensor2d([xs]);
    const y = layer.forward(x);
    const C = layer.fouriercoeffs.value.arraySync() as number[][][][];
    const want = [0, 1].map(
      (o) =>
        xs.reduce((s, xi, i) => s + C[0][o][i].reduce((t, c, k) => t + c * Math.cos((k + 1) * xi) + C[1][o][i][k] * Math.sin((k + 1) * xi), 0), 0) +
        [0.25, -0.5][o],
    );
    assertClose(y, { shape: [1, 2], data: want }, { rtol: 1e-5, atol: 1e-5 }, 'definition');
    const x3 = createRng(6).normalTensor([2, 5, 3]);
    const y3 = layer.forward(x3);
    expect(y3.shape).toEqual([2, 5, 2]);
    expectFlattensLeadingDims(layer, x3, y3);
    tf.dispose([b, x, y, x3, y3]);
    layer.dispose();
  });

  it('round-trips its state dict and stays finite for huge x', async () => {
    await initBackend({ backend: 'cpu' });
    const a = new FourierKANLayer({ inputDim: 3, outputDim: 2, gridSize: 3, seed: 7 });
    const b = new FourierKANLayer({ inputDim: 3, outputDim: 2, gridSize: 3, seed: 8 });
    b.loadStateDict(a.stateDict());
    const x = tf.tensor2d([
      [1e6, -1e6, 0.1],
      [0.3, 0.2, 0.1],
    ]);
    const ya = a.forward(x);
    const yb = b.forward(x);
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(a.forward(xx)))(x);
    for (const t of [ya, dx]) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, ya, yb, dx]);
    a.dispose();
    b.dispose();
  });

  it('refuses bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new FourierKANLayer({ inputDim: 2, outputDim: 2, gridSize: 0 })).toThrow(/FourierKANLayer: argument gridSize: invalid value/);
    expect(() => new FourierKANLayer({ inputDim: 2.5, outputDim: 2, gridSize: 3 })).toThrow(ConfigError);
    expect(() => new FourierKANLayer(undefined as never)).toThrow(
      /^FourierKANLayer: argument inputDim: invalid value \(expected an integer >= 1, got undefined\)/,
    );
    expect(() => new FourierKANLayer({ inputDim: 2, outputDim: 2, gridSize: 3, gridsize: 3 } as never)).toThrow(
      /^FourierKANLayer: argument options: unknown option "gridsize"/,
    );
    const layer = new FourierKANLayer({ inputDim: 4, outputDim: 3, gridSize: 2 });
    const x = tf.zeros([7, 3]);
    const xi = tf.zeros([7, 4], 'int32');
    const s = tf.scalar(1);
    expect(() => layer.forward(x)).toThrow(ShapeError);
    expect(() => layer.forward(x)).toThrow(/FourierKANLayer\.forward: argument x: wrong size of the last dim \(expected \[\.\.\., 4\], got shape \[7, 3\]\)/);
    expect(() => layer.forward(s)).toThrow(ShapeError);
    expect(() => layer.forward(xi)).toThrow(DTypeError);
    tf.dispose([x, xi, s]);
    layer.dispose();
  });
});
