import { irfftn, rfftn, type ComplexTensor } from '@basiskit/kernels';
import { ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose, loadCase, specStateDict, specTensor, type ComplexSpec } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { SpectralConv1dCorner, SpectralConv2dCorner } from './spectral_conv_corner';

/** fourier_2d.py's forward with full spectra: rfft2, the two corners multiplied, irfft2. */
function corner2dReference(x: tf.Tensor, w1: ComplexTensor, w2: ComplexTensor, m1: number, m2: number): tf.Tensor {
  return tf.tidy(() => {
    const [b, , h, w] = x.shape as number[] as [number, number, number, number];
    const X = rfftn(x, { axes: [2, 3] });
    const mul = (xr: tf.Tensor, xi: tf.Tensor, wt: ComplexTensor) => {
      const a = { r: tf.expandDims(xr, 2), i: tf.expandDims(xi, 2) };
      const wr = tf.expandDims(wt.real, 0);
      const wi = tf.expandDims(wt.imag, 0);
      return [tf.sum(tf.sub(tf.mul(a.r, wr), tf.mul(a.i, wi)), 1), tf.sum(tf.add(tf.mul(a.r, wi), tf.mul(a.i, wr)), 1)];
    };
    const part = (t: tf.Tensor, start: number) => tf.slice(t, [0, 0, start, 0], [-1, -1, m1, m2]);
    const [tr, ti] = mul(part(X.real, 0), part(X.imag, 0), w1);
    const [br, bi] = mul(part(X.real, h - m1), part(X.imag, h - m1), w2);
    const out = w1.real.shape[1] as number;
    const bins = Math.floor(w / 2) + 1;
    const full = (top: tf.Tensor, bottom: tf.Tensor) =>
      tf.pad(tf.concat([top, tf.zeros([b, out, h - 2 * m1, m2]), bottom], 2), [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, bins - m2],
      ]);
    return irfftn({ real: full(tr, br), imag: full(ti, bi) }, { axes: [2, 3], s: [h, w] });
  });
}

describe.each(['cpu', 'wasm'] as const)('corner spectral convs on %s', (backend) => {
  it('SpectralConv1dCorner matches the original FNO (conformance fno_spectral_conv1d): y and all gradients', async () => {
    await initBackend({ backend });
    const c = loadCase('fno_spectral_conv1d');
    const cfg = c.config as { in_channels: number; out_channels: number; modes: number };
    const conv = new SpectralConv1dCorner({ inChannels: cfg.in_channels, outChannels: cfg.out_channels, modes: cfg.modes });
    const dict = specStateDict(c.params);
    expect(Object.keys(dict).sort()).toEqual(Object.keys(conv.stateDict()).sort());
    conv.loadStateDict(dict);
    tf.dispose(Object.values(dict));
    const x = specTensor(c.inputs.x);
    const r = specTensor(c.r);
    const y = conv.forward(x);
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(conv.forward(xx), r)))(x);
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(conv.forward(x), r)) as tf.Scalar, [conv.weightReal.value, conv.weightImag.value]);
    const tol = c.tolerance;
    assertClose(y, c.outputs.y as never, tol, 'y');
    assertClose(dx, c.grads.x as never, tol, 'dx');
    const gw = c.grads.weight as ComplexSpec;
    assertClose(grads[conv.weightReal.value.name], { shape: gw.shape, data: gw.real }, tol, 'd weight.real');
    assertClose(grads[conv.weightImag.value.name], { shape: gw.shape, data: gw.imag }, tol, 'd weight.imag');
    tf.dispose([x, r, y, dx, value, ...Object.values(grads)]);
    conv.dispose();
  });

  it.each([
    { h: 12, w: 10, m1: 3, m2: 4 },
    { h: 9, w: 7, m1: 4, m2: 4 },
    { h: 8, w: 8, m1: 4, m2: 5 },
  ])('SpectralConv2dCorner equals the full-spectrum forward of fourier_2d.py, values and gradients: %o', async ({ h, w, m1, m2 }) => {
    await initBackend({ backend });
    const conv = new SpectralConv2dCorner({ inChannels: 2, outChannels: 3, modes1: m1, modes2: m2, seed: 5 });
    expect(Object.keys(conv.stateDict()).sort()).toEqual(['weights1.imag', 'weights1.real', 'weights2.imag', 'weights2.real']);
    const x = createRng(h).normalTensor([2, 2, h, w]);
    const W1 = conv.weights1;
    const W2 = conv.weights2;
    const f = (xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      corner2dReference(xx, { real: a, imag: b }, { real: c, imag: d }, m1, m2);
    const args = [x, W1.real.value, W1.imag.value, W2.real.value, W2.imag.value];
    const y = conv.forward(x);
    const yRef = f(...(args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]));
    assertClose(y, { shape: yRef.shape, data: yRef.dataSync() }, { rtol: 1e-4, atol: 1e-5 }, 'y');
    const r = createRng(1).normalTensor(y.shape);
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(conv.forward(x), r)) as tf.Scalar, args.slice(1) as tf.Variable[]);
    const gRef = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(a[0], a[1], a[2], a[3], a[4]), r)))(args);
    (args.slice(1) as tf.Variable[]).forEach((v, i) =>
      assertClose(grads[v.name], { shape: gRef[i + 1].shape, data: gRef[i + 1].dataSync() }, { rtol: 1e-4, atol: 1e-5 }, `grad ${i}`),
    );
    tf.dispose([x, y, yRef, r, value, ...Object.values(grads), ...gRef]);
    conv.dispose();
  });

  it('have finite-difference gradients (1-D and 2-D)', async () => {
    await initBackend({ backend });
    const c1 = new SpectralConv1dCorner({ inChannels: 2, outChannels: 2, modes: 3, seed: 1 });
    const x1 = createRng(2).normalTensor([2, 2, 7]);
    gradCheck((xx) => c1.forward(xx), [x1], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    const c2 = new SpectralConv2dCorner({ inChannels: 2, outChannels: 2, modes1: 2, modes2: 2, seed: 1 });
    const x2 = createRng(3).normalTensor([1, 2, 5, 6]);
    gradCheck((xx) => c2.forward(xx), [x2], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    tf.dispose([x1, x2]);
    c1.dispose();
    c2.dispose();
  });
});

describe('corner spectral convs', () => {
  it('init as the original (scale * rand) and refuse bad inputs', async () => {
    await initBackend({ backend: 'cpu' });
    const c = new SpectralConv2dCorner({ inChannels: 4, outChannels: 5, modes1: 3, modes2: 3 });
    const v = Array.from(c.weights2.imag.value.dataSync());
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(1 / 20);
    expect(Math.max(...v)).toBeGreaterThan(0.8 / 20);
    const x = tf.zeros([1, 4, 5, 8]);
    expect(() => c.forward(x)).toThrow(ShapeError);
    expect(() => c.forward(x)).toThrow(/SpectralConv2dCorner\.forward: argument modes1: too many Fourier modes for the grid \(expected at most 2 for size 5/);
    const x3 = tf.zeros([1, 3, 8, 8]);
    expect(() => c.forward(x3)).toThrow(/wrong number of channels/);
    expect(() => new SpectralConv1dCorner({ inChannels: 1, outChannels: 1, modes: 0 })).toThrow(/SpectralConv1dCorner: argument modes: invalid value/);
    tf.dispose([x, x3]);
    c.dispose();
  });
});
