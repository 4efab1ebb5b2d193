// neuralop 2.x's FNO (Li et al., "Fourier Neural Operator for Parametric Partial Differential
// Equations", ICLR 2021; neuralop/models/fno.py) and TFNO (Kossaifi et al., "Multi-Grid Tensorized
// Fourier Neural Operator for High-Resolution PDEs", TMLR 2024): for x [B, inChannels, ...S],
//
//   x -> GridEmbeddingND (appends nDim coordinate channels on [0, 1)^d)
//     -> lifting: ChannelMLP(in + nDim -> liftingChannelRatio * hidden -> hidden), GELU between
//     -> DomainPadding.pad (optional)
//     -> nLayers x FNOBlocks (spectral conv + 1x1 skip, GELU, channel MLP + soft-gating skip, GELU;
//        no activation after the last layer)
//     -> DomainPadding.unpad
//     -> projection: ChannelMLP(hidden -> projectionChannelRatio * hidden -> outChannels)
//
// State-dict keys are neuralop's module names (`lifting.fcs.0.weight`, `fno_blocks.convs.0.weight.real`,
// `fno_blocks.fno_skips.0.conv.weight`, `fno_blocks.channel_mlp.0.fcs.1.bias`,
// `fno_blocks.channel_mlp_skips.0.weight`, `projection.fcs.1.bias`, ...), so a checkpoint ports
// by name (complex tensors split into `.real`/`.imag`). Between lifting and projection the
// hidden state is kept channels-last, where every 1x1 convolution is one untransposed matMul.
import {
  ConfigError,
  Module,
  checkDim,
  checkOptions,
  checkTensor,
  collectChoice,
  collectNumber,
  createRng,
  definedOnly,
  numberOk,
  show,
  tf,
  throwProblems,
  type Problem,
} from '@basiskit/tensor';
import type { NonLinearity } from './activation_option';
import { ChannelMLP } from './channel_mlp';
import { DomainPadding, type DomainPaddingMode } from './domain_padding';
import { FNOBlocks, type FNONorm } from './fno_block';
import { GridEmbeddingND } from './grid_embedding';
import { toChannelsFirst, toChannelsLast } from './layout';
import type { SkipType } from './skip_connections';

/** Options of {@link FNO} (neuralop 2.x's constructor arguments, camelCase, same defaults). */
export interface FNOOptions {
  /** Fourier modes kept per spatial dim; its length (1-3) is the dimension of the FNO. */
  nModes: number[];
  /** Channels of the input function. */
  inChannels: number;
  /** Channels of the output function. */
  outChannels: number;
  /** Width of the FNO. */
  hiddenChannels: number;
  /** Number of Fourier layers. Default 4. */
  nLayers?: number;
  /** Lifting MLP width as a multiple of `hiddenChannels` (truncated to an integer). Default 2. */
  liftingChannelRatio?: number;
  /** Projection MLP width as a multiple of `hiddenChannels` (truncated to an integer). Default 2. */
  projectionChannelRatio?: number;
  /** `'grid'` (default): append a GridEmbeddingND on [0, 1]^d; a GridEmbeddingND of your own; or null. */
  positionalEmbedding?: 'grid' | GridEmbeddingND | null;
  /** Activation. Default `'gelu'`. */
  nonLinearity?: NonLinearity;
  /** `'group_norm'`, `'instance_norm'`, `'batch_norm'`, `'ada_in'` or null (default). */
  norm?: FNONorm | null;
  /** Groups of the group norm. Default 1. */
  normGroups?: number;
  /** Embedding size of the `'ada_in'` norms (set them with `fno_blocks.setAdaInEmbeddings`). Default null. */
  adaInFeatures?: number | null;
  /** Channel MLP after each Fourier layer. Default true. */
  useChannelMlp?: boolean;
  /** Its hidden width as a fraction of `hiddenChannels`. Default 0.5. */
  channelMlpExpansion?: number;
  /** Skip beside the channel MLP. Default `'soft-gating'`. */
  channelMlpSkip?: SkipType | null;
  /** Skip beside the spectral conv. Default `'linear'`. */
  fnoSkip?: SkipType | null;
  /** Per-layer resolution factor of the blocks (see {@link FNOBlocks}). Default null. */
  resolutionScalingFactor?: number | (number | number[])[] | null;
  /** Fraction of zero padding per spatial dim (one number or one per dim); null or 0: none (default). */
  domainPadding?: number | number[] | null;
  /** `'symmetric'` (default, neuralop 2.x) or `'one-sided'` (neuralop 1.x's option). */
  domainPaddingMode?: DomainPaddingMode;
  /** `'tanh'` on the spectral convs' inputs. Default null. */
  stabilizer?: 'tanh' | null;
  /** Largest modes the weights hold (incremental training). Default `nModes`. */
  maxNModes?: number[] | null;
  /** Factorized spectral weights: `'tucker'`, `'cp'`, `'tt'` or null (dense, default). */
  factorization?: 'tucker' | 'cp' | 'tt' | null;
  /** Rank of the factorization (a fraction of the dense size when < 1). Default 1. */
  rank?: number;
  /** Separable (per-channel) spectral convs. Default false. */
  separable?: boolean;
  /** Activation before each block's convolution (ResNet-style). Default false. */
  preactivation?: boolean;
  /** FFT normalization of the spectral convs. Default `'forward'`. */
  fftNorm?: 'forward' | 'backward' | 'ortho';
  /** Seed of every initialization. Default 0. */
  seed?: number;
}

