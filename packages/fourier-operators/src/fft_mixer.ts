// FFTNet's adaptive spectral token mixer (Fein-Ashley, Kannan & Prasanna, "The FFT Strikes Back /
// Again: An Efficient Alternative to Self-Attention", arXiv:2502.18394, 2025; the authors' code
// jacobfa/fft, fftnet_modules.py `MultiHeadSpectralAttention`). On x [B, N, D] with D split into
// `numHeads` heads of D/numHeads channels:
//
//   F  = rfft(x, along the N tokens, norm 'ortho')               [B, heads, N//2+1, D/heads]
//   c  = mean_n x_n                                               [B, D]   (global context)
//   W  = W_base + MLP(c)  (adaptive; W_base alone otherwise)      [B, heads, N//2+1, 1]
//   F~ = modReLU(F * W),  modReLU(z) = z * relu(|z| + b) / (|z| + 1e-6)   (phase kept)
//   y  = LayerNorm(x + dropout(irfft(F~, n = N, norm 'ortho')))
//
// MLP = Linear(D, D) -> GELU -> Linear(D, heads * (N//2+1)); b a learnable bias per head and
// frequency. As in the reference, W_base starts at ones, b at zeros, the filter is real (zero
// phase) and shared over the channels of a head. With `complexFilter: true`, W is complex: an
// extra `base_filter_imag` (zeros) and the MLP's second layer gives real and imaginary
// modulations (heads * (N//2+1) each) -- not in the reference code, so such a model has no
// PyTorch checkpoint. State-dict keys are the reference's: `base_filter`, `adaptive_mlp.0.*`,
// `adaptive_mlp.2.*`, `norm.weight`, `norm.bias`, `modrelu_bias`.
import { gelu } from '@basiskit/activations';
import { irfft, rfft } from '@basiskit/kernels';
import {
  ConfigError,
  LayerNorm,
  Linear,
  Module,
  checkNumber,
  checkOptions,
  checkTensor,
  createRng,
  show,
  tf,
  type Parameter,
  type Rng,
} from '@basiskit/tensor';

/** Options of {@link FFTMixer} (the reference's `MultiHeadSpectralAttention` arguments, camelCase, same defaults). */
export interface FFTMixerOptions {
  /** Channels D of the input `[B, N, D]`; divisible by numHeads. */
  embedDim: number;
  /** Number of tokens N the mixer is built for (the filter has N//2+1 frequencies). */
  seqLen: number;
  /** Heads: channel groups sharing one filter. Default 4. */
  numHeads?: number;
  /** Dropout of the mixed signal before the residual sum, in training mode. Default 0.1. */
  dropout?: number;
  /** Modulate the base filter by an MLP of the mean token. Default true. */
  adaptive?: boolean;
  /** Learn a complex filter (phase as well as gain; see the file header). Default false (the reference's real filter). */
  complexFilter?: boolean;
  /** Seed of the initialization and dropout (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization and dropout. */
  rng?: Rng;
}

const KNOWN = ['embedDim', 'seqLen', 'numHeads', 'dropout', 'adaptive', 'complexFilter', 'seed', 'rng'];

/** The reference's `adaptive_mlp` (an nn.Sequential: Linear `0`, GELU, Linear `2`). */
class AdaptiveMlp extends Module {
  readonly first: Linear;
  readonly second: Linear;

  constructor(inFeatures: number, outFeatures: number, rng: Rng) {
    super();
    this.first = this.registerModule('0', new Linear({ inFeatures, outFeatures: inFeatures, rng }));
    this.second = this.registerModule('2', new Linear({ inFeatures, outFeatures, rng }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.second.forward(gelu(this.first.forward(x))));
  }
}

/**
 * FFTNet's adaptive spectral token mixer (see the file header for the formula): x [B, seqLen,
 * embedDim] (float32) -> the same shape.
 *
 * @example
 * const mixer = new FFTMixer({ embedDim: 64, seqLen: 197, numHeads: 4, seed: 0 });
 * const y = mixer.forward(tokens); // [B, 197, 64] -> [B, 197, 64]
 */
export class FFTMixer extends Module {
  readonly embedDim: number;
  readonly seqLen: number;
  readonly numHeads: number;
  /** Channels per head, embedDim / numHeads. */
  readonly headDim: number;
  /** Frequencies of the filter, seqLen//2 + 1. */
  readonly freqBins: number;
  readonly dropout: number;
  readonly adaptive: boolean;
  readonly complexFilter: boolean;
  /** `base_filter` [numHeads, freqBins, 1] (ones). */
  readonly baseFilter: Parameter;
  /** `base_filter_imag` [numHeads, freqBins, 1] (zeros), with complexFilter only. */
  readonly baseFilterImag: Parameter | null;
  /** `adaptive_mlp` (Linear `0`, GELU, Linear `2`), when adaptive. */
  readonly adaptiveMlp: AdaptiveMlp | null;
  /** `norm`, the LayerNorm after the residual sum. */
  readonly norm: LayerNorm;
  /** `modrelu_bias` [numHeads, freqBins, 1] (zeros). */
  readonly modreluBias: Parameter;
  private readonly rng: Rng;

