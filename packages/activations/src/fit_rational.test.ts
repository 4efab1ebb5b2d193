import { initBackend, tf } from '@basiskit/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitRational } from './fit_rational';
import { rational } from './rational';
import { RATIONAL_INIT_TARGETS, rationalInit } from './rational_init';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('fitRational', () => {
  // (B's S changes sign once, at 0: a local method can be trapped by S with several sign changes)
  it.each(['A', 'B', 'C'] as const)('recovers a rational of version %s to float32 accuracy', (version) => {
    const a = tf.tensor1d([0.05, 0.8, 0.3, -0.05, 0.02, 0.004]);
    const b = tf.tensor1d(version === 'C' ? [1.2, 0.3, 0.2, 0.05] : [0.3, 0.1, 0.05, 0.01]);
    const fit = fitRational((x) => rational(x, a, b, { version }), { version });
    tf.dispose([a, b]);
    expect(fit.maxError).toBeLessThan(2e-5);
  });

  it('its reported error is the error of the coefficients it returns', () => {
    const fit = fitRational((x) => tf.tanh(x), { version: 'A', range: [-2, 2] });
    const err = tf.tidy(() => {
      const x = tf.linspace(-2, 2, 1001);
      const y = rational(x, tf.tensor1d(fit.numerator), tf.tensor1d(fit.denominator), { version: 'A' });
      return tf.max(tf.abs(tf.sub(y, tf.tanh(x)))).dataSync()[0];
    });
    expect(Math.abs(err - fit.maxError)).toBeLessThan(1e-5);
  });

  it('init tables fit their targets on [-3, 3] (the README table)', () => {
    const bounds: Record<string, number> = { identity: 1e-6, gelu: 5e-3, swish: 3e-4, silu: 3e-4, tanh: 1e-3, sigmoid: 1e-3, relu: 7e-2, leaky_relu: 7e-2 };
    for (const version of ['A', 'B', 'C'] as const) {
      for (const name of Object.keys(RATIONAL_INIT_TARGETS) as (keyof typeof RATIONAL_INIT_TARGETS)[]) {
        expect(rationalInit(name, version, [5, 4]).maxError, `${version} ${name}`).toBeLessThan(bounds[name]);
      }
    }
  });

  it('names bad arguments', () => {
    expect(() => fitRational((x) => x, { range: [1, -1] })).toThrow(/fitRational: argument range: invalid range/);
    expect(() => fitRational((x) => x, { degrees: [5, 0] })).toThrow(/argument degrees\[1\]/);
    expect(() => fitRational((x) => tf.log(x), { range: [-1, 1] })).toThrow(/target is not finite/);
    expect(() => fitRational((x) => tf.sum(x))).toThrow(/target must map x elementwise/);
  });
});
