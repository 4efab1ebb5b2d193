// A 1x1 convolution over the channel axis, PyTorch's `nn.Conv1d(in, out, kernel_size=1)` as
// neuralop uses it on flattened spatial dims (ChannelMLP's `fcs`, Flattened1dConv's `conv`):
//
//   y[b, o, s] = sum_i weight[o, i, 0] x[b, i, s] + bias[o]
//
// Parameters `weight` [out, in, 1] and `bias` [out] (PyTorch's shapes, so a checkpoint ports by
// name), initialized as PyTorch's Conv1d: U(±1/sqrt(in)) for both. Computed channels-last with
// `channelLinear` and `addChannelBias` (channel_ops.ts: weight gradient and bias row sums without
// transposes);
// `forward` takes neuralop's channels-first layout.
import { Module, checkDim, checkNumber, checkOptions, checkTensor, createRng, init, tf, type Parameter, type Rng } from '@basiskit/tensor';
import { biasGelu } from '@basiskit/kernels';
import { addChannelBias, channelLinear } from './channel_ops';
import { toChannelsFirst, toChannelsLast } from './layout';

/** Options of {@link PointwiseConv} (PyTorch's `nn.Conv1d(in_channels, out_channels, 1, bias)`). */
export interface PointwiseConvOptions {
  /** Input channels. */
  inChannels: number;
  /** Output channels. */
  outChannels: number;
  /** Learn an additive bias `bias` [out]. Default true. */
  bias?: boolean;
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization. */
  rng?: Rng;
}

/** A 1x1 convolution (see the file header): `[B, in, ...S] -> [B, out, ...S]`. */
export class PointwiseConv extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  /** `weight` [out, in, 1]. */
  readonly weight: Parameter;
  /** `bias` [out], or null. */
  readonly bias: Parameter | null;

  constructor(options: PointwiseConvOptions) {
    super();
    const where = 'PointwiseConv';
    const o = checkOptions(options, { where, known: ['inChannels', 'outChannels', 'bias', 'seed', 'rng'] });
    this.inChannels = checkNumber(o.inChannels, { where, argument: 'inChannels', integer: true, min: 1 });
    this.outChannels = checkNumber(o.outChannels, { where, argument: 'outChannels', integer: true, min: 1 });
    const hasBias = o.bias ?? true;
    if (typeof hasBias !== 'boolean') checkNumber(NaN, { where, argument: 'bias' });
    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const bound = 1 / Math.sqrt(this.inChannels);
    this.weight = this.registerParameter('weight', init.uniform([this.outChannels, this.inChannels, 1], { rng, low: -bound, high: bound }));
    this.bias = hasBias ? this.registerParameter('bias', init.uniform([this.outChannels], { rng, low: -bound, high: bound })) : null;
  }

  /** x [B, in, ...S] (float32, channels first) -> [B, out, ...S]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 2 });
    checkDim(x, 1, this.inChannels, this.where('forward'));
    return tf.tidy(() => toChannelsFirst(this.forwardLast(toChannelsLast(x))));
  }

  /** x [..., in] (channels last) -> [..., out]. */
  forwardLast(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forwardLast'), dtype: 'float32', minRank: 1, lastDim: this.inChannels });
    return tf.tidy(() => {
      const y = channelLinear(x, tf.reshape(this.weight.value, [this.outChannels, this.inChannels]));
      return this.bias ? addChannelBias(y, this.bias.value) : y;
    });
  }

  /**
   * gelu(x W^T + bias + skip) on channels-last x [..., in] (skip: [..., out] or null), the bias,
   * skip add and exact GELU in one fused pass (`biasGelu` of @basiskit/kernels).
   */
  forwardLastGelu(x: tf.Tensor, skip: tf.Tensor | null = null): tf.Tensor {
    checkTensor(x, { where: this.where('forwardLastGelu'), dtype: 'float32', minRank: 1, lastDim: this.inChannels });
    return tf.tidy(() => {
      const y = channelLinear(x, tf.reshape(this.weight.value, [this.outChannels, this.inChannels]));
      const bias = this.bias ? this.bias.value : tf.zeros([this.outChannels]);
      return biasGelu(y, bias, { skip });
    });
  }
}
