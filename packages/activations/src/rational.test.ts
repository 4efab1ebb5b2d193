import { DTypeError, ShapeError, createRng, initBackend, tf } from '@basiskit/tensor';
import { assertClose, loadCase, specTensor } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { PAU, Rational, rational, setRationalDirectPath, type RationalVersion } from './rational';
import { rationalInit } from './rational_init';
import { RATIONAL_XS, expectFloat64Match, expectRationalMatch, rationalPerElement, rationalReference } from './rational_testing';

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
    const perChannel = tf.tidy(() => rational(x, tf.tensor2d([0, 1, 2].map((c) => a.map((v) => v * (c + 1)))), tf.tensor2d([b, b, b]), { version }));
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

describe('rational: input checks and shapes', () => {
  it.each(['A', 'B', 'C'] as const)('version %s rejects int32 input with a DTypeError naming rational and Rational.forward', async (version) => {
    await initBackend({ backend: 'cpu' });
    const x = tf.tensor1d([1, 2], 'int32');
    const a = tf.tensor1d([0, 1, 0.1]);
    const b = tf.tensor1d([0.5, 0.2]);
    const act = new Rational({ version, numeratorDegree: 2, denominatorDegree: 2 });
    try {
      expect(() => rational(x, a, b, { version })).toThrow(DTypeError);
      expect(() => rational(x, a, b, { version })).toThrow(/^rational: argument x: wrong dtype \(expected float32, got int32\)$/);
      expect(() => act.forward(x)).toThrow(/^Rational\.forward: argument x: wrong dtype \(expected float32, got int32\)$/);
      const ai = tf.tensor1d([0, 1, 0], 'int32');
      const one = tf.tensor1d([1]);
      expect(() => rational(one, ai, b, { version })).toThrow(/^rational: argument numerator: wrong dtype/);
      tf.dispose([ai, one]);
    } finally {
      tf.dispose([x, a, b]);
      act.dispose();
    }
  });

  it.each(['A', 'B', 'C'] as const)('version %s keeps a scalar input scalar (value and gradients)', async (version) => {
    await initBackend({ backend: 'cpu' });
    const act = new Rational({ version, init: 'tanh' });
    tf.tidy(() => {
      const x = tf.scalar(0.7);
      const y = act.forward(x);
      expect(y.shape).toEqual([]);
      expect(y.dataSync()[0]).toBeCloseTo(Math.tanh(0.7), 3);
      const [gx, ga, gb] = tf.grads((t: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => rational(t, a, b, { version }))([
        x,
        act.numerator.value,
        act.denominator.value,
      ]);
      expect([gx.shape, ga.shape, gb.shape]).toEqual([[], [6], [4]]);
      expect(gx.dataSync()[0]).toBeCloseTo(1 - Math.tanh(0.7) ** 2, 2);
    });
    act.dispose();
  });

  it.each(['A', 'B', 'C'] as const)('version %s: G groups of channels share a row; channels must be a multiple of G', async (version) => {
    await initBackend({ backend: 'cpu' });
    tf.tidy(() => {
      const x = createRng(4).uniformTensor([3, 6], -2, 2);
      const a = tf.tensor2d([
        [0.1, 0.9, -0.2],
        [0.3, -0.5, 0.05],
      ]);
      const b = tf.tensor2d([
        [0.5, -0.3],
        [0.2, 0.4],
      ]);
      const grouped = rational(x, a, b, { version });
      // the same as one row per channel: rows 0,0,0,1,1,1
      const rows = tf.tensor1d([0, 0, 0, 1, 1, 1], 'int32');
      const perChannel = rational(x, tf.gather(a, rows), tf.gather(b, rows), { version });
      assertClose(grouped, { shape: [3, 6], data: perChannel.dataSync() }, { rtol: 1e-6, atol: 1e-7 }, 'grouped');
      expect(() => rational(tf.zeros([2, 5]), a, b, { version })).toThrow(ShapeError);
      expect(() => rational(tf.scalar(1), a, b, { version })).toThrow(ShapeError);
      expect(() => rational(x, tf.zeros([3, 3]), b, { version })).toThrow(/argument numerator\/denominator: numerator and denominator must both be/);
    });
  });
});

describe('rational B and C: the pivoted evaluation (large |x|) at ordinary x', () => {
  // With these coefficients the dominant term of Q moves from c0 through x² to x⁴ over
  // 0.3 < |x| < 40, so the pivoted evaluation switches its pivot between the sample points.
  const x = () => tf.tensor1d([-37, -9.3, -2.2, -0.71, 0.43, 1.6, 4.1, 13.7, 38]);
  const a = () => tf.tensor1d([0.2, -0.7, 0.4, 0.3, -0.02, 0.004]);
  const b = () => tf.tensor1d([0.3, 2.5, -0.1, 0.01]);

  it.each(['B', 'C'] as const)('version %s passes a finite-difference check', async (version) => {
    await initBackend({ backend: 'cpu' });
    const inputs = [x(), a(), b()];
    setRationalDirectPath(false);
    try {
      gradCheck((xx, aa, bb) => tf.div(rational(xx, aa, bb, { version }), tf.add(1, tf.abs(xx))), inputs, { eps: 1e-3, rtol: 2e-2, atol: 2e-3 });
    } finally {
      setRationalDirectPath(true);
      tf.dispose(inputs);
    }
  });

  it.each(['B', 'C'] as const)('version %s: the same value and gradients as the direct evaluation (cpu and wasm)', async (version) => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend });
      tf.tidy(() => {
        const inputs = [x(), a(), b()];
        const run = (direct: boolean) => {
          setRationalDirectPath(direct);
          try {
            const f = (xx: tf.Tensor, aa: tf.Tensor, bb: tf.Tensor) => rational(xx, aa, bb, { version });
            return [f(inputs[0], inputs[1], inputs[2]), ...tf.grads(f)(inputs)].map((t) => Array.from(t.dataSync()));
          } finally {
            setRationalDirectPath(true);
          }
        };
        const direct = run(true);
        run(false).forEach((got, i) =>
          assertClose(tf.tensor(got), { shape: [got.length], data: direct[i] }, { rtol: 1e-5, atol: 1e-6 }, `${backend} output ${i}`),
        );
      });
    }
  });
});

