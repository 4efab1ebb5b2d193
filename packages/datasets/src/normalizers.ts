// Normalisers as Modules, so their statistics are buffers saved and loaded with the model's
// state dict.
// - UnitGaussianNormalizer: neuraloperator's (neuralop/data/transforms/normalizers.py):
//   transform(x) = (x - mean) / (std + eps), inverse_transform(x) = x (std + eps) + mean, with
//   mean = E[x], std = sqrt(E[x^2] - mean^2) over the axes `dim` (keepdim; dim [0, 2, 3] on
//   [n, c, h, w] data is per channel, as neuralop's Darcy/Navier-Stokes datasets use it; no dim:
//   over everything). Buffers `mean`, `std`, `eps`, as neuralop's.
// - RangeNormalizer: the FNO paper's code (utilities3.py RangeNormalizer): per feature over the
//   samples (axis 0), a = (high - low) / (max - min), b = -a max + high; encode a x + b, decode
//   (x - b) / a. Buffers `a`, `b`. A constant feature (max = min) gets a = 1 (the reference divides by 0).
import { ConfigError, Module, checkTensor, isRecord, show, tf } from '@basiskit/tensor';

/** Options of {@link UnitGaussianNormalizer}. */
export interface UnitGaussianNormalizerOptions {
  /** Mean (a tensor of the statistics' shape, taken over). Default: zeros of `shape`. */
  mean?: tf.Tensor;
  /** Standard deviation (taken over). Default: ones of `shape`. */
  std?: tf.Tensor;
  /** Added to std. Default 1e-7 (neuralop's). */
  eps?: number;
  /** Axes reduced by {@link UnitGaussianNormalizer.fit} (neuralop's `dim`). Default: all. */
  dim?: number[];
  /** Shape of mean/std before fitting (so a saved state dict loads). Default `[]` (or mean's). */
  shape?: number[];
}

function checkAxes(dim: unknown, where: string): number[] | undefined {
  if (dim === undefined) return undefined;
  if (!Array.isArray(dim) || !dim.every((d) => Number.isInteger(d) && d >= 0) || new Set(dim).size !== dim.length)
    throw new ConfigError('invalid option', { where, argument: 'dim', expected: 'distinct axes (integers >= 0)', got: show(dim) });
  return [...dim].sort((a, b) => a - b);
}

function checkShapeOption(shape: unknown, where: string): number[] | undefined {
  if (shape === undefined) return undefined;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 1))
    throw new ConfigError('invalid option', { where, argument: 'shape', expected: 'an array of sizes >= 1', got: show(shape) });
  return shape;
}

function checkAxesFit(x: tf.Tensor, dim: number[] | undefined, where: string): number[] {
  const axes = dim ?? x.shape.map((_, i) => i);
  const bad = axes.find((a) => a >= x.rank);
  if (bad !== undefined) throw new ConfigError('axis out of range', { where, argument: 'dim', expected: `axes < ${x.rank} (the data's rank)`, got: show(dim) });
  return axes;
}

/**
 * Standardises data to zero mean and unit variance, as neuraloperator's `UnitGaussianNormalizer`
 * (state-dict keys `mean`, `std`, `eps`). Register it in a model to save it with the model.
 *
 * @example
 * const n = UnitGaussianNormalizer.fitFrom(x, { dim: [0, 2, 3] }); // per channel of [n, c, h, w]
 * const xn = n.transform(x); const back = n.inverseTransform(xn);
 */
export class UnitGaussianNormalizer extends Module {
  /** Axes reduced by {@link UnitGaussianNormalizer.fit}. */
  readonly dim?: number[];

