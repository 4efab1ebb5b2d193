// PyTorch's torch.nn.init, seeded: every random initializer takes an explicit Rng and returns a
// new float32 tensor whose values depend only on the seed (bit-identical on every tfjs backend).
//
// Shapes follow PyTorch's weight layout: dim 0 = output features/channels, dim 1 = input
// features/channels, dims 2.. = the kernel (Linear [out, in], Conv2d [out, in, kH, kW]).
// A tfjs Dense kernel is [in, out]: pass its shape reversed, or transpose the result.
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, formatShape } from './errors';
import { checkLowHigh, checkMeanStd, checkTruncBounds, shapeSize, type Rng } from './rng';

/** Nonlinearities known to {@link calculateGain}. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

const NONLINEARITIES: readonly Nonlinearity[] = [
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
  'tanh',
  'relu',
  'leaky_relu',
  'selu',
];

/** Which fan Kaiming initialization scales by: `fanIn` keeps the forward pass's variance, `fanOut` the backward's. */
export type FanMode = 'fanIn' | 'fanOut';

/** Options of the random initializers: the generator every draw comes from. */
export interface RngOptions {
  /** The seeded generator (required, so every initialization is reproducible). */
  rng: Rng;
}

/** Options of {@link uniform}. */
export interface UniformOptions extends RngOptions {
  /** Lower bound (inclusive). Default 0. */
  low?: number;
  /** Upper bound (exclusive). Default 1. */
  high?: number;
}

/** Options of {@link normal}. */
export interface NormalOptions extends RngOptions {
  /** Default 0. */
  mean?: number;
  /** Standard deviation, >= 0. Default 1. */
  std?: number;
}

/** Options of {@link truncatedNormal}. */
export interface TruncatedNormalOptions extends NormalOptions {
  /** Lower cut-off as a value (not in units of std). Default -2. */
  a?: number;
  /** Upper cut-off as a value (not in units of std). Default 2. */
  b?: number;
}

/** Options of {@link xavierUniform} and {@link xavierNormal}. */
export interface XavierOptions extends RngOptions {
  /** Scaling factor, e.g. `calculateGain('tanh')`. Default 1. */
  gain?: number;
}

/** Options of {@link kaimingUniform} and {@link kaimingNormal}. */
export interface KaimingOptions extends RngOptions {
  /** Negative slope of the rectifier after this layer (used only with `'leaky_relu'`). Default 0. */
  a?: number;
  /** Scale by fan-in (default) or fan-out. */
  mode?: FanMode;
  /** The nonlinearity after this layer; PyTorch recommends `'relu'` or `'leaky_relu'` (default). */
  nonlinearity?: Nonlinearity;
}

/** Options of {@link zeros} and {@link ones}: an rng is accepted for uniformity and not used. */
export interface DeterministicOptions {
  rng?: Rng;
}

/** Options of {@link constant}. */
export interface ConstantOptions extends DeterministicOptions {
  /** The fill value. */
  value: number;
}

/** Fan-in and fan-out of a weight shape, as {@link fans} returns them. */
export interface Fans {
  fanIn: number;
  fanOut: number;
}

function checkRng(options: unknown, where: string): Rng {
  const rng = (options as { rng?: unknown } | undefined)?.rng as Rng | undefined;
  if (!rng || typeof rng.fillUniform !== 'function' || typeof rng.fillNormal !== 'function') {
    throw new ConfigError('a seeded generator is required', {
      where,
      argument: 'rng',
      expected: 'an Rng from createRng(seed)',
      got: rng === undefined ? 'undefined' : typeof rng,
    });
  }
  return rng;
}

function checkGain(gain: unknown, where: string): number {
  if (typeof gain !== 'number' || !Number.isFinite(gain) || gain < 0) {
    throw new ConfigError('invalid gain', { where, argument: 'gain', expected: 'a finite number >= 0', got: String(gain) });
  }
  return gain;
}

