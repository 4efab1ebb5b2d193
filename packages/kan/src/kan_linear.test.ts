import { uniformGrid } from '@basiskit/kernels';
import { createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose, loadCase, specTensor } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { curve2coef, splineBases } from './curve_fit';
import { KANLinear } from './kan_linear';

describe.each(['cpu', 'wasm'] as const)('KANLinear on %s', (backend) => {
  it('matches efficient-kan golden vectors (y and every gradient), loaded by state-dict name', async () => {
    await initBackend({ backend });
    const c = loadCase('efficient_kan_linear_i5_o3_g5_k3');
    expect(Object.keys(c.params).sort()).toEqual(['base_weight', 'spline_scaler', 'spline_weight']); // no grid: the default one
    const layer = new KANLinear({ inFeatures: 5, outFeatures: 3, gridSize: 5, splineOrder: 3 });
    const sd = {
      base_weight: specTensor(c.params.base_weight),
      spline_weight: specTensor(c.params.spline_weight),
      spline_scaler: specTensor(c.params.spline_scaler),
      grid: uniformGrid(5, 5, 3, [-1, 1]),
    };
    layer.loadStateDict(sd);
    const x = specTensor(c.inputs.x);
    const r = specTensor(c.r);
    const y = layer.forward(x);
    const bases = splineBases(x, layer.grid, 3);
    const vars = [layer.base_weight.value, layer.spline_weight.value, layer.spline_scaler!.value];
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x), r)) as tf.Scalar, vars);
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.forward(xx), r)))(x);
    assertClose(y, c.outputs.y as never, c.tolerance, 'y');
    assertClose(bases, c.outputs.bases as never, c.tolerance, 'bases');
    assertClose(dx, c.grads.x as never, c.tolerance, 'dx');
    assertClose(grads[vars[0].name], c.grads.base_weight as never, c.tolerance, 'dbase_weight');
    assertClose(grads[vars[1].name], c.grads.spline_weight as never, c.tolerance, 'dspline_weight');
    assertClose(grads[vars[2].name], c.grads.spline_scaler as never, c.tolerance, 'dspline_scaler');
    // the cached per-edge path computes the same function and gradients
    const yc = layer.forward(x, { cache: true });
    assertClose(yc, c.outputs.y as never, c.tolerance, 'y (cache)');
    const gc = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x, { cache: true }), r)) as tf.Scalar, vars);
    assertClose(gc.grads[vars[1].name], c.grads.spline_weight as never, c.tolerance, 'dspline_weight (cache)');
    expect(layer.activations!.postacts.shape).toEqual([7, 3, 5]);
    tf.dispose([x, r, y, yc, bases, dx, value, gc.value, ...Object.values(grads), ...Object.values(gc.grads), ...Object.values(sd)]);
    layer.dispose();
  });

  it('forward accepts [..., in] and has finite-difference-correct gradients in x and every parameter', async () => {
    await initBackend({ backend });
    const layer = new KANLinear({ inFeatures: 3, outFeatures: 2, gridSize: 4, seed: 3 });
    const x = tf.tidy(() => createRng(1).uniformTensor([2, 2, 3], -0.9, 0.9));
    const y = layer.forward(x);
    expect(y.shape).toEqual([2, 2, 2]);
    const [bw, sw, ss] = [layer.base_weight.value, layer.spline_weight.value, layer.spline_scaler!.value];
    // gradients through the layer's own variables: compare variableGrads with finite differences of a pure function
    const pure = (xx: tf.Tensor, b: tf.Tensor, s: tf.Tensor, sc: tf.Tensor) =>
      tf.tidy(() => {
        const x2 = tf.reshape(xx, [-1, 3]);
        const w = tf.mul(s, tf.expandDims(sc, -1));
        const spl = tf.matMul(tf.reshape(splineBases(x2, layer.grid, 3), [x2.shape[0], -1]), tf.reshape(w, [2, -1]), false, true);
        return tf.add(tf.matMul(tf.mul(x2, tf.sigmoid(x2)), b, false, true), spl);
      });
    gradCheck(pure, [x, bw, sw, ss], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    // the layer computes the pure function
    const a = tf.tidy(() => tf.reshape(layer.forward(x), [-1, 2]));
    const b = pure(x, bw, sw, ss);
    assertClose(a, { shape: b.shape, data: b.dataSync() }, { rtol: 1e-5, atol: 1e-6 }, 'layer vs pure');
    gradCheck((xx) => layer.forward(xx), [x], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    tf.dispose([x, y, a, b]);
    layer.dispose();
  });
});

