import { ConfigError, Module, ShapeError, createRng, initBackend, tf, type Rng } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { describe, expect, it } from 'vitest';
import { ChebyKANLayer } from './chebykan_layer';
import { FastKANLayer } from './fastkan_layer';
import { FourierKANLayer } from './fourierkan_layer';
import { GRKANLinear } from './gr_kan_linear';
import { checkModuleGradients } from './layer_testing';
import { KANConv2d, type KANLayerFactory } from './kan_conv2d';
import { KANLinear } from './kan_linear';

/** The patches by a plain loop: [N*Ho*Wo, C*kh*kw], feature c*kh*kw + i*kw + j (F.unfold's order), zero padding. */
function manualPatches(x: tf.Tensor4D, k: [number, number], s: [number, number], p: [number, number], d: [number, number]): tf.Tensor2D {
  const [N, H, W, C] = x.shape;
  const xs = x.dataSync();
  const ho = Math.floor((H + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0]) + 1;
  const wo = Math.floor((W + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1]) + 1;
  const F = C * k[0] * k[1];
  const out = new Float32Array(N * ho * wo * F);
  let row = 0;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++, row++) {
        for (let c = 0; c < C; c++) {
          for (let i = 0; i < k[0]; i++) {
            for (let j = 0; j < k[1]; j++) {
              const h = oh * s[0] - p[0] + i * d[0];
              const w = ow * s[1] - p[1] + j * d[1];
              const inside = h >= 0 && h < H && w >= 0 && w < W;
              out[row * F + c * k[0] * k[1] + i * k[1] + j] = inside ? xs[((n * H + h) * W + w) * C + c] : 0;
            }
          }
        }
      }
    }
  }
  return tf.tensor2d(out, [N * ho * wo, F]);
}

const BASES: [string, KANLayerFactory][] = [
  ['KANLinear', (i, o, rng) => new KANLinear({ inFeatures: i, outFeatures: o, rng })],
  ['FastKANLayer', (i, o, rng) => new FastKANLayer({ inputDim: i, outputDim: o, rng })],
  ['ChebyKANLayer', (i, o, rng) => new ChebyKANLayer({ inputDim: i, outputDim: o, degree: 3, rng })],
  ['FourierKANLayer', (i, o, rng) => new FourierKANLayer({ inputDim: i, outputDim: o, gridSize: 3, rng })],
  ['GRKANLinear', (i, o, rng) => new GRKANLinear({ inFeatures: i, outFeatures: o, groups: 2, rng })],
];

type Geometry = { k: [number, number]; s: [number, number]; p: [number, number]; d: [number, number] };
const GEOMETRIES: Geometry[] = [
  { k: [3, 3], s: [1, 1], p: [0, 0], d: [1, 1] },
  { k: [3, 2], s: [2, 1], p: [1, 0], d: [1, 1] },
  { k: [2, 2], s: [1, 1], p: [2, 1], d: [2, 3] },
  { k: [2, 3], s: [2, 3], p: [1, 2], d: [2, 2] }, // strides and dilations both > 1
];

