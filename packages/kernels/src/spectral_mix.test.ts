import { ConfigError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { spectralMix } from './spectral_mix';
import { spectralMixReference } from './spectral_mix_reference';

function maxErr(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let e = 0;
  for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(x[i] - y[i]));
  return e;
}

const pair = (rng: ReturnType<typeof createRng>, shape: number[]) => ({ real: rng.normalTensor(shape), imag: rng.normalTensor(shape) });

describe.each(['cpu', 'wasm'] as const)('spectralMix on %s', (backend) => {
  it.each([
    { x: [2, 3, 5], w: [3, 4, 5], separable: false },
    { x: [3, 2, 4, 3], w: [2, 5, 4, 3], separable: false },
    { x: [1, 2, 2, 3, 2], w: [2, 1, 2, 3, 2], separable: false },
    { x: [2, 3, 4, 3], w: [3, 4, 3], separable: true },
  ])('equals the reference in values and gradients: %o', async ({ x: xs, w: ws, separable }) => {
    await initBackend({ backend });
    const rng = createRng(xs.length * 7 + ws[1]);
    const x = pair(rng, xs);
    const w = pair(rng, ws);
    const rShape = separable ? xs : [xs[0], ws[1], ...xs.slice(2)];
    const r = pair(rng, rShape);
    const loss = (f: typeof spectralMix) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => {
      const y = f({ real: a, imag: b }, { real: c, imag: d }, { separable });
      return tf.add(tf.sum(tf.mul(y.real, r.real)), tf.sum(tf.mul(y.imag, r.imag)));
    };
    const args = [x.real, x.imag, w.real, w.imag];
    const y = spectralMix(x, w, { separable });
    const yRef = spectralMixReference(x, w, { separable });
    expect(maxErr(y.real, yRef.real)).toBeLessThan(1e-5);
    expect(maxErr(y.imag, yRef.imag)).toBeLessThan(1e-5);
    const g = tf.grads(loss(spectralMix))(args);
    const gRef = tf.grads(loss(spectralMixReference))(args);
    g.forEach((gi, i) => expect(maxErr(gi, gRef[i])).toBeLessThan(1e-5));
    tf.dispose([y.real, y.imag, yRef.real, yRef.imag, ...g, ...gRef, ...args, r.real, r.imag]);
  });

  it('has finite-difference gradients in x and w', async () => {
    await initBackend({ backend });
    const rng = createRng(5);
    const t = [0, 1, 2, 3].map((i) => rng.normalTensor(i < 2 ? [2, 3, 3] : [3, 2, 3]));
    const [xr, xi, wr, wi] = [t[0], t[1], t[2], t[3]];
    gradCheck(
      (a, b, c, d) => {
        const y = spectralMix({ real: a, imag: b }, { real: c, imag: d });
        return tf.concat([y.real, tf.mul(y.imag, 0.7)], 1);
      },
      [xr, xi, wr, wi],
      { eps: 1e-2, rtol: 2e-2, atol: 2e-3 },
    );
    tf.dispose(t);
  });
});

describe('spectralMix', () => {
  it('refuses weights that do not fit, mismatched pairs and bad options', async () => {
    await initBackend({ backend: 'cpu' });
    const x = { real: tf.zeros([2, 3, 4]), imag: tf.zeros([2, 3, 4]) };
    const w = { real: tf.zeros([3, 2, 5]), imag: tf.zeros([3, 2, 5]) };
    const bad = { real: tf.zeros([2, 3, 4]), imag: tf.zeros([2, 3, 5]) };
    expect(() => spectralMix(x, w)).toThrow(ShapeError);
    expect(() => spectralMix(x, w)).toThrow(
      /spectralMix: argument w: weight does not fit x \(expected shape \[3, out, 4\] \(x \[2, 3, 4\]\), got shape \[3, 2, 5\]\)/,
    );
    expect(() => spectralMix(bad, w)).toThrow(/spectralMix: argument x.imag: real and imaginary parts differ in shape/);
    expect(() => spectralMix(x, x, { separable: 1 } as never)).toThrow(ConfigError);
    expect(() => spectralMix(x, x, { separabl: true } as never)).toThrow(/unknown option "separabl"/);
    tf.dispose([x.real, x.imag, w.real, w.imag, bad.real, bad.imag]);
  });
});
