// Property-based tests (fast-check, fixed seed), on the cpu and the wasm backend: for random
// finite float32 inputs, the extremes among them (±3.4e38, ±1e30, subnormals down to 1.4e-45,
// ±0), every registered activation (default options) and every learnable module (default
// parameters) gives a finite value and a finite gradient (tf.grad of the sum; for modules also
// each parameter's gradient, one parameter value per element) wherever the true ones are
// finite, and never NaN anywhere. Each run is one batch of 64 values.
//
// Where the true value is not finite in float32 (the inputs are left out of the finiteness
// check, ∞ is then the right answer, NaN still is not):
// - selu: scale·x > 3.4e38 for x > 3.24e38;
// - squared_relu: x² > 3.4e38 for |x| > 1.84e19 (x > 0);
// - Rational versions A/B/C and KATGroupRational: P(x)/Q(x) and its derivatives in x and in the
//   coefficients (x^j/Q grows like |x|^(j−n)) exceed float32 at large |x| depending on the
//   coefficients, so there a float64 evaluation decides: finite required where the float64
//   value and gradient are below float32's limit, NaN never. Version A and KATGroupRational
//   (the fused kernel) are checked for |x| <= 1e30, the range @basiskit/kernels guarantees; B and C
//   over the whole float32 range.
// Every other activation is finite for every finite float32 input: the exp-based ones saturate
// (softplus(1e30) = 1e30, σ(±∞) = 1 or 0), none is exponential-growing (no x·e^x in the registry).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, type Module, type Tensor } from '@basiskit/tensor';
import * as act from './index';
import { rationalInit } from './rational_init';
import { rationalReference, type RationalReference } from './rational_testing';

const FLOAT32_MAX = 3.4028234663852886e38;
const BATCH = 64;
const SEED = 20261129;
const NUM_RUNS = 20;

const EXTREMES = [
  FLOAT32_MAX,
  -FLOAT32_MAX,
  3e38,
  -3e38,
  1e30,
  -1e30,
  1e20,
  -1e20,
  2e19,
  -2e19,
  1.1754942e-38,
  -1.1754942e-38,
  1e-40,
  -1e-40,
  1.4e-45,
  -1.4e-45,
  0,
  -0,
  1,
  -1,
].map(Math.fround);

/** One batch: finite float32 values over the whole range, ordinary ones, and the extremes. */
function batch(limit = FLOAT32_MAX): fc.Arbitrary<number[]> {
  const within = (v: number) => Math.abs(v) <= limit;
  const value = fc.oneof(
    { arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-limit), max: Math.fround(limit) }), weight: 3 },
    { arbitrary: fc.float({ noNaN: true, min: -30, max: 30 }), weight: 2 },
    { arbitrary: fc.constantFrom(...EXTREMES.filter(within)), weight: 2 },
  );
  return fc.array(value, { minLength: BATCH, maxLength: BATCH });
}

/** Inputs where the true value or derivative of a registry entry is not finite in float32 (see the header). */
const NOT_FINITE: Partial<Record<act.ActivationName, (x: number) => boolean>> = {
  selu: (x) => x * act.SELU_SCALE > FLOAT32_MAX * (1 - 1e-6),
  squared_relu: (x) => x * x > FLOAT32_MAX * (1 - 1e-6),
};

/** Fails naming the first input whose result is NaN, or not finite although the true one is. */
function expectFinite(xs: number[], out: ArrayLike<number>, label: string, finite: (i: number) => boolean): void {
  xs.forEach((x, i) => {
    const v = out[i];
    expect(Number.isNaN(v), `${label} at x = ${x}: NaN`).toBe(false);
    if (finite(i)) expect(Number.isFinite(v), `${label} at x = ${x}: ${v}, the true value is finite`).toBe(true);
  });
}

const run = (property: fc.IProperty<[number[]]>) => fc.assert(property, { seed: SEED, numRuns: NUM_RUNS });

/** Learnable modules with default parameters, one channel per element of x [1, 64]. */
const LEARNABLE: [string, () => Module & { forward(x: Tensor): Tensor }][] = [
  ['Snake', () => new act.Snake({ channels: BATCH })],
  ['Snake logScale', () => new act.Snake({ channels: BATCH, logScale: true })],
  ['APA', () => new act.APA({ channels: BATCH })],
  ['AGLU', () => new act.AGLU({ channels: BATCH })],
  ['PReLU', () => new act.PReLU({ numParameters: BATCH })],
  ['XGELU', () => new act.XGELU({ channels: BATCH })],
  ['XSiLU', () => new act.XSiLU({ channels: BATCH })],
  ['LearnableSwish', () => new act.LearnableSwish({ channels: BATCH })],
  ['CauchyActivation', () => new act.CauchyActivation({ channels: BATCH })],
];

