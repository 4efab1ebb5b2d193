// PyTorch's nn.GroupNorm, as neuralop's FNO blocks use it (`norm='group_norm'`): the channels are
// split into `numGroups` groups and each (sample, group) is normalized over its channels and all
// spatial points, then scaled and shifted per channel:
//
//   y = (x - mean_{b,g}) / sqrt(var_{b,g} + eps) * weight[c] + bias[c]   (biased variance)
//
// Parameters `weight` [C] (ones) and `bias` [C] (zeros) when `affine`.
// Source: torch.nn.GroupNorm (PyTorch docs); neuralop/layers/fno_block.py uses
// nn.GroupNorm(num_groups=norm_groups, num_channels=out_channels).
import { ConfigError, Module, checkDim, checkNumber, checkOptions, checkTensor, init, tf, type Parameter } from '@basiskit/tensor';

/**
 * Group normalization without the affine part: x channels-first [B, C, ...S] (or channels-last
 * [B, ...S, C] with `channelsLast`), each of `groups` channel groups normalized per sample.
 */
export function groupNormalize(x: tf.Tensor, groups: number, eps: number, channelsLast = false): tf.Tensor {
  return tf.tidy(() => {
    const b = x.shape[0];
    const c = (channelsLast ? x.shape[x.rank - 1] : x.shape[1]) as number;
    const spatial = x.size / (b * c);
    // channels-first: [B, G, C/G * S]; channels-last: [B, S, G, C/G]
    const g = channelsLast ? tf.reshape(x, [b, spatial, groups, c / groups]) : tf.reshape(x, [b, groups, (c / groups) * spatial]);
    const axes = channelsLast ? [1, 3] : [2];
    const { mean, variance } = tf.moments(g, axes, true);
    const y = tf.mul(tf.sub(g, mean), tf.rsqrt(tf.add(variance, eps)));
    return tf.reshape(y, x.shape);
  });
}

/** Options of {@link GroupNorm} (PyTorch's constructor arguments, camelCase). */
export interface GroupNormOptions {
  /** Number of channel groups (divides `numChannels`). */
  numGroups: number;
  /** Channels C. */
  numChannels: number;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Learn per-channel `weight` and `bias`. Default true. */
  affine?: boolean;
}

/** PyTorch's GroupNorm (see the file header): `[B, C, ...S] -> [B, C, ...S]`. */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  /** `weight` [C] or null. */
  readonly weight: Parameter | null;
  /** `bias` [C] or null. */
  readonly bias: Parameter | null;

  constructor(options: GroupNormOptions) {
    super();
    const where = 'GroupNorm';
    const o = checkOptions(options, { where, known: ['numGroups', 'numChannels', 'eps', 'affine'] });
    this.numGroups = checkNumber(o.numGroups, { where, argument: 'numGroups', integer: true, min: 1 });
    this.numChannels = checkNumber(o.numChannels, { where, argument: 'numChannels', integer: true, min: 1 });
    if (this.numChannels % this.numGroups !== 0) {
      throw new ConfigError('numChannels must be divisible by numGroups', {
        where,
        argument: 'numGroups',
        expected: `a divisor of ${this.numChannels}`,
        got: String(this.numGroups),
      });
    }
    this.eps = checkNumber(o.eps ?? 1e-5, { where, argument: 'eps', min: 0 });
    const affine = o.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', init.ones([this.numChannels])) : null;
    this.bias = affine ? this.registerParameter('bias', init.zeros([this.numChannels])) : null;
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
    checkDim(x, channelsLast ? -1 : 1, this.numChannels, where);
    return tf.tidy(() => {
      const y = groupNormalize(x, this.numGroups, this.eps, channelsLast);
      if (!this.weight || !this.bias) return y;
      const shape = channelsLast ? [this.numChannels] : [this.numChannels, ...new Array<number>(x.rank - 2).fill(1)];
      return tf.add(tf.mul(y, tf.reshape(this.weight.value, shape)), tf.reshape(this.bias.value, shape));
    });
  }
}
