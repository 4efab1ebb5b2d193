// Activation Modules. Fixed: forward = the function with the constructor's options, options
// checked at construction naming the class, no parameters. Learnable: parameter names and
// shapes (the references' state-dict keys), per-channel vs shared, gradients reaching the
// parameters, frozen parameters, ShapeError on the wrong number of channels, ConfigError
// messages. sirenInit: SIREN's bounds, seeding, errors. (One file: tfjs starts once.)
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, initBackend, createRng, ConfigError, DTypeError, Module, ShapeError, type Rng, type Tensor } from '@basiskit/tensor';
import * as act from '../functions';
import * as mod from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

// ---------------------------------------------------------------------------------------------
// Fixed activations

const FIXED: [string, () => mod.ActivationModule<object>, (x: Tensor) => Tensor][] = [
  ['Identity', () => new mod.Identity(), (x) => x],
  ['ReLU', () => new mod.ReLU(), act.relu],
  ['LeakyReLU', () => new mod.LeakyReLU({ negativeSlope: 0.2 }), (x) => act.leakyRelu(x, { alpha: 0.2 })],
  ['ReLU6', () => new mod.ReLU6(), act.relu6],
  ['Hardtanh', () => new mod.Hardtanh({ minVal: -0.5, maxVal: 2 }), (x) => act.hardTanh(x, { min: -0.5, max: 2 })],
  ['ELU', () => new mod.ELU({ alpha: 0.7 }), (x) => act.elu(x, { alpha: 0.7 })],
  ['SELU', () => new mod.SELU(), act.selu],
  ['CELU', () => new mod.CELU({ alpha: 2 }), (x) => act.celu(x, { alpha: 2 })],
  ['SquaredReLU', () => new mod.SquaredReLU(), act.squaredRelu],
  ['SmeLU', () => new mod.SmeLU({ beta: 1 }), (x) => act.smelu(x, { beta: 1 })],
  ['CRReLU', () => new mod.CRReLU({ eps: 0.1 }), (x) => act.crrelu(x, { eps: 0.1 })],
  ['GELU', () => new mod.GELU(), act.gelu],
  ['GELU tanh', () => new mod.GELU({ approximate: 'tanh' }), act.geluTanh],
  ['GELUTanh', () => new mod.GELUTanh(), act.geluTanh],
  ['SiLU', () => new mod.SiLU(), act.silu],
  ['Swish', () => new mod.Swish({ beta: 1.5 }), (x) => act.swish(x, { beta: 1.5 })],
  ['Mish', () => new mod.Mish(), act.mish],
  ['GoLU', () => new mod.GoLU(), act.golu],
  ['Hardswish', () => new mod.Hardswish(), act.hardSwish],
  ['Sigmoid', () => new mod.Sigmoid(), act.sigmoid],
  ['Tanh', () => new mod.Tanh(), act.tanh],
  ['Hardsigmoid', () => new mod.Hardsigmoid(), act.hardSigmoid],
  ['Softplus', () => new mod.Softplus({ beta: 2, threshold: 5 }), (x) => act.softplus(x, { beta: 2, threshold: 5 })],
  ['Softsign', () => new mod.Softsign(), act.softsign],
  ['LogSigmoid', () => new mod.LogSigmoid(), act.logSigmoid],
  ['TemperedSigmoid', () => new mod.TemperedSigmoid({ s: 1, T: 1, o: 0 }), act.sigmoid],
  ['Sine', () => new mod.Sine({ w0: 5 }), (x) => act.sine(x, { w0: 5 })],
  ['Periodic', () => new mod.Periodic(), act.periodic],
  ['GCU', () => new mod.GCU(), act.gcu],
  ['SPDER', () => new mod.SPDER(), act.spder],
  ['Elephant', () => new mod.Elephant({ a: 2, d: 3 }), (x) => act.elephant(x, { a: 2, d: 3 })],
];

