// Every activation function: the name registry and option checks, tensor hygiene, derivatives
// against finite differences (values, tensor parameters, kinks, second derivatives), and, on
// the cpu and the wasm backend, the golden vectors (tooling/conformance/act_*.json) and
// finiteness of values and gradients at ±1e4, ±1e-8, 0, ±1 and every kink.
// (One file, so the suite pays tfjs's start-up once.)
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, ConfigError, DTypeError, ShapeError, type Tensor } from '@basiskit/tensor';
import { assertClose, listCases, loadCase, specTensor } from '@basiskit/test-utils';
import { gradCheck } from '@basiskit/training';
import * as act from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

// ---------------------------------------------------------------------------------------------
// Registry, option and input checks, tensor hygiene (cpu)

describe('registry', () => {
  it('lists every activation by snake_case name', () => {
    expect([...act.activationNames]).toEqual([
      'aglu',
      'apa',
      'cauchy',
      'celu',
      'crrelu',
      'elephant',
      'elu',
      'gcu',
      'gelu',
      'gelu_tanh',
      'golu',
      'hard_sigmoid',
      'hard_swish',
      'hard_tanh',
      'identity',
      'leaky_relu',
      'log_sigmoid',
      'mish',
      'periodic',
      'prelu',
      'relu',
      'relu6',
      'selu',
      'sigmoid',
      'silu',
      'sine',
      'smelu',
      'snake',
      'softplus',
      'softsign',
      'spder',
      'squared_relu',
      'swish',
      'tanh',
      'tempered_sigmoid',
      'xgelu',
      'xsilu',
    ]);
    expect(Object.isFrozen(act.activations)).toBe(true);
  });

  it('entries are the functions with their default options', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([-2, -0.5, 0.3, 1.7]);
      const same = (a: Tensor, b: Tensor) => expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      same(act.activations.gelu(x), act.gelu(x));
      same(act.activations.swish(x), act.silu(x));
      same(act.activations.sine(x), act.sine(x, { w0: 30 }));
      same(act.activations.smelu(x), act.smelu(x, { beta: 2 }));
      same(act.activations.leaky_relu(x), act.leakyRelu(x, { alpha: 0.01 }));
      same(act.activations.prelu(x), act.leakyRelu(x, { alpha: 0.25 }));
      const near = (a: Tensor, b: Tensor) => b.dataSync().forEach((v, i) => expect(a.dataSync()[i]).toBeCloseTo(v, 6));
      near(act.activations.aglu(x), act.silu(x)); // λ = κ = 1
      near(act.activations.apa(x), act.sigmoid(x));
      same(act.activations.xgelu(x), act.gelu(x)); // alpha = 0
      expect(act.getActivation('gelu_tanh')).toBe(act.activations.gelu_tanh);
      expect(act.activations.identity(x)).toBe(x);
    });
  });

  it('getActivation throws a ConfigError listing the valid names', () => {
    expect(() => act.getActivation('gleu')).toThrow(ConfigError);
    expect(() => act.getActivation('gleu')).toThrow(
      /getActivation: argument name: unknown activation \(expected one of aglu, apa, .*gelu, gelu_tanh.*, got "gleu"\)/,
    );
    expect(() => act.getActivation('toString')).toThrow(ConfigError);
  });
});

