// neuralop's ChannelMLP: an MLP applied at every point over the channel axis, made of 1x1
// convolutions `fcs.0 ... fcs.{n-1}` with the non-linearity between them (not after the last):
//
//   x -> fcs.0 -> act -> fcs.1 -> act -> ... -> fcs.{n-1}
//
// Layer widths: in -> hidden -> ... -> hidden -> out (one layer: in -> out); `outChannels` and
// `hiddenChannels` default to `inChannels`. Keys `fcs.<i>.weight` [out, in, 1], `fcs.<i>.bias`.
// Source: neuraloperator/neuraloperator, neuralop/layers/channel_mlp.py (ChannelMLP).
import { Module, ModuleList, checkDim, checkNumber, checkOptions, checkTensor, createRng, tf, type Rng } from '@basiskit/tensor';
import type { ActivationFn } from '@basiskit/activations';
import { resolveNonLinearity, type NonLinearity } from './activation_option';
import { toChannelsFirst, toChannelsLast } from './layout';
import { PointwiseConv } from './pointwise_conv';

/** Options of {@link ChannelMLP} (neuralop's constructor arguments, camelCase). */
export interface ChannelMLPOptions {
  /** Input channels. */
  inChannels: number;
  /** Output channels. Default `inChannels`. */
  outChannels?: number;
  /** Width of the hidden layers. Default `inChannels`. */
  hiddenChannels?: number;
  /** Number of 1x1 convolutions. Default 2. */
  nLayers?: number;
  /** Number of spatial dims (kept for neuralop's signature; any rank works). Default 2. */
  nDim?: number;
  /** Activation between layers. Default `'gelu'` (neuralop's F.gelu). */
  nonLinearity?: NonLinearity;
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization. */
  rng?: Rng;
}

const KNOWN = ['inChannels', 'outChannels', 'hiddenChannels', 'nLayers', 'nDim', 'nonLinearity', 'seed', 'rng'];

/** neuralop's ChannelMLP (see the file header): `[B, in, ...S] -> [B, out, ...S]`. */
export class ChannelMLP extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly hiddenChannels: number;
  readonly nLayers: number;
  readonly nDim: number;
  /** The 1x1 convolutions (`fcs.<i>`). */
  readonly fcs: ModuleList<PointwiseConv>;
  private readonly act: ActivationFn;
  /** The activation is the exact GELU: bias and GELU run as one fused epilogue. */
  private readonly fusedGelu: boolean;

  constructor(options: ChannelMLPOptions) {
    super();
    const where = 'ChannelMLP';
    const o = checkOptions(options, { where, known: KNOWN });
    this.inChannels = checkNumber(o.inChannels, { where, argument: 'inChannels', integer: true, min: 1 });
    this.outChannels = checkNumber(o.outChannels ?? this.inChannels, { where, argument: 'outChannels', integer: true, min: 1 });
    this.hiddenChannels = checkNumber(o.hiddenChannels ?? this.inChannels, { where, argument: 'hiddenChannels', integer: true, min: 1 });
    this.nLayers = checkNumber(o.nLayers ?? 2, { where, argument: 'nLayers', integer: true, min: 1 });
    this.nDim = checkNumber(o.nDim ?? 2, { where, argument: 'nDim', integer: true, min: 1 });
    this.act = resolveNonLinearity(o.nonLinearity, where);
    this.fusedGelu = o.nonLinearity === undefined || o.nonLinearity === 'gelu';
    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const convs: PointwiseConv[] = [];
    for (let i = 0; i < this.nLayers; i++) {
      const inC = i === 0 ? this.inChannels : this.hiddenChannels;
      const outC = i === this.nLayers - 1 ? this.outChannels : this.hiddenChannels;
      convs.push(new PointwiseConv({ inChannels: inC, outChannels: outC, rng }));
    }
    this.fcs = this.registerModule('fcs', new ModuleList(convs));
  }

  /** x [B, in, ...S] (float32, channels first) -> [B, out, ...S]. */
  forward(x: tf.Tensor): tf.Tensor {
    const where = this.where('forward');
    checkTensor(x, { where, dtype: 'float32', minRank: 2 });
    checkDim(x, 1, this.inChannels, where);
    return tf.tidy(() => toChannelsFirst(this.forwardLast(toChannelsLast(x))));
  }

  /** x [..., in] (channels last) -> [..., out]: the same map without the layout moves. */
  forwardLast(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forwardLast'), dtype: 'float32', minRank: 1, lastDim: this.inChannels });
    return tf.tidy(() => {
      let h = x;
      let i = 0;
      for (const fc of this.fcs) {
        const hidden = i++ < this.nLayers - 1;
        h = hidden && this.fusedGelu ? fc.forwardLastGelu(h) : fc.forwardLast(h);
        if (hidden && !this.fusedGelu) h = this.act(h);
      }
      return h;
    });
  }

  /**
   * gelu(forwardLast(x) + skip) (skip [..., out] or null): the FNO block's MLP, skip and GELU,
   * the last layer's bias, the skip add and the GELU in one fused pass when the activation is
   * GELU. The GELU here is always the exact one (neuralop's F.gelu after the block's MLP).
   */
  forwardLastGelu(x: tf.Tensor, skip: tf.Tensor | null = null): tf.Tensor {
    checkTensor(x, { where: this.where('forwardLastGelu'), dtype: 'float32', minRank: 1, lastDim: this.inChannels });
    return tf.tidy(() => {
      let h = x;
      const fcs = [...this.fcs];
      for (const fc of fcs.slice(0, -1)) h = this.fusedGelu ? fc.forwardLastGelu(h) : this.act(fc.forwardLast(h));
      return fcs[fcs.length - 1].forwardLastGelu(h, skip);
    });
  }
}