describe('fixed activation modules', () => {
  it.each(FIXED)('%s: forward is the function, no parameters', (_name, make, f) => {
    const m = make();
    tf.tidy(() => {
      const x = tf.tensor2d([
        [-3.5, -1, -0.2],
        [0.4, 1.3, 7],
      ]);
      const y = m.forward(x);
      const want = f(x);
      want.dataSync().forEach((v, i) => expect(y.dataSync()[i]).toBeCloseTo(v, 5));
      expect(y.shape).toEqual(x.shape);
    });
    expect(m.numParameters()).toBe(0);
    expect(m).toBeInstanceOf(Module);
    m.dispose();
  });

  it('exposes the options in effect, defaults filled in', () => {
    expect(new mod.Softplus().options).toEqual({ beta: 1, threshold: 20 });
    expect(new mod.GELU().options).toEqual({ approximate: 'none' });
    expect(new mod.Hardtanh({ maxVal: 3 }).options).toEqual({ min: -1, max: 3 });
    expect(new mod.Sine().options).toEqual({ w0: 30 });
    expect(Object.isFrozen(new mod.SmeLU().options)).toBe(true);
  });

  it('checks options when constructed, naming the class', () => {
    expect(() => new mod.SmeLU({ beta: -1 })).toThrow(ConfigError);
    expect(() => new mod.SmeLU({ beta: -1 })).toThrow(/^SmeLU: argument beta: invalid value \(expected a finite number > 0, got -1\)$/);
    expect(() => new mod.Hardtanh({ minVal: 2, maxVal: 1 })).toThrow(/^Hardtanh: argument max: max must exceed min/);
    expect(() => new mod.GELU({ approximate: 'erf' as 'none' })).toThrow(/^GELU: argument approximate/);
    expect(() => new mod.Sine({ omega: 30 } as never)).toThrow(/^Sine: argument omega: unknown option \(expected one of w0, got 30\)$/);
    const t = tf.scalar(0.3);
    expect(() => new mod.LeakyReLU({ negativeSlope: t as unknown as number })).toThrow(/^LeakyReLU: argument alpha: invalid value/);
    expect(() => new mod.LeakyReLU({ alpha: 0.2 } as never)).toThrow(/^LeakyReLU: argument alpha: unknown option \(expected negativeSlope/);
    t.dispose();
  });

  it('checks the input in forward, naming the module path', () => {
    class Net extends Module {
      act = this.registerModule('act', new mod.GELU());
      forward(x: Tensor): Tensor {
        return this.act.forward(x);
      }
    }
    const net = new Net();
    const x = tf.tensor1d([1, 2], 'int32');
    expect(() => net.forward(x)).toThrow(DTypeError);
    expect(() => net.forward(x)).toThrow(/^act \(GELU\)\.forward: argument x: wrong dtype/);
    x.dispose();
    net.dispose();
  });
});

// ---------------------------------------------------------------------------------------------
// Learnable activations

type Learnable = { forward(x: Tensor): Tensor } & Module;

/** name, per-channel module (C = 3), shared module, expected parameter names, reference function at the initial values. */
const LEARNABLE: [string, (channels?: number) => Learnable, string[], (x: Tensor) => Tensor][] = [
  ['Snake', (channels) => new mod.Snake({ channels, a: 0.7 }), ['alpha'], (x) => act.snake(x, { a: 0.7 })],
  ['Snake logScale', (channels) => new mod.Snake({ channels, a: 0.7, logScale: true }), ['alpha'], (x) => act.snake(x, { a: 0.7 })],
  ['APA', (channels) => new mod.APA({ channels, lambda: 0.5, kappa: 1.5 }), ['lambda_param', 'kappa_param'], (x) => act.apa(x, { lambda: 0.5, kappa: 1.5 })],
  ['AGLU', (channels) => new mod.AGLU({ channels, lambda: 0.5, kappa: 1.5 }), ['lambda_param', 'kappa_param'], (x) => act.aglu(x, { lambda: 0.5, kappa: 1.5 })],
  ['PReLU', (channels) => new mod.PReLU({ numParameters: channels, init: 0.1 }), ['weight'], (x) => act.prelu(x, { alpha: 0.1 })],
  ['XGELU', (channels) => new mod.XGELU({ channels, alpha: 0.2 }), ['gate.alpha'], (x) => act.xgelu(x, { alpha: 0.2 })],
  ['XSiLU', (channels) => new mod.XSiLU({ channels, alpha: -0.1 }), ['gate.alpha'], (x) => act.xsilu(x, { alpha: -0.1 })],
  ['LearnableSwish', (channels) => new mod.LearnableSwish({ channels, beta: 1.7 }), ['beta'], (x) => act.swish(x, { beta: 1.7 })],
  [
    'CauchyActivation',
    (channels) => new mod.CauchyActivation({ channels, lambda1: 0.7, lambda2: 0.3, d: 1.2 }),
    ['lambda1', 'lambda2', 'd'],
    (x) => act.cauchy(x, { lambda1: 0.7, lambda2: 0.3, d: 1.2 }),
  ],
];

const X = [
  [-2.1, -0.6, 0.3],
  [0.8, 1.9, -1.2],
];

describe.each(LEARNABLE)('%s', (_name, make, names, reference) => {
  it('per channel: parameters [C], forward = the function, gradients reach every parameter', () => {
    const m = make(3);
    try {
      expect(m.namedParameters().map(([n, p]) => [n, p.shape])).toEqual(names.map((n) => [n, [3]]));
      tf.tidy(() => {
        const x = tf.tensor2d(X);
        const want = reference(x).dataSync();
        m.forward(x)
          .dataSync()
          .forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(m.forward(x))) as tf.Scalar, m.trainableVariables());
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        for (const [n, p] of m.namedParameters()) {
          const g = grads[p.value.name];
          expect(g, n).toBeDefined();
          expect(g.shape).toEqual([3]);
          expect(
            Array.from(g.dataSync()).some((v) => v !== 0),
            `${n} gradient is zero`,
          ).toBe(true);
        }
      });
    } finally {
      m.dispose();
    }
  });

  it('shared: parameters [1], any input shape (even a scalar)', () => {
    const m = make();
    try {
      expect(m.namedParameters().map(([n, p]) => [n, p.shape])).toEqual(names.map((n) => [n, [1]]));
      tf.tidy(() => {
        for (const x of [tf.tensor2d(X), tf.tensor3d([X, X]), tf.scalar(0.4)]) {
          const y = m.forward(x);
          expect(y.shape).toEqual(x.shape);
          const want = reference(x).dataSync();
          y.dataSync().forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
        }
        const { grads } = tf.variableGrads(() => tf.sum(m.forward(tf.tensor2d(X))) as tf.Scalar, m.trainableVariables());
        expect(Object.values(grads).map((g) => g.shape)).toEqual(names.map(() => [1]));
      });
    } finally {
      m.dispose();
    }
  });

  it('wrong number of channels: ShapeError naming the module path', () => {
    class Net extends Module {
      act = this.registerModule('act', make(3));
      forward(x: Tensor): Tensor {
        return this.act.forward(x);
      }
    }
    const net = new Net();
    const x = tf.zeros([2, 4]);
    try {
      expect(() => net.forward(x)).toThrow(ShapeError);
      expect(() => net.forward(x)).toThrow(/^act \(\w+\)\.forward: argument x: wrong size of dim -1 \(expected 3 at dim -1, got shape \[2, 4\]\)$/);
    } finally {
      x.dispose();
      net.dispose();
    }
  });
});