describe.each(['cpu', 'wasm'] as const)('KANConv2d on %s', (backend) => {
  it('unfold equals a loop over patches for every stride/padding/dilation combination', async () => {
    await initBackend({ backend });
    const x = tf.tidy(() => createRng(1).normalTensor([2, 7, 8, 3])) as tf.Tensor4D;
    for (const g of GEOMETRIES) {
      const conv = new KANConv2d({ inChannels: 3, outChannels: 2, kernelSize: g.k, stride: g.s, padding: g.p, dilation: g.d, layer: BASES[2][1] });
      const got = conv.unfold(x);
      const want = manualPatches(x, g.k, g.s, g.p, g.d);
      expect(got.shape[0] * got.shape[1] * got.shape[2]).toBe(want.shape[0]);
      assertClose(got, { shape: got.shape, data: want.dataSync() }, { rtol: 0, atol: 0 }, `patches ${JSON.stringify(g)}`);
      tf.dispose([got, want]);
      conv.dispose();
    }
    x.dispose();
  });

  it.each(BASES)('forward with %s equals the layer applied to each patch', async (_name, factory) => {
    await initBackend({ backend });
    const g = GEOMETRIES[1];
    const conv = new KANConv2d({ inChannels: 2, outChannels: 3, kernelSize: g.k, stride: g.s, padding: g.p, layer: factory, seed: 4 });
    const x = tf.tidy(() => createRng(2).uniformTensor([2, 5, 4, 2], -1, 1)) as tf.Tensor4D;
    const y = conv.forward(x);
    expect(y.shape).toEqual([2, 3, 3, 3]);
    const patches = manualPatches(x, g.k, g.s, g.p, g.d);
    const want = tf.tidy(() => conv.layer.forward(patches));
    assertClose(y, { shape: y.shape, data: want.dataSync() }, { rtol: 1e-5, atol: 1e-6 }, 'y');
    // unbatched [H, W, C] gives [H', W', out]
    const x3 = tf.tidy(() => tf.squeeze(tf.slice(x, [1, 0, 0, 0], [1, -1, -1, -1]), [0]));
    const y3 = conv.forward(x3);
    const want3 = tf.tidy(() => tf.reshape(tf.slice(y, [1, 0, 0, 0], [1, -1, -1, -1]), [3, 3, 3]));
    assertClose(y3, { shape: [3, 3, 3], data: want3.dataSync() }, { rtol: 1e-6, atol: 1e-6 }, 'unbatched');
    tf.dispose([x, y, patches, want, x3, y3, want3]);
    conv.dispose();
  });

  it('gradients in x and the layer parameters match finite differences (stride and dilation > 1)', async () => {
    await initBackend({ backend });
    const conv = new KANConv2d({
      inChannels: 2,
      outChannels: 2,
      kernelSize: 2,
      stride: 2,
      padding: 1,
      dilation: 2,
      layer: (i, o, rng) => new ChebyKANLayer({ inputDim: i, outputDim: o, degree: 2, rng }),
      seed: 3,
    });
    const x = tf.tidy(() => createRng(5).uniformTensor([1, 4, 5, 2], -1, 1));
    expect(checkModuleGradients(conv, x, { eps: 1e-2 })).toEqual(['layer.cheby_coeffs', 'x']);
    x.dispose();
    conv.dispose();
  });
});