describe('option and input checks', () => {
  const x = () => tf.tensor2d([[0.5, -1, 2]]);
  const throwsWith = (f: (x: Tensor) => Tensor, type: typeof ConfigError, pattern: RegExp) => {
    const t = x();
    try {
      expect(() => f(t)).toThrow(type);
      expect(() => f(t)).toThrow(pattern);
    } finally {
      t.dispose();
    }
  };

  it('numbers out of range', () => {
    throwsWith((t) => act.smelu(t, { beta: 0 }), ConfigError, /smelu: argument beta: invalid value \(expected a finite number > 0, got 0\)/);
    throwsWith((t) => act.elephant(t, { a: 0 }), ConfigError, /elephant: argument a: .*non-zero/);
    throwsWith((t) => act.celu(t, { alpha: -1 }), ConfigError, /celu: argument alpha/);
    throwsWith((t) => act.sine(t, { w0: NaN }), ConfigError, /sine: argument w0: .*got NaN/);
    throwsWith((t) => act.softplus(t, { beta: 0 }), ConfigError, /softplus: argument beta/);
    throwsWith((t) => act.cauchy(t, { d: 0 }), ConfigError, /cauchy: argument d/);
    throwsWith((t) => act.hardTanh(t, { min: 1, max: 1 }), ConfigError, /hardTanh: argument max: max must exceed min \(expected > min \(1\), got 1\)/);
    throwsWith((t) => act.gelu(t, { approximate: 'fast' as 'tanh' }), ConfigError, /gelu: argument approximate: .*'none', 'tanh'.*got "fast"/);
  });

  it('every invalid option is reported at once (one ConfigError listing each)', () => {
    const t = x();
    try {
      expect(() => act.temperedSigmoid(t, { s: NaN, T: 'hot' as unknown as number, o: 1 })).toThrow(ConfigError);
      expect(() => act.temperedSigmoid(t, { s: NaN, T: 'hot' as unknown as number, o: 1 })).toThrow(
        /^temperedSigmoid: invalid options:\n {2}s: expected a finite number, got NaN\n {2}T: expected a finite number, got "hot"$/,
      );
      expect(() => act.cauchy(t, { d: 0, lambda1: Infinity })).toThrow(
        /lambda1: expected a finite number or a float32 tensor, got Infinity\n {2}d: expected a finite non-zero number or a float32 tensor, got 0/,
      );
    } finally {
      t.dispose();
    }
  });

  it('unknown options and tensors where only numbers are accepted', () => {
    throwsWith((t) => act.snake(t, { alpha: 2 } as never), ConfigError, /snake: argument alpha: unknown option \(expected one of a, got 2\)/);
    throwsWith((t) => act.gelu(t, { beta: 1 } as never), ConfigError, /unknown option/);
    const beta = tf.scalar(2);
    throwsWith(
      (t) => act.smelu(t, { beta: beta as unknown as number }),
      ConfigError,
      /smelu: argument beta: invalid value \(expected a finite number > 0, got a float32 tensor \[\]\)/,
    );
    beta.dispose();
  });

  it('tensor parameters must broadcast channels-last and be float32', () => {
    const a = tf.tensor1d([1, 2]);
    const k = tf.tensor1d([1, 2, 3], 'int32');
    throwsWith((t) => act.snake(t, { a }), ShapeError, /snake: argument a: parameter does not broadcast over the input \(.*got shape \[2\]\)/);
    throwsWith((t) => act.apa(t, { kappa: k }), DTypeError, /apa: argument kappa: wrong dtype \(expected float32, got int32\)/);
    tf.dispose([a, k]);
  });

  it('the input must be a live float32 tensor', () => {
    const i = tf.tensor1d([1, 2], 'int32');
    expect(() => act.gelu(i)).toThrow(DTypeError);
    expect(() => act.relu(i)).toThrow(/relu: argument x: wrong dtype \(expected float32, got int32\)/);
    i.dispose();
    expect(() => act.silu([1, 2] as unknown as Tensor)).toThrow(ConfigError);
    const d = tf.tensor1d([1]);
    d.dispose();
    expect(() => act.mish(d)).toThrow(/disposed/);
  });
});

describe('tensor hygiene', () => {
  it('outside tf.tidy each call leaves exactly its result, with or without gradients', () => {
    const x = tf.tensor2d([
      [-1.5, 0.2],
      [3, -0.01],
    ]);
    const p = tf.tensor1d([0.6, 1.4]);
    const calls: ((t: Tensor) => Tensor)[] = [
      ...act.activationNames.map((n) => act.activations[n]),
      (t) => act.apa(t, { lambda: p, kappa: p }),
      (t) => act.cauchy(t, { lambda1: p, lambda2: 0.3, d: p }),
      (t) => act.snake(t, { a: p }),
    ];
    for (const f of calls) {
      const before = tf.memory().numTensors;
      const y = f(x);
      expect(tf.memory().numTensors - before).toBe(y === x ? 0 : 1);
      if (y !== x) y.dispose();
      const g = tf.grads((t: Tensor, q: Tensor) => tf.add(tf.sum(f(t)), tf.sum(q)))([x, p]);
      expect(tf.memory().numTensors - before).toBe(2);
      tf.dispose(g);
    }
    tf.dispose([x, p]);
  });
});

