// neuralop 2.x's FNOBlocks: `nLayers` Fourier layers sharing one configuration, each
// (post-activation, the default; σ = nonLinearity, skipped after the last layer):
//
//   x_fno  = norm_{2i}(convs[i](x))                      (SpectralConv; norm optional)
//   x      = σ(x_fno + fno_skips[i](x))                  (1x1 conv 'linear' skip by default)
//   x      = norm_{2i+1}(channel_mlp[i](x) + channel_mlp_skips[i](x))   (soft-gating by default)
//   x      = σ(x)
//
// and with `preactivation`: x = σ(x), x = norm_{2i}(x), then spectral conv + skip, σ (not after
// the last), norm_{2i+1}, channel MLP + skip. The skips are resampled to the conv's output size
// when the block changes the resolution. Keys (neuralop's): `convs.<i>.*`, `fno_skips.<i>.conv.weight`,
// `channel_mlp.<i>.fcs.<j>.*`, `channel_mlp_skips.<i>.weight`, `norm.<k>.*`. The norm is one of
// 'group_norm', 'instance_norm', 'batch_norm' (`norm.<k>.norm.*`, running statistics in training
// mode) or 'ada_in' (`norm.<k>.mlp.*`; embeddings of `adaInFeatures` values set with
// `setAdaInEmbeddings` before forward).
// The hidden state travels channels-last between the 1x1 convolutions (`forwardLast`): they are
// then plain `linear`s; only the spectral conv sees channels-first data. With the default GELU
// (post-activation, no norm) the conv's bias, the skip and the GELU are one fused pass, and so
// are the MLP's last bias, its skip and the GELU (`biasGelu` of @basiskit/kernels).
// Source: neuraloperator/neuraloperator, neuralop/layers/fno_block.py (FNOBlocks).
import type { ActivationFn } from '@basiskit/activations';
import { biasGelu } from '@basiskit/kernels';
import {
  ConfigError,
  Module,
  ModuleList,
  checkDim,
  checkNumber,
  checkOptions,
  checkTensor,
  collectBool,
  collectChoice,
  collectNumber,
  createRng,
  numberOk,
  show,
  tf,
  throwProblems,
  type Problem,
} from '@basiskit/tensor';
import { resolveNonLinearity, type NonLinearity } from './activation_option';
import { AdaIN } from './ada_in';
import { BatchNorm } from './batch_norm';
import { ChannelMLP } from './channel_mlp';
import { GroupNorm } from './group_norm';
import { InstanceNorm } from './instance_norm';
import { toChannelsFirst, toChannelsLast } from './layout';
import { resample } from './resample';
import { SKIP_TYPES, skipConnection, type SkipModule, type SkipType } from './skip_connections';
import { SpectralConv } from './spectral_conv';

/** The normalizations of the FNO blocks (neuralop's `norm`). */
export type FNONorm = 'group_norm' | 'instance_norm' | 'batch_norm' | 'ada_in';

