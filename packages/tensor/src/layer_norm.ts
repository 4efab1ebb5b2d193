// torch.nn.LayerNorm over the trailing dims `normalizedShape`:
//   y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias     (biased variance, as PyTorch)
// with state-dict keys `weight` and `bias` (shape normalizedShape) when elementwiseAffine.
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from './errors';
import { Module } from './module';
import type { Parameter } from './parameter';
import { checkNumber, checkOptions, checkTensor, show } from './validate';

/** Options of {@link LayerNorm} (PyTorch's `nn.LayerNorm(normalized_shape, eps, elementwise_affine, bias)`). */
export interface LayerNormOptions {
  /** Size of the last dim, or sizes of the trailing dims, normalized together. */
  normalizedShape: number | number[];
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Learn a per-element scale `weight` (ones) and shift `bias` (zeros). Default true. */
  elementwiseAffine?: boolean;
  /** Learn the shift `bias` (only with elementwiseAffine). Default true. */
  bias?: boolean;
}

const KNOWN = ['normalizedShape', 'eps', 'elementwiseAffine', 'bias'];

/** Layer normalization over the trailing dims (PyTorch's `nn.LayerNorm`). */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  /** `weight` [...normalizedShape], or null without elementwiseAffine. */
  readonly weight: Parameter | null;
  /** `bias` [...normalizedShape], or null. */
  readonly bias: Parameter | null;

  constructor(options: LayerNormOptions) {
    super();
    const where = 'LayerNorm';
    const o = checkOptions(options, { where, known: KNOWN });
    const ns = typeof o.normalizedShape === 'number' ? [o.normalizedShape] : o.normalizedShape;
    if (!Array.isArray(ns) || ns.length === 0) {
      throw new ConfigError('invalid value', {
        where,
        argument: 'normalizedShape',
        expected: 'a dim size or a non-empty array of sizes',
        got: show(o.normalizedShape),
      });
    }
    this.normalizedShape = ns.map((d, i) => checkNumber(d, { where, argument: `normalizedShape[${i}]`, integer: true, min: 1 }));
    this.eps = checkNumber(o.eps ?? 1e-5, { where, argument: 'eps', min: 0 });
    const affine = o.elementwiseAffine ?? true;
    const bias = o.bias ?? true;
    for (const [k, v] of [
      ['elementwiseAffine', affine],
      ['bias', bias],
    ] as const) {
      if (typeof v !== 'boolean') throw new ConfigError('invalid value', { where, argument: k, expected: 'a boolean', got: show(v) });
    }
    this.weight = affine ? this.registerParameter('weight', tf.ones(this.normalizedShape)) : null;
    this.bias = affine && bias ? this.registerParameter('bias', tf.zeros(this.normalizedShape)) : null;
  }

  /** x [..., ...normalizedShape] (float32) -> same shape. */
  forward(x: tf.Tensor): tf.Tensor {
    const k = this.normalizedShape.length;
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: k });
    if (x.shape.slice(-k).join() !== this.normalizedShape.join()) {
      checkTensor(x, { where: this.where('forward'), shape: [...x.shape.slice(0, -k).map(() => null), ...this.normalizedShape] });
    }
    return tf.tidy(() => {
      const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
      const centred = tf.sub(x, tf.mean(x, axes, true));
      const variance = tf.mean(tf.square(centred), axes, true);
      let y = tf.mul(centred, tf.rsqrt(tf.add(variance, this.eps)));
      if (this.weight) y = tf.mul(y, this.weight.value);
      if (this.bias) y = tf.add(y, this.bias.value);
      return y;
    });
  }
}