// ---------------------------------------------------------------------------------------------
// Derivatives (cpu)

// No point within 0.01 (gradCheck's step) of any kink: 0, ±1, ±2, ±3, 6.
const X = [-2.6, -1.7, -0.93, -0.41, 0.37, 1.1, 2.3, 4.2];

/** Per-function finite-difference step where the default (1e-2) is too coarse for the curvature. */
const EPS: Partial<Record<act.ActivationName, number>> = { sine: 1e-3 };

describe('derivatives match finite differences', () => {
  it.each(act.activationNames)('%s', (name) => {
    const x = tf.tensor1d(X);
    try {
      gradCheck(act.activations[name], [x], { eps: EPS[name] ?? 1e-2, rtol: 2e-2, atol: 2e-3 });
    } finally {
      x.dispose();
    }
  });

  it.each([
    ['smelu beta 0.5', (x: Tensor) => act.smelu(x, { beta: 0.5 })],
    ['hardTanh [-2, 3]', (x: Tensor) => act.hardTanh(x, { min: -2, max: 3 })],
    ['elu alpha 0.3', (x: Tensor) => act.elu(x, { alpha: 0.3 })],
    ['celu alpha 2', (x: Tensor) => act.celu(x, { alpha: 2 })],
    ['softplus beta 2 threshold 3', (x: Tensor) => act.softplus(x, { beta: 2, threshold: 3 })],
    ['softplus beta -1.5', (x: Tensor) => act.softplus(x, { beta: -1.5 })],
    ['elephant a 0.8 d 2.5', (x: Tensor) => act.elephant(x, { a: 0.8, d: 2.5 })],
    ['elephant a -1.5 d 1', (x: Tensor) => act.elephant(x, { a: -1.5, d: 1 })],
    ['temperedSigmoid 1.5 3 0.2', (x: Tensor) => act.temperedSigmoid(x, { s: 1.5, T: 3, o: 0.2 })],
    ['gelu tanh approx', (x: Tensor) => act.gelu(x, { approximate: 'tanh' })],
    ['snake a -1.3', (x: Tensor) => act.snake(x, { a: -1.3 })],
    ['snake a 0', (x: Tensor) => act.snake(x, { a: 0 })],
    ['apa 0.5 1.5', (x: Tensor) => act.apa(x, { lambda: 0.5, kappa: 1.5 })],
    ['aglu 2 -0.7', (x: Tensor) => act.aglu(x, { lambda: 2, kappa: -0.7 })],
    ['crrelu eps 0.5', (x: Tensor) => act.crrelu(x, { eps: 0.5 })],
  ])('%s', (_name, f) => {
    const x = tf.tensor1d(X);
    try {
      gradCheck(f, [x], { eps: 1e-2, rtol: 2e-2, atol: 2e-3 });
    } finally {
      x.dispose();
    }
  });
});

/** x [4, 2] (channels last, C = 2) and per-channel parameters [2]. */
const XC = [
  [-1.7, 0.37],
  [-0.41, 1.1],
  [2.3, -2.6],
  [0.93, -0.55],
];

