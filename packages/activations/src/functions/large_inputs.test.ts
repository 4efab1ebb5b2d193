// Large |x| (up to 3e38) against float64 evaluations, on the cpu and the wasm backend: value,
// d/dx and the gradient of every tensor parameter, for the functions whose formulas used to
// overflow into NaN/∞ (geluTanh, crrelu, sine, periodic, snake, cauchy, hardSwish, swish, apa;
// elephant at subnormal x)
// and the Module forms of sine, snake, cauchy and swish.
//
// How a result is judged: where the float64 value exceeds float32 the result must be ±∞ of its
// sign (or at least 1e38); elsewhere finite and within atol + rtol·|ref| + `phase`, where
// `phase` (oscillating functions only) is how far the result may move when the float32 phase
// w·x is rounded, |w·x|·2^-23 times the slope, capped at the output's range: past |w·x| ≈ 1e7
// the phase of a float32 product means nothing, so there only finiteness and the range are
// checked. (The wasm backend's sin/cos are themselves inaccurate past |arg| ≈ 1e10.)
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, type Tensor } from '@basiskit/tensor';
import * as act from '../index';

const FLOAT32_MAX = 3.4028234663852886e38;
const f32 = Math.fround;

/** Inputs: the extremes, the old overflow points (x³, x², 2x, w0·x), and ordinary values. */
const XS = [3e38, -3e38, 1.7e38, -1e38, 1.2e37, 1e30, -1e30, 1e20, -1e20, 3e19, 1e10, -1e10, 1e4, -1e4, 12.5, -12.5, 1.5, -0.7, 0, 1e-40].map(f32);

/** Reference and allowed phase slack of one output, per element. */
type Out = [ref: number, phase?: number];

