import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose } from '@basiskit/test-utils';
import { describe, expect, it } from 'vitest';
import { ChebyKANLayer } from './chebykan_layer';
import { FastKANLayer } from './fastkan_layer';
import { FourierKANLayer } from './fourierkan_layer';
import { GRKANLinear } from './gr_kan_linear';
import { checkModuleGradients } from './layer_testing';
import { KANLinear } from './kan_linear';
import { SKAN_BASES, SelectableKANLayer } from './selectable_kan_layer';

/** Logits with a distinct argmax per node: node o prefers basis `prefs[o]`. */
function logitsPreferring(prefs: number[], nBases: number): tf.Tensor2D {
  const rng = createRng(9);
  return tf.tensor2d(prefs.map((p) => Array.from({ length: nBases }, (_, b) => (b === p ? 1.5 : 0) + 0.3 * rng.uniform())));
}

describe.each(['cpu', 'wasm'] as const)('SelectableKANLayer on %s', (backend) => {
  it('the soft output is the softmax-weighted sum of the candidates, per output node', async () => {
    await initBackend({ backend });
    const layer = new SelectableKANLayer({ inFeatures: 4, outFeatures: 3, temperature: 0.7, seed: 1 });
    const logits = logitsPreferring([3, 0, 4], 5);
    layer.loadStateDict({ selection_logits: logits }, { strict: false });
    const x = tf.tidy(() => createRng(2).uniformTensor([2, 3, 4], -1, 1));
    const y = layer.forward(x);
    expect(y.shape).toEqual([2, 3, 3]);
    const want = tf.tidy(() => {
      const w = tf.softmax(tf.div(logits, 0.7), -1); // [out, nBases]
      let acc: tf.Tensor = tf.zeros([2, 3, 3]);
      SKAN_BASES.forEach((b, i) => {
        const yb = layer.candidate(b).forward(x);
        acc = tf.add(acc, tf.mul(yb, tf.squeeze(tf.slice(w, [0, i], [-1, 1]), [1])));
      });
      return acc;
    });
    assertClose(y, { shape: y.shape, data: want.dataSync() }, { rtol: 1e-5, atol: 1e-6 }, 'mixture');
    const sw = layer.selectionWeights();
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(tf.sum(sw, 1), 1))).dataSync()[0])).toBeLessThan(1e-6);
    tf.dispose([logits, x, y, want, sw]);
    layer.dispose();
  });

  it("freeze() gives each node its argmax candidate's output exactly and evaluates only chosen candidates", async () => {
    await initBackend({ backend });
    const layer = new SelectableKANLayer({ inFeatures: 4, outFeatures: 4, seed: 3 });
    const prefs = [4, 2, 2, 0]; // rational, chebyshev, chebyshev, bspline: rbf and fourier unused
    const logits = logitsPreferring(prefs, 5);
    layer.loadStateDict({ selection_logits: logits }, { strict: false });
    expect(layer.selected()).toEqual(['rational', 'chebyshev', 'chebyshev', 'bspline']);
    layer.freeze();
    expect(layer.frozen).toBe(true);
    expect(layer.selection_logits.trainable).toBe(false);
    const x = tf.tidy(() => createRng(4).uniformTensor([5, 4], -1, 1));
    const calls: string[] = [];
    for (const b of SKAN_BASES) {
      const m = layer.candidate(b);
      const f = m.forward.bind(m);
      m.forward = (...a: unknown[]) => (calls.push(b), f(...(a as [tf.Tensor])));
    }
    const y = layer.forward(x);
    expect([...calls].sort()).toEqual(['bspline', 'chebyshev', 'rational']);
    const ys = prefs.map((p) => tf.tidy(() => layer.candidate(SKAN_BASES[p]).forward(x).arraySync() as number[][]));
    const got = y.arraySync() as number[][];
    for (let n = 0; n < 5; n++) for (let o = 0; o < 4; o++) expect(got[n][o]).toBe(ys[o][n][o]); // bit-exact
    // frozen logits get no gradient from an optimizer (not among the trainable variables)
    expect(layer.trainableVariables()).not.toContain(layer.selection_logits.value);
    layer.unfreeze();
    expect(layer.frozen).toBe(false);
    expect(layer.trainableVariables()).toContain(layer.selection_logits.value);
    tf.dispose([logits, x, y]);
    layer.dispose();
  });

  it('gradients in x, the logits and every candidate parameter match finite differences', async () => {
    await initBackend({ backend });
    const layer = new SelectableKANLayer({
      inFeatures: 2,
      outFeatures: 2,
      seed: 5,
      candidateOptions: { bspline: { gridSize: 3 }, rbf: { numGrids: 4 }, chebyshev: { degree: 2 }, fourier: { gridSize: 2 } },
    });
    // rational denominators away from |b|'s kink at 0; non-uniform logits
    const sd = tf.tidy(() => ({
      'candidates.rational.act1.weight_denominator': tf.mul(createRng(6).uniformTensor([2, 4], 0.2, 0.6), tf.tensor1d([1, -1, 1, -1])),
      selection_logits: createRng(7).uniformTensor([2, 5], -1, 1),
    }));
    layer.loadStateDict(sd, { strict: false });
    const x = tf.tidy(() => createRng(8).uniformTensor([3, 2], -0.9, 0.9));
    const checked = checkModuleGradients(layer, x, { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
    expect(checked).toContain('selection_logits');
    expect(checked.filter((n) => n.startsWith('candidates.')).length).toBe(layer.trainableVariables().length - 1);
    tf.dispose([x, ...Object.values(sd)]);
    layer.dispose();
  });
});