/** Options of {@link FNO.forward}. */
export interface FNOForwardOptions {
  /**
   * Spatial output size: one shape (the last block's output; the earlier blocks keep their
   * resolution) or one shape (or null) per block. Default: the input's (scaled by
   * `resolutionScalingFactor`).
   */
  outputShape?: number[] | (number[] | null)[] | null;
}

const KNOWN = [
  'nModes',
  'inChannels',
  'outChannels',
  'hiddenChannels',
  'nLayers',
  'liftingChannelRatio',
  'projectionChannelRatio',
  'positionalEmbedding',
  'nonLinearity',
  'norm',
  'normGroups',
  'adaInFeatures',
  'useChannelMlp',
  'channelMlpExpansion',
  'channelMlpSkip',
  'fnoSkip',
  'resolutionScalingFactor',
  'domainPadding',
  'domainPaddingMode',
  'stabilizer',
  'maxNModes',
  'factorization',
  'rank',
  'separable',
  'preactivation',
  'fftNorm',
  'seed',
];

/**
 * neuralop 2.x's Fourier neural operator (see the file header): x [B, inChannels, ...S] ->
 * [B, outChannels, ...S]; 1, 2 or 3 spatial dims, any resolution with at least the modes.
 *
 * @example
 * const model = new FNO({ nModes: [12, 12], inChannels: 1, outChannels: 1, hiddenChannels: 32 });
 * model.numParameters(); // 701281, as neuralop's
 * const y = model.forward(tf.randomNormal([4, 1, 64, 64])); // [4, 1, 64, 64]
 */
export class FNO extends Module {
  readonly nDim: number;
  readonly nModes: number[];
  readonly inChannels: number;
  readonly outChannels: number;
  readonly hiddenChannels: number;
  readonly nLayers: number;
  readonly liftingChannels: number;
  readonly projectionChannels: number;
  /** The positional embedding (no parameters), or null. */
  readonly positional_embedding: GridEmbeddingND | null;
  /** The domain padding, or null. */
  readonly domain_padding: DomainPadding | null;
  /** The Fourier layers. */
  readonly fno_blocks: FNOBlocks;
  /** Lifting channel MLP. */
  readonly lifting: ChannelMLP;
  /** Projection channel MLP. */
  readonly projection: ChannelMLP;