  constructor(options: FFTMixerOptions) {
    super();
    const where = 'FFTMixer';
    const o = checkOptions(options, { where, known: KNOWN });
    this.embedDim = checkNumber(o.embedDim, { where, argument: 'embedDim', integer: true, min: 1 });
    this.seqLen = checkNumber(o.seqLen, { where, argument: 'seqLen', integer: true, min: 1 });
    this.numHeads = checkNumber(o.numHeads ?? 4, { where, argument: 'numHeads', integer: true, min: 1 });
    if (this.embedDim % this.numHeads !== 0) {
      throw new ConfigError('embedDim is not divisible by numHeads', {
        where,
        argument: 'numHeads',
        expected: `a divisor of embedDim = ${this.embedDim}`,
        got: show(this.numHeads),
      });
    }
    this.headDim = this.embedDim / this.numHeads;
    this.freqBins = Math.floor(this.seqLen / 2) + 1;
    this.dropout = checkNumber(o.dropout ?? 0.1, { where, argument: 'dropout', min: 0, lt: 1 });
    const flag = (argument: string, v: unknown, dflt: boolean): boolean => {
      const b = v ?? dflt;
      if (typeof b !== 'boolean') throw new ConfigError('invalid value', { where, argument, expected: 'a boolean', got: show(b) });
      return b;
    };
    this.adaptive = flag('adaptive', o.adaptive, true);
    this.complexFilter = flag('complexFilter', o.complexFilter, false);
    this.rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const filterShape = [this.numHeads, this.freqBins, 1];
    // registration order = the reference's state-dict order
    this.baseFilter = this.registerParameter('base_filter', tf.ones(filterShape));
    this.baseFilterImag = this.complexFilter ? this.registerParameter('base_filter_imag', tf.zeros(filterShape)) : null;
    const modOut = this.numHeads * this.freqBins * (this.complexFilter ? 2 : 1);
    this.adaptiveMlp = this.adaptive ? this.registerModule('adaptive_mlp', new AdaptiveMlp(this.embedDim, modOut, this.rng)) : null;
    this.norm = this.registerModule('norm', new LayerNorm({ normalizedShape: this.embedDim }));
    this.modreluBias = this.registerParameter('modrelu_bias', tf.zeros(filterShape));
  }

  /**
   * The mixed signal before the residual sum and the norm, `irfft(modReLU(F * W))`:
   * x [B, seqLen, embedDim] -> [B, seqLen, embedDim].
   */
  mix(x: tf.Tensor): tf.Tensor {
    const where = this.where('mix');
    this.assertLive('mix');
    checkTensor(x, { where, dtype: 'float32', shape: [null, this.seqLen, this.embedDim] });
    return tf.tidy(() => {
      const [B, N, D] = x.shape;
      const H = this.numHeads;
      const Fb = this.freqBins;
      // tokens stay on axis 1: [B, N, heads, headDim] -> [B, freqBins, heads, headDim]
      const spec = rfft(tf.reshape(x, [B, N, H, this.headDim]), { axis: 1, norm: 'ortho' });
      // filters [heads, freqBins, 1] -> [1 or B, freqBins, heads, 1]
      const toLayout = (t: tf.Tensor, b: number) => tf.transpose(tf.reshape(t, [b, H, Fb, 1]), [0, 2, 1, 3]);
      let wr = toLayout(this.baseFilter.value, 1);
      let wi = this.baseFilterImag ? toLayout(this.baseFilterImag.value, 1) : null;
      if (this.adaptiveMlp) {
        const mod = this.adaptiveMlp.forward(tf.mean(x, 1)); // [B, heads * freqBins (* 2)]
        if (wi) {
          const [mr, mi] = tf.split(mod, 2, 1);
          wr = tf.add(wr, toLayout(mr, B));
          wi = tf.add(wi, toLayout(mi, B));
        } else {
          wr = tf.add(wr, toLayout(mod, B));
        }
      }
      let re = tf.mul(spec.real, wr);
      let im = tf.mul(spec.imag, wr);
      if (wi) {
        re = tf.sub(re, tf.mul(spec.imag, wi));
        im = tf.add(im, tf.mul(spec.real, wi));
      }
      // modReLU; |z| floored inside the sqrt so that its gradient at z = 0 is 0 (as torch.abs), not NaN
      const mag = tf.sqrt(tf.maximum(tf.add(tf.square(re), tf.square(im)), 1e-30));
      const scale = tf.div(tf.relu(tf.add(mag, toLayout(this.modreluBias.value, 1))), tf.add(mag, 1e-6));
      const y = irfft({ real: tf.mul(re, scale), imag: tf.mul(im, scale) }, { axis: 1, n: N, norm: 'ortho' });
      return tf.reshape(y, [B, N, D]);
    });
  }

  /** x [B, seqLen, embedDim] (float32) -> `norm(x + dropout(mix(x)))`, the same shape. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', shape: [null, this.seqLen, this.embedDim] });
    return tf.tidy(() => {
      let m = this.mix(x);
      if (this.training && this.dropout > 0) m = tf.dropout(m, this.dropout, undefined, this.rng.nextUint32());
      return this.norm.forward(tf.add(x, m));
    });
  }
}
