// torch.nn.Linear: y = x W^T + b, weight [out, in], bias [out] (state-dict keys `weight`, `bias`).
// Default initialization as PyTorch's reset_parameters: kaiming_uniform(a = sqrt(5)) for the
// weight and U(±1/sqrt(in)) for the bias, i.e. both U(-1/sqrt(in), 1/sqrt(in)).
import * as tf from '@tensorflow/tfjs-core';
import { normal, uniform } from './initializers';
import { linear } from './linear';
import { Module } from './module';
import type { Parameter } from './parameter';
import { createRng, type Rng } from './rng';
import { checkNumber, checkOptions, checkTensor } from './validate';

/** Options of {@link Linear} (PyTorch's `nn.Linear(in_features, out_features, bias=True)`). */
export interface LinearOptions {
  /** Size of the last input dim. */
  inFeatures: number;
  /** Size of the last output dim. */
  outFeatures: number;
  /** Learn an additive bias `bias` [out]. Default true. */
  bias?: boolean;
  /**
   * When set, the weight starts N(0, std²) and the bias at 0 (timm/KAT's init). Default:
   * PyTorch's U(±1/sqrt(in)) for both.
   */
  std?: number;
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization. */
  rng?: Rng;
}

const KNOWN = ['inFeatures', 'outFeatures', 'bias', 'std', 'seed', 'rng'];

/** A fully connected layer, `x [..., in] -> [..., out]` (PyTorch's `nn.Linear`). */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** `weight` [out, in]. */
  readonly weight: Parameter;
  /** `bias` [out], or null when `bias: false`. */
  readonly bias: Parameter | null;

  constructor(options: LinearOptions) {
    super();
    const where = 'Linear';
    const o = checkOptions(options, { where, known: KNOWN });
    this.inFeatures = checkNumber(o.inFeatures, { where, argument: 'inFeatures', integer: true, min: 1 });
    this.outFeatures = checkNumber(o.outFeatures, { where, argument: 'outFeatures', integer: true, min: 1 });
    const hasBias = o.bias ?? true;
    if (typeof hasBias !== 'boolean') checkNumber(NaN, { where, argument: 'bias' });
    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const shape = [this.outFeatures, this.inFeatures];
    if (o.std !== undefined) {
      const std = checkNumber(o.std, { where, argument: 'std', min: 0 });
      this.weight = this.registerParameter('weight', normal(shape, { rng, std }));
      this.bias = hasBias ? this.registerParameter('bias', tf.zeros([this.outFeatures])) : null;
    } else {
      const bound = 1 / Math.sqrt(this.inFeatures);
      this.weight = this.registerParameter('weight', uniform(shape, { rng, low: -bound, high: bound }));
      this.bias = hasBias ? this.registerParameter('bias', uniform([this.outFeatures], { rng, low: -bound, high: bound })) : null;
    }
  }

  /** x [..., inFeatures] (float32) -> [..., outFeatures]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 1, lastDim: this.inFeatures });
    return linear(x, this.weight.value, this.bias?.value);
  }
}