describe('KANConv2d options and errors', () => {
  it('defaults to KANLinear under `layer.` (efficient-kan names), NHWC shapes', async () => {
    await initBackend({ backend: 'cpu' });
    const conv = new KANConv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1 });
    expect(conv.layer).toBeInstanceOf(KANLinear);
    expect(Object.keys(conv.stateDict())).toEqual(['layer.base_weight', 'layer.spline_weight', 'layer.spline_scaler', 'layer.grid']);
    expect(conv.stateDict()['layer.base_weight'].shape).toEqual([4, 27]);
    const x = tf.zeros([2, 6, 5, 3]);
    const y = conv.forward(x);
    expect(y.shape).toEqual([2, 6, 5, 4]);
    // seeded: same seed, same weights
    const again = new KANConv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1 });
    expect(Array.from(again.stateDict()['layer.spline_weight'].dataSync())).toEqual(Array.from(conv.stateDict()['layer.spline_weight'].dataSync()));
    tf.dispose([x, y]);
    conv.dispose();
    again.dispose();
  });

  it('rejects bad options, layers and inputs with clear errors, leaving nothing behind', async () => {
    await initBackend({ backend: 'cpu' });
    const before = tf.engine().state.numTensors;
    expect(() => new KANConv2d({ inChannels: 0, outChannels: 2, kernelSize: 3 })).toThrow(/^KANConv2d: argument inChannels: invalid value/);
    expect(() => new KANConv2d({ inChannels: 1, outChannels: 2, kernelSize: [3, 3, 3] as never })).toThrow(/argument kernelSize: invalid value/);
    expect(() => new KANConv2d({ inChannels: 1, outChannels: 2, kernelSize: 3, padding: -1 })).toThrow(/argument padding: invalid value/);
    expect(() => new KANConv2d({ inChannels: 1, outChannels: 2, kernelSize: 3, stride: 0 })).toThrow(/argument stride: invalid value/);
    const wrongOut = (i: number, _o: number, rng: Rng) => new ChebyKANLayer({ inputDim: i, outputDim: 5, degree: 2, rng });
    expect(() => new KANConv2d({ inChannels: 2, outChannels: 3, kernelSize: 2, layer: wrongOut })).toThrow(ConfigError);
    expect(() => new KANConv2d({ inChannels: 2, outChannels: 3, kernelSize: 2, layer: wrongOut })).toThrow(
      /^KANConv2d: argument layer: the layer does not map patches to output channels \(expected \[P, 8\] -> \[P, 3\] \(inChannels\*kh\*kw -> outChannels\), got \[1, 8\] -> \[1, 5\]\)/,
    );
    const wrongIn = (_i: number, o: number, rng: Rng) => new ChebyKANLayer({ inputDim: 3, outputDim: o, degree: 2, rng });
    expect(() => new KANConv2d({ inChannels: 2, outChannels: 3, kernelSize: 2, layer: wrongIn })).toThrow(
      /got an error for \[1, 8\]: .*wrong size of the last dim/,
    );
    expect(() => new KANConv2d({ inChannels: 2, outChannels: 3, kernelSize: 2, layer: (() => ({})) as never })).toThrow(/must return a Module/);
    expect(tf.engine().state.numTensors).toBe(before);

    const conv = new KANConv2d({
      inChannels: 2,
      outChannels: 3,
      kernelSize: 3,
      dilation: 2,
      layer: (i, o, rng) => new ChebyKANLayer({ inputDim: i, outputDim: o, degree: 2, rng }),
    });
    const bad = [tf.zeros([1, 6, 6, 3]), tf.zeros([6, 6]), tf.zeros([1, 4, 6, 2]), tf.zeros([1, 6, 6, 2], 'int32')];
    expect(() => conv.forward(bad[0])).toThrow(ShapeError);
    expect(() => conv.forward(bad[0])).toThrow(
      /^KANConv2d\.forward: argument x: wrong shape \(expected \[N, H, W, 2\] or \[H, W, 2\] \(NHWC, inChannels\), got \[1, 6, 6, 3\]\)/,
    );
    expect(() => conv.forward(bad[1])).toThrow(/wrong shape/);
    expect(() => conv.forward(bad[2])).toThrow(
      /^KANConv2d\.unfold: argument x: input smaller than the dilated kernel \(expected H \+ 2\*0 >= 5 and W \+ 2\*0 >= 5, got \[1, 4, 6, 2\]\)/,
    );
    expect(() => conv.forward(bad[3])).toThrow(/wrong dtype/);
    tf.dispose(bad);
    conv.dispose();
  });

  it('the unfold filter is a non-persistent buffer (not in the state dict) freed by dispose', async () => {
    await initBackend({ backend: 'cpu' });
    const before = tf.engine().state.numTensors;
    const conv = new KANConv2d({
      inChannels: 2,
      outChannels: 2,
      kernelSize: 2,
      layer: (i, o, rng) => new ChebyKANLayer({ inputDim: i, outputDim: o, degree: 1, rng }),
    });
    expect(conv.namedBuffers().map(([n]) => n)).toEqual(['unfold_filter']);
    expect(Object.keys(conv.stateDict())).toEqual(['layer.cheby_coeffs']);
    expect(conv).toBeInstanceOf(Module);
    conv.dispose();
    expect(tf.engine().state.numTensors).toBe(before);
  });
});
