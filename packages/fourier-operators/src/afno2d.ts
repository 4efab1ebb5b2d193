// Adaptive Fourier Neural Operator token mixer, FourCastNet's `AFNO2D` and its transformer `Block`
// (Guibas et al., "Adaptive Fourier Neural Operators: Efficient Token Mixers for Transformers",
// ICLR 2022; Pathak et al., "FourCastNet", 2022; NVlabs/FourCastNet networks/afnonet.py). On
// x [B, H, W, C] (channels last), with C split into `numBlocks` blocks of `blockSize` channels:
//
//   X  = rfft2(x, dims (H, W), norm 'ortho')                          [B, H, W//2+1, C] complex
//   O1 = relu(X W1 + b1)   per block, complex: W1 = w1[0] + i w1[1]   (real and imaginary parts
//   O2 = O1 W2 + b2        per block, complex: W2 = w2[0] + i w2[1]    through relu separately)
//   Y  = softshrink(O2, sparsityThreshold) on real and imaginary parts separately
//   y  = irfft2(Y, s (H, W), norm 'ortho') + x
//
// Only the modes FourCastNet keeps are mixed, the others are zero: with total = H//2+1 and
// kept = floor(total * hardThresholdingFraction), the rows [total - kept, total + kept) of the
// (unshifted) H axis and the columns [0, kept) of the W//2+1 axis, both clipped to the array.
// These are FourCastNet's own index ranges (kept on the H axis counts from the Nyquist row, and
// the W range is sized by H), reproduced as they are so that its checkpoints give its outputs.
// Parameters (FourCastNet's names and shapes, real/imaginary as a leading dim of 2, init
// 0.02 * N(0, 1)): w1 [2, nb, bs, bs*f], b1 [2, nb, bs*f], w2 [2, nb, bs*f, bs], b2 [2, nb, bs].
//
// The complex block products run as one real batched matMul per layer: [re | im] [nb, M, 2i] times
// [[Wr, Wi], [-Wi, Wr]] [nb, 2i, 2o] gives [re | im] of the product (untransposed, fast on wasm).
// softshrink(v, l) = relu(v - l) - relu(-v - l) (tfjs has none; autograd gives its gradient).
import { gelu } from '@basiskit/activations';
import { irfftn, rfftn } from '@basiskit/kernels';
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

/** Options of {@link AFNO2D} (FourCastNet's `AFNO2D` arguments, camelCase, same defaults). */
export interface AFNO2DOptions {
  /** Channels C of the input `[B, H, W, C]` (FourCastNet's `hidden_size`); divisible by numBlocks. */
  hiddenSize: number;
  /** Number of diagonal blocks of the complex MLP. Default 8. */
  numBlocks?: number;
  /** Soft-shrinkage threshold lambda applied to the mixed modes. Default 0.01. */
  sparsityThreshold?: number;
  /** Fraction (in [0, 1]) of the `H//2+1` modes kept (see the file header). Default 1. */
  hardThresholdingFraction?: number;
  /** Width factor of the MLP's hidden layer (blockSize * hiddenSizeFactor per block). Default 1. */
  hiddenSizeFactor?: number;
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization. */
  rng?: Rng;
}

const AFNO_KNOWN = ['hiddenSize', 'numBlocks', 'sparsityThreshold', 'hardThresholdingFraction', 'hiddenSizeFactor', 'seed', 'rng'];

/** FourCastNet's init scale of the AFNO weights and biases. */
const AFNO_SCALE = 0.02;

/** softshrink(v, l) = v - l for v > l, v + l for v < -l, 0 between (PyTorch's F.softshrink). */
function softshrink(v: tf.Tensor, lambda: number): tf.Tensor {
  if (lambda === 0) return v;
  return tf.sub(tf.relu(tf.sub(v, lambda)), tf.relu(tf.sub(tf.neg(v), lambda)));
}

/** [[Wr, Wi], [-Wi, Wr]] of a complex weight [2, nb, i, o] stored as (real, imag): [nb, 2i, 2o]. */
function realForm(w: tf.Tensor): tf.Tensor {
  const [wr, wi] = tf.unstack(w, 0);
  return tf.concat([tf.concat([wr, wi], 2), tf.concat([tf.neg(wi), wr], 2)], 1);
}

/** [b_re | b_im] of a complex bias [2, nb, o]: [nb, 1, 2o]. */
function realBias(b: tf.Tensor): tf.Tensor {
  const [br, bi] = tf.unstack(b, 0);
  return tf.expandDims(tf.concat([br, bi], 1), 1);
}

/**
 * FourCastNet's AFNO2D spectral token mixer (see the file header for the formula):
 * x [B, H, W, hiddenSize] (float32, channels last) -> the same shape, residual included.
 *
 * @example
 * const afno = new AFNO2D({ hiddenSize: 64, numBlocks: 8, seed: 0 });
 * const y = afno.forward(x); // [2, 16, 32, 64] -> [2, 16, 32, 64]
 */
