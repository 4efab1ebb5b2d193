// Version A (the fused group-rational kernel of @basiskit/kernels) and KATGroupRational at |x| up
// to 1e30 against float64, on cpu and wasm: value, dy/dx and every coefficient's gradient, per
// element (one coefficient row per element), for the fitted inits, random and degenerate
// coefficients. The same inputs and judgement as the B/C tests in rational.test.ts.
import { initBackend, tf } from '@basiskit/tensor';
import { beforeAll, describe, it } from 'vitest';
import { KATGroupRational } from './kat_group_rational';
import { rational } from './rational';
import { rationalInit } from './rational_init';
import { RATIONAL_XS, expectFloat64Match, overflows, rationalReference } from './rational_testing';

type Coefficients = () => [number[], number[]];

const CASES: [string, Coefficients][] = [
  ...(['identity', 'leaky_relu', 'gelu', 'tanh', 'swish'] as const).map((name): [string, Coefficients] => [
    `init ${name}`,
    () => {
      const c = rationalInit(name, 'A', [5, 4]);
      return [c.numerator.map(Math.fround), c.denominator.map(Math.fround)];
    },
  ]),
  ['mixed signs', () => [[0.3, -1, 0.5, 0.2, -0.05, 0.01].map(Math.fround), [0.5, -0.3, 0.2, -0.1].map(Math.fround)]],
  ['leading denominator coefficients 0', () => [[0.3, -1, 0.5, 0.2, 0, 0].map(Math.fround), [0.5, 0.3, 0, 0].map(Math.fround)]],
  [
    'large |b| (1e3) and small leading a',
    () => [
      [0, 0, 0, 0, 0, Math.fround(1e-3)],
      [0, 0, 0, 1e3],
    ],
  ],
];

describe.each(['cpu', 'wasm'] as const)('version A and KATGroupRational at |x| up to 1e30, against float64, on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(CASES)('rational version A: %s', (_name, coefficientsOf) => {
    const [a, b] = coefficientsOf();
    const xs = RATIONAL_XS;
    const refs = xs.map((x) => rationalReference(x, a, b, 'A'));
    const yOver = overflows(refs.map((r) => r.y));
    tf.tidy(() => {
      const x = tf.tensor2d([[...xs]]);
      const at = tf.tensor2d(xs.map(() => a));
      const bt = tf.tensor2d(xs.map(() => b));
      const f = (xx: tf.Tensor, aa: tf.Tensor, bb: tf.Tensor) => rational(xx, aa, bb, { version: 'A' });
      expectFloat64Match(
        f(x, at, bt).dataSync(),
        refs.map((r) => r.y),
        xs,
        'y',
      );
      const [gx, ga, gb] = tf.grads(f)([x, at, bt]);
      expectFloat64Match(
        gx.dataSync(),
        refs.map((r) => r.dx),
        xs,
        'dy/dx',
        yOver,
      );
      const ga2 = ga.arraySync() as number[][];
      const gb2 = gb.arraySync() as number[][];
      a.forEach((_, j) =>
        expectFloat64Match(
          ga2.map((row) => row[j]),
          refs.map((r) => r.da[j]),
          xs,
          `dy/da${j}`,
          yOver,
        ),
      );
      b.forEach((_, k) =>
        expectFloat64Match(
          gb2.map((row) => row[k]),
          refs.map((r) => r.db[k]),
          xs,
          `dy/db${k}`,
          yOver,
        ),
      );
    });
  });

  it.each(CASES)('KATGroupRational (one group per channel): %s', (_name, coefficientsOf) => {
    const [a, b] = coefficientsOf();
    const xs = RATIONAL_XS;
    const refs = xs.map((x) => rationalReference(x, a, b, 'A'));
    const yOver = overflows(refs.map((r) => r.y));
    const act = new KATGroupRational({ channels: xs.length, groups: xs.length, sharedNumerator: false });
    const sd = { weight_numerator: tf.tensor2d(xs.map(() => a)), weight_denominator: tf.tensor2d(xs.map(() => b)) };
    try {
      act.loadStateDict(sd);
      tf.tidy(() => {
        const x = tf.tensor2d([[...xs]]);
        expectFloat64Match(
          act.forward(x).dataSync(),
          refs.map((r) => r.y),
          xs,
          'y',
        );
        expectFloat64Match(
          tf
            .grad((t: tf.Tensor) => tf.sum(act.forward(t)))(x)
            .dataSync(),
          refs.map((r) => r.dx),
          xs,
          'dy/dx',
          yOver,
        );
        const vars = [act.weight_numerator.value, act.weight_denominator.value];
        const { grads } = tf.variableGrads(() => tf.sum(act.forward(x)) as tf.Scalar, vars);
        const ga = grads[vars[0].name].arraySync() as number[][];
        const gb = grads[vars[1].name].arraySync() as number[][];
        a.forEach((_, j) =>
          expectFloat64Match(
            ga.map((row) => row[j]),
            refs.map((r) => r.da[j]),
            xs,
            `d weight_numerator[${j}]`,
            yOver,
          ),
        );
        b.forEach((_, k) =>
          expectFloat64Match(
            gb.map((row) => row[k]),
            refs.map((r) => r.db[k]),
            xs,
            `d weight_denominator[${k}]`,
            yOver,
          ),
        );
      });
    } finally {
      tf.dispose(Object.values(sd));
      act.dispose();
    }
  });
});
