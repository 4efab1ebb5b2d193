import { createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose, isComplex, loadCase, specStateDict, specTensor, type ComplexSpec } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
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
});