  constructor(options: UnitGaussianNormalizerOptions = {}) {
    super();
    const where = 'UnitGaussianNormalizer';
    if (!isRecord(options as unknown)) throw new ConfigError('invalid options', { where, argument: 'options', expected: 'an object', got: show(options) });
    const { mean, std, eps = 1e-7 } = options;
    this.dim = checkAxes(options.dim, where);
    const shape = checkShapeOption(options.shape, where) ?? (mean instanceof tf.Tensor ? mean.shape : []);
    if (mean !== undefined) checkTensor(mean, { where, argument: 'mean', shape, dtype: 'float32' });
    if (std !== undefined) checkTensor(std, { where, argument: 'std', shape, dtype: 'float32' });
    if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps))
      throw new ConfigError('invalid option', { where, argument: 'eps', expected: 'a finite number >= 0', got: show(eps) });
    this.registerBuffer('mean', mean ? mean.clone() : tf.zeros(shape));
    this.registerBuffer('std', std ? std.clone() : tf.ones(shape));
    this.registerBuffer('eps', tf.scalar(eps));
  }

  /** A normaliser fitted to `data` (see {@link UnitGaussianNormalizer.fit}). */
  static fitFrom(data: tf.Tensor, options: Omit<UnitGaussianNormalizerOptions, 'mean' | 'std' | 'shape'> = {}): UnitGaussianNormalizer {
    const n = new UnitGaussianNormalizer(options);
    n.fit(data);
    return n;
  }

  get mean(): tf.Tensor {
    return this.buffer('mean');
  }

  get std(): tf.Tensor {
    return this.buffer('std');
  }

  /** Sets mean and std from `data` over the axes `dim` (keepdim; population std, as neuralop). */
  fit(data: tf.Tensor): this {
    const where = this.where('fit');
    checkTensor(data, { where, argument: 'data', dtype: 'float32' });
    const axes = checkAxesFit(data, this.dim, where);
    const [mean, std] = tf.tidy(() => {
      const m = tf.mean(data, axes, true);
      const sq = tf.mean(tf.square(data), axes, true);
      return [m, tf.sqrt(tf.relu(tf.sub(sq, tf.square(m))))];
    });
    this.setBuffer('mean', mean);
    this.setBuffer('std', std);
    return this;
  }

  /** `(x - mean) / (std + eps)`. */
  transform(x: tf.Tensor): tf.Tensor {
    this.assertLive('transform');
    checkTensor(x, { where: this.where('transform'), dtype: 'float32' });
    return tf.tidy(() => tf.div(tf.sub(x, this.mean), tf.add(this.std, this.buffer('eps'))));
  }

  /** `x (std + eps) + mean`. */
  inverseTransform(x: tf.Tensor): tf.Tensor {
    this.assertLive('inverseTransform');
    checkTensor(x, { where: this.where('inverseTransform'), dtype: 'float32' });
    return tf.tidy(() => tf.add(tf.mul(x, tf.add(this.std, this.buffer('eps'))), this.mean));
  }

  /** Same as {@link UnitGaussianNormalizer.transform} (neuralop's forward). */
  forward(x: tf.Tensor): tf.Tensor {
    return this.transform(x);
  }
}

/** Options of {@link RangeNormalizer}. */
export interface RangeNormalizerOptions {
  /** Target interval's lower end. Default 0. */
  low?: number;
  /** Target interval's upper end. Default 1. */
  high?: number;
  /** Shape of the per-feature `a`, `b` before fitting (a sample's shape). Default `[]`. */
  shape?: number[];
}

/**
 * Maps each feature's range over the samples (axis 0) onto [low, high], as the FNO paper's
 * `RangeNormalizer` (buffers `a`, `b`). Register it in a model to save it with the model.
 *
 * @example
 * const r = RangeNormalizer.fitFrom(x); // a, b of shape x.shape.slice(1)
 */
export class RangeNormalizer extends Module {
  readonly low: number;
  readonly high: number;

  constructor(options: RangeNormalizerOptions = {}) {
    super();
    const where = 'RangeNormalizer';
    if (!isRecord(options as unknown)) throw new ConfigError('invalid options', { where, argument: 'options', expected: 'an object', got: show(options) });
    const { low = 0, high = 1 } = options;
    if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high) || !(low < high))
      throw new ConfigError('invalid option', { where, argument: 'low/high', expected: 'finite numbers with low < high', got: `${show(low)}, ${show(high)}` });
    this.low = low;
    this.high = high;
    const shape = checkShapeOption(options.shape, where) ?? [];
    this.registerBuffer('a', tf.ones(shape));
    this.registerBuffer('b', tf.zeros(shape));
  }

  /** A normaliser fitted to `data` (see {@link RangeNormalizer.fit}). */
  static fitFrom(data: tf.Tensor, options: Omit<RangeNormalizerOptions, 'shape'> = {}): RangeNormalizer {
    const r = new RangeNormalizer(options);
    r.fit(data);
    return r;
  }

  /** Sets `a`, `b` from the per-feature min and max of `data` over axis 0. */
  fit(data: tf.Tensor): this {
    const where = this.where('fit');
    checkTensor(data, { where, argument: 'data', dtype: 'float32', minRank: 1 });
    if (data.shape[0] < 1) throw new ConfigError('no samples', { where, argument: 'data', expected: 'at least one sample', got: show(data) });
    const [a, b] = tf.tidy(() => {
      const lo = tf.min(data, 0);
      const hi = tf.max(data, 0);
      const range = tf.sub(hi, lo);
      const a = tf.where(tf.greater(range, 0), tf.div(tf.scalar(this.high - this.low), range), tf.onesLike(range));
      return [a, tf.add(tf.neg(tf.mul(a, hi)), this.high)];
    });
    this.setBuffer('a', a);
    this.setBuffer('b', b);
    return this;
  }

  /** `a x + b` (the reference's encode), per feature. */
  transform(x: tf.Tensor): tf.Tensor {
    this.assertLive('transform');
    checkTensor(x, { where: this.where('transform'), dtype: 'float32' });
    return tf.tidy(() => tf.add(tf.mul(x, this.buffer('a')), this.buffer('b')));
  }

  /** `(x - b) / a` (the reference's decode). */
  inverseTransform(x: tf.Tensor): tf.Tensor {
    this.assertLive('inverseTransform');
    checkTensor(x, { where: this.where('inverseTransform'), dtype: 'float32' });
    return tf.tidy(() => tf.div(tf.sub(x, this.buffer('b')), this.buffer('a')));
  }

  /** Same as {@link RangeNormalizer.transform}. */
  forward(x: tf.Tensor): tf.Tensor {
    return this.transform(x);
  }
}