/** Options of {@link FNOBlocks} (neuralop's constructor arguments, camelCase). */
export interface FNOBlocksOptions {
  /** Channels in. */
  inChannels: number;
  /** Channels out (the channel MLP and its skip keep them: use `inChannels` for more than one layer). */
  outChannels: number;
  /** Fourier modes kept per spatial dim (the last dim keeps `nModes[-1] // 2 + 1` bins). */
  nModes: number[];
  /** Number of Fourier layers. Default 1. */
  nLayers?: number;
  /** Per-layer resolution factor: one number, one per layer, or per layer and dim. Default null. */
  resolutionScalingFactor?: number | (number | number[])[] | null;
  /** Add the channel MLP after each layer. Default true. */
  useChannelMlp?: boolean;
  /** Hidden width of the channel MLP as a fraction of `outChannels` (Python-rounded). Default 0.5. */
  channelMlpExpansion?: number;
  /** Activation between layers. Default `'gelu'`. */
  nonLinearity?: NonLinearity;
  /** `'tanh'` applies tanh to the spectral conv's input. Default null. */
  stabilizer?: 'tanh' | null;
  /** `'group_norm'`, `'instance_norm'`, `'batch_norm'`, `'ada_in'` or null (default). */
  norm?: FNONorm | null;
  /** Groups of the group norm. Default 1. */
  normGroups?: number;
  /** Embedding size of the `'ada_in'` norms (required with it). Default null. */
  adaInFeatures?: number | null;
  /** Activation (and norm) before the convolution instead of after. Default false. */
  preactivation?: boolean;
  /** Skip beside the spectral conv: `'linear'` (default), `'identity'`, `'soft-gating'` or null. */
  fnoSkip?: SkipType | null;
  /** Skip beside the channel MLP: `'soft-gating'` (default), `'linear'`, `'identity'` or null. */
  channelMlpSkip?: SkipType | null;
  /** Spectral convs with a per-channel (diagonal) weight. Default false. */
  separable?: boolean;
  /** Factorized spectral weights: `'tucker'`, `'cp'`, `'tt'` or null (dense, default). */
  factorization?: 'tucker' | 'cp' | 'tt' | null;
  /** Rank of the factorization (a fraction of the dense size when < 1). Default 1. */
  rank?: number;
  /** Largest modes the weights hold (for incremental training). Default `nModes`. */
  maxNModes?: number[] | null;
  /** FFT normalization of the spectral convs. Default `'forward'`. */
  fftNorm?: 'forward' | 'backward' | 'ortho';
  /** Seed of every initialization. Default 0. */
  seed?: number;
}

/** Options of {@link FNOBlocks.forward}. */
export interface FNOBlocksForwardOptions {
  /** Spatial output size of this layer (default: from `resolutionScalingFactor`, else the input's). */
  outputShape?: number[] | null;
}

const KNOWN = [
  'inChannels',
  'outChannels',
  'nModes',
  'nLayers',
  'resolutionScalingFactor',
  'useChannelMlp',
  'channelMlpExpansion',
  'nonLinearity',
  'stabilizer',
  'norm',
  'normGroups',
  'adaInFeatures',
  'preactivation',
  'fnoSkip',
  'channelMlpSkip',
  'separable',
  'factorization',
  'rank',
  'maxNModes',
  'fftNorm',
  'seed',
];

/** Python's round (halves to even). */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  if (Math.abs(v - f - 0.5) > 1e-12) return Math.round(v);
  return f % 2 === 0 ? f : f + 1;
}

type NormModule = GroupNorm | InstanceNorm | BatchNorm | AdaIN;

/**
 * neuralop's FNOBlocks (see the file header): `forward(x, index)` runs layer `index` on
 * `x [B, C, ...S]`.
 */