  constructor(options: FNOOptions) {
    super();
    const where = this.constructor.name;
    const o = checkOptions(options, { where, known: KNOWN }) as Record<string, unknown>;
    const problems: Problem[] = [];
    const nModes = o.nModes;
    if (!Array.isArray(nModes) || nModes.length < 1 || nModes.length > 3 || !nModes.every((m) => Number.isInteger(m) && m >= 1)) {
      problems.push({ argument: 'nModes', expected: '1 to 3 integers >= 1 (one per spatial dim)', got: show(nModes) });
    }
    collectNumber(o, 'inChannels', { integer: true, min: 1 }, problems);
    collectNumber(o, 'outChannels', { integer: true, min: 1 }, problems);
    collectNumber(o, 'hiddenChannels', { integer: true, min: 1 }, problems);
    o.nLayers ??= 4;
    collectNumber(o, 'nLayers', { integer: true, min: 1 }, problems);
    o.liftingChannelRatio ??= 2;
    collectNumber(o, 'liftingChannelRatio', { gt: 0 }, problems);
    o.projectionChannelRatio ??= 2;
    collectNumber(o, 'projectionChannelRatio', { gt: 0 }, problems);
    o.domainPaddingMode ??= 'symmetric';
    collectChoice(o, 'domainPaddingMode', ['symmetric', 'one-sided'], problems);
    o.seed ??= 0;
    collectNumber(o, 'seed', { integer: true, min: 0 }, problems);
    const pe = 'positionalEmbedding' in o ? o.positionalEmbedding : 'grid';
    if (!(pe === 'grid' || pe === null || pe instanceof GridEmbeddingND)) {
      problems.push({ argument: 'positionalEmbedding', expected: '"grid", a GridEmbeddingND or null', got: show(pe) });
    }
    throwProblems(problems, { where });

    this.nModes = [...(nModes as number[])];
    this.nDim = this.nModes.length;
    this.inChannels = o.inChannels as number;
    this.outChannels = o.outChannels as number;
    this.hiddenChannels = o.hiddenChannels as number;
    this.nLayers = o.nLayers as number;
    this.liftingChannels = Math.trunc((o.liftingChannelRatio as number) * this.hiddenChannels);
    this.projectionChannels = Math.trunc((o.projectionChannelRatio as number) * this.hiddenChannels);
    for (const [argument, v] of [
      ['liftingChannelRatio', this.liftingChannels],
      ['projectionChannelRatio', this.projectionChannels],
    ] as const) {
      if (v < 1)
        throw new ConfigError('the MLP would have no hidden channels', { where, argument, expected: `>= ${1 / this.hiddenChannels}`, got: show(o[argument]) });
    }
    if (pe instanceof GridEmbeddingND && pe.dim !== this.nDim) {
      throw new ConfigError('positional embedding of the wrong dimension', {
        where,
        argument: 'positionalEmbedding',
        expected: `dim ${this.nDim}`,
        got: `dim ${pe.dim}`,
      });
    }
    const rng = createRng(o.seed as number);
    const seed = () => rng.randint(2 ** 31);

    // registration order as neuralop's __init__: positional_embedding, domain_padding, fno_blocks, lifting, projection
    this.positional_embedding =
      pe === null
        ? null
        : this.registerModule(
            'positional_embedding',
            pe instanceof GridEmbeddingND ? pe : new GridEmbeddingND({ inChannels: this.inChannels, dim: this.nDim }),
          );
    const dp = o.domainPadding ?? null;
    const hasPadding = dp !== null && (numberOk(dp, { gt: 0 }) || (Array.isArray(dp) && dp.some((v) => typeof v === 'number' && v > 0)));
    if (dp !== null && !hasPadding && !numberOk(dp, { min: 0 }) && !(Array.isArray(dp) && dp.every((v) => numberOk(v, { min: 0 })))) {
      throw new ConfigError('invalid value', { where, argument: 'domainPadding', expected: 'a number >= 0, an array of them, or null', got: show(dp) });
    }
    const rsf = o.resolutionScalingFactor ?? null;
    this.domain_padding = hasPadding
      ? this.registerModule(
          'domain_padding',
          new DomainPadding({
            domainPadding: dp as number | number[],
            paddingMode: o.domainPaddingMode as DomainPaddingMode,
            resolutionScalingFactor: this.totalScaling(rsf),
          }),
        )
      : null;
    const blocks = new FNOBlocks({
      inChannels: this.hiddenChannels,
      outChannels: this.hiddenChannels,
      nModes: this.nModes,
      nLayers: this.nLayers,
      resolutionScalingFactor: rsf as FNOOptions['resolutionScalingFactor'],
      useChannelMlp: o.useChannelMlp as boolean | undefined,
      channelMlpExpansion: o.channelMlpExpansion as number | undefined,
      nonLinearity: o.nonLinearity as NonLinearity | undefined,
      stabilizer: o.stabilizer as 'tanh' | null | undefined,
      norm: o.norm as FNONorm | null | undefined,
      normGroups: o.normGroups as number | undefined,
      adaInFeatures: o.adaInFeatures as number | null | undefined,
      preactivation: o.preactivation as boolean | undefined,
      ...('fnoSkip' in o ? { fnoSkip: o.fnoSkip as SkipType | null } : {}),
      ...('channelMlpSkip' in o ? { channelMlpSkip: o.channelMlpSkip as SkipType | null } : {}),
      separable: o.separable as boolean | undefined,
      factorization: o.factorization as FNOOptions['factorization'],
      rank: o.rank as number | undefined,
      maxNModes: o.maxNModes as number[] | null | undefined,
      fftNorm: o.fftNorm as FNOOptions['fftNorm'],
      seed: seed(),
    });
    this.fno_blocks = this.registerModule('fno_blocks', blocks);
    const liftingIn = this.inChannels + (this.positional_embedding ? this.nDim : 0);
    this.lifting = this.registerModule(
      'lifting',
      new ChannelMLP({
        inChannels: liftingIn,
        outChannels: this.hiddenChannels,
        hiddenChannels: this.liftingChannels,
        nLayers: 2,
        nDim: this.nDim,
        nonLinearity: o.nonLinearity as NonLinearity | undefined,
        seed: seed(),
      }),
    );
    this.projection = this.registerModule(
      'projection',
      new ChannelMLP({
        inChannels: this.hiddenChannels,
        outChannels: this.outChannels,
        hiddenChannels: this.projectionChannels,
        nLayers: 2,
        nDim: this.nDim,
        nonLinearity: o.nonLinearity as NonLinearity | undefined,
        seed: seed(),
      }),
    );
  }