describe('SelectableKANLayer training, names and errors', () => {
  it('state dict: candidates.<basis>.<their own names> and selection_logits; candidates are the basis layers', async () => {
    await initBackend({ backend: 'cpu' });
    const layer = new SelectableKANLayer({ inFeatures: 8, outFeatures: 3 });
    const keys = Object.keys(layer.stateDict());
    expect(keys).toContain('selection_logits');
    for (const k of [
      'candidates.bspline.base_weight',
      'candidates.bspline.spline_weight',
      'candidates.rbf.spline_linear.weight',
      'candidates.chebyshev.cheby_coeffs',
      'candidates.fourier.fouriercoeffs',
      'candidates.rational.act1.weight_numerator',
      'candidates.rational.fc1.weight',
    ]) {
      expect(keys).toContain(k);
    }
    expect(keys.some((k) => k.includes('layernorm'))).toBe(false); // FastKAN without LayerNorm
    expect(layer.selection_logits.shape).toEqual([3, 5]);
    expect(layer.candidate('bspline')).toBeInstanceOf(KANLinear);
    expect(layer.candidate('rbf')).toBeInstanceOf(FastKANLayer);
    expect(layer.candidate('chebyshev')).toBeInstanceOf(ChebyKANLayer);
    expect(layer.candidate('fourier')).toBeInstanceOf(FourierKANLayer);
    expect(layer.candidate('rational')).toBeInstanceOf(GRKANLinear);
    expect((layer.candidate('rational') as GRKANLinear).groups).toBe(8);
    const sub = new SelectableKANLayer({ inFeatures: 6, outFeatures: 2, bases: ['fourier', 'rational'] });
    expect(Object.keys(sub.stateDict()).filter((k) => !k.startsWith('candidates.fourier') && !k.startsWith('candidates.rational'))).toEqual([
      'selection_logits',
    ]);
    expect((sub.candidate('rational') as GRKANLinear).groups).toBe(6);
    expect(sub.selected()).toEqual(['fourier', 'fourier']); // uniform start: ties go to the first
    layer.dispose();
    sub.dispose();
  });

  it('training on a target made by one basis raises that basis’s selection weight at every node', async () => {
    await initBackend({ backend: 'wasm' });
    // target: a Fourier KAN of harmonics 3..5 only, on [-3, 3]; only the Fourier candidate represents it
    const teacher = new FourierKANLayer({ inputDim: 2, outputDim: 2, gridSize: 5, seed: 42 });
    const high = tf.tidy(() => tf.mul(teacher.fouriercoeffs.value, tf.tensor1d([0, 0, 1, 1, 1])));
    teacher.fouriercoeffs.assign(high);
    high.dispose();
    const x = tf.tidy(() => createRng(10).uniformTensor([128, 2], -3, 3));
    const target = tf.tidy(() => teacher.forward(x));
    const layer = new SelectableKANLayer({ inFeatures: 2, outFeatures: 2, seed: 11 });
    const fourier = SKAN_BASES.indexOf('fourier');
    const opt = tf.train.adam(0.02);
    const loss = () => tf.losses.meanSquaredError(target, layer.forward(x)) as tf.Scalar;
    const first = tf.tidy(() => loss().dataSync()[0]);
    for (let step = 0; step < 150; step++) opt.minimize(loss, false, layer.trainableVariables());
    const last = tf.tidy(() => loss().dataSync()[0]);
    expect(last).toBeLessThan(0.2 * first);
    const w = tf.tidy(() => layer.selectionWeights().arraySync() as number[][]);
    for (const row of w) {
      expect(row[fourier]).toBeGreaterThan(0.25); // from 1/5 at the start
      expect(row.indexOf(Math.max(...row))).toBe(fourier);
    }
    expect(layer.selected()).toEqual(['fourier', 'fourier']);
    opt.dispose();
    tf.dispose([x, target]);
    teacher.dispose();
    layer.dispose();
  });

  it('rejects bad options and inputs with clear errors, leaving nothing behind', async () => {
    await initBackend({ backend: 'cpu' });
    const before = tf.engine().state.numTensors;
    expect(() => new SelectableKANLayer({ inFeatures: 2, outFeatures: 2, bases: [] })).toThrow(ConfigError);
    expect(() => new SelectableKANLayer({ inFeatures: 2, outFeatures: 2, bases: ['fourier', 'fourier'] })).toThrow(
      /^SelectableKANLayer: argument bases: invalid bases/,
    );
    expect(() => new SelectableKANLayer({ inFeatures: 2, outFeatures: 2, bases: ['wavelet' as never] })).toThrow(
      /expected distinct names from bspline, rbf, chebyshev, fourier, rational/,
    );
    expect(() => new SelectableKANLayer({ inFeatures: 2, outFeatures: 2, temperature: 0 })).toThrow(/argument temperature: invalid value/);
    expect(() => new SelectableKANLayer({ inFeatures: 0, outFeatures: 2 })).toThrow(/argument inFeatures: invalid value/);
    // a candidate failing to build (groups not dividing inFeatures) frees the ones already built
    expect(() => new SelectableKANLayer({ inFeatures: 6, outFeatures: 2, candidateOptions: { rational: { groups: 4 } } })).toThrow(
      /GRKANLinear: argument groups/,
    );
    expect(tf.engine().state.numTensors).toBe(before);
    const layer = new SelectableKANLayer({ inFeatures: 3, outFeatures: 2, bases: ['chebyshev', 'fourier'] });
    const x = tf.zeros([4, 2]);
    expect(() => layer.forward(x)).toThrow(ShapeError);
    expect(() => layer.forward(x)).toThrow(
      /^SelectableKANLayer\.forward: argument x: wrong size of the last dim \(expected \[\.\.\., 3\], got shape \[4, 2\]\)/,
    );
    expect(() => layer.candidate('rbf')).toThrow(/argument basis: no such candidate \(expected chebyshev, fourier, got rbf\)/);
    x.dispose();
    layer.dispose();
  });
});