describe('KANLinear init and options', () => {
  it('initializes as efficient-kan: base bound 1/sqrt(in), spline weights tiny, seeded and reproducible', async () => {
    await initBackend({ backend: 'cpu' });
    const a = new KANLinear({ inFeatures: 16, outFeatures: 8, seed: 5 });
    const b = new KANLinear({ inFeatures: 16, outFeatures: 8, seed: 5 });
    const c = new KANLinear({ inFeatures: 16, outFeatures: 8, seed: 6 });
    const bw = a.base_weight.value.dataSync();
    const bound = 1 / Math.sqrt(16);
    expect(Math.max(...Array.from(bw, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(bw, Math.abs))).toBeGreaterThan(0.8 * bound);
    expect(Array.from(a.spline_weight.value.dataSync())).toEqual(Array.from(b.spline_weight.value.dataSync()));
    expect(Array.from(a.spline_weight.value.dataSync())).not.toEqual(Array.from(c.spline_weight.value.dataSync()));
    // spline curves at the grid points reproduce the noise (|noise| <= 0.5 * 0.1 / 5)
    const maxW = Math.max(...Array.from(a.spline_weight.value.dataSync(), Math.abs));
    expect(maxW).toBeLessThan(0.05);
    expect(maxW).toBeGreaterThan(1e-4);
    expect(a.stateDict()).toHaveProperty('grid');
    expect(Object.keys(a.stateDict()).sort()).toEqual(['base_weight', 'grid', 'spline_scaler', 'spline_weight']);
    const ns = new KANLinear({ inFeatures: 2, outFeatures: 2, standaloneScaleSpline: false });
    expect(ns.spline_scaler).toBeNull();
    expect(Object.keys(ns.stateDict()).sort()).toEqual(['base_weight', 'grid', 'spline_weight']);
    for (const m of [a, b, c, ns]) m.dispose();
  });

  it('curve2coef recovers spline coefficients from samples of the spline', async () => {
    await initBackend({ backend: 'cpu' });
    const layer = new KANLinear({ inFeatures: 2, outFeatures: 3, gridSize: 6, seed: 2 });
    const x = tf.tidy(() => createRng(4).uniformTensor([200, 2], -1, 1));
    const w = tf.tidy(() => createRng(5).normalTensor([3, 2, 9]));
    const y = tf.tidy(() => tf.einsum('nij,oij->nio', splineBases(x, layer.grid, 3), w));
    const coef = curve2coef(x, y, layer.grid, 3);
    assertClose(coef, { shape: w.shape, data: w.dataSync() }, { rtol: 1e-3, atol: 1e-3 }, 'coef');
    tf.dispose([x, w, y, coef]);
    layer.dispose();
  });

  it('splineEdgeValues is the spline branch per edge, the one computation behind forward with cache, updateGrid and refine', async () => {
    await initBackend({ backend: 'cpu' });
    const layer = new KANLinear({ inFeatures: 3, outFeatures: 2, gridSize: 4, seed: 6 });
    const x = tf.tidy(() => createRng(7).uniformTensor([9, 3], -1, 1));
    const v = layer.splineEdgeValues(x); // [N, in, out]
    expect(v.shape).toEqual([9, 3, 2]);
    // by definition: sum_b B_b(x_i) * spline_weight[o, i, b] * spline_scaler[o, i]
    const want = tf.tidy(() => tf.einsum('nib,oib->nio', splineBases(x, layer.grid, 3), layer.scaledSplineWeight()));
    assertClose(v, { shape: want.shape, data: want.dataSync() }, { rtol: 1e-5, atol: 1e-6 }, 'definition');
    // with the base branch, summed over the inputs, it is the layer's output
    const y = layer.forward(x);
    const sum = tf.tidy(() => tf.add(tf.sum(v, 1), tf.matMul(tf.mul(x, tf.sigmoid(x)), layer.base_weight.value, false, true)));
    assertClose(y, { shape: sum.shape, data: sum.dataSync() }, { rtol: 1e-5, atol: 1e-6 }, 'forward');
    // masked: zero on a symbolic edge; unmasked: the edge's own spline, kept for a later unfix
    layer.fixSymbolic(1, 0, 'x', { fit: false });
    const m = layer.splineEdgeValues(x, { masked: true });
    const u = layer.splineEdgeValues(x);
    const [ma, ua, va] = [m, u, v].map((t) => t.arraySync() as number[][][]);
    for (let n = 0; n < 9; n++) {
      expect(ma[n][1][0]).toBe(0);
      expect(ma[n][1][1]).toBe(va[n][1][1]);
      expect(ua[n][1][0]).toBe(va[n][1][0]);
    }
    const x3 = tf.zeros([2, 3, 3]);
    expect(() => layer.splineEdgeValues(x3)).toThrow(/^KANLinear\.splineEdgeValues: argument x: wrong rank/);
    tf.dispose([x, x3, v, want, y, sum, m, u]);
    layer.dispose();
  });

  it('rejects bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    expect(() => new KANLinear({ inFeatures: 0, outFeatures: 2 })).toThrow(/argument inFeatures: invalid value/);
    expect(() => new KANLinear({ inFeatures: 2, outFeatures: 2, gridSize: 2.5 })).toThrow(/argument gridSize/);
    expect(() => new KANLinear({ inFeatures: 2, outFeatures: 2, baseActivation: 'nope' })).toThrow(/unknown activation/);
    expect(() => new KANLinear({ inFeatures: 2, outFeatures: 2, gridEps: 1.5 })).toThrow(
      /^KANLinear: argument gridEps: invalid value \(expected a finite number >= 0 <= 1, got 1\.5\)/,
    );
    expect(() => new KANLinear({ inFeatures: 2, outFeatures: 2, gridRange: [1, -1] })).toThrow(/^KANLinear: argument gridRange: invalid value/);
    expect(() => new KANLinear({ inFeatures: 2, outFeatures: 2, grid_size: 3 } as never)).toThrow(/^KANLinear: argument options: unknown option "grid_size"/);
    const layer = new KANLinear({ inFeatures: 4, outFeatures: 2 });
    const x = tf.zeros([3, 5]);
    expect(() => layer.forward(x)).toThrow(/KANLinear\.forward: argument x: wrong size of the last dim \(expected \[\.\.\., 4\]/);
    tf.dispose(x);
    layer.dispose();
  });
});
