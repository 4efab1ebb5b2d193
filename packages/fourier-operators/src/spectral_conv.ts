// neuraloperator 2.x's SpectralConv (neuralop/layers/spectral_convolution.py; Li et al. 2021, FNO;
// Kossaifi et al. 2024, TFNO), real data, channels first x [b, in, N1, ..., Nd]:
//
//   X  = rfftn(x, norm = fftNorm) over the d spatial axes, fftshift on all but the last
//   Xk = the centred block of nModes[i] frequencies (-m//2 .. m - m//2 - 1) on axes 1..d-1 and the
//        first nModes[d]//2 + 1 bins on the last one
//   Y  = einsum('bi...,io...->bo...', Xk, W)              W complex [in, out, ...kept] (separable: Xk * W[in, ...kept])
//   y  = irfft(ifftn(ifftshift(Y placed in the output spectrum))) + bias     bias [out, 1, ..., 1]
//
// The inverse is neuralop's `enforce_hermitian_symmetry`: ifft over all but the last axis, then
// irfft on the last, which ignores the imaginary parts of bin 0 and (even sizes) the Nyquist bin.
// Fast path (correctness reference: spectral_conv_reference.ts, full rfftn + slicing): the last
// axis by @basiskit/kernels' truncated real DFTs (only the kept bins: the FFT or a matMul, by measured speed); the
// other axes by full FFTs of only the kept columns, the block cut as two slices (no fftshift);
// the contraction by @basiskit/kernels' spectralMix (batched untransposed matMuls).
// Output resolution (`outputShape`, `resolutionScalingFactor`): the kept block is placed centred
// in the output's spectrum (cropped when that is smaller), i.e. trigonometric interpolation.
// (neuralop passes `s=` to torch.fft.ifftn, which zero-pads after the negative frequencies on the
// non-last axes; outputs at the input's resolution are identical.)
// Init as neuralop: W ~ complex normal with std initStd = (2 / (in + out))^0.5 (real and imaginary
// parts each std/sqrt 2, torch's complex normal_), bias ~ initStd * N(0, 1).
import { spectralMix, fft, ifft, truncatedIrfft, truncatedRfft, type ComplexTensor, type FFTNorm } from '@basiskit/kernels';
import {
  ConfigError,
  Module,
  ShapeError,
  checkOptions,
  checkTensor,
  collectChoice,
  collectNumber,
  createRng,
  formatShape,
  init,
  show,
  tf,
  throwProblems,
  type Parameter,
  type Problem,
} from '@basiskit/tensor';
import type { FactorizationRank } from './factorization_rank';
import { FactorizedSpectralWeight } from './factorized_weight';
import { centredOverlap } from './spectral_conv_reference';

/** Options of {@link SpectralConv} (neuralop's constructor arguments, camelCase). */
export interface SpectralConvOptions {
  /** Input channels. */
  inChannels: number;
  /** Output channels. */
  outChannels: number;
  /**
   * Modes kept per spatial dim (its length is the dimension, 1-3). On the last dim
   * `nModes[-1] // 2 + 1` bins are kept (the real FFT's half spectrum), as neuralop.
   */
  nModes: number[] | number;
  /**
   * Weight sizes per dim (neuralop's `max_n_modes`, taken as given, also on the last dim): `nModes`
   * can later be lowered (incremental training) and the centred part of the weight is used.
   * Default: the kept sizes of `nModes`.
   */
  maxNModes?: number[] | null;
  /** Learn a bias `[out, 1, ...]`; default true. */
  bias?: boolean;
  /** Per-channel weight `[in, ...modes]` (requires in = out); default false. */
  separable?: boolean;
  /**
   * `'tucker'`, `'cp'` or `'tt'`: the weight is a factorized module (`FactorizedSpectralWeight`,
   * registered as `weight`) reconstructed in each forward; default null (dense `weight.real`/`weight.imag`).
   */
  factorization?: 'tucker' | 'cp' | 'tt' | null;
  /**
   * Rank of the factorization, as neuralop/tltorch: a non-integer number is a fraction of the dense
   * parameter count (TFNO's 0.1), an integer the rank itself, `'same'` the fraction 1.0, an array
   * the rank per mode. Default `'same'` (neuralop's default `rank=1.0`, a Python float). Ignored
   * when dense.
   */
  rank?: FactorizationRank;
  /** FFT normalisation; default `'forward'` (neuralop's `fft_norm`). */
  fftNorm?: FFTNorm;
  /** Output resolution = round(input size * factor) per dim (one number or one per dim); default null (same). */
  resolutionScalingFactor?: number | number[] | null;
  /** Std of the weight's init; default `'auto'`: (2 / (in + out))^0.5. */
  initStd?: number | 'auto';
  /** Seed of the initialization; default 0. */
  seed?: number;
}