export class AFNO2D extends Module {
  readonly hiddenSize: number;
  readonly numBlocks: number;
  /** Channels per block, hiddenSize / numBlocks. */
  readonly blockSize: number;
  readonly sparsityThreshold: number;
  readonly hardThresholdingFraction: number;
  readonly hiddenSizeFactor: number;
  /** `w1` [2, numBlocks, blockSize, blockSize * hiddenSizeFactor] (real, imaginary). */
  readonly w1: Parameter;
  /** `b1` [2, numBlocks, blockSize * hiddenSizeFactor]. */
  readonly b1: Parameter;
  /** `w2` [2, numBlocks, blockSize * hiddenSizeFactor, blockSize]. */
  readonly w2: Parameter;
  /** `b2` [2, numBlocks, blockSize]. */
  readonly b2: Parameter;

  constructor(options: AFNO2DOptions) {
    super();
    const where = 'AFNO2D';
    const o = checkOptions(options, { where, known: AFNO_KNOWN });
    this.hiddenSize = checkNumber(o.hiddenSize, { where, argument: 'hiddenSize', integer: true, min: 1 });
    this.numBlocks = checkNumber(o.numBlocks ?? 8, { where, argument: 'numBlocks', integer: true, min: 1 });
    if (this.hiddenSize % this.numBlocks !== 0) {
      throw new ConfigError('hiddenSize is not divisible by numBlocks', {
        where,
        argument: 'numBlocks',
        expected: `a divisor of hiddenSize = ${this.hiddenSize}`,
        got: show(this.numBlocks),
      });
    }
    this.blockSize = this.hiddenSize / this.numBlocks;
    this.sparsityThreshold = checkNumber(o.sparsityThreshold ?? 0.01, { where, argument: 'sparsityThreshold', min: 0 });
    this.hardThresholdingFraction = checkNumber(o.hardThresholdingFraction ?? 1, { where, argument: 'hardThresholdingFraction', min: 0, max: 1 });
    this.hiddenSizeFactor = checkNumber(o.hiddenSizeFactor ?? 1, { where, argument: 'hiddenSizeFactor', integer: true, min: 1 });
    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const nb = this.numBlocks;
    const bs = this.blockSize;
    const hs = bs * this.hiddenSizeFactor;
    this.w1 = this.registerParameter('w1', rng.normalTensor([2, nb, bs, hs], 0, AFNO_SCALE));
    this.b1 = this.registerParameter('b1', rng.normalTensor([2, nb, hs], 0, AFNO_SCALE));
    this.w2 = this.registerParameter('w2', rng.normalTensor([2, nb, hs, bs], 0, AFNO_SCALE));
    this.b2 = this.registerParameter('b2', rng.normalTensor([2, nb, bs], 0, AFNO_SCALE));
  }

  /**
   * The mixed mode ranges for an input of H x W: rows `[r0, r1)` of the H axis and columns
   * `[0, c1)` of the `W//2+1` rfft bins (FourCastNet's slices, clipped to the array).
   */
  keptModes(h: number, w: number): { r0: number; r1: number; c1: number } {
    const total = Math.floor(h / 2) + 1;
    const kept = Math.floor(total * this.hardThresholdingFraction);
    return { r0: Math.max(0, total - kept), r1: Math.min(h, total + kept), c1: Math.min(Math.floor(w / 2) + 1, kept) };
  }

