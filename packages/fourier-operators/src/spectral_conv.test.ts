import { ConfigError, ShapeError, StateDictError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose, expectNoLeaks, isComplex, loadCase, specStateDict, specTensor, type ComplexSpec } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkParameterGradients } from '@basiskit/test-utils';
import { SpectralConv, spectralConvFast } from './spectral_conv';
import { spectralConvReference } from './spectral_conv_reference';

function maxErr(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let e = 0;
  for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(x[i] - y[i]));
  return e;
}

/** y and the gradients of sum(y * r) in x and every parameter. */
function gradsOf(conv: SpectralConv, x: tf.Tensor, r: tf.Tensor, forward = (xx: tf.Tensor) => conv.forward(xx)) {
  const params = conv.namedParameters();
  const y = forward(x);
  const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(forward(xx), r)))(x);
  const { grads, value } = tf.variableGrads(
    () => tf.sum(tf.mul(forward(x), r)) as tf.Scalar,
    params.map(([, p]) => p.value),
  );
  value.dispose();
  const out: Record<string, tf.Tensor> = { y, x: dx };
  for (const [name, p] of params) out[name] = grads[p.value.name];
  return out;
}

describe.each(['cpu', 'wasm'] as const)('SpectralConv on %s', (backend) => {
  it('matches neuraloperator (conformance neuralop_spectral_conv2d_12x10_m6x6): y and all gradients', async () => {
    await initBackend({ backend });
    const c = loadCase('neuralop_spectral_conv2d_12x10_m6x6');
    const cfg = c.config as { in_channels: number; out_channels: number; n_modes: number[] };
    const conv = new SpectralConv({ inChannels: cfg.in_channels, outChannels: cfg.out_channels, nModes: cfg.n_modes });
    const dict = specStateDict(c.params);
    expect(Object.keys(dict).sort()).toEqual(Object.keys(conv.stateDict()).sort());
    conv.loadStateDict(dict);
    tf.dispose(Object.values(dict));
    const x = specTensor(c.inputs.x);
    const r = specTensor(c.r);
    const g = gradsOf(conv, x, r);
    const tol = c.tolerance;
    assertClose(g.y, c.outputs.y as never, tol, 'y');
    assertClose(g.x, c.grads.x as never, tol, 'dx');
    const gw = c.grads.weight as ComplexSpec;
    expect(isComplex(gw)).toBe(true);
    assertClose(g['weight.real'], { shape: gw.shape, data: gw.real }, tol, 'd weight.real');
    assertClose(g['weight.imag'], { shape: gw.shape, data: gw.imag }, tol, 'd weight.imag');
    assertClose(g.bias, c.grads.bias as never, tol, 'd bias');
    tf.dispose([x, r, ...Object.values(g)]);
    conv.dispose();
  });

  it.each([
    { nModes: [5], spatial: [16], out: undefined, separable: false },
    { nModes: [6], spatial: [9], out: [14], separable: false },
    { nModes: [4, 6], spatial: [8, 10], out: undefined, separable: false },
    { nModes: [5, 5], spatial: [7, 9], out: undefined, separable: true },
    { nModes: [6, 4], spatial: [12, 8], out: [17, 12], separable: false },
    { nModes: [7, 6], spatial: [9, 11], out: [5, 6], separable: false },
    { nModes: [4, 3, 4], spatial: [6, 5, 8], out: undefined, separable: false },
    { nModes: [3, 4, 2], spatial: [5, 6, 4], out: [8, 7, 6], separable: false },
  ])('fast path equals the full-spectrum reference, values and gradients: %o', async ({ nModes, spatial, out, separable }) => {
    await initBackend({ backend });
    const rng = createRng(nModes.length * 31 + spatial[0]);
    const ch = separable ? 3 : 2;
    const conv = new SpectralConv({ inChannels: ch, outChannels: 3, nModes, separable, seed: 4 });
    const x = rng.normalTensor([2, ch, ...spatial]);
    const r = rng.normalTensor([2, 3, ...(out ?? spatial)]);
    const w = () => ({ real: conv.weightReal!.value, imag: conv.weightImag!.value });
    const fast = gradsOf(conv, x, r, (xx) => conv.forward(xx, { outputShape: out }));
    const ref = gradsOf(conv, x, r, (xx) => spectralConvReference(xx, w(), conv.bias!.value, { outputShape: out, separable }));
    for (const k of Object.keys(ref)) expect(maxErr(fast[k], ref[k]), k).toBeLessThan(2e-5);
    tf.dispose([x, r, ...Object.values(fast), ...Object.values(ref)]);
    conv.dispose();
  });

  it('has finite-difference gradients in x, weight and bias (odd and even sizes)', async () => {
    await initBackend({ backend });
    const conv = new SpectralConv({ inChannels: 2, outChannels: 2, nModes: [4, 4], seed: 2 });
    const x = createRng(3).normalTensor([1, 2, 5, 6]);
    const opts = { outputShape: [5, 6], fftNorm: 'forward' as const, separable: false };
    const f = (xx: tf.Tensor, wr: tf.Tensor, wi: tf.Tensor, b: tf.Tensor) => tf.add(spectralConvFast(xx, { real: wr, imag: wi }, opts), b);
    gradCheck(f, [x, conv.weightReal!.value, conv.weightImag!.value, conv.bias!.value], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    tf.dispose(x);
    conv.dispose();
  });

  it('has finite-difference gradients in its parameters through the module (3-D with outputShape, separable, cp-factorized)', async () => {
    await initBackend({ backend });
    const cases = [
      { conv: new SpectralConv({ inChannels: 1, outChannels: 2, nModes: [2, 3, 2], seed: 1 }), x: [1, 1, 3, 4, 3], out: [4, 3, 4] },
      { conv: new SpectralConv({ inChannels: 2, outChannels: 2, nModes: [3], separable: true, seed: 2 }), x: [2, 2, 7], out: undefined },
      { conv: new SpectralConv({ inChannels: 2, outChannels: 2, nModes: [3, 4], factorization: 'cp', rank: 2, seed: 3 }), x: [1, 2, 5, 6], out: undefined },
    ];
    for (const { conv, x: shape, out } of cases) {
      const x = createRng(shape.length).normalTensor(shape);
      const checked = checkParameterGradients(conv, () => conv.forward(x, { outputShape: out }), { eps: 1e-2, rtol: 3e-2, atol: 3e-3 });
      expect(checked.length).toBe(conv.namedParameters().length);
      gradCheck((xx) => conv.forward(xx, { outputShape: out }), [x], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
      x.dispose();
      conv.dispose();
    }
  });
});

describe('SpectralConv', () => {
  it("has neuralop's parameters, shapes and init (dense, separable, 1-D and 3-D)", async () => {
    await initBackend({ backend: 'cpu' });
    const conv = new SpectralConv({ inChannels: 6, outChannels: 10, nModes: [8, 7], seed: 1 });
    const sd = conv.stateDict();
    expect(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.shape]))).toEqual({
      'weight.real': [6, 10, 8, 4],
      'weight.imag': [6, 10, 8, 4],
      bias: [10, 1, 1],
    });
    expect(conv.initStd).toBeCloseTo(Math.sqrt(2 / 16), 10);
    // complex normal of std initStd: E|w|^2 = initStd^2
    const re = sd['weight.real'].dataSync();
    const im = sd['weight.imag'].dataSync();
    let s2 = 0;
    for (let i = 0; i < re.length; i++) s2 += re[i] * re[i] + im[i] * im[i];
    expect(Math.sqrt(s2 / re.length) / conv.initStd).toBeGreaterThan(0.9);
    expect(Math.sqrt(s2 / re.length) / conv.initStd).toBeLessThan(1.1);
    const sep = new SpectralConv({ inChannels: 4, outChannels: 4, nModes: [5], separable: true, bias: false });
    expect(Object.fromEntries(Object.entries(sep.stateDict()).map(([k, v]) => [k, v.shape]))).toEqual({ 'weight.real': [4, 3], 'weight.imag': [4, 3] });
    const c3 = new SpectralConv({ inChannels: 1, outChannels: 2, nModes: [2, 3, 4] });
    expect(c3.stateDict()['weight.imag'].shape).toEqual([1, 2, 2, 3, 3]);
    expect(c3.stateDict().bias.shape).toEqual([2, 1, 1, 1]);
    const same = new SpectralConv({ inChannels: 6, outChannels: 10, nModes: [8, 7], seed: 1 });
    expect(Array.from(same.weightImag!.value.dataSync())).toEqual(Array.from(im));
    [conv, sep, c3, same].forEach((m) => m.dispose());
  });

  it('factorized weights (tucker, cp, tt) are the sub-module `weight`, reconstructed in forward', async () => {
    await initBackend({ backend: 'wasm' });
    for (const factorization of ['tucker', 'cp', 'tt'] as const) {
      const conv = new SpectralConv({ inChannels: 3, outChannels: 4, nModes: [6, 6], factorization, rank: 0.5, seed: 3 });
      const keys = Object.keys(conv.stateDict());
      expect(keys.every((k) => k === 'bias' || k.startsWith('weight.factors.') || k.startsWith('weight.core.') || k.startsWith('weight.weights.'))).toBe(true);
      expect(keys.some((k) => k.startsWith('weight.factors.factor_0.'))).toBe(true);
      const x = createRng(4).normalTensor([2, 3, 8, 9]);
      const y = conv.forward(x);
      const dense = conv.weightModule!.toDense();
      expect(dense.real.shape).toEqual([3, 4, 6, 4]);
      const yRef = spectralConvReference(x, dense, conv.bias!.value);
      expect(maxErr(y, yRef)).toBeLessThan(1e-5);
      const params = conv.namedParameters();
      const { grads, value } = tf.variableGrads(
        () => tf.sum(tf.square(conv.forward(x))) as tf.Scalar,
        params.map(([, p]) => p.value),
      );
      for (const [, p] of params) expect(Math.max(...Array.from(grads[p.value.name].dataSync()).map(Math.abs))).toBeGreaterThan(0);
      tf.dispose([x, y, yRef, dense.real, dense.imag, value, ...Object.values(grads)]);
      conv.dispose();
    }
  });

  it('uses the centred part of a larger maxNModes weight when nModes is lowered', async () => {
    await initBackend({ backend: 'cpu' });
    const conv = new SpectralConv({ inChannels: 2, outChannels: 2, nModes: [4, 4], maxNModes: [8, 8], seed: 2 });
    expect(conv.weightReal!.shape).toEqual([2, 2, 8, 8]);
    expect(conv.keptModes).toEqual([4, 3]);
    const x = createRng(5).normalTensor([1, 2, 10, 10]);
    const y = conv.forward(x);
    // neuralop: starts = max - kept; slice(start//2, -start//2) then [:kept] on the last dim
    const part = (t: tf.Tensor) => tf.slice(t, [0, 0, 2, 0], [-1, -1, 4, 3]);
    const w = { real: part(conv.weightReal!.value), imag: part(conv.weightImag!.value) };
    const yRef = spectralConvReference(x, w, conv.bias!.value);
    expect(maxErr(y, yRef)).toBeLessThan(1e-5);
    expect(() => (conv.nModes = [9, 4])).toThrow(/argument nModes\[0\]: more modes than the weight holds \(expected at most 8/);
    conv.nModes = [8, 15];
    expect(conv.keptModes).toEqual([8, 8]);
    tf.dispose([x, y, yRef, w.real, w.imag]);
    conv.dispose();
  });

  it('changes resolution by outputShape and by resolutionScalingFactor (rounded as Python)', async () => {
    await initBackend({ backend: 'cpu' });
    const conv = new SpectralConv({ inChannels: 1, outChannels: 1, nModes: [4, 4], resolutionScalingFactor: [0.5, 1.5] });
    const x = createRng(6).normalTensor([1, 1, 5, 5]);
    const y = conv.forward(x);
    expect(y.shape).toEqual([1, 1, 2, 8]); // round(2.5) = 2, round(7.5) = 8
    const y2 = conv.forward(x, { outputShape: [7, 3] });
    expect(y2.shape).toEqual([1, 1, 7, 3]);
    // a band-limited signal is interpolated exactly: x(t) = cos(2 pi t) on 8 points -> 16 points
    const up = new SpectralConv({ inChannels: 1, outChannels: 1, nModes: [4], bias: false });
    tf.tidy(() => {
      up.weightReal!.assign(tf.ones([1, 1, 3]));
      up.weightImag!.assign(tf.zeros([1, 1, 3]));
    });
    const s = (n: number) =>
      tf.tensor(
        Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * j) / n)),
        [1, 1, n],
      );
    const [x8, x16] = [s(8), s(16)];
    const y16 = up.forward(x8, { outputShape: [16] });
    expect(maxErr(y16, x16)).toBeLessThan(1e-5);
    tf.dispose([x, y, y2, x8, x16, y16]);
    conv.dispose();
    up.dispose();
  });

  it('refuses bad options and inputs with clear errors', async () => {
    await initBackend({ backend: 'cpu' });
    const ok = { inChannels: 3, outChannels: 2, nModes: [6, 6] };
    expect(() => new SpectralConv({ ...ok, nModes: [6, 6, 6, 6] })).toThrow(
      /SpectralConv: argument nModes: invalid value \(expected an integer >= 1 or 1-3 of them/,
    );
    expect(() => new SpectralConv({ ...ok, inChannels: 0, fftNorm: 'bad' as never })).toThrow(
      /invalid options:\n {2}inChannels: expected an integer >= 1, got 0\n {2}fftNorm:/,
    );
    expect(() => new SpectralConv({ ...ok, separable: true })).toThrow(/separable needs inChannels = outChannels/);
    expect(() => new SpectralConv({ ...ok, factorization: 'svd' as never })).toThrow(/argument factorization/);
    expect(() => new SpectralConv({ ...ok, resolutionScalingFactor: [1, 2, 3] })).toThrow(
      /argument resolutionScalingFactor: invalid value \(expected a number > 0 or 2 of them/,
    );
    expect(() => new SpectralConv({ ...ok, nModez: 3 } as never)).toThrow(/unknown option "nModez"/);
    const conv = new SpectralConv(ok);
    const x3 = tf.zeros([2, 3, 12]);
    const xc = tf.zeros([2, 4, 12, 10]);
    const xs = tf.zeros([2, 3, 5, 10]);
    const xl = tf.zeros([2, 3, 12, 9]);
    const xl2 = tf.zeros([2, 3, 12, 4]);
    expect(() => conv.forward(x3)).toThrow(ShapeError);
    expect(() => conv.forward(x3)).toThrow(/SpectralConv\.forward: argument x: wrong rank/);
    expect(() => conv.forward(xc)).toThrow(
      /SpectralConv\.forward: argument x: wrong number of channels \(expected \[batch, 3, \.\.\.spatial\] \(channels first\), got shape \[2, 4, 12, 10\]\)/,
    );
    expect(() => conv.forward(xs)).toThrow(
      /argument nModes\[0\]: too many Fourier modes for the grid \(expected at most 5 for size 5 of spatial dim 0 \(x \[2, 3, 5, 10\]\), got 6\)/,
    );
    expect(tf.tidy(() => conv.forward(xl).shape)).toEqual([2, 2, 12, 9]); // 6 modes fit 9 points (4 bins of 5)
    expect(() => conv.forward(xl2)).toThrow(/argument nModes\[1\]: too many Fourier modes for the grid \(expected at most 5 for size 4/);
    expect(() => conv.forward(xl, { outputShape: [3] })).toThrow(/argument outputShape: invalid value/);
    tf.dispose([x3, xc, xs, xl, xl2]);
    conv.dispose();
    expect(() => conv.forward(xl)).toThrow(/used after dispose/);
  });

  it('loadStateDict rejects bad state dicts (missing, extra, misshaped, real/imag of different shapes) and loads nothing', async () => {
    await initBackend({ backend: 'cpu' });
    const conv = new SpectralConv({ inChannels: 2, outChannels: 3, nModes: [4, 4], seed: 1 });
    const before = Object.fromEntries(Object.entries(conv.stateDict()).map(([k, v]) => [k, Array.from(v.dataSync())]));
    const keys = Object.keys(before);
    const shapes: Record<string, number[]> = { 'weight.real': [2, 3, 4, 3], 'weight.imag': [2, 3, 4, 3], bias: [3, 1, 1] };
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.constantFrom('drop', 'extra', 'shape', 'dtype'), fc.integer({ min: 0, max: 3 }), (key, kind, dim) => {
        const dict: Record<string, tf.Tensor> = {};
        for (const k of keys) if (!(kind === 'drop' && k === key)) dict[k] = tf.fill(shapes[k], 0.5);
        if (kind === 'extra') dict[`${key}_x`] = tf.zeros([1]);
        if (kind === 'shape') {
          const s = [...shapes[key]];
          s[dim % s.length] += 1;
          dict[key].dispose();
          dict[key] = tf.zeros(s);
        }
        if (kind === 'dtype') {
          dict[key].dispose();
          dict[key] = tf.zeros(shapes[key], 'int32');
        }
        let threw = false;
        try {
          conv.loadStateDict(dict);
        } catch (e) {
          threw = e instanceof StateDictError || e instanceof ShapeError || e instanceof ConfigError || (e as Error).name.endsWith('Error');
        }
        tf.dispose(Object.values(dict));
        if (!threw) return false;
        return Object.entries(conv.stateDict()).every(([k, v]) => Array.from(v.dataSync()).every((a, i) => a === before[k][i]));
      }),
      { numRuns: 40, seed: 7 },
    );
    conv.dispose();
  });

  it('leaks no tensors over training steps (dense and factorized)', async () => {
    await initBackend({ backend: 'wasm' });
    for (const factorization of [null, 'tucker'] as const) {
      const conv = new SpectralConv({ inChannels: 2, outChannels: 2, nModes: [4, 4], factorization, seed: 1 });
      const x = createRng(8).normalTensor([2, 2, 8, 8]);
      const opt = tf.train.sgd(0.01);
      const vars = conv.namedParameters().map(([, p]) => p.value);
      await expectNoLeaks(
        () => {
          for (let i = 0; i < 25; i++) opt.minimize(() => tf.mean(tf.square(conv.forward(x))) as tf.Scalar, false, vars);
        },
        `${factorization ?? 'dense'} steps`,
      );
      opt.dispose();
      x.dispose();
      conv.dispose();
    }
  });
});