/** Options of {@link SpectralConv.forward}. */
export interface SpectralConvForwardOptions {
  /** Spatial output size (one per dim); default from `resolutionScalingFactor`, else the input's. */
  outputShape?: number[];
  /** Add the bias (when there is one). Default true; false leaves it to the caller (FNOBlocks fuses it with the skip and the GELU). */
  addBias?: boolean;
}

const KNOWN = [
  'inChannels',
  'outChannels',
  'nModes',
  'maxNModes',
  'bias',
  'separable',
  'factorization',
  'rank',
  'fftNorm',
  'resolutionScalingFactor',
  'initStd',
  'seed',
];

/** Python's round (halves to even), as neuralop's `round(s * r)`. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (Math.abs(d - 0.5) > 1e-12) return Math.round(v);
  return f % 2 === 0 ? f : f + 1;
}

function intList(v: unknown): v is number[] {
  return Array.isArray(v) && v.length > 0 && v.every((m) => Number.isInteger(m) && m >= 1);
}

/**
 * neuraloperator's spectral convolution (see the file header): x `[batch, inChannels, ...spatial]`
 * (1-3 spatial dims) -> `[batch, outChannels, ...outputShape]`. Parameters `weight.real`,
 * `weight.imag` `[in, out, ...modes]` (separable: `[in, ...modes]`; factorized: the sub-module
 * `weight`) and `bias` `[out, 1, ...]`, named as neuralop's state dict.
 *
 * @example
 * const conv = new SpectralConv({ inChannels: 3, outChannels: 8, nModes: [12, 12] });
 * const y = conv.forward(tf.randomNormal([4, 3, 32, 32])); // [4, 8, 32, 32]
 */