describe('learnable modules: options', () => {
  it('trainable: false keeps the parameters in the state dict but out of training', () => {
    const m = new mod.Snake({ channels: 2, trainable: false });
    expect(Object.keys(m.stateDict())).toEqual(['alpha']);
    expect(m.trainableVariables()).toEqual([]);
    m.dispose();
    const p = new mod.PReLU({ trainable: false });
    expect(p.numParameters({ trainableOnly: true })).toBe(0);
    p.dispose();
  });

  it('loads a state dict by the reference names', () => {
    const m = new mod.XGELU({ channels: 2 });
    const alpha = tf.tensor1d([0.5, -0.25]);
    m.loadStateDict({ 'gate.alpha': alpha });
    expect(Array.from(m.gate.alpha.value.dataSync())).toEqual([0.5, -0.25]);
    alpha.dispose();
    m.dispose();
  });

  it('Snake with logScale stores log(a)', () => {
    const m = new mod.Snake({ a: Math.E, logScale: true });
    expect(m.alpha.value.dataSync()[0]).toBeCloseTo(1, 6);
    m.dispose();
  });

  it('defaults: Snake a = 1, APA/AGLU λ = κ = 1, PReLU 0.25, XGELU alpha = 0, Cauchy 1, 1, 1', () => {
    const ms = [new mod.Snake(), new mod.AGLU(), new mod.PReLU(), new mod.XGELU(), new mod.LearnableSwish(), new mod.CauchyActivation()];
    const values = ms.map((m) => m.namedParameters().map(([n, p]) => [n, p.value.dataSync()[0]]));
    expect(values).toEqual([
      [['alpha', 1]],
      [
        ['lambda_param', 1],
        ['kappa_param', 1],
      ],
      [['weight', 0.25]],
      [['gate.alpha', 0]],
      [['beta', 1]],
      [
        ['lambda1', 1],
        ['lambda2', 1],
        ['d', 1],
      ],
    ]);
    ms.forEach((m) => m.dispose());
  });

  it('ExpandedGate.forward is the gate (1 + 2α)·g(x) − α, differentiable in α', () => {
    const g = new mod.ExpandedGate('silu', { alpha: 0.5 });
    tf.tidy(() => {
      const x = tf.tensor1d([-1, 0, 2]);
      const want = tf.sub(tf.mul(2, tf.sigmoid(x)), 0.5).dataSync();
      g.forward(x)
        .dataSync()
        .forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
      const { grads } = tf.variableGrads(() => tf.sum(g.forward(x)) as tf.Scalar, g.trainableVariables());
      // d/dα = 2σ(x) − 1 summed
      const dAlpha = [-1, 0, 2].reduce((s, v) => s + 2 / (1 + Math.exp(-v)) - 1, 0);
      expect(grads[g.alpha.value.name].dataSync()[0]).toBeCloseTo(dAlpha, 5);
    });
    g.dispose();
  });

  it('ConfigErrors name the class, the option, what was expected and what came', () => {
    expect(() => new mod.Snake({ channels: 0 })).toThrow(ConfigError);
    expect(() => new mod.Snake({ channels: 0 })).toThrow(/^Snake: argument channels: invalid value \(expected an integer >= 1 \(or leave it out\), got 0\)$/);
    expect(() => new mod.Snake({ a: 0 })).toThrow(/^Snake: argument a: invalid value \(expected a finite non-zero number, got 0\)$/);
    expect(() => new mod.Snake({ a: -1, logScale: true })).toThrow(/^Snake: argument a: invalid value \(expected a number > 0 \(with logScale\), got -1\)$/);
    expect(() => new mod.APA({ kappa: Infinity })).toThrow(/^APA: argument kappa/);
    expect(() => new mod.AGLU({ lambda: 'big' as unknown as number })).toThrow(
      /^AGLU: argument lambda: invalid value \(expected a finite number, got "big"\)$/,
    );
    expect(() => new mod.PReLU({ numParameters: 2.5 })).toThrow(/^PReLU: argument numParameters/);
    expect(() => new mod.XGELU({ alpha: NaN })).toThrow(/^XGELU: argument alpha/);
    expect(() => new mod.XSiLU({ channels: -3 })).toThrow(/^XSiLU: argument channels/);
    expect(() => new mod.CauchyActivation({ d: 0 })).toThrow(/^CauchyActivation: argument d/);
    expect(() => new mod.LearnableSwish({ trainable: 'yes' as unknown as boolean })).toThrow(
      /^LearnableSwish: argument trainable: invalid value \(expected true or false, got "yes"\)$/,
    );
    expect(() => new mod.Snake({ in_features: 3 } as never)).toThrow(/^Snake: argument in_features: unknown option/);
    expect(() => new mod.ExpandedGate('relu' as 'gelu')).toThrow(/^ExpandedGate: argument kind/);
  });
});