  /** x [B, H, W, hiddenSize] (float32) -> [B, H, W, hiddenSize]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', rank: 4, lastDim: this.hiddenSize });
    const [B, H, W, C] = x.shape;
    const { r0, r1, c1 } = this.keptModes(H, W);
    if (x.size === 0 || r1 <= r0 || c1 <= 0) return tf.clone(x); // no mode mixed: the spectral part is 0
    return tf.tidy(() => {
      const nb = this.numBlocks;
      const bs = this.blockSize;
      const wf = Math.floor(W / 2) + 1;
      const X = rfftn(x, { axes: [1, 2], norm: 'ortho' });
      const rows = r1 - r0;
      const M = B * rows * c1;
      // [B, rows, c1, C] -> [nb, M, bs] for each part, then [re | im] on the last axis
      const blocks = (t: tf.Tensor) => tf.transpose(tf.reshape(tf.slice(t, [0, r0, 0, 0], [B, rows, c1, C]), [M, nb, bs]), [1, 0, 2]);
      const z = tf.concat([blocks(X.real), blocks(X.imag)], 2);
      const o1 = tf.relu(tf.add(tf.matMul(z, realForm(this.w1.value)), realBias(this.b1.value)));
      const o2 = softshrink(tf.add(tf.matMul(o1, realForm(this.w2.value)), realBias(this.b2.value)), this.sparsityThreshold);
      const [o2r, o2i] = tf.split(o2, 2, 2);
      // back to [B, rows, c1, C], zero-padded to the full [B, H, W//2+1, C] spectrum
      const pad: [number, number][] = [
        [0, 0],
        [r0, H - r1],
        [0, wf - c1],
        [0, 0],
      ];
      const full = (t: tf.Tensor) => tf.pad(tf.reshape(tf.transpose(t, [1, 0, 2]), [B, rows, c1, C]), pad);
      const y = irfftn({ real: full(o2r), imag: full(o2i) }, { axes: [1, 2], s: [H, W], norm: 'ortho' });
      return tf.add(y, x);
    });
  }
}

/** Options of {@link AFNOMlp} (FourCastNet's / timm's `Mlp` with GELU). */
export interface AFNOMlpOptions {
  inFeatures: number;
  /** Hidden width. Default inFeatures. */
  hiddenFeatures?: number;
  /** Output width. Default inFeatures. */
  outFeatures?: number;
  /** Dropout after the activation and after fc2, in training mode. Default 0. */
  drop?: number;
  /** Seed of the initialization and dropout (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization and dropout. */
  rng?: Rng;
}

/** Dropout with a mask drawn from `rng` (training mode, p > 0), else `x` itself. */
function seededDropout(x: tf.Tensor, p: number, training: boolean, rng: Rng): tf.Tensor {
  return p > 0 && training ? tf.dropout(x, p, undefined, rng.nextUint32()) : x;
}

/**
 * FourCastNet's `Mlp`: `fc2(drop(gelu(fc1(x))))` then dropout, with nn.Linear layers `fc1`, `fc2`
 * (PyTorch's default init). x [..., inFeatures] -> [..., outFeatures].
 */
export class AFNOMlp extends Module {
  readonly inFeatures: number;
  readonly hiddenFeatures: number;
  readonly outFeatures: number;
  readonly drop: number;
  readonly fc1: Linear;
  readonly fc2: Linear;
  private readonly rng: Rng;

  constructor(options: AFNOMlpOptions) {
    super();
    const where = 'AFNOMlp';
    const o = checkOptions(options, { where, known: ['inFeatures', 'hiddenFeatures', 'outFeatures', 'drop', 'seed', 'rng'] });
    this.inFeatures = checkNumber(o.inFeatures, { where, argument: 'inFeatures', integer: true, min: 1 });
    this.hiddenFeatures = checkNumber(o.hiddenFeatures ?? this.inFeatures, { where, argument: 'hiddenFeatures', integer: true, min: 1 });
    this.outFeatures = checkNumber(o.outFeatures ?? this.inFeatures, { where, argument: 'outFeatures', integer: true, min: 1 });
    this.drop = checkNumber(o.drop ?? 0, { where, argument: 'drop', min: 0, lt: 1 });
    this.rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    this.fc1 = this.registerModule('fc1', new Linear({ inFeatures: this.inFeatures, outFeatures: this.hiddenFeatures, rng: this.rng }));
    this.fc2 = this.registerModule('fc2', new Linear({ inFeatures: this.hiddenFeatures, outFeatures: this.outFeatures, rng: this.rng }));
  }