describe('tensor parameters receive the right gradient', () => {
  const cases: [string, number[][], (x: Tensor, ...p: Tensor[]) => Tensor][] = [
    ['snake a', [[0.7, -1.3]], (x, a) => act.snake(x, { a })],
    ['snake a near 0', [[1e-3, -2e-3]], (x, a) => act.snake(x, { a })],
    ['swish beta', [[1.3, 0.6]], (x, beta) => act.swish(x, { beta })],
    [
      'apa lambda, kappa',
      [
        [0.5, 1.7],
        [1.5, 0.8],
      ],
      (x, lambda, kappa) => act.apa(x, { lambda, kappa }),
    ],
    [
      'aglu lambda, kappa',
      [
        [0.3, 2.5],
        [1.2, -0.6],
      ],
      (x, lambda, kappa) => act.aglu(x, { lambda, kappa }),
    ],
    ['xgelu alpha', [[0.1, -0.2]], (x, alpha) => act.xgelu(x, { alpha })],
    ['xsilu alpha', [[0.3, -0.15]], (x, alpha) => act.xsilu(x, { alpha })],
    [
      'cauchy',
      [
        [0.7, -0.4],
        [0.3, 1.1],
        [1.2, 0.8],
      ],
      (x, lambda1, lambda2, d) => act.cauchy(x, { lambda1, lambda2, d }),
    ],
    ['prelu alpha', [[0.25, 0.1]], (x, alpha) => act.prelu(x, { alpha })],
    ['leakyRelu alpha', [[0.01, -0.3]], (x, alpha) => act.leakyRelu(x, { alpha })],
    ['crrelu eps', [[0.01, 0.5]], (x, eps) => act.crrelu(x, { eps })],
  ];

  it.each(cases)('%s (shape [C])', (_name, values, f) => {
    const inputs = [tf.tensor2d(XC), ...values.map((v) => tf.tensor1d(v))];
    try {
      gradCheck(f, inputs, { eps: 1e-3, rtol: 1e-2, atol: 1e-3 });
    } finally {
      tf.dispose(inputs);
    }
  });

  it('a shared parameter of shape [1] or [] gets the sum over every element', () => {
    for (const shape of [[1], []] as number[][]) {
      const inputs = [tf.tensor2d(XC), tf.tensor([0.8], shape), tf.tensor([1.4], shape)];
      try {
        gradCheck((x, lambda, kappa) => act.aglu(x, { lambda, kappa }), inputs, { eps: 1e-3, rtol: 1e-2, atol: 1e-3 });
        const shapeOfGrad = tf.tidy(() => tf.grads((x: Tensor, l: Tensor) => tf.sum(act.apa(x, { lambda: l })))([inputs[0], inputs[1]])[1].shape);
        expect(shapeOfGrad).toEqual(shape);
      } finally {
        tf.dispose(inputs);
      }
    }
  });

  it('APA/AGLU: lambda is clamped at 1e-4 and gets no gradient below it (torch.clamp)', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([-1, 0.5, 2]);
      const lambda = tf.tensor1d([1e-6]);
      const below = act.apa(x, { lambda });
      const at = act.apa(x, { lambda: act.APA_MIN_LAMBDA });
      expect(Array.from(below.dataSync())).toEqual(Array.from(at.dataSync()));
      const g = tf.grad((l: Tensor) => tf.sum(act.aglu(x, { lambda: l })))(lambda);
      expect(Array.from(g.dataSync())).toEqual([0]);
    });
  });
});

describe("derivatives at the kinks follow PyTorch's choices", () => {
  const at = (f: (x: Tensor) => Tensor, xs: number[]) =>
    tf.tidy(() =>
      Array.from(
        tf
          .grad((t: Tensor) => tf.sum(f(t)))(tf.tensor1d(xs))
          .dataSync(),
      ),
    );
  const close = (got: number[], want: number[]) => want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 6));

  it('rectifiers and clamps', () => {
    close(at(act.relu, [0]), [0]);
    close(
      at((x) => act.leakyRelu(x, { alpha: 0.2 }), [0]),
      [0.2],
    );
    close(
      at((x) => act.elu(x, { alpha: 0.5 }), [0]),
      [0.5],
    );
    close(at(act.selu, [0]), [act.SELU_SCALE * act.SELU_ALPHA]);
    close(
      at((x) => act.celu(x, { alpha: 3 }), [0]),
      [1],
    );
    close(at(act.relu6, [0, 6, 3]), [0, 0, 1]);
    close(
      at((x) => act.hardTanh(x), [-1, 1, 0]),
      [0, 0, 1],
    );
    close(at(act.hardSigmoid, [-3, 3, 0]), [0, 0, 1 / 6]);
    close(at(act.hardSwish, [-3, 3, -3.001, 3.001]), [-0.5, 1.5, 0, 1]);
    close(
      at((x) => act.smelu(x), [-2, 2, 0]),
      [0, 1, 0.5],
    );
    close(at(act.squaredRelu, [0]), [0]);
    close(
      at((x) => act.crrelu(x), [0]),
      [0.01],
    );
  });

  it('|x|-based functions use sign(0) = 0', () => {
    close(at(act.softsign, [0]), [1]);
    close(
      at((x) => act.elephant(x), [0]),
      [0],
    );
    close(
      at((x) => act.elephant(x, { d: 1 }), [0]),
      [0],
    );
    close(at(act.spder, [0, 1e-8]), [0, 1.5e-4]); // 1.5·√|x| near 0
  });

  it('PReLU: d/dalpha is x where x <= 0 (0 at 0), d/dx is alpha at 0', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([0, -2, 3]);
      const alpha = tf.tensor1d([0.25]);
      const [gx, ga] = tf.grads((t: Tensor, a: Tensor) => tf.sum(act.prelu(t, { alpha: a })))([x, alpha]);
      close(Array.from(gx.dataSync()), [0.25, 0.25, 1]);
      close(Array.from(ga.dataSync()), [-2]);
    });
  });
});