/** Deterministic coefficients in [-s, s]. */
function coefficients(seed: number, length: number, s: number): number[] {
  let state = seed;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.fround(((state / 2 ** 32) * 2 - 1) * s);
  });
}

/** Coefficient sets for the large-|x| checks: fitted inits (fitted when first asked for), random ones, and degenerate shapes. */
function largeCases(version: 'B' | 'C'): [string, () => [number[], number[]]][] {
  const inits = (['identity', 'leaky_relu', 'gelu', 'tanh', 'sigmoid', 'relu', 'swish'] as const).map((name): [string, () => [number[], number[]]] => [
    `init ${name}`,
    () => {
      const c = rationalInit(name, version, [5, 4]);
      return [c.numerator.map(Math.fround), c.denominator.map(Math.fround)];
    },
  ]);
  const fixed: [string, number[], number[]][] = [
    ['random 1', coefficients(1, 6, 1), coefficients(2, 4, 1)],
    ['random 2 (degrees 3/6)', coefficients(3, 4, 2), coefficients(4, 6, 0.5)],
    ['leading denominator coefficients 0', [0.3, -1, 0.5, 0.2, 0, 0], [0.5, 0.3, 0, 0]],
    ['numerator degree 7 over 2', [1, 2, 3, 4, 5, 6, 7, 8].map((v) => Math.fround(v / 10)), [0.1, 0.2].map(Math.fround)],
    ['numerator degree 1 over 4', [1, -1], [0.01, 0.02, 0.03, 0.5].map(Math.fround)],
    ['large |b| (1e3) and small leading a', [0, 0, 0, 0, 0, Math.fround(1e-3)], [0, 0, 0, 1e3]],
    ['all-zero denominator', [0.5, -0.25, 0.125], [0, 0, 0]],
  ];
  return [...inits, ...fixed.map(([name, a, b]): [string, () => [number[], number[]]] => [name, () => [a, b]])];
}

describe.each(['cpu', 'wasm'] as const)('rational B and C at |x| up to 1e30, against float64, on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  describe.each(['B', 'C'] as const)('version %s', (version: RationalVersion & ('B' | 'C')) => {
    it.each(largeCases(version))('%s', (_name, coefficientsOf) => {
      const [a, b] = coefficientsOf();
      const xs = RATIONAL_XS;
      const refs = xs.map((x) => rationalReference(x, a, b, version));
      expectRationalMatch(rationalPerElement(xs, a, b, version), refs, xs);
      tf.tidy(() => {
        const f = (xx: tf.Tensor, aa: tf.Tensor, bb: tf.Tensor) => rational(xx, aa, bb, { version });
        // shared tables (one row): the same values and x-gradients; a coefficient's gradient is
        // the sum of the per-element ones, checked where none of those overflows (a float32 sum
        // of contributions that overflow with both signs is NaN, whatever computes them)
        const as = tf.tensor1d(a);
        const bs = tf.tensor1d(b);
        const xv = tf.tensor1d([...xs]);
        const [sx, sa, sb] = tf.grads(f)([xv, as, bs]);
        expectRationalMatch({ y: f(xv, as, bs).dataSync(), dx: sx.dataSync() }, refs, xs, { y: 'shared y', dx: 'shared dy/dx' });
        const summed = (parts: { value: number; slack: number }[]) =>
          parts.every((p) => Math.abs(p.value) + p.slack < 1e38)
            ? [{ value: parts.reduce((t, p) => t + p.value, 0), slack: parts.reduce((t, p) => t + p.slack + 1e-6 * Math.abs(p.value), 0) }]
            : [];
        a.forEach((_, j) => expectFloat64Match([sa.dataSync()[j]], summed(refs.map((r) => r.da[j])), [NaN], `shared dy/da${j}`));
        b.forEach((_, k) => expectFloat64Match([sb.dataSync()[k]], summed(refs.map((r) => r.db[k])), [NaN], `shared dy/db${k}`));
      });
    });
  });
});
