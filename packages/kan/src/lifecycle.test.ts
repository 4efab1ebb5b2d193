// Lifecycle and edge inputs across the package: dispose frees everything a module holds (caches
// and symbolic branches included) and a disposed module names itself from any method; every
// layer maps an empty batch [0, in] to [0, out] with gradients and no leaked tensors; the fitting
// tools refuse empty inputs with errors that name where.
import { BasiskitError, DisposedError, ShapeError, createRng, initBackend, tf, type Module } from '@basiskit/tensor';
import { describe, expect, it } from 'vitest';
import { ChebyKANLayer } from './chebykan_layer';
import { FastKANLayer } from './fastkan_layer';
import { FourierKANLayer } from './fourierkan_layer';
import { GRKANLinear } from './gr_kan_linear';
import { KAN } from './kan';
import { KANConv2d } from './kan_conv2d';
import { KANLinear } from './kan_linear';
import { KATBlock } from './kat_block';
import { ReLUKANLayer } from './relukan_layer';
import { SelectableKANLayer } from './selectable_kan_layer';

const LAYERS: [string, () => Module, number, number][] = [
  ['KANLinear', () => new KANLinear({ inFeatures: 3, outFeatures: 2, seed: 1 }), 3, 2],
  ['KAN', () => new KAN({ layers: [3, 4, 2], seed: 1 }), 3, 2],
  ['FastKANLayer', () => new FastKANLayer({ inputDim: 3, outputDim: 2, seed: 1 }), 3, 2],
  ['ChebyKANLayer', () => new ChebyKANLayer({ inputDim: 3, outputDim: 2, degree: 3, seed: 1 }), 3, 2],
  ['FourierKANLayer', () => new FourierKANLayer({ inputDim: 3, outputDim: 2, gridSize: 3, seed: 1 }), 3, 2],
  ['ReLUKANLayer', () => new ReLUKANLayer({ inputSize: 3, g: 3, k: 2, outputSize: 2, seed: 1 }), 3, 2],
  ['GRKANLinear', () => new GRKANLinear({ inFeatures: 4, outFeatures: 2, groups: 2, seed: 1 }), 4, 2],
  ['KATBlock', () => new KATBlock({ inFeatures: 4, groups: 2, seed: 1 }), 4, 4],
  ['SelectableKANLayer', () => new SelectableKANLayer({ inFeatures: 4, outFeatures: 2, seed: 1 }), 4, 2],
];

describe.each(['cpu', 'wasm'] as const)('empty batches on %s', (backend) => {
  it.each(LAYERS)('%s maps [0, in] to [0, out] (and [2, 0, in] to [2, 0, out]) with gradients, leaking nothing', async (_name, make, inF, outF) => {
    await initBackend({ backend });
    const layer = make();
    const before = tf.engine().state.numTensors;
    for (const lead of [[0], [2, 0]]) {
      const x = tf.zeros([...lead, inF]);
      const y = layer.forward(x);
      expect(y.shape).toEqual([...lead, outF]);
      const dx = tf.grad((xx: tf.Tensor) => tf.sum(layer.forward(xx)))(x);
      expect(dx.shape).toEqual(x.shape);
      const vars = layer.trainableVariables();
      const { value, grads } = tf.variableGrads(() => tf.sum(layer.forward(x)) as tf.Scalar, vars);
      expect(vars.map((v) => grads[v.name].shape)).toEqual(vars.map((v) => v.shape));
      // (tfjs-wasm's Sum and XNNPACK's matMul of empty operands return uninitialized memory: values checked on cpu)
      if (backend === 'cpu') for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
      tf.dispose([x, y, dx, value, ...Object.values(grads)]);
    }
    expect(tf.engine().state.numTensors).toBe(before);
    layer.dispose();
  });

  it('KANConv2d maps an empty image batch; KANLinear caches an empty pass', async () => {
    await initBackend({ backend });
    const conv = new KANConv2d({ inChannels: 2, outChannels: 3, kernelSize: 2, seed: 1 });
    const x = tf.zeros([0, 4, 4, 2]);
    const y = conv.forward(x);
    expect(y.shape).toEqual([0, 3, 3, 3]);
    const layer = new KANLinear({ inFeatures: 3, outFeatures: 2 });
    const e = tf.zeros([0, 3]);
    const yc = layer.forward(e, { cache: true });
    expect(yc.shape).toEqual([0, 2]);
    expect(layer.activations!.postacts.shape).toEqual([0, 2, 3]);
    const sv = layer.splineEdgeValues(e);
    expect(sv.shape).toEqual([0, 3, 2]);
    const g = tf.variableGrads(() => tf.sum(layer.forward(e, { cache: true })) as tf.Scalar, layer.trainableVariables());
    expect(Object.keys(g.grads).length).toBe(3);
    tf.dispose([sv, g.value, ...Object.values(g.grads)]);
    // the tools need samples: edge scales need two (a standard deviation)
    expect(() => layer.edgeScales()).toThrow(ShapeError);
    expect(() => layer.edgeScales()).toThrow(/^KANLinear\.edgeScales: argument activations: too few cached samples/);
    tf.dispose([x, y, e, yc]);
    conv.dispose();
    layer.dispose();
  });
});