  /** The product of the blocks' scaling factors per dim (what DomainPadding.unpad must scale by). */
  private totalScaling(rsf: unknown): number | number[] {
    if (rsf === null || rsf === undefined) return 1;
    if (typeof rsf === 'number') return rsf ** this.nLayers;
    if (!Array.isArray(rsf)) return 1;
    const total = new Array<number>(this.nDim).fill(1);
    for (const layer of rsf) for (let j = 0; j < this.nDim; j++) total[j] *= Array.isArray(layer) ? (layer[j] as number) : (layer as number);
    return total;
  }

  /** x [B, inChannels, ...S] (float32, channels first) -> [B, outChannels, ...S']. */
  forward(x: tf.Tensor, options: FNOForwardOptions = {}): tf.Tensor {
    const where = this.where('forward');
    checkTensor(x, { where, dtype: 'float32', rank: this.nDim + 2 });
    checkDim(x, 1, this.inChannels, where);
    const o = checkOptions(options, { where, known: ['outputShape'] });
    const shapes = this.layerOutputShapes(o.outputShape ?? null, where);
    return tf.tidy(() => {
      let h = this.positional_embedding ? this.positional_embedding.forward(x) : x;
      h = this.lifting.forwardLast(toChannelsLast(h));
      if (this.domain_padding) h = this.domain_padding.pad(h, { channelsLast: true });
      for (let i = 0; i < this.nLayers; i++) h = this.fno_blocks.forwardLast(h, i, { outputShape: shapes[i] });
      if (this.domain_padding) h = this.domain_padding.unpad(h, { channelsLast: true });
      return toChannelsFirst(this.projection.forwardLast(h));
    });
  }

  private layerOutputShapes(value: unknown, where: string): (number[] | null)[] {
    const none = new Array<number[] | null>(this.nLayers).fill(null);
    if (value === null) return none;
    const isShape = (v: unknown): v is number[] => Array.isArray(v) && v.length === this.nDim && v.every((s) => Number.isInteger(s) && s >= 1);
    if (isShape(value)) {
      none[this.nLayers - 1] = value;
      return none;
    }
    if (Array.isArray(value) && value.length === this.nLayers && value.every((v) => v === null || isShape(v))) return value as (number[] | null)[];
    throw new ConfigError('invalid value', {
      where,
      argument: 'outputShape',
      expected: `${this.nDim} sizes (the last block's output), or ${this.nLayers} of them or null (one per block)`,
      got: show(value),
    });
  }
}

/** Options of {@link TFNO}: those of {@link FNO}, with Tucker factorization at rank 0.1 by default. */
export type TFNOOptions = FNOOptions;

/**
 * neuralop's TFNO: an {@link FNO} whose spectral weights are Tucker-factorized, `factorization:
 * 'tucker'` and `rank: 0.1` by default (about a tenth of the dense spectral weights' parameters).
 */
export class TFNO extends FNO {
  constructor(options: TFNOOptions) {
    super({ factorization: 'tucker', rank: 0.1, ...definedOnly(options) } as FNOOptions);
  }
}