export class SpectralConv extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Spatial dims (1-3). */
  readonly order: number;
  readonly separable: boolean;
  readonly factorization: 'tucker' | 'cp' | 'tt' | null;
  readonly rank: FactorizationRank;
  readonly fftNorm: FFTNorm;
  /** Per-dim output/input size ratio, or null. */
  readonly resolutionScalingFactor: number[] | null;
  /** The std the weight was initialized with. */
  readonly initStd: number;
  /** Weight sizes per spatial dim (neuralop's `max_n_modes`). */
  readonly maxNModes: number[];
  /** Dense weight parts (null when factorized). */
  readonly weightReal: Parameter | null = null;
  readonly weightImag: Parameter | null = null;
  /** The factorized weight module (null when dense). */
  readonly weightModule: FactorizedSpectralWeight | null = null;
  /** `bias` `[out, 1, ...]` or null. */
  readonly bias: Parameter | null;
  private _nModes: number[] = [];

  constructor(options: SpectralConvOptions) {
    super();
    const where = 'SpectralConv';
    const o = checkOptions(options, { where, known: KNOWN }) as Record<string, unknown>;
    const p: Problem[] = [];
    collectNumber(o, 'inChannels', { integer: true, min: 1 }, p);
    collectNumber(o, 'outChannels', { integer: true, min: 1 }, p);
    const nModes = typeof o.nModes === 'number' ? [o.nModes] : o.nModes;
    if (!intList(nModes) || nModes.length > 3)
      p.push({ argument: 'nModes', expected: 'an integer >= 1 or 1-3 of them (one per spatial dim)', got: show(o.nModes) });
    const order = intList(nModes) ? nModes.length : 1;
    o.bias ??= true;
    o.separable ??= false;
    o.factorization ??= null;
    o.rank ??= 'same';
    o.fftNorm ??= 'forward';
    o.initStd ??= 'auto';
    o.seed ??= 0;
    collectChoice(o, 'bias', [true, false], p);
    collectChoice(o, 'separable', [true, false], p);
    collectChoice(o, 'factorization', [null, 'tucker', 'cp', 'tt'], p);
    const rk = o.rank;
    if (!(
      rk === 'same' ||
      (typeof rk === 'number' && Number.isFinite(rk) && rk > 0) ||
      (Array.isArray(rk) && rk.every((v) => Number.isInteger(v) && v >= 1))
    )) {
      p.push({ argument: 'rank', expected: "a number > 0, 'same' or an array of integer ranks", got: show(rk) });
    }
    collectChoice(o, 'fftNorm', ['forward', 'backward', 'ortho'], p);
    if (o.initStd !== 'auto') collectNumber(o, 'initStd', { min: 0 }, p);
    collectNumber(o, 'seed', { integer: true, min: 0 }, p);
    let rsf: number[] | null = null;
    const r = o.resolutionScalingFactor;
    if (r !== undefined && r !== null) {
      const list = typeof r === 'number' ? Array<number>(order).fill(r) : r;
      if (!Array.isArray(list) || list.length !== order || !list.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
        p.push({ argument: 'resolutionScalingFactor', expected: `a number > 0 or ${order} of them`, got: show(r) });
      } else rsf = list;
    }
    const maxN = o.maxNModes;
    if (maxN !== undefined && maxN !== null && (!intList(maxN) || maxN.length !== order)) {
      p.push({ argument: 'maxNModes', expected: `${order} integers >= 1 (one per spatial dim)`, got: show(maxN) });
    }
    throwProblems(p, { where });
    this.inChannels = o.inChannels as number;
    this.outChannels = o.outChannels as number;
    if (o.separable && this.inChannels !== this.outChannels) {
      throw new ConfigError('separable needs inChannels = outChannels', {
        where,
        argument: 'separable',
        expected: `outChannels = inChannels = ${this.inChannels}`,
        got: `outChannels = ${this.outChannels}`,
      });
    }
    this.order = order;
    this.separable = o.separable as boolean;
    this.factorization = o.factorization as SpectralConv['factorization'];
    this.rank = o.rank as FactorizationRank;
    this.fftNorm = o.fftNorm as FFTNorm;
    this.resolutionScalingFactor = rsf;
    this.initStd = o.initStd === 'auto' ? Math.sqrt(2 / (this.inChannels + this.outChannels)) : (o.initStd as number);
    const kept = SpectralConv.keptSizes(nModes as number[]);
    this.maxNModes = maxN ? [...(maxN as number[])] : kept;
    this.nModes = nModes as number[];
    const rng = createRng(o.seed as number);
    const shape = this.separable ? [this.inChannels, ...this.maxNModes] : [this.inChannels, this.outChannels, ...this.maxNModes];
    if (this.factorization) {
      this.weightModule = this.registerModule(
        'weight',
        new FactorizedSpectralWeight({ shape, factorization: this.factorization, rank: this.rank, std: this.initStd, seed: o.seed as number }),
      );
    } else {
      const w = this.registerComplexParameter(
        'weight',
        init.normal(shape, { rng, std: this.initStd / Math.SQRT2 }),
        init.normal(shape, { rng, std: this.initStd / Math.SQRT2 }),
      );
      this.weightReal = w.real;
      this.weightImag = w.imag;
    }
    this.bias = o.bias ? this.registerParameter('bias', init.normal([this.outChannels, ...Array<number>(order).fill(1)], { rng, std: this.initStd })) : null;
  }

  /** Kept sizes of `nModes`: as given, but `nModes[-1] // 2 + 1` on the last dim. */
  static keptSizes(nModes: number[]): number[] {
    return nModes.map((m, i) => (i === nModes.length - 1 ? Math.floor(m / 2) + 1 : m));
  }

  /** Modes per spatial dim as given (neuralop's `n_modes` before the last-dim halving). */
  get nModes(): number[] {
    return [...this._nModes];
  }

  /** Lowers (or restores) the modes used, up to the weight's `maxNModes` (incremental training). */
  set nModes(value: number[]) {
    const where = this.where('nModes');
    if (!intList(value) || value.length !== this.order) {
      throw new ConfigError('invalid value', { where, argument: 'nModes', expected: `${this.order} integers >= 1`, got: show(value) });
    }
    const kept = SpectralConv.keptSizes(value);
    kept.forEach((k, i) => {
      if (k > this.maxNModes[i]) {
        throw new ConfigError('more modes than the weight holds', {
          where,
          argument: `nModes[${i}]`,
          expected: `at most ${i === this.order - 1 ? 2 * this.maxNModes[i] - 1 : this.maxNModes[i]} (maxNModes ${formatShape(this.maxNModes)})`,
          got: String(value[i]),
        });
      }
    });
    this._nModes = [...value];
  }

  /** Kept block sizes per spatial dim (last: nModes//2 + 1). */
  get keptModes(): number[] {
    return SpectralConv.keptSizes(this._nModes);
  }

  /** The complex weight in use `[in, out, ...kept]` (the centred part of a larger `maxNModes` weight). */
  spectralWeight(): ComplexTensor {
    const full: ComplexTensor = this.weightModule ? this.weightModule.toDense() : { real: this.weightReal!.value, imag: this.weightImag!.value };
    const kept = this.keptModes;
    if (kept.every((k, i) => k === this.maxNModes[i])) return full;
    const lead = this.separable ? 1 : 2;
    // neuralop: slice(start//2, -start//2) on all but the last dim, [:kept] on the last
    const begin = [...Array<number>(lead).fill(0), ...kept.map((k, i) => (i < this.order - 1 ? Math.floor((this.maxNModes[i] - k) / 2) : 0))];
    const size = [...Array<number>(lead).fill(-1), ...kept];
    return tf.tidy(() => {
      const real = tf.slice(full.real, begin, size);
      const imag = tf.slice(full.imag, begin, size);
      if (this.weightModule) tf.dispose([full.real, full.imag]);
      return { real, imag } as unknown as tf.TensorContainerObject;
    }) as unknown as ComplexTensor;
  }

  /** The spatial output size for an input of spatial size `spatial`. */
  outputShapeFor(spatial: number[], outputShape?: number[]): number[] {
    if (outputShape !== undefined) return outputShape;
    if (this.resolutionScalingFactor) return spatial.map((s, i) => roundHalfEven(s * this.resolutionScalingFactor![i]));
    return spatial;
  }

  /** x `[batch, inChannels, ...spatial]` -> `[batch, outChannels, ...outputShape]`. */
  forward(x: tf.Tensor, options?: SpectralConvForwardOptions): tf.Tensor {
    const where = this.where('forward');
    const d = this.order;
    checkTensor(x, { where, dtype: 'float32', rank: d + 2 });
    if (x.shape[1] !== this.inChannels) {
      throw new ShapeError('wrong number of channels', {
        where,
        argument: 'x',
        expected: `[batch, ${this.inChannels}, ...spatial] (channels first)`,
        got: `shape ${formatShape(x.shape)}`,
      });
    }
    const spatial = x.shape.slice(2);
    const kept = this.keptModes;
    kept.forEach((k, i) => {
      const n = spatial[i];
      const ok = i < d - 1 ? k <= n : k <= Math.floor(n / 2) + 1;
      if (!ok) {
        const largest = i < d - 1 ? n : 2 * Math.floor(n / 2) + 1;
        throw new ShapeError('too many Fourier modes for the grid', {
          where,
          argument: `nModes[${i}]`,
          expected: `at most ${largest} for size ${n} of spatial dim ${i} (x ${formatShape(x.shape)})`,
          got: String(this._nModes[i]),
        });
      }
    });
    const o = checkOptions(options, { where, known: ['outputShape', 'addBias'] });
    if (o.outputShape !== undefined && (!intList(o.outputShape) || o.outputShape.length !== d)) {
      throw new ConfigError('invalid value', {
        where,
        argument: 'outputShape',
        expected: `${d} integers >= 1 (the spatial output size)`,
        got: show(o.outputShape),
      });
    }
    const outShape = this.outputShapeFor(spatial, o.outputShape);
    return tf.tidy(() => {
      const w = this.spectralWeight();
      const y = spectralConvFast(x, w, { outputShape: outShape, fftNorm: this.fftNorm, separable: this.separable });
      return this.bias && o.addBias !== false ? tf.add(y, this.bias.value) : y;
    });
  }
}

