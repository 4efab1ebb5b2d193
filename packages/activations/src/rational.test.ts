import { createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose, loadCase, specTensor } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { PAU, Rational, rational } from './rational';

describe.each(['cpu', 'wasm'] as const)('Rational on %s', (backend) => {
  it.each(['A', 'B'] as const)('matches rational_activations version %s (golden vectors, loaded by name)', async (version) => {
    await initBackend({ backend });
    const c = loadCase(`pau_rational_${version}`);
    const act = new Rational({ version, init: 'identity' });
    const sd = { numerator: specTensor(c.params.numerator), denominator: specTensor(c.params.denominator) };
    act.loadStateDict(sd);
    const x = specTensor(c.inputs.x);
    const r = specTensor(c.r);
    const y = act.forward(x);
    const grads = tf.grads((xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(rational(xx, a, b, { version }), r)))([
      x,
      act.numerator.value,
      act.denominator.value,
    ]);
    assertClose(y, c.outputs.y as never, c.tolerance, 'y');
    assertClose(grads[0], c.grads.x as never, c.tolerance, 'dx');
    assertClose(grads[1], c.grads.numerator as never, c.tolerance, 'dnumerator');
    assertClose(grads[2], c.grads.denominator as never, c.tolerance, 'ddenominator');
    tf.dispose([x, r, y, ...grads, ...Object.values(sd)]);
    act.dispose();
  });
});

/** P/Q in float64 for one x. */
function reference(x: number, a: number[], b: number[], version: 'A' | 'B' | 'C'): number {
  const p = a.reduce((s, v, j) => s + v * x ** j, 0);
  if (version === 'A') return p / (1 + b.reduce((s, v, k) => s + Math.abs(v) * Math.abs(x) ** (k + 1), 0));
  if (version === 'B') return p / (1 + Math.abs(b.reduce((s, v, k) => s + v * x ** (k + 1), 0)));
  return p / (0.1 + Math.abs(b.reduce((s, v, k) => s + v * x ** k, 0)));
}

describe('rational', () => {
  it.each(['A', 'B', 'C'] as const)('version %s equals its formula, shared and per channel', async (version) => {
    await initBackend({ backend: 'cpu' });
    const rng = createRng(1);
    const a = [0.1, 0.9, -0.2, 0.05, 0.02, -0.01];
    const b = [0.5, -0.3, 0.2, 0.1];
    const x = rng.uniformTensor([4, 3], -3, 3);
    const xs = Array.from(x.dataSync());
    const shared = tf.tidy(() => rational(x, tf.tensor1d(a), tf.tensor1d(b), { version }));
    assertClose(shared, { shape: [4, 3], data: xs.map((v) => reference(v, a, b, version)) }, { rtol: 1e-5, atol: 1e-6 }, version);
    // per channel: channel c scales the numerator by (c + 1)
    const perChannel = tf.tidy(() =>
      rational(x, tf.tensor2d([0, 1, 2].map((c) => a.map((v) => v * (c + 1)))), tf.tensor2d([b, b, b]), { version }),
    );
    const want = xs.map((v, i) => (1 + (i % 3)) * reference(v, a, b, version));
    assertClose(perChannel, { shape: [4, 3], data: want }, { rtol: 1e-5, atol: 1e-6 }, `${version} per channel`);
    tf.dispose([x, shared, perChannel]);
  });

  it.each(['A', 'B', 'C'] as const)('version %s gradients pass a finite-difference check', async (version) => {
    await initBackend({ backend: 'cpu' });
    const rng = createRng(2);
    const x = rng.uniformTensor([7], -2, 2);
    const a = rng.normalTensor([6], 0, 0.5);
    const b = tf.tensor1d([0.9, 0.3, -0.2, 0.1]);
    gradCheck((xx, aa, bb) => rational(xx, aa, bb, { version }), [x, a, b], { rtol: 3e-2, atol: 3e-3 });
    tf.dispose([x, a, b]);
  });

  it('denominators of A and B stay >= 1: |y| <= |P(x)| for any coefficients', async () => {
    await initBackend({ backend: 'cpu' });
    const rng = createRng(9);
    const x = rng.uniformTensor([200], -50, 50);
    const a = rng.normalTensor([6]);
    const b = rng.normalTensor([4], 0, 3);
    for (const version of ['A', 'B'] as const) {
      const ok = tf.tidy(() => {
        const p = rational(x, a, tf.zeros([4]), { version });
        const y = rational(x, a, b, { version });
        return tf.all(tf.lessEqual(tf.abs(y), tf.add(tf.abs(p), 1e-3))).dataSync()[0];
      });
      expect(ok).toBe(1);
    }
    tf.dispose([x, a, b]);
  });

  it('Rational: names, shapes, per-channel layout and errors', async () => {
    await initBackend({ backend: 'cpu' });
    const shared = new Rational();
    const pau = new PAU({ init: 'identity' });
    expect(pau).toBeInstanceOf(Rational);
    pau.dispose();
    expect(Object.fromEntries(Object.entries(shared.stateDict()).map(([k, v]) => [k, v.shape]))).toEqual({ numerator: [6], denominator: [4] });
    const per = new Rational({ channels: 3, version: 'B', numeratorDegree: 3, denominatorDegree: 2, init: 'tanh' });
    expect(per.numerator.shape).toEqual([3, 4]);
    const x = tf.ones([2, 4]);
    expect(() => per.forward(x)).toThrow(/Rational\.forward: argument x: wrong size of dim -1 \(expected 3 at dim -1, got shape \[2, 4\]\)/);
    expect(() => new Rational({ version: 'D' as never })).toThrow(/argument version: unknown version/);
    expect(() => new Rational({ init: { numerator: [1], denominator: [1] } })).toThrow(/expected 6 numerator and 4 denominator/);
    expect(() => new Rational({ init: 'softmax' as never })).toThrow(/unknown init .*expected identity, gelu/);
    tf.dispose(x);
    shared.dispose();
    per.dispose();
  });

  it('a leaky-relu-initialised Rational is close to leaky relu and learns (gradients reach both tables)', async () => {
    await initBackend({ backend: 'wasm' });
    const act = new Rational({ init: 'leaky_relu' });
    const x = tf.linspace(-3, 3, 61);
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(act.forward(x), tf.leakyRelu(x, 0.01)))).dataSync()[0]);
    expect(err).toBeLessThan(0.06);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(act.forward(x))) as tf.Scalar, act.trainableVariables());
    expect(Object.keys(grads).length).toBe(2);
    tf.dispose([x, value, ...Object.values(grads)]);
    act.dispose();
  });
});
