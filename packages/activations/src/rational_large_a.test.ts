// Version A (the fused group-rational kernel of @basiskit/kernels) and KATGroupRational at |x| up
// to 1e30 against float64, on cpu and wasm: value, dy/dx and every coefficient's gradient, per
// element (one coefficient row per element), for the fitted inits, random and degenerate
// coefficients. The same inputs and judgement as the B/C tests in rational.test.ts.
import { initBackend, tf } from '@basiskit/tensor';
import { beforeAll, describe, it } from 'vitest';
import { KATGroupRational } from './kat_group_rational';
import { rationalInit } from './rational_init';
import { RATIONAL_XS, expectRationalMatch, rationalPerElement, rationalReference } from './rational_testing';

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
    expectRationalMatch(rationalPerElement(xs, a, b, 'A'), refs, xs);
  });

  it.each(CASES)('KATGroupRational (one group per channel): %s', (_name, coefficientsOf) => {
    const [a, b] = coefficientsOf();
    const xs = RATIONAL_XS;
    const refs = xs.map((x) => rationalReference(x, a, b, 'A'));
    const act = new KATGroupRational({ channels: xs.length, groups: xs.length, sharedNumerator: false });
    const sd = { weight_numerator: tf.tensor2d(xs.map(() => a)), weight_denominator: tf.tensor2d(xs.map(() => b)) };
    try {
      act.loadStateDict(sd);
      tf.tidy(() => {
        const x = tf.tensor2d([[...xs]]);
        const vars = [act.weight_numerator.value, act.weight_denominator.value];
        const { grads } = tf.variableGrads(() => tf.sum(act.forward(x)) as tf.Scalar, vars);
        expectRationalMatch(
          {
            y: act.forward(x).dataSync(),
            dx: tf
              .grad((t: tf.Tensor) => tf.sum(act.forward(t)))(x)
              .dataSync(),
            da: grads[vars[0].name].arraySync() as number[][],
            db: grads[vars[1].name].arraySync() as number[][],
          },
          refs,
          xs,
          { da: (j) => `d weight_numerator[${j}]`, db: (k) => `d weight_denominator[${k}]` },
        );
      });
    } finally {
      tf.dispose(Object.values(sd));
      act.dispose();
    }
  });
});
