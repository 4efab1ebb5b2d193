// neuralop's BatchNorm: a dimension-agnostic wrapper around PyTorch's nn.BatchNorm{1,2,3}d,
// held as `norm` (state keys `norm.weight`, `norm.bias`, `norm.running_mean`, `norm.running_var`,
// `norm.num_batches_tracked`). Per channel c, over the batch and all spatial points:
//
//   training: y = (x - mean_c) / sqrt(var_c + eps) * weight[c] + bias[c]   (biased var_c)
//             running_mean <- (1 - momentum) running_mean + momentum mean_c
//             running_var  <- (1 - momentum) running_var  + momentum var_c * n / (n - 1)  (unbiased)
//             num_batches_tracked += 1
//   eval:     the same with running_mean / running_var in place of the batch statistics.
//
// Sources: neuraloperator/neuraloperator, neuralop/layers/normalization_layers.py (BatchNorm);
// torch.nn.BatchNorm2d (PyTorch docs), momentum 0.1 and eps 1e-5 by default.
import { ConfigError, Module, ShapeError, checkDim, checkNumber, checkOptions, checkTensor, init, tf, type Parameter } from '@basiskit/tensor';

/** Options of {@link BatchNormNd} (PyTorch's `nn.BatchNorm{1,2,3}d` arguments, camelCase). */
export interface BatchNormNdOptions {
  /** Channels C. */
  numFeatures: number;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Weight of the new batch statistics in the running ones. Default 0.1. */
  momentum?: number;
  /** Learn per-channel `weight` (ones) and `bias` (zeros). Default true. */
  affine?: boolean;
}

/**
 * PyTorch's BatchNorm over any number of spatial dims (see the file header): `[B, C, ...S] ->
 * [B, C, ...S]`, batch statistics (and a running-stat update) in training mode, the running
 * statistics in eval mode.
 */
export class BatchNormNd extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  /** `weight` [C] or null. */
  readonly weight: Parameter | null;
  /** `bias` [C] or null. */
  readonly bias: Parameter | null;

  constructor(options: BatchNormNdOptions) {
    super();
    const where = 'BatchNormNd';
    const o = checkOptions(options, { where, known: ['numFeatures', 'eps', 'momentum', 'affine'] });
    this.numFeatures = checkNumber(o.numFeatures, { where, argument: 'numFeatures', integer: true, min: 1 });
    this.eps = checkNumber(o.eps ?? 1e-5, { where, argument: 'eps', min: 0 });
    this.momentum = checkNumber(o.momentum ?? 0.1, { where, argument: 'momentum', min: 0, max: 1 });
    const affine = o.affine ?? true;
    if (typeof affine !== 'boolean') throw new ConfigError('invalid value', { where, argument: 'affine', expected: 'a boolean', got: String(affine) });
    this.weight = affine ? this.registerParameter('weight', init.ones([this.numFeatures])) : null;
    this.bias = affine ? this.registerParameter('bias', init.zeros([this.numFeatures])) : null;
    this.registerBuffer('running_mean', tf.zeros([this.numFeatures]));
    this.registerBuffer('running_var', tf.ones([this.numFeatures]));
    this.registerBuffer('num_batches_tracked', tf.scalar(0, 'int32'));
  }

  /** `running_mean` [C]. */
  get runningMean(): tf.Tensor {
    return this.buffer('running_mean');
  }

  /** `running_var` [C] (unbiased). */
  get runningVar(): tf.Tensor {
    return this.buffer('running_var');
  }

  /** `num_batches_tracked` (int32 scalar). */
  get numBatchesTracked(): tf.Tensor {
    return this.buffer('num_batches_tracked');
  }

  /** x [B, C, ...S] -> normalized, same shape. */
  forward(x: tf.Tensor): tf.Tensor {
    return this.apply(x, false, 'forward');
  }

  /** The same on channels-last x [B, ...S, C]. */
  forwardLast(x: tf.Tensor): tf.Tensor {
    return this.apply(x, true, 'forwardLast');
  }

  private apply(x: tf.Tensor, channelsLast: boolean, method: string): tf.Tensor {
    const where = this.where(method);
    checkTensor(x, { where, dtype: 'float32', minRank: 2 });
    checkDim(x, channelsLast ? -1 : 1, this.numFeatures, where);
    const c = this.numFeatures;
    const n = x.size / c;
    const axes = channelsLast ? Array.from({ length: x.rank - 1 }, (_, i) => i) : [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2)];
    const shape = channelsLast ? [c] : [c, ...new Array<number>(x.rank - 2).fill(1)];
    if (this.training && n < 2) {
      throw new ShapeError('training needs more than one value per channel', {
        where,
        argument: 'x',
        expected: 'batch size x spatial points > 1',
        got: `[${x.shape.join(', ')}]`,
      });
    }
    return tf.tidy(() => {
      let mean = this.runningMean;
      let variance = this.runningVar;
      if (this.training) {
        ({ mean, variance } = tf.moments(x, axes));
        // the running statistics (kept by setBuffer; the old ones are not part of the output)
        const mo = this.momentum;
        this.setBuffer('running_mean', tf.add(tf.mul(1 - mo, this.runningMean), tf.mul(mo, mean)));
        this.setBuffer('running_var', tf.add(tf.mul(1 - mo, this.runningVar), tf.mul(mo * (n / (n - 1)), variance)));
        this.setBuffer('num_batches_tracked', tf.add(this.numBatchesTracked, tf.scalar(1, 'int32')));
      }
      let scale = tf.rsqrt(tf.add(variance, this.eps));
      if (this.weight) scale = tf.mul(scale, this.weight.value);
      let y = tf.mul(tf.sub(x, tf.reshape(mean, shape)), tf.reshape(scale, shape));
      if (this.bias) y = tf.add(y, tf.reshape(this.bias.value, shape));
      return y;
    });
  }
}

/** Options of {@link BatchNorm} (neuralop's arguments, camelCase). */
export interface BatchNormOptions extends BatchNormNdOptions {
  /** Spatial dims of the input (1 to 3 for PyTorch's BatchNorm{1,2,3}d; more are flattened). */
  nDim: number;
}

/** neuralop's BatchNorm (see the file header): `[B, C, ...S] -> [B, C, ...S]`, `S` of `nDim` dims. */
export class BatchNorm extends Module {
  readonly nDim: number;
  readonly numFeatures: number;
  /** The wrapped PyTorch batch norm (`norm.*`). */
  readonly norm: BatchNormNd;

  constructor(options: BatchNormOptions) {
    super();
    const where = 'BatchNorm';
    const { nDim, ...rest } = checkOptions(options, { where, known: ['nDim', 'numFeatures', 'eps', 'momentum', 'affine'] });
    this.nDim = checkNumber(nDim, { where, argument: 'nDim', integer: true, min: 1 });
    this.norm = this.registerModule('norm', new BatchNormNd(rest as BatchNormNdOptions));
    this.numFeatures = this.norm.numFeatures;
  }

  /** x [B, C, ...S] -> normalized, same shape. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', rank: this.nDim + 2 });
    return this.norm.forward(x);
  }

  /** The same on channels-last x [B, ...S, C]. */
  forwardLast(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forwardLast'), dtype: 'float32', rank: this.nDim + 2 });
    return this.norm.forwardLast(x);
  }
}
