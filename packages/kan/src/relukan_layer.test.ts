import { ConfigError, DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { checkModuleGradients, expectFlattensLeadingDims } from './layer_testing';
import { ReLUKANLayer } from './relukan_layer';

/**
 * quiqi/relu_kan's ReLUKANLayer.forward, op for op: the basis on x [B, in, 1], the reshape to
 * (B, 1, g+k, in) (here NHWC: [B, g+k, in, 1]) and the Conv2d(1, out, (g+k, in)).
 */
function quiqiForward(x: tf.Tensor, layer: ReLUKANLayer): tf.Tensor {
  return tf.tidy(() => {
    const sd = layer.stateDict();
    const { g, k, inputSize, outputSize } = layer;
    const r = (4 * g * g) / ((k + 1) * (k + 1));
    const xe = tf.expandDims(x, -1);
    const x1 = tf.relu(tf.sub(xe, sd.phase_low));
    const x2 = tf.relu(tf.sub(sd.phase_height, xe));
    let t = tf.mul(tf.mul(x1, x2), r);
    t = tf.mul(t, t);
    const image = tf.reshape(t, [x.shape[0], g + k, inputSize, 1]) as tf.Tensor4D;
    const filter = tf.transpose(sd['equal_size_conv.weight'], [2, 3, 1, 0]) as tf.Tensor4D; // [kh, kw, 1, out]
    const y = tf.add(tf.conv2d(image, filter, 1, 'valid'), sd['equal_size_conv.bias']);
    return tf.reshape(y, [x.shape[0], outputSize]);
  });
}

describe.each(['cpu', 'wasm'] as const)('ReLUKANLayer on %s', (backend) => {
  it.each([
    { inputSize: 3, g: 5, k: 3, outputSize: 2 },
    { inputSize: 1, g: 4, k: 2, outputSize: 3 },
  ])("equals ReLU-KAN's forward (basis, reshape, full-size Conv2d) and its x-gradient: %o", async (cfg) => {
    await initBackend({ backend });
    const layer = new ReLUKANLayer({ ...cfg, seed: 1 });
    const rng = createRng(2);
    const x = rng.uniformTensor([6, cfg.inputSize], -0.1, 1.1);
    const r = rng.normalTensor([6, cfg.outputSize]);
    const y = layer.forward(x);
    const want = quiqiForward(x, layer);
    assertClose(y, { shape: want.shape, data: want.dataSync() }, { rtol: 1e-5, atol: 1e-5 }, 'y');
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.forward(xx), r)))(x);
    const dxWant = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(quiqiForward(xx, layer), r)))(x);
    assertClose(dx, { shape: dxWant.shape, data: dxWant.dataSync() }, { rtol: 1e-4, atol: 1e-4 }, 'dx');
    tf.dispose([x, r, y, want, dx, dxWant]);
    layer.dispose();
  });

  it('gradients reach every parameter (with trainBoundary) and x (finite differences)', async () => {
    await initBackend({ backend });
    const layer = new ReLUKANLayer({ inputSize: 2, g: 3, k: 2, outputSize: 2, trainBoundary: true, seed: 3 });
    const x = createRng(4).uniformTensor([4, 2], 0.05, 0.95);
    expect(checkModuleGradients(layer, x, { eps: 1e-3, rtol: 3e-2, atol: 5e-3, input: false })).toEqual([
      'phase_low',
      'phase_height',
      'equal_size_conv.weight',
      'equal_size_conv.bias',
    ]);
    gradCheck((xx) => layer.forward(xx), [x], { eps: 1e-3, rtol: 3e-2, atol: 5e-3 });
    tf.dispose(x);
    layer.dispose();
  });
});

describe('ReLUKANLayer', () => {
  it("has ReLU-KAN's parameter names, shapes, phases and Conv2d init; phases fixed by default", async () => {
    await initBackend({ backend: 'cpu' });
    const layer = new ReLUKANLayer({ inputSize: 4, g: 5, k: 3, outputSize: 6, seed: 5 });
    const sd = layer.stateDict();
    expect(Object.fromEntries(Object.entries(sd).map(([n, t]) => [n, t.shape]))).toEqual({
      phase_low: [4, 8],
      phase_height: [4, 8],
      'equal_size_conv.weight': [6, 1, 8, 4],
      'equal_size_conv.bias': [6],
    });
    expect(layer.namedParameters({ trainableOnly: true }).map(([n]) => n)).toEqual(['equal_size_conv.weight', 'equal_size_conv.bias']);
    const low = sd.phase_low.arraySync() as number[][];
    const high = sd.phase_height.arraySync() as number[][];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 8; j++) {
        expect(low[i][j]).toBeCloseTo((j - 3) / 5, 6);
        expect(high[i][j]).toBeCloseTo((j - 3) / 5 + 4 / 5, 6);
      }
    }
    const w = Array.from(sd['equal_size_conv.weight'].dataSync());
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(32));
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.5 / Math.sqrt(32));
    layer.dispose();
  });

  it('flattens leading dims, is seeded, round-trips its state dict, stays finite for huge x', async () => {
    await initBackend({ backend: 'wasm' });
    const a = new ReLUKANLayer({ inputSize: 3, g: 4, k: 2, outputSize: 2, seed: 7 });
    const b = new ReLUKANLayer({ inputSize: 3, g: 4, k: 2, outputSize: 2, seed: 8 });
    b.loadStateDict(a.stateDict());
    const x = createRng(6).uniformTensor([2, 5, 3], 0, 1);
    const ya = a.forward(x);
    const yb = b.forward(x);
    expect(ya.shape).toEqual([2, 5, 2]);
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    expectFlattensLeadingDims(a, x, ya);
    const huge = tf.tensor2d([[1e6, -1e6, 0.5]]);
    const yh = a.forward(huge);
    const dh = tf.grad((xx: tf.Tensor) => tf.sum(a.forward(xx)))(huge);
    for (const t of [yh, dh]) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, ya, yb, huge, yh, dh]);
    a.dispose();
    b.dispose();
  });

  it('refuses bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new ReLUKANLayer({ inputSize: 2, g: 0, k: 2, outputSize: 1 })).toThrow(/ReLUKANLayer: argument g: invalid value/);
    expect(() => new ReLUKANLayer({ inputSize: 2, g: 3, k: -1, outputSize: 1 })).toThrow(ConfigError);
    expect(() => new ReLUKANLayer(undefined as never)).toThrow(/^ReLUKANLayer: argument inputSize: invalid value \(expected an integer >= 1, got undefined\)/);
    expect(() => new ReLUKANLayer({ inputSize: 2, g: 3, k: 2, outputSize: 2, trainAB: true } as never)).toThrow(
      /^ReLUKANLayer: argument options: unknown option "trainAB"/,
    );
    const layer = new ReLUKANLayer({ inputSize: 4, g: 3, k: 2, outputSize: 3 });
    const x = tf.zeros([7, 3]);
    const xi = tf.zeros([7, 4], 'int32');
    expect(() => layer.forward(x)).toThrow(ShapeError);
    expect(() => layer.forward(x)).toThrow(/ReLUKANLayer\.forward: argument x: wrong size of the last dim \(expected \[\.\.\., 4\], got shape \[7, 3\]\)/);
    expect(() => layer.forward(xi)).toThrow(DTypeError);
    tf.dispose([x, xi]);
    layer.dispose();
  });
});
