import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { ConfigError, ShapeError } from './errors';
import { createRng, type Rng } from './rng';
import {
  calculateGain,
  constant,
  fans,
  kaimingNormal,
  kaimingUniform,
  normal,
  ones,
  truncatedNormal,
  uniform,
  xavierNormal,
  xavierUniform,
  zeros,
  type Nonlinearity,
} from './initializers';

/** The tensor's values (copied), after checking it is float32 of `shape`; disposes it. */
function values(t: tf.Tensor, shape: number[]): Float32Array {
  try {
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual(shape);
    return (t.dataSync() as Float32Array).slice();
  } finally {
    t.dispose();
  }
}

function stats(xs: Float32Array): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of xs) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / xs.length;
  let sq = 0;
  for (const x of xs) sq += (x - mean) ** 2;
  return { mean, std: Math.sqrt(sq / (xs.length - 1)), min, max };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('calculateGain', () => {
  it('matches torch.nn.init.calculate_gain', () => {
    for (const nl of ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'] as const) {
      expect(calculateGain(nl)).toBe(1);
    }
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(calculateGain('relu')).toBe(Math.sqrt(2));
    expect(calculateGain('relu', 0.3)).toBe(Math.sqrt(2)); // param ignored, as in torch
    expect(calculateGain('selu')).toBe(0.75);
    expect(calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(calculateGain('leaky_relu', 0)).toBe(Math.sqrt(2));
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
  });

  it('rejects unknown nonlinearities and bad slopes', () => {
    expect(() => calculateGain('gelu' as Nonlinearity)).toThrow(ConfigError);
    expect(() => calculateGain('gelu' as Nonlinearity)).toThrow(/calculateGain: argument nonlinearity: unsupported nonlinearity .*got "gelu"/);
    expect(() => calculateGain('leaky_relu', NaN)).toThrow(/calculateGain: argument param/);
  });
});

describe('fans', () => {
  it('matches torch _calculate_fan_in_and_fan_out', () => {
    expect(fans([8, 4, 3, 3])).toEqual({ fanIn: 36, fanOut: 72 }); // Conv2d(4, 8, 3)
    expect(fans([10, 5])).toEqual({ fanIn: 5, fanOut: 10 }); // Linear(5, 10)
    expect(fans([6, 2, 5])).toEqual({ fanIn: 10, fanOut: 30 }); // Conv1d(2, 6, 5)
    expect(fans([4, 3, 2, 2, 2])).toEqual({ fanIn: 24, fanOut: 32 }); // Conv3d(3, 4, 2)
  });

  it('throws a ShapeError for rank < 2 and bad shapes', () => {
    expect(() => fans([5])).toThrow(ShapeError);
    expect(() => fans([5])).toThrow(/fans: argument shape: fan in and fan out can not be computed .*got shape \[5\]/);
    expect(() => fans([])).toThrow(ShapeError);
    expect(() => fans([3, -2])).toThrow(/fans: argument shape: invalid shape/);
  });
});

describe('deterministic initializers', () => {
  it('zeros, ones, constant (no rng needed)', () => {
    expect(Array.from(values(zeros([2, 3]), [2, 3]))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(values(ones([4]), [4]))).toEqual([1, 1, 1, 1]);
    expect(Array.from(values(constant([2, 2], { value: 0.5 }), [2, 2]))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(values(constant([1], { value: -Infinity, rng: createRng(1) }), [1]))).toEqual([-Infinity]);
    expect(values(zeros([0, 3], { rng: createRng(1) }), [0, 3]).length).toBe(0);
  });

  it('reject bad values and shapes', () => {
    expect(() => constant([2], { value: NaN })).toThrow(/constant: argument value: invalid fill value/);
    expect(() => constant([2], {} as { value: number })).toThrow(ConfigError);
    expect(() => zeros([1.5])).toThrow(ShapeError);
  });
});

describe('random initializers', () => {
  it('uniform: range, mean, and the same values as rng.fillUniform', () => {
    const xs = values(uniform([200, 100], { low: -3, high: 1, rng: createRng(1) }), [200, 100]);
    const s = stats(xs);
    expect(s.min).toBeGreaterThanOrEqual(-3);
    expect(s.max).toBeLessThan(1);
    expect(Math.abs(s.mean + 1)).toBeLessThan(0.05);
    expect(xs).toEqual(createRng(1).fillUniform(new Float32Array(20000), -3, 1));
    const unit = stats(values(uniform([1000], { rng: createRng(2) }), [1000]));
    expect(unit.min >= 0 && unit.max < 1).toBe(true);
  });

  it('normal: mean and std', () => {
    const s = stats(values(normal([100, 200], { mean: 2, std: 0.5, rng: createRng(2) }), [100, 200]));
    expect(Math.abs(s.mean - 2)).toBeLessThan(0.02);
    expect(Math.abs(s.std / 0.5 - 1)).toBeLessThan(0.03);
    const d = stats(values(normal([20000], { rng: createRng(3) }), [20000]));
    expect(Math.abs(d.std - 1)).toBeLessThan(0.03);
  });

  it('truncatedNormal: absolute bounds, as torch.nn.init.trunc_normal_', () => {
    // defaults: N(0, 1) cut at [-2, 2]; its std is 0.8796
    const s = stats(values(truncatedNormal([20000], { rng: createRng(4) }), [20000]));
    expect(s.min).toBeGreaterThanOrEqual(-2);
    expect(s.max).toBeLessThanOrEqual(2);
    expect(s.min).toBeLessThan(-1.9);
    expect(Math.abs(s.std - 0.8796)).toBeLessThan(0.03);
    // the ViT-style init trunc_normal_(std=0.02): bounds [-2, 2] are 100 std away, so no effect
    const v = stats(values(truncatedNormal([20000], { std: 0.02, rng: createRng(5) }), [20000]));
    expect(Math.abs(v.std / 0.02 - 1)).toBeLessThan(0.03);
    // bounds ±2 std
    const t = stats(values(truncatedNormal([20000], { std: 0.02, a: -0.04, b: 0.04, rng: createRng(6) }), [20000]));
    expect(t.min).toBeGreaterThanOrEqual(-0.04);
    expect(t.max).toBeLessThanOrEqual(0.04);
    expect(Math.abs(t.std / (0.02 * 0.8796) - 1)).toBeLessThan(0.03);
  });

  it('kaimingUniform: exact bound gain * sqrt(3 / fan)', () => {
    const cases: { shape: number[]; opts: Partial<Parameters<typeof kaimingUniform>[1]>; bound: number }[] = [
      // defaults: a = 0, fanIn, leaky_relu -> gain sqrt(2), bound sqrt(6 / fanIn)
      { shape: [256, 128], opts: {}, bound: Math.sqrt(6 / 128) },
      // conv weight [8, 4, 3, 3]: fanOut = 72
      { shape: [8, 4, 3, 3], opts: { mode: 'fanOut', nonlinearity: 'relu' }, bound: Math.sqrt(2) * Math.sqrt(3 / 72) },
      // nn.Linear's reset_parameters: a = sqrt(5) -> bound 1 / sqrt(fanIn)
      { shape: [300, 50], opts: { a: Math.sqrt(5) }, bound: 1 / Math.sqrt(50) },
      { shape: [64, 16, 3, 3], opts: { nonlinearity: 'tanh' }, bound: (5 / 3) * Math.sqrt(3 / 144) },
    ];
    for (const { shape, opts, bound } of cases) {
      const xs = values(kaimingUniform(shape, { ...opts, rng: createRng(7) }), shape);
      const s = stats(xs);
      expect(s.min).toBeGreaterThanOrEqual(-bound);
      expect(s.max).toBeLessThan(bound);
      // the sample reaches the ends of the interval
      expect(s.min).toBeLessThan(-bound * (1 - 20 / xs.length));
      expect(s.max).toBeGreaterThan(bound * (1 - 20 / xs.length));
      // relative sd of a uniform sample's std is about 0.45 / sqrt(n): allow 6 sd
      expect(Math.abs(s.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(2.7 / Math.sqrt(xs.length));
      // exactly the documented draw: U(-bound, bound) from the same stream
      const g = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
      const f = fans(shape);
      const b = Math.sqrt(3) * (g / Math.sqrt(opts.mode === 'fanOut' ? f.fanOut : f.fanIn));
      expect(b).toBeCloseTo(bound, 14);
      expect(xs).toEqual(createRng(7).fillUniform(new Float32Array(xs.length), -b, b));
    }
  });

  it('kaimingNormal: std gain / sqrt(fan)', () => {
    const s = stats(values(kaimingNormal([200, 100], { nonlinearity: 'relu', rng: createRng(8) }), [200, 100]));
    expect(Math.abs(s.mean)).toBeLessThan(0.005);
    expect(Math.abs(s.std / Math.sqrt(2 / 100) - 1)).toBeLessThan(0.03);
    const c = stats(values(kaimingNormal([32, 16, 5, 5], { mode: 'fanOut', rng: createRng(9) }), [32, 16, 5, 5]));
    expect(Math.abs(c.std / Math.sqrt(2 / (32 * 25)) - 1)).toBeLessThan(0.03);
  });

  it('xavierUniform and xavierNormal: std gain * sqrt(2 / (fanIn + fanOut))', () => {
    const std = Math.sqrt(2 / (36 + 72)) * 2;
    const u = stats(values(xavierUniform([80, 40, 3, 3], { gain: 2, rng: createRng(10) }), [80, 40, 3, 3]));
    const bound = 2 * Math.sqrt(6 / (360 + 720));
    expect(u.min).toBeGreaterThanOrEqual(-bound);
    expect(u.max).toBeLessThan(bound);
    expect(Math.abs(u.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.03);
    const n = stats(values(xavierNormal([8, 4, 3, 3], { gain: 2, rng: createRng(11) }), [8, 4, 3, 3]));
    expect(Math.abs(n.std / std - 1)).toBeLessThan(0.25); // only 288 samples: relative sd 0.042
    const big = stats(values(xavierNormal([300, 100], { rng: createRng(12) }), [300, 100]));
    expect(Math.abs(big.std / Math.sqrt(2 / 400) - 1)).toBeLessThan(0.03);
  });

  it('seeded: same seed same values, the rng advances, different seeds differ', () => {
    const a = values(kaimingNormal([16, 8], { rng: createRng(13) }), [16, 8]);
    const b = values(kaimingNormal([16, 8], { rng: createRng(13) }), [16, 8]);
    expect(b).toEqual(a);
    const rng: Rng = createRng(13);
    const first = values(kaimingNormal([16, 8], { rng }), [16, 8]);
    const second = values(kaimingNormal([16, 8], { rng }), [16, 8]);
    expect(first).toEqual(a);
    expect(second).not.toEqual(first);
    expect(values(kaimingNormal([16, 8], { rng: createRng(14) }), [16, 8])).not.toEqual(a);
  });

  it('empty shapes give empty tensors', () => {
    expect(values(kaimingUniform([0, 5], { rng: createRng(1) }), [0, 5]).length).toBe(0);
    expect(values(kaimingNormal([5, 0, 3], { rng: createRng(1) }), [5, 0, 3]).length).toBe(0);
    expect(values(xavierUniform([0, 0], { rng: createRng(1) }), [0, 0]).length).toBe(0);
  });

  it('bit-identical on cpu and wasm', async () => {
    const make = () => [
      kaimingUniform([32, 16, 3, 3], { rng: createRng(21) }),
      truncatedNormal([50, 20], { std: 0.02, rng: createRng(22) }),
      xavierNormal([40, 30], { rng: createRng(23) }),
    ];
    const read = (ts: tf.Tensor[]) => ts.map((t) => Buffer.from((t.dataSync() as Float32Array).slice().buffer));
    await tf.setBackend('cpu');
    const onCpu = make();
    const cpuBytes = read(onCpu);
    tf.dispose(onCpu);
    await tf.setBackend('wasm');
    const onWasm = make();
    const wasmBytes = read(onWasm);
    tf.dispose(onWasm);
    await tf.setBackend('cpu');
    for (let i = 0; i < cpuBytes.length; i++) expect(wasmBytes[i].equals(cpuBytes[i])).toBe(true);
  });
});

describe('option errors name the function and the argument', () => {
  const rng = createRng(0);
  const cases: [string, () => unknown, RegExp][] = [
    ['missing rng', () => normal([2], {} as { rng: Rng }), /normal: argument rng: a seeded generator is required/],
    ['negative std', () => normal([2], { std: -1, rng }), /normal: argument std: standard deviation must not be negative \(expected >= 0, got -1\)/],
    ['NaN mean', () => normal([2], { mean: NaN, rng }), /normal: argument mean: invalid value/],
    ['low > high', () => uniform([2], { low: 2, high: 1, rng }), /uniform: argument low: low must not exceed high/],
    ['a >= b', () => truncatedNormal([2], { a: 1, b: 1, rng }), /truncatedNormal: argument a: lower bound a must be below upper bound b/],
    ['trunc negative std', () => truncatedNormal([2], { std: -0.1, rng }), /truncatedNormal: argument std/],
    [
      'unknown mode',
      () => kaimingUniform([2, 2], { mode: 'fan_in' as 'fanIn', rng }),
      /kaimingUniform: argument mode: unknown fan mode \(expected 'fanIn' or 'fanOut', got "fan_in"\)/,
    ],
    [
      'unknown nonlinearity',
      () => kaimingNormal([2, 2], { nonlinearity: 'gelu' as Nonlinearity, rng }),
      /kaimingNormal: argument nonlinearity: unsupported nonlinearity/,
    ],
    ['bad slope', () => kaimingUniform([2, 2], { a: NaN, rng }), /kaimingUniform: argument a: invalid negative slope/],
    ['negative gain', () => xavierUniform([2, 2], { gain: -1, rng }), /xavierUniform: argument gain: invalid gain/],
    ['missing rng (xavier)', () => xavierNormal([2, 2], undefined as unknown as { rng: Rng }), /xavierNormal: argument rng/],
  ];
  for (const [name, fn, message] of cases) {
    it(name, () => {
      expect(fn).toThrow(ConfigError);
      expect(fn).toThrow(message);
    });
  }

  it('rank < 2 is a ShapeError naming the initializer', () => {
    expect(() => kaimingUniform([5], { rng })).toThrow(ShapeError);
    expect(() => kaimingUniform([5], { rng })).toThrow(/kaimingUniform: argument shape: fan in and fan out can not be computed/);
    expect(() => xavierNormal([], { rng })).toThrow(/xavierNormal: argument shape/);
    expect(() => uniform([2, -1], { rng })).toThrow(/uniform: argument shape: invalid shape/);
  });

  it('a failed call leaves the generator untouched', () => {
    const r = createRng(3);
    const before = r.state();
    expect(() => kaimingUniform([4, 4], { mode: 'bad' as 'fanIn', rng: r })).toThrow(ConfigError);
    expect(() => truncatedNormal([4], { a: 3, b: 2, rng: r })).toThrow(ConfigError);
    expect(r.state()).toEqual(before);
  });
});