describe('second derivatives (gradient of the gradient)', () => {
  const second = (f: (x: Tensor) => Tensor, x: Tensor) => tf.grad((t: Tensor) => tf.sum(tf.grad((u: Tensor) => tf.sum(f(u)))(t)))(x);
  const first = (f: (x: Tensor) => Tensor, x: Tensor) => tf.grad((u: Tensor) => tf.sum(f(u)))(x);

  it.each([
    ['sine', (x: Tensor) => act.sine(x, { w0: 3 })],
    ['gelu', (x: Tensor) => act.gelu(x)],
    ['silu', (x: Tensor) => act.silu(x)],
    ['tanh', (x: Tensor) => act.tanh(x)],
    ['sigmoid', (x: Tensor) => act.sigmoid(x)],
    ['golu', (x: Tensor) => act.golu(x)],
    ['aglu', (x: Tensor) => act.aglu(x, { lambda: 0.5, kappa: 1.5 })],
    ['cauchy', (x: Tensor) => act.cauchy(x, { lambda1: 0.7, lambda2: 0.3, d: 1.2 })],
    ['snake', (x: Tensor) => act.snake(x, { a: 0.7 })],
    ['mish', (x: Tensor) => act.mish(x)],
    ['softplus', (x: Tensor) => act.softplus(x)],
  ])('%s', (_name, f) => {
    tf.tidy(() => {
      const xs = [-1.7, -0.41, 0.37, 1.1];
      const got = second(f, tf.tensor1d(xs)).dataSync();
      const h = 1e-2;
      const fp = first(f, tf.tensor1d(xs.map((v) => v + h))).dataSync();
      const fm = first(f, tf.tensor1d(xs.map((v) => v - h))).dataSync();
      xs.forEach((_, i) => {
        const want = (fp[i] - fm[i]) / (2 * h);
        expect(Math.abs(got[i] - want)).toBeLessThan(2e-3 + 1e-2 * Math.abs(want));
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Golden vectors and finiteness, on cpu and wasm (last: it leaves the backend switched)

/** Each case's function, with the parameters its name encodes (`apa_l0.5_k1.5`: λ = 0.5, κ = 1.5). */
const GOLDEN: Record<string, (x: Tensor) => Tensor> = {
  'act_aglu_l0.5_k1.5': (x) => act.aglu(x, { lambda: 0.5, kappa: 1.5 }),
  'act_apa_l0.5_k1.5': (x) => act.apa(x, { lambda: 0.5, kappa: 1.5 }),
  'act_cauchy_l1_0.7_l2_0.3_d1.2': (x) => act.cauchy(x, { lambda1: 0.7, lambda2: 0.3, d: 1.2 }),
  act_elephant_a1_d4: (x) => act.elephant(x, { a: 1, d: 4 }),
  act_elu: (x) => act.elu(x),
  act_gcu: (x) => act.gcu(x),
  act_gelu: (x) => act.gelu(x),
  act_gelu_tanh: (x) => act.geluTanh(x),
  act_golu: (x) => act.golu(x),
  act_mish: (x) => act.mish(x),
  act_periodic_x_plus_sin2: (x) => act.periodic(x),
  act_selu: (x) => act.selu(x),
  act_silu: (x) => act.silu(x),
  act_sine_w30: (x) => act.sine(x, { w0: 30 }),
  act_smelu_beta2: (x) => act.smelu(x, { beta: 2 }),
  'act_snake_a0.7': (x) => act.snake(x, { a: 0.7 }),
  act_softplus: (x) => act.softplus(x),
  act_tempered_sigmoid_s2_t2_o1: (x) => act.temperedSigmoid(x, { s: 2, T: 2, o: 1 }),
};

const NAMES = listCases('act_');

it('every act_* golden case has a function here', () => {
  expect(NAMES.length).toBeGreaterThan(0);
  expect(NAMES.filter((n) => !(n in GOLDEN))).toEqual([]);
});

const BASE = [1e4, -1e4, 1e-8, -1e-8, 0, 1, -1, 30, -30, 88.8, -88.8, 1e-30, -1e-30];

/** The kinks and branch boundaries of each registry entry (default options). */
const KINKS: Partial<Record<act.ActivationName, number[]>> = {
  relu: [0],
  leaky_relu: [0],
  prelu: [0],
  relu6: [0, 6],
  hard_tanh: [-1, 1],
  elu: [0],
  selu: [0],
  celu: [0],
  squared_relu: [0],
  smelu: [-2, 2],
  crrelu: [0],
  hard_sigmoid: [-3, 3],
  hard_swish: [-3, 3],
  softplus: [20, -20],
  softsign: [0],
  elephant: [0, 1, -1],
  spder: [0, 0.01, -0.01],
  snake: [0.01, -0.01],
};

/** Extra variants with extreme or unusual options, each with its own boundaries. */
const VARIANTS: [string, (x: Tensor) => Tensor, number[]][] = [
  ['smelu beta 0.5', (x) => act.smelu(x, { beta: 0.5 }), [-0.5, 0.5]],
  ['hardTanh [-2, 3]', (x) => act.hardTanh(x, { min: -2, max: 3 }), [-2, 3]],
  ['elu alpha 0', (x) => act.elu(x, { alpha: 0 }), [0]],
  ['celu alpha 0.01', (x) => act.celu(x, { alpha: 0.01 }), [0]],
  ['softplus beta -1', (x) => act.softplus(x, { beta: -1 }), [-20, 20]],
  ['softplus beta 50', (x) => act.softplus(x, { beta: 50, threshold: 20 }), [0.4]],
  ['swish beta 0', (x) => act.swish(x, { beta: 0 }), []],
  ['swish beta -3', (x) => act.swish(x, { beta: -3 }), []],
  ['snake a 0', (x) => act.snake(x, { a: 0 }), []],
  ['snake a 1e-12', (x) => act.snake(x, { a: 1e-12 }), []],
  ['snake a -40', (x) => act.snake(x, { a: -40 }), []],
  ['elephant d 0.5', (x) => act.elephant(x, { d: 0.5 }), [0]],
  ['elephant d 1', (x) => act.elephant(x, { d: 1 }), [0]],
  ['elephant d 40 a -0.1', (x) => act.elephant(x, { d: 40, a: -0.1 }), [0]],
  ['cauchy d 1e-3', (x) => act.cauchy(x, { d: 1e-3, lambda1: -2, lambda2: 5 }), []],
  ['apa lambda below clamp', (x) => act.apa(x, { lambda: 1e-9, kappa: 3 }), []],
  ['apa lambda 50 kappa -2', (x) => act.apa(x, { lambda: 50, kappa: -2 }), []],
  ['aglu lambda 1e-4', (x) => act.aglu(x, { lambda: 1e-4, kappa: 0.5 }), []],
  ['aglu lambda -3 (clamped)', (x) => act.aglu(x, { lambda: -3 }), []],
  ['xgelu alpha 0.5', (x) => act.xgelu(x, { alpha: 0.5 }), []],
  ['xsilu alpha -0.3', (x) => act.xsilu(x, { alpha: -0.3 }), []],
  ['gelu tanh approx', (x) => act.gelu(x, { approximate: 'tanh' }), []],
  ['temperedSigmoid T 100', (x) => act.temperedSigmoid(x, { s: 3, T: 100, o: 0.5 }), []],
  ['sine w0 3000', (x) => act.sine(x, { w0: 3000 }), []],
  ['leakyRelu alpha -0.5', (x) => act.leakyRelu(x, { alpha: -0.5 }), [0]],
  ['crrelu eps 3', (x) => act.crrelu(x, { eps: 3 }), [0]],
];

/** Tensor-parameter functions: their parameter gradients must be finite too. */
const PARAMETRIC: [string, number[], (x: Tensor, p: Tensor[]) => Tensor][] = [
  ['snake a', [0.7], (x, [a]) => act.snake(x, { a })],
  ['snake a = 0', [0], (x, [a]) => act.snake(x, { a })],
  ['swish beta', [1.5], (x, [beta]) => act.swish(x, { beta })],
  ['apa lambda, kappa', [0.5, 1.5], (x, [lambda, kappa]) => act.apa(x, { lambda, kappa })],
  ['apa lambda below clamp', [1e-7, 2], (x, [lambda, kappa]) => act.apa(x, { lambda, kappa })],
  ['aglu lambda, kappa', [1e-4, -1], (x, [lambda, kappa]) => act.aglu(x, { lambda, kappa })],
  ['aglu lambda large', [30, 4], (x, [lambda, kappa]) => act.aglu(x, { lambda, kappa })],
  ['xgelu alpha', [0.2], (x, [alpha]) => act.xgelu(x, { alpha })],
  ['xsilu alpha', [-0.1], (x, [alpha]) => act.xsilu(x, { alpha })],
  ['cauchy lambda1, lambda2, d', [0.7, 0.3, 1.2], (x, [lambda1, lambda2, d]) => act.cauchy(x, { lambda1, lambda2, d })],
  ['cauchy small d', [1, -1, 1e-3], (x, [lambda1, lambda2, d]) => act.cauchy(x, { lambda1, lambda2, d })],
  ['prelu alpha', [0.25], (x, [alpha]) => act.prelu(x, { alpha })],
  ['leakyRelu alpha', [0.01], (x, [alpha]) => act.leakyRelu(x, { alpha })],
  ['crrelu eps', [0.01], (x, [eps]) => act.crrelu(x, { eps })],
];

function expectFinite(t: Tensor, label: string): void {
  const v = t.dataSync();
  const bad = Array.from(v).findIndex((e) => !Number.isFinite(e));
  expect(bad, `${label}: element ${bad} is ${v[bad]}`).toBe(-1);
}

const cases: [string, (x: Tensor) => Tensor, number[]][] = [
  ...act.activationNames.map((n): [string, (x: Tensor) => Tensor, number[]] => [n, act.activations[n], KINKS[n] ?? []]),
  ...VARIANTS,
];

describe.each(['cpu', 'wasm'] as const)('on the %s backend', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(NAMES)('golden %s: value and gradient', (name) => {
    const c = loadCase(name);
    const f = GOLDEN[name];
    tf.tidy(() => {
      const x = specTensor(c.inputs.x);
      const r = specTensor(c.r);
      assertClose(f(x), c.outputs.y as { shape: number[]; data: number[] }, c.tolerance, `${name} y`);
      const g = tf.grad((t: Tensor) => tf.sum(tf.mul(f(t), r)))(x);
      assertClose(g, c.grads.x as { shape: number[]; data: number[] }, c.tolerance, `${name} grads.x`);
    });
  });

  it.each(cases)('finite %s', (name, f, kinks) => {
    tf.tidy(() => {
      const x = tf.tensor1d([...BASE, ...kinks]);
      expectFinite(f(x), `${name} value`);
      expectFinite(tf.grad((t: Tensor) => tf.sum(f(t)))(x), `${name} gradient`);
    });
  });

  it.each(PARAMETRIC)('finite %s: parameter gradients', (name, values, f) => {
    tf.tidy(() => {
      const x = tf.tensor2d(BASE.map((b) => [b, -b]));
      const params = values.map((v) => tf.tensor1d([v, v]));
      const grads = tf.grads((...ts: Tensor[]) => tf.sum(f(ts[0], ts.slice(1))))([x, ...params]);
      grads.forEach((g, i) => expectFinite(g, `${name} gradient ${i}`));
      params.forEach((p, i) => expect(grads[i + 1].shape, `${name} gradient ${i + 1} shape`).toEqual(p.shape));
    });
  });
});