describe('fitting tools on empty inputs', () => {
  it('updateGrid and refine refuse x with no rows (ShapeError naming the layer), changing nothing', async () => {
    await initBackend({ backend: 'cpu' });
    const model = new KAN({ layers: [3, 2], seed: 2 });
    const layer = model.layers.at(0);
    const grid = layer.grid.dataSync().slice();
    const w = layer.spline_weight.value.dataSync().slice();
    const x = tf.zeros([0, 3]);
    // before: a raw tfjs error from gather and a leaked tensor (updateGrid), zeroed splines (refine)
    expect(() => layer.updateGrid(x)).toThrow(ShapeError);
    expect(() => layer.updateGrid(x)).toThrow(/^layers\.0 \(KANLinear\)\.updateGrid: argument x: no samples/);
    expect(() => model.updateGrid(x)).toThrow(/^layers\.0 \(KANLinear\)\.updateGrid: argument x: no samples/);
    expect(() => layer.refine(7, { x })).toThrow(/^layers\.0 \(KANLinear\)\.refine: argument x: no samples/);
    expect(() => model.refine(7, { x })).toThrow(/refine: argument x: no samples/);
    expect(Array.from(layer.grid.dataSync())).toEqual(Array.from(grid));
    expect(Array.from(layer.spline_weight.value.dataSync())).toEqual(Array.from(w));
    const narrow = tf.zeros([4, 2]);
    expect(() => layer.updateGrid(narrow)).toThrow(/^layers\.0 \(KANLinear\)\.updateGrid: argument x: wrong size of the last dim/);
    expect(() => layer.updateGrid(x, { margin: -1 })).toThrow(/argument margin: invalid value/);
    tf.dispose([x, narrow]);
    model.dispose();
  });
});

describe('dispose', () => {
  it('a KAN frees every layer, cached activation and symbolic branch; dispose is idempotent', async () => {
    await initBackend({ backend: 'cpu' });
    const before = tf.engine().state.numTensors;
    const model = new KAN({ layers: [2, 3, 1], seed: 1 });
    model.fixSymbolic(0, 1, 2, 'sin', { fit: false });
    const x = createRng(1).uniformTensor([8, 2], -1, 1);
    tf.dispose(model.forward(x, { cache: true }));
    x.dispose();
    expect(model.layers.at(0).activations).not.toBeNull();
    model.dispose();
    model.dispose();
    expect(tf.engine().state.numTensors).toBe(before);
    expect(model.layers.at(1).isDisposed).toBe(true);
  });

  it('KANConv2d with a caching patch layer frees the cache (before: 2 tensors leaked)', async () => {
    await initBackend({ backend: 'cpu' });
    const before = tf.engine().state.numTensors;
    const conv = new KANConv2d({ inChannels: 1, outChannels: 2, kernelSize: 2, seed: 1 });
    (conv.layer as KANLinear).cacheActivations = true;
    const x = tf.ones([1, 3, 3, 1]);
    tf.dispose(conv.forward(x));
    x.dispose();
    expect((conv.layer as KANLinear).activations).not.toBeNull();
    conv.dispose();
    expect(tf.engine().state.numTensors).toBe(before);
  });

  it('after dispose, forward, loadStateDict and every tool throw a DisposedError naming the module and method', async () => {
    await initBackend({ backend: 'cpu' });
    const model = new KAN({ layers: [2, 2, 1], seed: 1 });
    const layer = model.layers.at(0);
    const sd = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]));
    const x = tf.zeros([4, 2]);
    model.dispose();
    const cases: [() => unknown, RegExp][] = [
      [() => model.forward(x), /^KAN\.forward: module used after dispose\(\)/],
      [() => model.updateGrid(x), /^KAN\.updateGrid: module used after dispose\(\)/],
      [() => model.loadStateDict(sd), /^KAN\.loadStateDict: module used after dispose\(\)/],
      [() => model.prune(), /^KAN\.prune: module used after dispose\(\)/],
      [() => model.autoSymbolic(), /^KAN\.autoSymbolic: module used after dispose\(\)/],
      [() => model.refine(10), /^KAN\.refine: module used after dispose\(\)/],
      [() => model.regularizationLoss(), /^KAN\.regularizationLoss: module used after dispose\(\)/],
      [() => model.fixSymbolic(0, 0, 0, 'x'), /^KAN\.fixSymbolic: module used after dispose\(\)/],
      [() => model.symbolicFormula(), /^KAN\.symbolicFormula: module used after dispose\(\)/],
      [() => layer.forward(x), /^layers\.0 \(KANLinear\)\.forward: module used after dispose\(\)/],
      [() => layer.updateGrid(x), /^layers\.0 \(KANLinear\)\.updateGrid: module used after dispose\(\)/],
      // before: fixSymbolic on a disposed layer succeeded and allocated a new symbolic branch
      [() => layer.fixSymbolic(0, 0, 'x', { fit: false }), /^layers\.0 \(KANLinear\)\.fixSymbolic: module used after dispose\(\)/],
      [() => layer.edgeCurves(), /^layers\.0 \(KANLinear\)\.edgeCurves: module used after dispose\(\)/],
      [() => layer.loadStateDict({}), /^layers\.0 \(KANLinear\)\.loadStateDict: module used after dispose\(\)/],
    ];
    const before = tf.engine().state.numTensors;
    for (const [call, message] of cases) {
      expect(call).toThrow(DisposedError);
      expect(call).toThrow(message);
    }
    expect(tf.engine().state.numTensors).toBe(before);
    const skan = new SelectableKANLayer({ inFeatures: 2, outFeatures: 2, bases: ['chebyshev'] });
    const conv = new KANConv2d({ inChannels: 1, outChannels: 1, kernelSize: 1 });
    skan.dispose();
    conv.dispose();
    expect(() => skan.freeze()).toThrow(/^SelectableKANLayer\.freeze: module used after dispose\(\)/);
    expect(() => conv.unfold(x)).toThrow(/^KANConv2d\.unfold: module used after dispose\(\)/);
    expect(() => skan.freeze()).toThrow(BasiskitError);
    tf.dispose([x, ...Object.values(sd)]);
  });
});
