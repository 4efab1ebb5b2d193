import { ConfigError, DTypeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { gradCheck } from '@basiskit/training';
import { describe, expect, it } from 'vitest';
import { irfft, rfft } from './fft';
import { MATMUL_MAX_MODES, truncatedIrfft, truncatedRfft } from './fft_truncated';

function maxErr(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let e = 0;
  for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(x[i] - y[i]));
  return e;
}

const sliceAxis = (t: tf.Tensor, axis: number, m: number) =>
  tf.slice(
    t,
    t.shape.map(() => 0),
    t.shape.map((d, i) => (i === (axis + t.rank) % t.rank ? m : d)),
  );

describe.each(['cpu', 'wasm'] as const)('truncated real DFTs on %s', (backend) => {
  it.each([
    { shape: [3, 16], axis: -1, n: undefined, modes: 4 },
    { shape: [3, 17], axis: 1, n: undefined, modes: 9 },
    { shape: [7, 2, 3], axis: 0, n: 10, modes: 6 },
    { shape: [2, 5, 4], axis: 1, n: 3, modes: 2 },
  ])('equal rfft sliced and irfft of the zero-padded bins: %o', async ({ shape, axis, n, modes }) => {
    await initBackend({ backend });
    const rng = createRng(shape.length * 10 + modes);
    const x = rng.normalTensor(shape);
    for (const [norm, impl] of [
      ['backward', 'matmul'],
      ['ortho', 'fft'],
      ['forward', 'auto'],
      ['ortho', 'matmul'],
    ] as const) {
      const t = truncatedRfft(x, { modes, axis, n, norm, impl });
      const [fr, fi] = tf.tidy(() => {
        const f = rfft(x, { axis, n, norm });
        return [sliceAxis(f.real, axis, modes), sliceAxis(f.imag, axis, modes)];
      });
      expect(maxErr(t.real, fr)).toBeLessThan(1e-4);
      expect(maxErr(t.imag, fi)).toBeLessThan(1e-4);
      const nn = n ?? shape[axis < 0 ? axis + shape.length : axis];
      const back = truncatedIrfft(t, { n: nn, axis, norm, impl });
      const want = irfft(t, { n: nn, axis, norm }); // irfft zero-pads the bins
      expect(maxErr(back, want)).toBeLessThan(1e-4);
      tf.dispose([t.real, t.imag, fr, fi, back, want]);
    }
    x.dispose();
  });

  it('gradients: finite differences, and equal to the FFT path', async () => {
    await initBackend({ backend });
    const rng = createRng(3);
    const x = rng.normalTensor([2, 8]);
    const zr = rng.normalTensor([2, 5]);
    const zi = rng.normalTensor([2, 5]);
    const tol = { eps: 1e-2, rtol: 1e-2, atol: 1e-3 };
    gradCheck(
      (a) => {
        const y = truncatedRfft(a, { modes: 3, norm: 'ortho' });
        return tf.concat([y.real, y.imag], -1);
      },
      [x],
      tol,
    );
    gradCheck((a, b) => truncatedIrfft({ real: a, imag: b }, { n: 8 }), [zr, zi], tol);
    const w = rng.normalTensor([2, 8]);
    const [g1, g2] = tf.tidy(() => {
      const f = (fn: typeof irfft | typeof truncatedIrfft) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fn({ real: a, imag: b }, { n: 8 }), w)))([zr, zi]);
      return [tf.concat(f(truncatedIrfft), -1), tf.concat(f(irfft), -1)];
    });
    expect(maxErr(g1, g2)).toBeLessThan(1e-5);
    tf.dispose([x, zr, zi, w, g1, g2]);
  });
});

