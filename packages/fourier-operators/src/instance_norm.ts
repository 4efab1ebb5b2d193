// neuralop's InstanceNorm: F.instance_norm without running statistics or affine parameters,
// each (sample, channel) normalized over its spatial points (any number of spatial dims):
//
//   y = (x - mean_{b,c}) / sqrt(var_{b,c} + eps)      (biased variance, eps = 1e-5)
//
// No parameters. Source: neuraloperator/neuraloperator, neuralop/layers/normalization_layers.py.
import { Module, checkNumber, checkOptions, checkTensor, tf } from '@basiskit/tensor';
import { groupNormalize } from './group_norm';

/** Options of {@link InstanceNorm}. */
export interface InstanceNormOptions {
  /** Added to the variance. Default 1e-5 (PyTorch's). */
  eps?: number;
}

/** neuralop's InstanceNorm (see the file header): `[B, C, ...S] -> [B, C, ...S]`. */
export class InstanceNorm extends Module {
  readonly eps: number;

  constructor(options: InstanceNormOptions = {}) {
    super();
    const where = 'InstanceNorm';
    const o = checkOptions(options, { where, known: ['eps'] });
    this.eps = checkNumber(o.eps ?? 1e-5, { where, argument: 'eps', min: 0 });
  }

  /** x [B, C, ...S] (at least one spatial dim) -> normalized, same shape. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 3 });
    return groupNormalize(x, x.shape[1] as number, this.eps, false);
  }

  /** The same on channels-last x [B, ...S, C]. */
  forwardLast(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forwardLast'), dtype: 'float32', minRank: 3 });
    return groupNormalize(x, x.shape[x.rank - 1] as number, this.eps, true);
  }
}