/** Slice `[begin, begin + len)` of `t` on `axis`. */
function sliceAxis(t: tf.Tensor, axis: number, begin: number, len: number): tf.Tensor {
  return tf.slice(
    t,
    t.shape.map((_, i) => (i === axis ? begin : 0)),
    t.shape.map((s, i) => (i === axis ? len : s)),
  );
}

/**
 * The spectral convolution without bias, fast path (see the file header): x `[b, in, ...spatial]`,
 * w `[in, out, ...kept]` (or `[in, ...kept]` separable) -> `[b, out, ...outputShape]`. Assumes checked arguments.
 */
export function spectralConvFast(x: tf.Tensor, w: ComplexTensor, options: { outputShape: number[]; fftNorm: FFTNorm; separable: boolean }): tf.Tensor {
  return tf.tidy(() => {
    const d = x.rank - 2;
    const spatial = x.shape.slice(2);
    const { outputShape, fftNorm: norm, separable } = options;
    const kept = w.real.shape.slice(separable ? 1 : 2);
    // forward: the first kept bins of the last axis, then the centred block of each other axis
    let X = truncatedRfft(x, { modes: kept[d - 1] as number, norm });
    for (let i = 0; i < d - 1; i++) {
      const axis = i + 2;
      const n = spatial[i];
      const m = kept[i];
      const F = fft(X, { axis, norm });
      const neg = Math.floor(m / 2);
      // frequencies -neg..-1 sit at n-neg..n-1, 0..m-neg-1 at the start
      const cut = (t: tf.Tensor) => (neg > 0 ? tf.concat([sliceAxis(t, axis, n - neg, neg), sliceAxis(t, axis, 0, m - neg)], axis) : sliceAxis(t, axis, 0, m));
      X = { real: cut(F.real), imag: cut(F.imag) };
    }
    let Y = spectralMix(X, w, { separable });
    // inverse: each other axis placed in the output spectrum and inverted, then the last
    for (let i = 0; i < d - 1; i++) {
      const axis = i + 2;
      const m = kept[i];
      const size = outputShape[i];
      const ov = centredOverlap(m, size);
      const lo = ov.blockStart - Math.floor(m / 2); // first kept frequency
      const nNeg = Math.max(0, Math.min(ov.length, -lo));
      const nPos = ov.length - nNeg;
      const place = (t: tf.Tensor): tf.Tensor => {
        const parts: tf.Tensor[] = [];
        if (nPos > 0) parts.push(sliceAxis(t, axis, ov.blockStart + nNeg, nPos));
        const gap = size - nPos - nNeg;
        if (gap > 0) parts.push(tf.zeros(t.shape.map((s, j) => (j === axis ? gap : s))));
        if (nNeg > 0) parts.push(sliceAxis(t, axis, ov.blockStart, nNeg));
        return parts.length === 1 ? parts[0] : tf.concat(parts, axis);
      };
      Y = ifft({ real: place(Y.real), imag: place(Y.imag) }, { axis, norm });
    }
    const n = outputShape[d - 1];
    const bins = Math.min(kept[d - 1], Math.floor(n / 2) + 1);
    if (bins < kept[d - 1]) Y = { real: sliceAxis(Y.real, d + 1, 0, bins), imag: sliceAxis(Y.imag, d + 1, 0, bins) };
    return truncatedIrfft(Y, { n, norm });
  });
}