interface Case {
  name: string;
  /** Parameter values (each becomes a [N] tensor, one per element of x [1, N]); none: a plain function of x. */
  params?: number[];
  f: (x: Tensor, p: Tensor[]) => Tensor;
  /** float64 [y, dy/dx, dy/dp_0, ...] at x (parameters as float32 values). */
  ref: (x: number, p: number[]) => Out[];
  rtol?: number;
  /** Inputs to leave out (e.g. where the phase is exactly at the clamp). */
  xs?: number[];
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const sigmoidSlope = (z: number) => sigmoid(z) * sigmoid(-z);
/** The phase slack: |arg|·2^-23·slope, capped at `range`. */
const phase = (arg: number, slope: number, range: number) => Math.min(range, Math.abs(arg) * 2 ** -23 * slope + 1e-6);

const GELU_K = Math.sqrt(2 / Math.PI);

const snakeRef = (x: number, a: number): Out[] => {
  const v = a * x;
  const vTol = (s: number, r: number) => phase(v, s, r);
  if (a === 0) return [[x], [1], [x * x]];
  const s = Math.sin(v);
  return [
    [x + (s * s) / a, vTol(1 / Math.abs(a), 1 / Math.abs(a))],
    [1 + Math.sin(2 * v), vTol(2, 2)],
    [(x * Math.sin(2 * v)) / a - (s * s) / (a * a), vTol(2 * x * x, 2 * Math.abs(x / a) + 1 / (a * a))],
  ];
};

const cauchyRef = (x: number, [l1, l2, d]: number[]): Out[] => {
  const r = 1 / (x * x + d * d);
  const y = (l1 * x + l2) * r;
  return [[y], [(l1 - 2 * x * y) * r], [x * r], [r], [-2 * d * y * r]];
};

const CASES: Case[] = [
  {
    name: 'geluTanh',
    f: (x) => act.geluTanh(x),
    ref: (x) => {
      const u = GELU_K * (x + 0.044715 * x ** 3);
      const sech2 = 1 / Math.cosh(u) ** 2;
      return [[0.5 * x * (1 + Math.tanh(u))], [0.5 * (1 + Math.tanh(u)) + 0.5 * x * sech2 * GELU_K * (1 + 3 * 0.044715 * x * x)]];
    },
  },
  {
    name: 'crrelu eps (tensor)',
    params: [0.01],
    f: (x, [eps]) => act.crrelu(x, { eps }),
    ref: (x, [eps]) => {
      const b = Math.exp(-0.5 * x * x);
      return [[Math.max(x, 0) + eps * x * b], [(x > 0 ? 1 : 0) + eps * (1 - x * x) * b], [x * b]];
    },
  },
  {
    name: 'sine w0 30',
    f: (x) => act.sine(x),
    ref: (x) => [
      [Math.sin(30 * x), phase(30 * x, 1, 2)],
      [30 * Math.cos(30 * x), phase(30 * x, 30, 60)],
    ],
  },
  {
    name: 'sine w0 1',
    f: (x) => act.sine(x, { w0: 1 }),
    ref: (x) => [
      [Math.sin(x), phase(x, 1, 2)],
      [Math.cos(x), phase(x, 1, 2)],
    ],
  },
  {
    name: 'sine w0 -3000',
    f: (x) => act.sine(x, { w0: -3000 }),
    ref: (x) => [
      [Math.sin(-3000 * x), phase(3000 * x, 1, 2)],
      [-3000 * Math.cos(-3000 * x), phase(3000 * x, 3000, 6000)],
    ],
  },
  {
    name: 'periodic',
    f: (x) => act.periodic(x),
    ref: (x) => [
      [x + Math.sin(x) ** 2, phase(x, 1, 1)],
      [1 + Math.sin(2 * x), phase(x, 2, 2)],
    ],
    rtol: 1e-6,
  },
  { name: 'snake (default a = 1)', f: (x) => act.snake(x), ref: (x) => snakeRef(x, 1).slice(0, 2), rtol: 1e-6 },
  { name: 'snake a 7', f: (x) => act.snake(x, { a: 7 }), ref: (x) => snakeRef(x, 7).slice(0, 2), rtol: 1e-6 },
  ...[0.7, -40, 1, 1e-30, 0].map((a): Case => ({
    name: `snake a ${a} (tensor)`,
    params: [a],
    f: (x, [t]) => act.snake(x, { a: t }),
    ref: (x, [aa]) => snakeRef(x, aa),
    rtol: 1e-5,
  })),
  { name: 'cauchy (defaults)', f: (x) => act.cauchy(x), ref: (x) => cauchyRef(x, [1, 1, 1]).slice(0, 2) },
  ...[
    [0.7, 0.3, 1.2],
    [-2, 5, 1e-3],
    [1, -1, 1e20],
  ].map((p): Case => ({
    name: `cauchy ${p.join(', ')} (tensors)`,
    params: p,
    f: (x, [lambda1, lambda2, d]) => act.cauchy(x, { lambda1, lambda2, d }),
    ref: cauchyRef,
  })),
  {
    // subnormal x: the derivative needs sign(x) (the wasm backend's tf.sign gives 0 there)
    name: 'elephant d 0.5',
    f: (x) => act.elephant(x, { d: 0.5 }),
    ref: (x) => {
      const u = Math.abs(x);
      return [[1 / (1 + Math.sqrt(u))], [x === 0 ? 0 : (-0.5 * Math.sign(x) * u ** -0.5) / (1 + Math.sqrt(u)) ** 2]];
    },
    xs: [...XS, -1e-40, 3e-45].map(f32),
  },
  { name: 'hardSwish', f: (x) => act.hardSwish(x), ref: (x) => [[(x * Math.min(Math.max(x + 3, 0), 6)) / 6], [x < -3 ? 0 : x <= 3 ? x / 3 + 0.5 : 1]] },
  ...[1, 2, -3, 1e-30].map((beta): Case => ({
    name: `swish beta ${beta} (tensor)`,
    params: [beta],
    f: (x, [b]) => act.swish(x, { beta: b }),
    ref: (x, [b]) => [[x * sigmoid(b * x)], [sigmoid(b * x) + b * x * sigmoidSlope(b * x)], [x * x * sigmoidSlope(b * x)]],
  })),
  {
    name: 'apa lambda 0.5 kappa 3 (tensors)',
    params: [0.5, 3],
    f: (x, [lambda, kappa]) => act.apa(x, { lambda, kappa }),
    ref: (x, [l, k]) => {
      // p = (λ e^{-κx} + 1)^{-1/λ} = exp(-softplus(z)/λ), z = log λ - κx
      const z = Math.log(l) - k * x;
      const sp = Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
      const p = Math.exp(-sp / l);
      const w = sigmoid(z);
      const g = w / l;
      // softplus(z) − σ(z) = −log(1 − w) − w = Σ_{k>=2} w^k/k, summed where it cancels
      let r = sp - w;
      if (w < 0.25) for (let k = 2, wk = w * w; k < 40; k++, wk *= w) r = k === 2 ? wk / 2 : r + wk / k;
      return [[p], [p * k * g], [p === 0 ? 0 : (p * r) / (l * l)], [p === 0 ? 0 : p * x * g]];
    },
  },
];

/** Module forms: per channel, one channel per element of x, so each parameter gradient is per element. */
const MODULES: { name: string; make: (channels: number) => act.LearnableActivation | act.ActivationModule<object>; ref: (x: number) => Out[] }[] = [
  {
    name: 'Sine',
    make: () => new act.Sine(),
    ref: (x) => [
      [Math.sin(30 * x), phase(30 * x, 1, 2)],
      [30 * Math.cos(30 * x), phase(30 * x, 30, 60)],
    ],
  },
  { name: 'Snake', make: (channels) => new act.Snake({ channels }), ref: (x) => snakeRef(x, 1) },
  {
    name: 'Snake logScale a = 2',
    make: (channels) => new act.Snake({ channels, a: 2, logScale: true }),
    // d/d(log a) = a·d/da
    ref: (x) => snakeRef(x, 2).map(([r, t], i) => (i === 2 ? [2 * r, t === undefined ? undefined : 2 * t] : [r, t]) as Out),
  },
  { name: 'CauchyActivation', make: (channels) => new act.CauchyActivation({ channels }), ref: (x) => cauchyRef(x, [1, 1, 1]) },
  {
    name: 'LearnableSwish',
    make: (channels) => new act.LearnableSwish({ channels }),
    ref: (x) => [[x * sigmoid(x)], [sigmoid(x) + x * sigmoidSlope(x)], [x * x * sigmoidSlope(x)]],
  },
];

function expectClose(got: ArrayLike<number>, want: Out[], xs: number[], rtol: number, label: string): void {
  xs.forEach((x, i) => {
    const [ref, slack = 0] = want[i];
    const g = got[i];
    const at = `${label} at x = ${x}: got ${g}, float64 ${ref}`;
    expect(Number.isNaN(g), at).toBe(false);
    if (Math.abs(ref) - slack > FLOAT32_MAX) {
      // overflows whatever the float32 phase: ±∞ (or near it) of the reference's sign
      expect(Math.sign(g) === Math.sign(ref) && Math.abs(g) >= 1e38, at).toBe(true);
      return;
    }
    // the phase slack reaches past float32: any sign of ∞ is as right as a finite value
    if (Math.abs(ref) + slack > FLOAT32_MAX && !Number.isFinite(g)) return;
    expect(Number.isFinite(g), at).toBe(true);
    expect(Math.abs(g - ref), at).toBeLessThanOrEqual(1e-44 + rtol * Math.abs(ref) + slack);
  });
}

describe.each(['cpu', 'wasm'] as const)('large |x| on %s, against float64', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(CASES)('$name', ({ params = [], f, ref, rtol = 2e-5, xs = XS }) => {
    tf.tidy(() => {
      const x = tf.tensor2d([xs]);
      const ps = params.map((v) => tf.fill([xs.length], v));
      const y = f(x, ps).dataSync();
      const grads = tf
        .grads((...ts: Tensor[]) => tf.sum(f(ts[0], ts.slice(1))))([x, ...ps])
        .map((g) => g.dataSync());
      const refs = xs.map((v) => ref(v, params.map(f32)));
      expectClose(
        y,
        refs.map((r) => r[0]),
        xs,
        rtol,
        'y',
      );
      grads.forEach((g, k) =>
        expectClose(
          g,
          refs.map((r) => r[k + 1]),
          xs,
          rtol,
          k === 0 ? 'dy/dx' : `dy/dp${k - 1}`,
        ),
      );
    });
  });

  it.each(MODULES)('module $name', ({ make, ref }) => {
    const m = make(XS.length);
    try {
      tf.tidy(() => {
        const x = tf.tensor2d([XS]);
        const y = m.forward(x).dataSync();
        const vars = m.trainableVariables();
        const refs = XS.map((v) => ref(v));
        expectClose(
          y,
          refs.map((r) => r[0]),
          XS,
          2e-5,
          'y',
        );
        const dx = tf
          .grad((t: Tensor) => tf.sum(m.forward(t)))(x)
          .dataSync();
        expectClose(
          dx,
          refs.map((r) => r[1]),
          XS,
          2e-5,
          'dy/dx',
        );
        if (vars.length) {
          const { grads } = tf.variableGrads(() => tf.sum(m.forward(x)) as tf.Scalar, vars);
          vars.forEach((v, k) =>
            expectClose(
              grads[v.name].dataSync(),
              refs.map((r) => r[k + 2]),
              XS,
              2e-5,
              `d/d${v.name}`,
            ),
          );
        }
      });
    } finally {
      m.dispose();
    }
  });
});