export class FNOBlocks extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly nLayers: number;
  readonly nDim: number;
  readonly useChannelMlp: boolean;
  readonly preactivation: boolean;
  readonly stabilizer: 'tanh' | null;
  /** The spectral convolutions (`convs.<i>`). */
  readonly convs: ModuleList<SpectralConv>;
  /** The skips beside them (`fno_skips.<i>`), or null. */
  readonly fno_skips: ModuleList<SkipModule> | null;
  /** The channel MLPs (`channel_mlp.<i>`), or null. */
  readonly channel_mlp: ModuleList<ChannelMLP> | null;
  /** Their skips (`channel_mlp_skips.<i>`), or null. */
  readonly channel_mlp_skips: ModuleList<SkipModule> | null;
  /** Two norms per layer (`norm.<2i>`, `norm.<2i+1>`), or null. */
  readonly norm: ModuleList<NormModule> | null;
  private readonly act: ActivationFn;
  /** GELU activation, post-activation, no norm: bias + skip + GELU run as fused epilogues (`biasGelu`). */
  private readonly fusedEpilogue: boolean;

  constructor(options: FNOBlocksOptions) {
    super();
    const where = 'FNOBlocks';
    const o = checkOptions(options, { where, known: KNOWN }) as Record<string, unknown>;
    const problems: Problem[] = [];
    collectNumber(o, 'inChannels', { integer: true, min: 1 }, problems);
    collectNumber(o, 'outChannels', { integer: true, min: 1 }, problems);
    const nModes = o.nModes;
    if (!Array.isArray(nModes) || nModes.length < 1 || nModes.length > 3 || !nModes.every((m) => Number.isInteger(m) && m >= 1)) {
      problems.push({ argument: 'nModes', expected: '1 to 3 integers >= 1 (one per spatial dim)', got: show(nModes) });
    }
    o.nLayers ??= 1;
    collectNumber(o, 'nLayers', { integer: true, min: 1 }, problems);
    o.useChannelMlp ??= true;
    collectBool(o, 'useChannelMlp', problems);
    o.channelMlpExpansion ??= 0.5;
    collectNumber(o, 'channelMlpExpansion', { gt: 0 }, problems);
    o.stabilizer ??= null;
    collectChoice(o, 'stabilizer', [null, 'tanh'], problems);
    o.norm ??= null;
    collectChoice(o, 'norm', [null, 'group_norm', 'instance_norm', 'batch_norm', 'ada_in'], problems);
    o.adaInFeatures ??= null;
    if (o.norm === 'ada_in' && o.adaInFeatures === null) {
      problems.push({ argument: 'adaInFeatures', expected: "an integer >= 1 (the embedding size) with norm 'ada_in'", got: 'null' });
    } else if (o.adaInFeatures !== null) {
      collectNumber(o, 'adaInFeatures', { integer: true, min: 1 }, problems);
    }
    o.normGroups ??= 1;
    collectNumber(o, 'normGroups', { integer: true, min: 1 }, problems);
    o.preactivation ??= false;
    collectBool(o, 'preactivation', problems);
    if (!('fnoSkip' in o)) o.fnoSkip = 'linear';
    collectChoice(o, 'fnoSkip', [...SKIP_TYPES, null], problems);
    if (!('channelMlpSkip' in o)) o.channelMlpSkip = 'soft-gating';
    collectChoice(o, 'channelMlpSkip', [...SKIP_TYPES, null], problems);
    o.seed ??= 0;
    collectNumber(o, 'seed', { integer: true, min: 0 }, problems);
    if (o.norm === 'group_norm' && numberOk(o.normGroups, { integer: true, min: 1 }) && numberOk(o.outChannels, { integer: true, min: 1 })) {
      if ((o.outChannels as number) % (o.normGroups as number) !== 0) {
        problems.push({ argument: 'normGroups', expected: `a divisor of outChannels ${o.outChannels as number}`, got: show(o.normGroups) });
      }
    }
    throwProblems(problems, { where });

    this.inChannels = o.inChannels as number;
    this.outChannels = o.outChannels as number;
    this.nLayers = o.nLayers as number;
    this.nDim = (nModes as number[]).length;
    this.useChannelMlp = o.useChannelMlp as boolean;
    this.preactivation = o.preactivation as boolean;
    this.stabilizer = o.stabilizer as 'tanh' | null;
    this.act = resolveNonLinearity(o.nonLinearity, where);
    this.fusedEpilogue = (o.nonLinearity === undefined || o.nonLinearity === 'gelu') && !this.preactivation && o.norm === null;
    const rsf = this.layerScaling(o.resolutionScalingFactor, where);
    if (this.useChannelMlp && this.nLayers > 1 && this.inChannels !== this.outChannels) {
      throw new ConfigError('with several layers (and the channel MLP) inChannels must equal outChannels', {
        where,
        argument: 'outChannels',
        expected: String(this.inChannels),
        got: String(this.outChannels),
      });
    }
    const rng = createRng(o.seed as number);
    const seed = () => rng.randint(2 ** 31);
    // a sub-module that fails to build (a bad rank, ...) must not leave the others' tensors behind
    const made: Module[] = [];
    const track = <M extends Module>(m: M): M => (made.push(m), m);
    try {
      const convs: SpectralConv[] = [];
      for (let i = 0; i < this.nLayers; i++) {
        convs.push(
          track(
            new SpectralConv({
              inChannels: this.inChannels,
              outChannels: this.outChannels,
              nModes: nModes as number[],
              maxNModes: (o.maxNModes as number[] | null | undefined) ?? undefined,
              separable: o.separable as boolean | undefined,
              factorization: (o.factorization as SpectralConv['factorization'] | undefined) ?? null,
              rank: o.rank as number | undefined,
              fftNorm: o.fftNorm as 'forward' | undefined,
              resolutionScalingFactor: rsf ? rsf[i] : null,
              seed: seed(),
            }),
          ),
        );
      }
      this.convs = this.registerModule('convs', new ModuleList(convs));
      const skips = (type: unknown) =>
        new ModuleList(
          Array.from({ length: this.nLayers }, () =>
            track(skipConnection({ inFeatures: this.inChannels, outFeatures: this.outChannels, nDim: this.nDim, skipType: type as SkipType, seed: seed() })),
          ),
        );
      this.fno_skips = o.fnoSkip === null ? null : this.registerModule('fno_skips', skips(o.fnoSkip));
      if (this.useChannelMlp) {
        const hidden = roundHalfEven(this.outChannels * (o.channelMlpExpansion as number));
        this.channel_mlp = this.registerModule(
          'channel_mlp',
          new ModuleList(
            Array.from(
              { length: this.nLayers },
              () =>
                new ChannelMLP({
                  inChannels: this.outChannels,
                  hiddenChannels: Math.max(hidden, 1),
                  nDim: this.nDim,
                  nonLinearity: o.nonLinearity as NonLinearity | undefined,
                  seed: seed(),
                }),
            ),
          ),
        );
        this.channel_mlp_skips = o.channelMlpSkip === null ? null : this.registerModule('channel_mlp_skips', skips(o.channelMlpSkip));
      } else {
        this.channel_mlp = null;
        this.channel_mlp_skips = null;
      }
      if (o.norm === null) {
        this.norm = null;
      } else {
        const make = (): NormModule => {
          if (o.norm === 'group_norm') return new GroupNorm({ numGroups: o.normGroups as number, numChannels: this.outChannels });
          if (o.norm === 'batch_norm') return new BatchNorm({ nDim: this.nDim, numFeatures: this.outChannels });
          if (o.norm === 'ada_in') return new AdaIN({ embedDim: o.adaInFeatures as number, inChannels: this.outChannels, seed: seed() });
          return new InstanceNorm();
        };
        this.norm = this.registerModule('norm', new ModuleList(Array.from({ length: 2 * this.nLayers }, () => track(make()))));
      }
    } catch (e) {
      for (const m of made) m.dispose();
      throw e;
    }
  }

  /**
   * Sets the embeddings of the `'ada_in'` norms (neuralop's `set_ada_in_embeddings`): one
   * embedding for every norm, or one per norm (`2 * nLayers`, in `norm.<k>` order).
   */
  setAdaInEmbeddings(...embeddings: tf.Tensor[]): void {
    const where = this.where('setAdaInEmbeddings');
    const norms = this.norm ? [...this.norm] : [];
    if (norms.length === 0 || !norms.every((n) => n instanceof AdaIN)) {
      throw new ConfigError("no 'ada_in' norms", {
        where,
        argument: 'norm',
        expected: "'ada_in'",
        got: norms.length === 0 ? 'null' : norms[0].constructor.name,
      });
    }
    if (embeddings.length !== 1 && embeddings.length !== norms.length) {
      throw new ConfigError('wrong number of embeddings', { where, argument: 'embeddings', expected: `1 or ${norms.length}`, got: String(embeddings.length) });
    }
    norms.forEach((n, k) => (n as AdaIN).setEmbedding(embeddings[embeddings.length === 1 ? 0 : k]));
  }

  /** neuralop's validate_scaling_factor: one factor per layer and dim, or null. */
  private layerScaling(value: unknown, where: string): (number[] | null)[] | null {
    if (value === undefined || value === null) return null;
    const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
    const perDim = (v: unknown): number[] | null =>
      ok(v) ? new Array<number>(this.nDim).fill(v as number) : Array.isArray(v) && v.length === this.nDim && v.every(ok) ? (v as number[]) : null;
    if (ok(value)) return new Array(this.nLayers).fill(perDim(value));
    if (Array.isArray(value) && value.length === this.nLayers) {
      const layers = value.map(perDim);
      if (layers.every((l) => l !== null)) return layers;
    }
    throw new ConfigError('invalid value', {
      where,
      argument: 'resolutionScalingFactor',
      expected: `a number > 0, or ${this.nLayers} of them (one per layer, each a number or ${this.nDim} numbers)`,
      got: show(value),
    });
  }

  /** Layer `index` on x [B, inChannels, ...S] (channels first, neuralop's layout). */
  forward(x: tf.Tensor, index: number = 0, options: FNOBlocksForwardOptions = {}): tf.Tensor {
    const where = this.where('forward');
    checkTensor(x, { where, dtype: 'float32', rank: this.nDim + 2 });
    checkDim(x, 1, this.inChannels, where);
    return tf.tidy(() => toChannelsFirst(this.forwardLast(toChannelsLast(x), index, options)));
  }

  /** Layer `index` on channels-last x [B, ...S, inChannels] -> [B, ...S', outChannels]. */
  forwardLast(x: tf.Tensor, index: number = 0, options: FNOBlocksForwardOptions = {}): tf.Tensor {
    const where = this.where('forwardLast');
    checkTensor(x, { where, dtype: 'float32', rank: this.nDim + 2 });
    checkDim(x, -1, this.inChannels, where);
    checkNumber(index, { where, argument: 'index', integer: true, min: 0, max: this.nLayers - 1 });
    const o = checkOptions(options, { where, known: ['outputShape'] });
    const outputShape = o.outputShape ?? undefined;
    const conv = this.convs.at(index);
    const spatialAxes = Array.from({ length: this.nDim }, (_, i) => i + 1);
    return tf.tidy(() => {
      const last = index === this.nLayers - 1;
      let h = x;
      if (this.preactivation) {
        h = this.act(h);
        if (this.norm) h = this.norm.at(2 * index).forwardLast(h);
      }
      const outShape = conv.outputShapeFor(h.shape.slice(1, -1), outputShape);
      const transform = (t: tf.Tensor) => resample(t, outShape, spatialAxes, where);
      const skipFno = this.fno_skips ? transform(this.fno_skips.at(index).forwardLast(h)) : null;
      const skipMlp = this.channel_mlp && this.channel_mlp_skips ? transform(this.channel_mlp_skips.at(index).forwardLast(h)) : null;
      const convIn = this.stabilizer === 'tanh' ? tf.tanh(h) : h;
      if (this.fusedEpilogue && !last && conv.bias) {
        // y = gelu(conv(x) + bias + skip), then gelu(mlp(y) + skip'), each one fused pass
        const c = conv.forward(toChannelsFirst(convIn), { outputShape: outShape, addBias: false });
        let y = biasGelu(toChannelsLast(c), tf.reshape(conv.bias.value, [this.outChannels]), { skip: skipFno });
        if (this.channel_mlp) y = this.channel_mlp.at(index).forwardLastGelu(y, skipMlp);
        else y = this.act(y);
        return y;
      }
      let y = toChannelsLast(conv.forward(toChannelsFirst(convIn), { outputShape: outShape }));
      if (!this.preactivation && this.norm) y = this.norm.at(2 * index).forwardLast(y);
      if (skipFno) y = tf.add(y, skipFno);
      if (!last) y = this.act(y);
      if (this.preactivation && this.norm) y = this.norm.at(2 * index + 1).forwardLast(y);
      if (this.channel_mlp) {
        const m = this.channel_mlp.at(index).forwardLast(y);
        y = skipMlp ? tf.add(m, skipMlp) : m;
      }
      if (!this.preactivation) {
        if (this.norm) y = this.norm.at(2 * index + 1).forwardLast(y);
        if (!last) y = this.act(y);
      }
      return y;
    });
  }
}