describe.each(['cpu', 'wasm'] as const)("truncated real DFTs, impl 'matmul' vs 'fft' on %s", (backend) => {
  const cases = [
    { shape: [6, 64], axis: -1, n: undefined, modes: 12 },
    { shape: [5, 32], axis: -1, n: 64, modes: 33 },
    { shape: [16, 3, 4], axis: 0, n: undefined, modes: 5 },
    { shape: [2, 24, 3], axis: 1, n: undefined, modes: 8 },
    { shape: [3, 100], axis: -1, n: 96, modes: 20 },
  ];

  it.each(cases)('agree in values and gradients: %o', async ({ shape, axis, n, modes }) => {
    await initBackend({ backend });
    const rng = createRng(shape[0] * 100 + modes);
    const x = rng.normalTensor(shape);
    const nn = n ?? shape[axis < 0 ? axis + shape.length : axis];
    const zShape = shape.map((d, i) => (i === (axis + shape.length) % shape.length ? modes : d));
    const zr = rng.normalTensor(zShape);
    const zi = rng.normalTensor(zShape);
    const wf = rng.normalTensor(zShape);
    const wi = rng.normalTensor(shape.map((d, i) => (i === (axis + shape.length) % shape.length ? nn : d)));
    for (const norm of ['backward', 'ortho', 'forward'] as const) {
      const run = (impl: 'matmul' | 'fft') =>
        tf.tidy(() => {
          const y = truncatedRfft(x, { modes, axis, n, norm, impl });
          const back = truncatedIrfft({ real: zr, imag: zi }, { n: nn, axis, norm, impl });
          const [gx] = tf.grads((a: tf.Tensor) => {
            const t = truncatedRfft(a, { modes, axis, n, norm, impl });
            return tf.add(tf.sum(tf.mul(t.real, wf)), tf.sum(tf.mul(t.imag, tf.neg(wf))));
          })([x]);
          const [gr, gi] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(truncatedIrfft({ real: a, imag: b }, { n: nn, axis, norm, impl }), wi)))([
            zr,
            zi,
          ]);
          return [y.real, y.imag, back, gx, gr, gi];
        });
      const m = run('matmul');
      const f = run('fft');
      for (let i = 0; i < m.length; i++) {
        const scale = Math.max(1, ...Array.from(m[i].dataSync(), Math.abs));
        expect(maxErr(f[i], m[i]) / scale).toBeLessThan(1e-5);
      }
      tf.dispose([...m, ...f]);
    }
    tf.dispose([x, zr, zi, wf, wi]);
  });

  it("'auto' takes the path MATMUL_MAX_MODES names (bitwise that path's result)", async () => {
    await initBackend({ backend });
    const rng = createRng(9);
    for (const [n, modes] of [
      [64, 4],
      [1024, 16],
      [96, 4],
      [96, 30],
      [1000, 40],
    ]) {
      const x = rng.normalTensor([3, n]);
      const z = { real: rng.normalTensor([3, modes]), imag: rng.normalTensor([3, modes]) };
      const row = MATMUL_MAX_MODES[backend][(n & (n - 1)) === 0 ? 'powerOfTwo' : 'other'];
      const values = (impl: 'auto' | 'matmul' | 'fft') =>
        tf.tidy(() => {
          const y = truncatedRfft(x, { modes, impl });
          return [y.real, y.imag, truncatedIrfft(z, { n, impl })];
        });
      const [auto, mm, ff] = [values('auto'), values('matmul'), values('fft')];
      const same = (a: tf.Tensor, b: tf.Tensor) => a.dataSync().every((v, i) => Object.is(v, b.dataSync()[i]));
      const fwd = modes <= row.forward ? mm : ff;
      const inv = modes <= row.inverse ? mm : ff;
      expect(same(auto[0], fwd[0]) && same(auto[1], fwd[1])).toBe(true);
      expect(same(auto[2], inv[2])).toBe(true);
      // the two paths differ in the last bits, so the check above can tell them apart
      expect(same(mm[0], ff[0]) && same(mm[2], ff[2])).toBe(false);
      tf.dispose([x, z.real, z.imag, ...auto, ...mm, ...ff]);
    }
  });
});

describe('truncated real DFT errors', () => {
  it('name where, the argument, the expectation and what came', async () => {
    await initBackend({ backend: 'cpu' });
    const x = tf.zeros([2, 8]);
    const xi = tf.zeros([2, 8], 'int32');
    expect(() => truncatedRfft(x, { modes: 6 })).toThrow(/truncatedRfft: argument modes: invalid value \(expected an integer >= 1 <= 5, got 6\)/);
    expect(() => truncatedRfft(x, { modes: 0 })).toThrow(ConfigError);
    expect(() => truncatedRfft(x, undefined as never)).toThrow(/argument options/);
    expect(() => truncatedRfft(xi, { modes: 2 })).toThrow(DTypeError);
    expect(() => truncatedRfft(x, { modes: 2, axis: 2 })).toThrow(/argument axis/);
    expect(() => truncatedIrfft({ real: x, imag: x }, { n: 8 })).toThrow(
      /truncatedIrfft: argument x: too many or no bins for n \(expected 1..5 bins on axis 1 \(n = 8\), got 8 bins\)/,
    );
    expect(() => truncatedIrfft({ real: x, imag: x }, { n: 0 })).toThrow(/argument n/);
    expect(() => truncatedIrfft({ real: x, imag: x }, { n: 20, norm: 'x' as never })).toThrow(/argument norm/);
    expect(() => truncatedRfft(x, { modes: 2, impl: 'dft' as never })).toThrow(
      /truncatedRfft: argument impl: invalid value \(expected 'auto', 'matmul' or 'fft', got dft\)/,
    );
    expect(() => truncatedIrfft({ real: x, imag: x }, { n: 20, impl: 'x' as never })).toThrow(/truncatedIrfft: argument impl/);
    tf.dispose([x, xi]);
  });
});