  /** x [..., inFeatures] (float32) -> [..., outFeatures]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 1, lastDim: this.inFeatures });
    return tf.tidy(() => {
      const h = seededDropout(gelu(this.fc1.forward(x)), this.drop, this.training, this.rng);
      return seededDropout(this.fc2.forward(h), this.drop, this.training, this.rng);
    });
  }
}

/** Options of {@link AFNOBlock} (FourCastNet's `Block` arguments, camelCase, same defaults). */
export interface AFNOBlockOptions {
  /** Channels C of the input `[B, H, W, C]`. */
  dim: number;
  /** MLP hidden width = floor(dim * mlpRatio). Default 4. */
  mlpRatio?: number;
  /** Dropout inside the MLP (training mode). Default 0. */
  drop?: number;
  /** Stochastic depth: probability of dropping the MLP branch per sample (training mode). Default 0. */
  dropPath?: number;
  /** Epsilon of both LayerNorms (nn.LayerNorm's 1e-5; FourCastNet's AFNONet passes 1e-6). Default 1e-5. */
  normEps?: number;
  /** Add the input after the filter as well as after the MLP. Default true. */
  doubleSkip?: boolean;
  /** AFNO2D's numBlocks. Default 8. */
  numBlocks?: number;
  /** AFNO2D's sparsityThreshold. Default 0.01. */
  sparsityThreshold?: number;
  /** AFNO2D's hardThresholdingFraction. Default 1. */
  hardThresholdingFraction?: number;
  /** Seed of the initialization, dropout and drop path (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization, dropout and drop path. */
  rng?: Rng;
}

const BLOCK_KNOWN = [
  'dim',
  'mlpRatio',
  'drop',
  'dropPath',
  'normEps',
  'doubleSkip',
  'numBlocks',
  'sparsityThreshold',
  'hardThresholdingFraction',
  'seed',
  'rng',
];

/**
 * FourCastNet's AFNO transformer `Block` on x [B, H, W, dim]:
 *
 *   h = filter(norm1(x)); if doubleSkip: h = h + x, r = h else r = x
 *   y = dropPath(mlp(norm2(h))) + r
 *
 * State-dict keys FourCastNet's: `norm1.weight`, `norm1.bias`, `filter.w1`, `filter.b1`,
 * `filter.w2`, `filter.b2`, `norm2.*`, `mlp.fc1.weight`, `mlp.fc1.bias`, `mlp.fc2.*` (an AFNONet
 * checkpoint's `blocks.<i>.*` entries load after stripping that prefix).
 *
 * @example
 * const block = new AFNOBlock({ dim: 64, numBlocks: 8, seed: 0 });
 * const y = block.forward(x); // [B, H, W, 64] -> [B, H, W, 64]
 */
export class AFNOBlock extends Module {
  readonly dim: number;
  readonly doubleSkip: boolean;
  readonly dropPath: number;
  readonly norm1: LayerNorm;
  readonly filter: AFNO2D;
  readonly norm2: LayerNorm;
  readonly mlp: AFNOMlp;
  private readonly rng: Rng;

  constructor(options: AFNOBlockOptions) {
    super();
    const where = 'AFNOBlock';
    const o = checkOptions(options, { where, known: BLOCK_KNOWN });
    this.dim = checkNumber(o.dim, { where, argument: 'dim', integer: true, min: 1 });
    const mlpRatio = checkNumber(o.mlpRatio ?? 4, { where, argument: 'mlpRatio', gt: 0 });
    const hidden = Math.floor(this.dim * mlpRatio);
    if (hidden < 1) {
      throw new ConfigError('MLP hidden width floor(dim * mlpRatio) is 0', {
        where,
        argument: 'mlpRatio',
        expected: `>= ${1 / this.dim}`,
        got: show(mlpRatio),
      });
    }
    const drop = checkNumber(o.drop ?? 0, { where, argument: 'drop', min: 0, lt: 1 });
    this.dropPath = checkNumber(o.dropPath ?? 0, { where, argument: 'dropPath', min: 0, lt: 1 });
    const eps = checkNumber(o.normEps ?? 1e-5, { where, argument: 'normEps', min: 0 });
    const doubleSkip = o.doubleSkip ?? true;
    if (typeof doubleSkip !== 'boolean')
      throw new ConfigError('invalid value', { where, argument: 'doubleSkip', expected: 'a boolean', got: show(doubleSkip) });
    this.doubleSkip = doubleSkip;
    const numBlocks = checkNumber(o.numBlocks ?? 8, { where, argument: 'numBlocks', integer: true, min: 1 });
    if (this.dim % numBlocks !== 0) {
      throw new ConfigError('dim is not divisible by numBlocks', {
        where,
        argument: 'numBlocks',
        expected: `a divisor of dim = ${this.dim}`,
        got: show(numBlocks),
      });
    }
    this.rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    // the filter checks its own options first (nothing else allocated yet)
    const filter = new AFNO2D({
      hiddenSize: this.dim,
      numBlocks,
      sparsityThreshold: o.sparsityThreshold,
      hardThresholdingFraction: o.hardThresholdingFraction,
      rng: this.rng,
    });
    this.norm1 = this.registerModule('norm1', new LayerNorm({ normalizedShape: this.dim, eps }));
    this.filter = this.registerModule('filter', filter);
    this.norm2 = this.registerModule('norm2', new LayerNorm({ normalizedShape: this.dim, eps }));
    this.mlp = this.registerModule('mlp', new AFNOMlp({ inFeatures: this.dim, hiddenFeatures: hidden, drop, rng: this.rng }));
  }

  /** x [B, H, W, dim] (float32) -> [B, H, W, dim]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', rank: 4, lastDim: this.dim });
    return tf.tidy(() => {
      let residual = x;
      let h = this.filter.forward(this.norm1.forward(x));
      if (this.doubleSkip) {
        h = tf.add(h, residual);
        residual = h;
      }
      let m = this.mlp.forward(this.norm2.forward(h));
      if (this.dropPath > 0 && this.training) {
        const keep = 1 - this.dropPath;
        const mask = tf.floor(tf.add(this.rng.uniformTensor([x.shape[0], 1, 1, 1]), keep));
        m = tf.mul(m, tf.div(mask, keep));
      }
      return tf.add(m, residual);
    });
  }
}
