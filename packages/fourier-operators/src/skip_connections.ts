// neuralop's skip connections of the FNO blocks, chosen by `skipConnection({skipType})`:
//   'soft-gating': SoftGating, y = weight * x (+ bias), weight [1, C, 1, ...] starting at ones;
//   'linear':      Flattened1dConv, a 1x1 convolution without bias, key `conv.weight` [out, in, 1];
//   'identity':    y = x.
// Source: neuraloperator/neuraloperator, neuralop/layers/skip_connections.py.
import {
  ConfigError,
  Module,
  checkDim,
  checkNumber,
  checkOptions,
  checkTensor,
  collectChoice,
  createRng,
  init,
  show,
  tf,
  throwProblems,
  type Parameter,
  type Problem,
  type Rng,
} from '@basiskit/tensor';
import { addChannelBias, scaleChannels } from './channel_ops';
import { PointwiseConv } from './pointwise_conv';

/** The kinds of skip connection (neuralop's `skip_type`). */
export type SkipType = 'soft-gating' | 'linear' | 'identity';

/** The skip types {@link skipConnection} accepts. */
export const SKIP_TYPES: readonly SkipType[] = ['soft-gating', 'linear', 'identity'];

/** A skip connection: channels-first `forward` and the same map on channels-last input. */
export interface SkipModule extends Module {
  /** x [B, C, ...S] -> [B, out, ...S]. */
  forward(x: tf.Tensor): tf.Tensor;
  /** x [B, ...S, C] -> [B, ...S, out]. */
  forwardLast(x: tf.Tensor): tf.Tensor;
}

/** Options of {@link SoftGating} (neuralop's constructor arguments, camelCase). */
export interface SoftGatingOptions {
  /** Channels. */
  inFeatures: number;
  /** Must equal `inFeatures` when given (neuralop's API compatibility with Linear). */
  outFeatures?: number | null;
  /** Number of spatial dims: the weight is [1, C, 1 x nDim]. Default 2. */
  nDim?: number;
  /** Learn an additive `bias` of the weight's shape (starting at ones, as neuralop). Default false. */
  bias?: boolean;
}

/** neuralop's SoftGating: `weight * x (+ bias)`, one learnable factor per channel. */
export class SoftGating extends Module implements SkipModule {
  readonly inFeatures: number;
  readonly nDim: number;
  /** `weight` [1, C, 1, ...] (ones at start). */
  readonly weight: Parameter;
  /** `bias` [1, C, 1, ...] or null. */
  readonly bias: Parameter | null;

  constructor(options: SoftGatingOptions) {
    super();
    const where = 'SoftGating';
    const o = checkOptions(options, { where, known: ['inFeatures', 'outFeatures', 'nDim', 'bias'] });
    this.inFeatures = checkNumber(o.inFeatures, { where, argument: 'inFeatures', integer: true, min: 1 });
    if (o.outFeatures !== undefined && o.outFeatures !== null && o.outFeatures !== this.inFeatures) {
      throw new ConfigError('soft-gating keeps the channels: outFeatures must equal inFeatures', {
        where,
        argument: 'outFeatures',
        expected: String(this.inFeatures),
        got: show(o.outFeatures),
      });
    }
    this.nDim = checkNumber(o.nDim ?? 2, { where, argument: 'nDim', integer: true, min: 1 });
    const hasBias = o.bias ?? false;
    if (typeof hasBias !== 'boolean') checkNumber(NaN, { where, argument: 'bias' });
    const shape = [1, this.inFeatures, ...new Array<number>(this.nDim).fill(1)];
    this.weight = this.registerParameter('weight', init.ones(shape));
    this.bias = hasBias ? this.registerParameter('bias', init.ones(shape)) : null;
  }

  private check(x: tf.Tensor, method: string, axis: number): void {
    const where = this.where(method);
    checkTensor(x, { where, dtype: 'float32', rank: this.nDim + 2 });
    checkDim(x, axis, this.inFeatures, where);
  }