function fansAt(shape: readonly number[], where: string): Fans {
  shapeSize(shape, where);
  if (shape.length < 2) {
    throw new ShapeError('fan in and fan out can not be computed for a tensor with fewer than 2 dimensions', {
      where,
      argument: 'shape',
      expected: 'rank >= 2',
      got: `shape ${formatShape(shape)}`,
    });
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i];
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

function fromData(data: Float32Array, shape: readonly number[]): tf.Tensor {
  return tf.tensor(data, [...shape], 'float32');
}

/**
 * The recommended gain for a nonlinearity (PyTorch's `torch.nn.init.calculate_gain`):
 *
 * | nonlinearity | gain |
 * | --- | --- |
 * | linear, conv{1,2,3}d, conv_transpose{1,2,3}d, sigmoid | 1 |
 * | tanh | 5/3 |
 * | relu | √2 |
 * | leaky_relu | √(2 / (1 + slope²)), slope = `param` (default 0.01) |
 * | selu | 3/4 |
 *
 * `param` is used only by `'leaky_relu'`.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  const where = 'calculateGain';
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) {
        throw new ConfigError('invalid negative slope', { where, argument: 'param', expected: 'a finite number', got: String(param) });
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ConfigError('unsupported nonlinearity', {
        where,
        argument: 'nonlinearity',
        expected: `one of ${NONLINEARITIES.map((n) => `'${n}'`).join(', ')}`,
        got: JSON.stringify(nonlinearity),
      });
  }
}

/**
 * Fan-in and fan-out of a weight of `shape` in PyTorch layout (PyTorch's
 * `_calculate_fan_in_and_fan_out`): with receptive field r = prod(shape[2:]) (1 for rank 2),
 * `fanIn = shape[1] · r` and `fanOut = shape[0] · r`. A Conv2d weight [8, 4, 3, 3] has
 * fanIn 36 and fanOut 72. Throws a ShapeError for rank < 2.
 */
export function fans(shape: readonly number[]): Fans {
  return fansAt(shape, 'fans');
}

/** A float32 tensor of zeros (`torch.nn.init.zeros_`). */
export function zeros(shape: readonly number[], _options: DeterministicOptions = {}): tf.Tensor {
  shapeSize(shape, 'zeros');
  return tf.zeros([...shape], 'float32');
}

/** A float32 tensor of ones (`torch.nn.init.ones_`). */
export function ones(shape: readonly number[], _options: DeterministicOptions = {}): tf.Tensor {
  shapeSize(shape, 'ones');
  return tf.ones([...shape], 'float32');
}

/** A float32 tensor filled with `value` (`torch.nn.init.constant_`; ±Infinity allowed, NaN not). */
export function constant(shape: readonly number[], options: ConstantOptions): tf.Tensor {
  const where = 'constant';
  shapeSize(shape, where);
  const value = options?.value;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ConfigError('invalid fill value', { where, argument: 'value', expected: 'a number', got: String(value) });
  }
  return tf.fill([...shape], value, 'float32');
}

/** Values from U(low, high): `low + (high - low) · u`, u uniform in [0, 1) (`torch.nn.init.uniform_(t, a=low, b=high)`). */
export function uniform(shape: readonly number[], options: UniformOptions): tf.Tensor {
  const where = 'uniform';
  const rng = checkRng(options, where);
  const { low = 0, high = 1 } = options;
  checkLowHigh(low, high, where);
  const data = new Float32Array(shapeSize(shape, where));
  rng.fillUniform(data, low, high);
  return fromData(data, shape);
}

/** Values from N(mean, std²) (`torch.nn.init.normal_`). */
export function normal(shape: readonly number[], options: NormalOptions): tf.Tensor {
  const where = 'normal';
  const rng = checkRng(options, where);
  const { mean = 0, std = 1 } = options;
  checkMeanStd(mean, std, where);
  const data = new Float32Array(shapeSize(shape, where));
  rng.fillNormal(data, mean, std);
  return fromData(data, shape);
}

/**
 * Values from N(mean, std²) truncated to [a, b] (`torch.nn.init.trunc_normal_`; a and b are
 * absolute values, so the default [-2, 2] is ±2 std only when std = 1). The density is the
 * normal one renormalized on [a, b]: φ((x - mean)/std) / (std · (Φ(β) - Φ(α))) with
 * α = (a - mean)/std, β = (b - mean)/std. See {@link Rng.fillTruncatedNormal}.
 */
export function truncatedNormal(shape: readonly number[], options: TruncatedNormalOptions): tf.Tensor {
  const where = 'truncatedNormal';
  const rng = checkRng(options, where);
  const { mean = 0, std = 1, a = -2, b = 2 } = options;
  checkMeanStd(mean, std, where);
  checkTruncBounds(a, b, where);
  const data = new Float32Array(shapeSize(shape, where));
  rng.fillTruncatedNormal(data, mean, std, a, b);
  return fromData(data, shape);
}