/** The rational modules with default coefficients, one coefficient row per element, and the float64 reference of each element. */
const RATIONAL: [string, number, () => Module & { forward(x: Tensor): Tensor }, (x: number) => RationalReference][] = [
  ...(['A', 'B', 'C'] as const).map((version): (typeof RATIONAL)[number] => [
    `Rational version ${version} (init leaky_relu)`,
    version === 'A' ? 1e30 : FLOAT32_MAX,
    () => new act.Rational({ version, channels: BATCH }),
    (x) => {
      const c = rationalInit('leaky_relu', version, [5, 4]);
      return rationalReference(x, c.numerator.map(Math.fround), c.denominator.map(Math.fround), version);
    },
  ]),
  [
    'KATGroupRational (init identity)',
    1e30,
    () => new act.KATGroupRational({ channels: BATCH, groups: BATCH, sharedNumerator: false }),
    (x) => {
      const c = rationalInit('identity', 'A', [5, 4]);
      return rationalReference(x, c.numerator.map(Math.fround), c.denominator.map(Math.fround), 'A');
    },
  ],
];

const belowLimit = ({ value, slack }: { value: number; slack: number }) => Math.abs(value) + slack < FLOAT32_MAX * 0.99;

describe.each(['cpu', 'wasm'] as const)('finite in, finite out (property, %s)', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(act.activationNames)('%s: value and gradient', (name) => {
    const f = act.activations[name];
    const notFinite = NOT_FINITE[name] ?? (() => false);
    run(
      fc.property(batch(), (xs) => {
        tf.tidy(() => {
          const x = tf.tensor1d(xs);
          const finite = (i: number) => !notFinite(xs[i]);
          expectFinite(xs, f(x).dataSync(), `${name} value`, finite);
          expectFinite(
            xs,
            tf
              .grad((t: Tensor) => tf.sum(f(t)))(x)
              .dataSync(),
            `${name} gradient`,
            finite,
          );
        });
      }),
    );
  });

  it.each(LEARNABLE)('%s: value, input gradient and parameter gradients', (name, make) => {
    const m = make();
    try {
      run(
        fc.property(batch(), (xs) => {
          tf.tidy(() => {
            const x = tf.tensor2d([xs]);
            const all = () => true;
            expectFinite(xs, m.forward(x).dataSync(), `${name} value`, all);
            expectFinite(
              xs,
              tf
                .grad((t: Tensor) => tf.sum(m.forward(t)))(x)
                .dataSync(),
              `${name} dx`,
              all,
            );
            const vars = m.trainableVariables();
            const { grads } = tf.variableGrads(() => tf.sum(m.forward(x)) as tf.Scalar, vars);
            vars.forEach((v) => expectFinite(xs, grads[v.name].dataSync(), `${name} d${v.name}`, all));
          });
        }),
      );
    } finally {
      m.dispose();
    }
  });

  it.each(RATIONAL)('%s: value and gradients (|x| <= %d)', (name, limit, make, reference) => {
    const m = make();
    try {
      run(
        fc.property(batch(limit), (xs) => {
          const refs = xs.map(reference);
          const yFinite = (i: number) => belowLimit(refs[i].y);
          tf.tidy(() => {
            const x = tf.tensor2d([xs]);
            expectFinite(xs, m.forward(x).dataSync(), `${name} value`, yFinite);
            const dx = tf
              .grad((t: Tensor) => tf.sum(m.forward(t)))(x)
              .dataSync();
            expectFinite(xs, dx, `${name} dx`, (i) => yFinite(i) && belowLimit(refs[i].dx));
            const [num, den] = m.trainableVariables();
            const { grads } = tf.variableGrads(() => tf.sum(m.forward(x)) as tf.Scalar, [num, den]);
            const perElement = (g: Tensor) => g.arraySync() as number[][];
            const da = perElement(grads[num.name]);
            const db = perElement(grads[den.name]);
            da[0].forEach((_, j) =>
              expectFinite(
                xs,
                da.map((row) => row[j]),
                `${name} d numerator[${j}]`,
                (i) => yFinite(i) && belowLimit(refs[i].da[j]),
              ),
            );
            db[0].forEach((_, k) =>
              expectFinite(
                xs,
                db.map((row) => row[k]),
                `${name} d denominator[${k}]`,
                (i) => yFinite(i) && belowLimit(refs[i].db[k]),
              ),
            );
          });
        }),
      );
    } finally {
      m.dispose();
    }
  });
});
