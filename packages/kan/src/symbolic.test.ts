import { createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { curve2coef } from './curve_fit';
import { KAN } from './kan';
import { KANLinear } from './kan_linear';
import { fitParams } from './symbolic';
import { SYMBOLIC_LIB, getSymbolic, symbolicNames } from './symbolic_library';

/** Sets edge i -> j of a 1-output layer to g (spline fitted over the grid range, base weight 0). */
function setEdges(layer: KANLinear, g: (x: number, i: number, j: number) => number): void {
  const xs = layer.gridRangeSamples(200);
  const rows = xs.arraySync() as number[][];
  const y = tf.tensor3d(rows.map((r) => r.map((v, i) => Array.from({ length: layer.outFeatures }, (_, j) => g(v, i, j)))));
  const coef = curve2coef(xs, y, layer.grid, layer.splineOrder);
  layer.setScaledSplineWeight(coef);
  const z = tf.zerosLike(layer.base_weight.value);
  layer.base_weight.assign(z);
  tf.dispose([xs, y, coef, z]);
}

describe.each(['cpu', 'wasm'] as const)('symbolic library on %s', (backend) => {
  it('has >= 20 functions, finite everywhere, tensor and scalar forms agree, gradients finite at singularities', async () => {
    await initBackend({ backend });
    expect(symbolicNames.length).toBeGreaterThanOrEqual(20);
    for (const n of [
      'x',
      'x^2',
      'x^3',
      'x^4',
      '1/x',
      '1/x^2',
      'sqrt',
      'x^1.5',
      '1/sqrt(x)',
      'exp',
      'log',
      'abs',
      'sin',
      'cos',
      'tan',
      'tanh',
      'sigmoid',
      'sgn',
      'arcsin',
      'arctan',
      'arctanh',
      'gaussian',
      '0',
      'cosh',
      'J0',
    ]) {
      expect(symbolicNames).toContain(n);
    }
    const pts = [-20, -3, -1.5, -1, -0.5, -1e-4, 0, 1e-4, 0.3, 1, 1.5, 2, 7, 20];
    const x = tf.tensor1d(pts);
    for (const name of symbolicNames) {
      const f = SYMBOLIC_LIB[name];
      const y = f.tensor(x);
      const got = y.dataSync();
      const dy = tf.grad((t: tf.Tensor) => tf.sum(f.tensor(t)))(x);
      pts.forEach((p, k) => {
        expect(Number.isFinite(got[k]), `${name}(${p})`).toBe(true);
        const want = f.scalar(p);
        expect(Math.abs(got[k] - want), `${name}(${p}): ${got[k]} vs ${want}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
      });
      expect(Array.from(dy.dataSync()).every(Number.isFinite), `d ${name}`).toBe(true);
      tf.dispose([y, dy]);
    }
    // on the natural domain they are the plain functions
    expect(getSymbolic('log').scalar(2.5)).toBeCloseTo(Math.log(2.5), 12);
    expect(getSymbolic('1/x').scalar(0.25)).toBe(4);
    expect(getSymbolic('sqrt').scalar(2)).toBeCloseTo(Math.SQRT2, 12);
    expect(getSymbolic('arctanh').scalar(0.5)).toBeCloseTo(Math.atanh(0.5), 12);
    expect(() => getSymbolic('bessel')).toThrow(/unknown symbolic function/);
    // Bessel J0 (A&S 9.4.1 / 9.4.3) against reference values, its derivative -J1(1) = -0.44005
    const j0 = getSymbolic('J0');
    for (const [p, want] of [
      [0, 1],
      [1, 0.7651976866],
      [-3, -0.2600519549],
      [5, -0.1775967713],
      [20, 0.1670246643],
      [2.404825557695773, 0],
    ]) {
      expect(Math.abs(j0.scalar(p) - want), `J0(${p})`).toBeLessThan(1e-7);
    }
    const one = tf.scalar(1);
    const dj = tf.grad((t: tf.Tensor) => tf.sum(j0.tensor(t)))(one);
    expect(dj.dataSync()[0]).toBeCloseTo(-0.4400505857, 4);
    tf.dispose([one, dj]);
    tf.dispose(x);
  });

  it('the symbolic branch c f(a x + b) + d is differentiable in x and the affine parameters', async () => {
    await initBackend({ backend });
    const layer = new KANLinear({ inFeatures: 2, outFeatures: 2, seed: 1 });
    layer.fixSymbolic(0, 1, 'sin', { fit: false, params: [1.3, 0.2, 0.7, -0.1] });
    layer.fixSymbolic(1, 0, 'x^2', { fit: false, params: [0.8, 0.1, 1.1, 0.3] });
    layer.fixSymbolic(1, 1, 'sin', { fit: false, params: [-0.5, 0.4, 0.9, 0.05] });
    const x = createRng(2).uniformTensor([5, 2], -1, 1);
    gradCheck((xx) => layer.forward(xx), [x], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    // affine gradients (the layer's own variable) against central differences
    const aff = layer.symbolic!.affine.value;
    const saved = aff.clone();
    const r = createRng(3).uniformTensor([5, 2], 0.5, 1.5);
    const lossAt = () => tf.tidy(() => tf.sum(tf.mul(layer.forward(x), r)).dataSync()[0]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x), r)) as tf.Scalar, [aff]);
    const g = grads[aff.name].dataSync();
    const base = saved.dataSync();
    for (let e = 0; e < base.length; e++) {
      const shifted = (d: number) => {
        const v = base.slice();
        v[e] += d;
        const t = tf.tensor3d(v, [2, 2, 4]);
        aff.assign(t);
        t.dispose();
        return lossAt();
      };
      const numeric = (shifted(1e-2) - shifted(-1e-2)) / 2e-2;
      expect(Math.abs(numeric - g[e]), `affine[${e}]`).toBeLessThan(1e-2 * Math.max(1, Math.abs(g[e])));
    }
    aff.assign(saved);
    tf.dispose([r, value, ...Object.values(grads)]);
    // symbolic edges replace the numeric ones: output j = sum of numeric edges (masked) + symbolic
    const acts = layer.edgeActivations(x as tf.Tensor2D);
    const xs = x.arraySync() as number[][];
    const post = acts.postacts.arraySync() as number[][][];
    const num = acts.postactsNumeric.arraySync() as number[][][];
    xs.forEach((r, n) => {
      expect(num[n][1][0]).toBe(0);
      expect(post[n][1][0]).toBeCloseTo(0.7 * Math.sin(1.3 * r[0] + 0.2) - 0.1, 5);
      expect(post[n][0][1]).toBeCloseTo(1.1 * (0.8 * r[1] + 0.1) ** 2 + 0.3, 5);
    });
    tf.dispose([x, saved, acts.preacts, acts.postacts, acts.postactsNumeric]);
    layer.dispose();
  });
});

describe('symbolic fitting', () => {
  it("fitParams recovers pykan's docstring example y = 5 sin(3x + 2) + 0.7 (+ noise)", async () => {
    await initBackend({ backend: 'cpu' });
    const rng = createRng(0);
    const xs = Array.from({ length: 100 }, (_, i) => -1 + (2 * i) / 99);
    const ys = xs.map((v) => 5 * Math.sin(3 * v + 2) + 0.7 + 0.02 * rng.normal());
    const { params, r2 } = fitParams(xs, ys, 'sin');
    expect(r2).toBeGreaterThan(0.9999);
    const [a, b, c, d] = params;
    // sin(3x + 2) = sin(-3x + pi - 2): either branch is the same function
    const pred = xs.map((v) => c * Math.sin(a * v + b) + d);
    const err = Math.max(...pred.map((p, i) => Math.abs(p - (5 * Math.sin(3 * xs[i] + 2) + 0.7))));
    expect(err).toBeLessThan(0.05);
    expect(Math.abs(a)).toBeCloseTo(3, 1);
  });

  it('suggestSymbolic ranks the true function first; fixSymbolic keeps the edge; symbolicFormula composes layers', async () => {
    await initBackend({ backend: 'wasm' });
    const model = new KAN({ layers: [2, 1, 1], gridSize: 10, seed: 3 });
    const [l0, l1] = model.layerArray();
    setEdges(l0, (v, i) => (i === 0 ? Math.sin(Math.PI * v) : v * v));
    const x = createRng(9).uniformTensor([300, 2], -1, 1);
    const h = l0.forward(x);
    l1.updateGrid(h); // the hidden node spans about [-1, 2]
    setEdges(l1, (v) => Math.exp(v));
    h.dispose();
    tf.dispose(model.forward(x, { cache: true }));
    const lib = ['x', 'x^2', 'x^3', 'exp', 'sin', 'tanh', 'abs'];
    const top = model.suggestSymbolic(0, 0, 0, { lib, maxSamples: 100 });
    expect(top[0].name).toBe('sin');
    expect(top[0].r2).toBeGreaterThan(0.999);
    expect(top.length).toBe(5);
    expect(top.map((t) => t.score)).toEqual([...top.map((t) => t.score)].sort((p, q) => p - q));
    expect(l0.suggestSymbolic(1, 0, { lib, maxSamples: 100 })[0].name).toBe('x^2');
    expect(l1.suggestSymbolic(0, 0, { lib, maxSamples: 100 })[0].name).toBe('exp');
    const report = model.autoSymbolic({ lib, maxSamples: 100 });
    expect(report.map((r) => r.name)).toEqual(['sin', 'x^2', 'exp']);
    const formula = model.symbolicFormula({ digits: 4, variables: ['x', 'y'] });
    expect(formula.formulas[0]).toMatch(/exp\(sin\(3\.14\d*\*x\) \+ y\^2\)/);
    const rows = (x.arraySync() as number[][]).slice(0, 50);
    const pred = formula.evaluate(rows);
    rows.forEach((r, n) => expect(Math.abs(pred[n][0] - Math.exp(Math.sin(Math.PI * r[0]) + r[1] * r[1]))).toBeLessThan(0.05));
    // the formula is what the symbolic network computes
    const netT = tf.tidy(() => model.forward(tf.tensor2d(rows)));
    const net = netT.dataSync();
    netT.dispose();
    rows.forEach((_, n) => expect(Math.abs(net[n] - pred[n][0])).toBeLessThan(5e-3));
    tf.dispose(x);
    model.dispose();
  });

  it('symbolicFormula folds affine maps, rounds to the precision, and needs every edge symbolic', async () => {
    await initBackend({ backend: 'cpu' });
    const model = new KAN({ layers: [2, 1], seed: 0 });
    const layer = model.layers.at(0);
    expect(() => model.symbolicFormula()).toThrow(/^KAN\.symbolicFormula: argument layers\.0 edge 0 -> 0: edge is not symbolic/);
    model.fixSymbolic(0, 0, 0, 'x', { fit: false, params: [2, 1, 3, 0.5] }); // 3 (2 x1 + 1) + 0.5 = 6 x1 + 3.5
    layer.fixSymbolic(1, 0, 'cos', { fit: false, params: [1.23456, 0, -1, 0.25] });
    const f = model.symbolicFormula({ digits: 3 });
    expect(f.formulas[0]).toBe('6*x_1 - cos(1.23*x_2) + 3.75');
    expect(f.evaluate([[1, 0]])[0][0]).toBeCloseTo(6 - 1 + 3.75, 12);
    const y = tf.tidy(() => layer.forward(tf.tensor2d([[0.5, 0.2]])));
    expect(y.dataSync()[0]).toBeCloseTo(3 + 3.5 - Math.cos(1.23456 * 0.2) + 0.25, 5);
    y.dispose();
    model.dispose();
  });

  it('edgeCurves samples every edge across its grid range, numeric and symbolic', async () => {
    await initBackend({ backend: 'cpu' });
    const layer = new KANLinear({ inFeatures: 2, outFeatures: 3, gridRange: [-2, 2], seed: 0 });
    layer.fixSymbolic(1, 2, 'x^2', { fit: false });
    const curves = layer.edgeCurves({ samples: 50 });
    expect(curves.length).toBe(6);
    expect(curves.map((c) => [c.i, c.j])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    const c12 = curves[5];
    expect(c12.symbolic).toBe('x^2');
    expect(c12.x[0]).toBeCloseTo(-2, 5);
    expect(c12.x[49]).toBeCloseTo(2, 5);
    c12.x.forEach((v, k) => expect(c12.y[k]).toBeCloseTo(v * v, 4));
    // numeric edge 0 -> 1: base_weight * silu(x) + spline, as the layer computes it
    const c01 = curves[1];
    const xs = tf.tensor2d(Array.from(c01.x, (v) => [v, 0]));
    const acts = layer.edgeActivations(xs);
    const e01 = tf.tidy(() => tf.reshape(tf.slice(acts.postacts, [0, 1, 0], [-1, 1, 1]), [-1]));
    assertClose(e01, { shape: [50], data: c01.y }, { rtol: 1e-5, atol: 1e-6 }, 'edge 0->1');
    expect(() => layer.edgeCurves({ samples: 1 })).toThrow(/^KANLinear\.edgeCurves: argument samples: invalid value/);
    tf.dispose([xs, e01, acts.preacts, acts.postacts, acts.postactsNumeric]);
    layer.dispose();
  });
});