// ---------------------------------------------------------------------------------------------
// sirenInit

const range = (t: tf.Tensor) => {
  const v = t.dataSync();
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of v) {
    lo = Math.min(lo, e);
    hi = Math.max(hi, e);
  }
  return [lo, hi];
};

describe('sirenInit', () => {
  it('first layer: uniform in (-1/in, 1/in)', () => {
    const w = mod.sirenInit([64, 4], { rng: createRng(1), isFirst: true });
    const [lo, hi] = range(w);
    expect(w.shape).toEqual([64, 4]);
    expect(lo).toBeGreaterThanOrEqual(-0.25);
    expect(hi).toBeLessThanOrEqual(0.25);
    expect(hi - lo).toBeGreaterThan(0.45); // fills the interval
    w.dispose();
  });

  it('hidden layers: uniform in (-sqrt(6/in)/w0, sqrt(6/in)/w0)', () => {
    for (const w0 of [30, 1]) {
      const w = mod.sirenInit([128, 96], { rng: createRng(2), w0 });
      const bound = Math.sqrt(6 / 96) / w0;
      const [lo, hi] = range(w);
      expect(lo).toBeGreaterThanOrEqual(-bound);
      expect(hi).toBeLessThanOrEqual(bound);
      expect(Math.min(-lo, hi)).toBeGreaterThan(0.95 * bound);
      w.dispose();
    }
  });

  it('fan_in of a conv weight [out, in, k] is in·k; draws are seeded', () => {
    const a = mod.sirenInit([8, 3, 5], { rng: createRng(7), w0: 10 });
    const b = mod.sirenInit([8, 3, 5], { rng: createRng(7), w0: 10 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(range(a)[1]).toBeLessThanOrEqual(Math.sqrt(6 / 15) / 10);
    tf.dispose([a, b]);
  });

  it('errors: missing rng, bad w0, bad shape', () => {
    expect(() => mod.sirenInit([4, 4], {} as { rng: Rng })).toThrow(ConfigError);
    expect(() => mod.sirenInit([4, 4], {} as { rng: Rng })).toThrow(/^sirenInit: argument rng: a seeded generator is required/);
    expect(() => mod.sirenInit([4, 4], { rng: createRng(0), w0: 0 })).toThrow(
      /^sirenInit: argument w0: invalid value \(expected a finite number > 0, got 0\)$/,
    );
    expect(() => mod.sirenInit([4, 4], { rng: createRng(0), first: true } as never)).toThrow(/^sirenInit: argument first: unknown option/);
    expect(() => mod.sirenInit([4], { rng: createRng(0) })).toThrow(ShapeError);
    expect(() => mod.sirenInit([4, 0], { rng: createRng(0) })).toThrow(/^sirenInit: argument shape: invalid weight shape/);
  });
});