  /** x [B, C, ...S] (rank nDim + 2) -> weight * x (+ bias). */
  forward(x: tf.Tensor): tf.Tensor {
    this.check(x, 'forward', 1);
    return tf.tidy(() => {
      const y = tf.mul(this.weight.value, x);
      return this.bias ? tf.add(y, this.bias.value) : y;
    });
  }

  /** The same on channels-last x [B, ...S, C]. */
  forwardLast(x: tf.Tensor): tf.Tensor {
    this.check(x, 'forwardLast', -1);
    return tf.tidy(() => {
      const y = scaleChannels(x, tf.reshape(this.weight.value, [this.inFeatures]));
      return this.bias ? addChannelBias(y, tf.reshape(this.bias.value, [this.inFeatures])) : y;
    });
  }
}

/** Options of {@link Flattened1dConv}. */
export interface Flattened1dConvOptions {
  inChannels: number;
  outChannels: number;
  /** Learn a bias `conv.bias`. Default false. */
  bias?: boolean;
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization. */
  rng?: Rng;
}

/** neuralop's Flattened1dConv with kernel size 1: a 1x1 convolution `conv` over the channels. */
export class Flattened1dConv extends Module implements SkipModule {
  /** The convolution (`conv.weight` [out, in, 1]). */
  readonly conv: PointwiseConv;

  constructor(options: Flattened1dConvOptions) {
    super();
    const where = 'Flattened1dConv';
    const o = checkOptions(options, { where, known: ['inChannels', 'outChannels', 'bias', 'seed', 'rng'] });
    this.conv = this.registerModule(
      'conv',
      new PointwiseConv({ inChannels: o.inChannels as number, outChannels: o.outChannels as number, bias: o.bias ?? false, seed: o.seed, rng: o.rng }),
    );
  }

  /** x [B, in, ...S] -> [B, out, ...S]. */
  forward(x: tf.Tensor): tf.Tensor {
    return this.conv.forward(x);
  }

  /** x [B, ...S, in] -> [B, ...S, out]. */
  forwardLast(x: tf.Tensor): tf.Tensor {
    return this.conv.forwardLast(x);
  }
}

/** PyTorch's `nn.Identity` as a skip: returns its input (no parameters). */
export class IdentitySkip extends Module implements SkipModule {
  /** x, unchanged. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward') });
    return x;
  }

  /** x, unchanged. */
  forwardLast(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forwardLast') });
    return x;
  }
}

/** Options of {@link skipConnection} (neuralop's `skip_connection` arguments, camelCase). */
export interface SkipConnectionOptions {
  inFeatures: number;
  outFeatures: number;
  /** Number of spatial dims. Default 2. */
  nDim?: number;
  /** Bias of the soft-gating or linear skip. Default false. */
  bias?: boolean;
  /** Kind of skip. Default `'soft-gating'`. */
  skipType?: SkipType;
  /** Seed of the linear skip's initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the linear skip's initialization. */
  rng?: Rng;
}

/** neuralop's `skip_connection`: a {@link SoftGating}, {@link Flattened1dConv} or {@link IdentitySkip}. */
export function skipConnection(options: SkipConnectionOptions): SkipModule {
  const where = 'skipConnection';
  const o = checkOptions(options, { where, known: ['inFeatures', 'outFeatures', 'nDim', 'bias', 'skipType', 'seed', 'rng'] });
  const skipType = o.skipType ?? 'soft-gating';
  const problems: Problem[] = [];
  collectChoice({ skipType }, 'skipType', SKIP_TYPES, problems);
  throwProblems(problems, { where });
  const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
  if (skipType === 'soft-gating') return new SoftGating({ inFeatures: o.inFeatures as number, outFeatures: o.outFeatures, nDim: o.nDim, bias: o.bias });
  if (skipType === 'linear') return new Flattened1dConv({ inChannels: o.inFeatures as number, outChannels: o.outFeatures as number, bias: o.bias, rng });
  return new IdentitySkip();
}