function xavierStd(shape: readonly number[], gain: unknown, where: string): number {
  const g = checkGain(gain, where);
  const { fanIn, fanOut } = fansAt(shape, where);
  return fanIn + fanOut === 0 ? 0 : g * Math.sqrt(2 / (fanIn + fanOut));
}

/**
 * Glorot/Xavier uniform (`torch.nn.init.xavier_uniform_`): U(-bound, bound) with
 * `bound = gain · √(6 / (fanIn + fanOut))`, i.e. std = gain · √(2 / (fanIn + fanOut)).
 */
export function xavierUniform(shape: readonly number[], options: XavierOptions): tf.Tensor {
  const where = 'xavierUniform';
  const rng = checkRng(options, where);
  const bound = Math.sqrt(3) * xavierStd(shape, options.gain ?? 1, where);
  const data = new Float32Array(shapeSize(shape, where));
  rng.fillUniform(data, -bound, bound);
  return fromData(data, shape);
}

/** Glorot/Xavier normal (`torch.nn.init.xavier_normal_`): N(0, std²) with `std = gain · √(2 / (fanIn + fanOut))`. */
export function xavierNormal(shape: readonly number[], options: XavierOptions): tf.Tensor {
  const where = 'xavierNormal';
  const rng = checkRng(options, where);
  const std = xavierStd(shape, options.gain ?? 1, where);
  const data = new Float32Array(shapeSize(shape, where));
  rng.fillNormal(data, 0, std);
  return fromData(data, shape);
}

function kaimingStd(shape: readonly number[], options: KaimingOptions, where: string): number {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu' } = options;
  if (typeof a !== 'number' || !Number.isFinite(a)) {
    throw new ConfigError('invalid negative slope', { where, argument: 'a', expected: 'a finite number', got: String(a) });
  }
  if (mode !== 'fanIn' && mode !== 'fanOut') {
    throw new ConfigError('unknown fan mode', { where, argument: 'mode', expected: "'fanIn' or 'fanOut'", got: JSON.stringify(mode) });
  }
  if (!NONLINEARITIES.includes(nonlinearity)) {
    throw new ConfigError('unsupported nonlinearity', {
      where,
      argument: 'nonlinearity',
      expected: `one of ${NONLINEARITIES.map((n) => `'${n}'`).join(', ')}`,
      got: JSON.stringify(nonlinearity),
    });
  }
  const gain = calculateGain(nonlinearity, a);
  const f = fansAt(shape, where);
  const fan = mode === 'fanIn' ? f.fanIn : f.fanOut;
  // fan is 0 only when some dim is 0, i.e. for an empty tensor (PyTorch warns and returns).
  return fan === 0 ? 0 : gain / Math.sqrt(fan);
}

/**
 * He/Kaiming uniform (`torch.nn.init.kaiming_uniform_`): U(-bound, bound) with
 * `bound = gain · √(3 / fan)`, `gain = calculateGain(nonlinearity, a)`, fan = fanIn or fanOut
 * per `mode`. Defaults (a = 0, 'fanIn', 'leaky_relu') give gain √2, bound √(6 / fanIn).
 * (PyTorch's nn.Linear/nn.Conv reset_parameters use a = √5, i.e. bound = 1/√fanIn.)
 */
export function kaimingUniform(shape: readonly number[], options: KaimingOptions): tf.Tensor {
  const where = 'kaimingUniform';
  const rng = checkRng(options, where);
  const bound = Math.sqrt(3) * kaimingStd(shape, options, where);
  const data = new Float32Array(shapeSize(shape, where));
  rng.fillUniform(data, -bound, bound);
  return fromData(data, shape);
}

/**
 * He/Kaiming normal (`torch.nn.init.kaiming_normal_`): N(0, std²) with `std = gain / √fan`,
 * `gain = calculateGain(nonlinearity, a)`, fan = fanIn or fanOut per `mode`.
 */
export function kaimingNormal(shape: readonly number[], options: KaimingOptions): tf.Tensor {
  const where = 'kaimingNormal';
  const rng = checkRng(options, where);
  const std = kaimingStd(shape, options, where);
  const data = new Float32Array(shapeSize(shape, where));
  rng.fillNormal(data, 0, std);
  return fromData(data, shape);
}
