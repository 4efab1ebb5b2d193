// The original FNO's spectral convolutions (Li et al. 2021, github.com/li-Zongyi/fourier_neural_operator,
// fourier_1d.py / fourier_2d.py SpectralConv1d / SpectralConv2d), FFTs with norm 'backward':
//
//   1-D:  X = rfft(x);  Y[:, :, :m] = einsum('bix,iox->box', X[:, :, :m], W);  y = irfft(Y, n = N)
//   2-D:  X = rfft2(x); Y[:, :, :m1, :m2] = X[:, :, :m1, :m2] W1;  Y[:, :, -m1:, :m2] = X[:, :, -m1:, :m2] W2;
//         y = irfft2(Y, s = (H, W))
//
// The low modes sit in the corners of the unshifted spectrum (no fftshift, unlike neuralop).
// Weights: scale * rand (uniform [0, 1) real and imaginary parts), scale = 1 / (in * out).
// Fast path: @basiskit/kernels' truncated real DFTs on the last axis, an FFT of the kept columns on the other,
// the contraction by spectralMix (both corners in one call).
import { fft, ifft, spectralMix, truncatedIrfft, truncatedRfft } from '@basiskit/kernels';
import {
  Module,
  ShapeError,
  checkOptions,
  checkTensor,
  collectNumber,
  createRng,
  formatShape,
  init,
  tf,
  throwProblems,
  type Parameter,
  type Problem,
} from '@basiskit/tensor';

/** Options of {@link SpectralConv1dCorner} (the original SpectralConv1d's arguments, camelCase). */
export interface SpectralConv1dCornerOptions {
  inChannels: number;
  outChannels: number;
  /** Fourier modes kept (the first `modes` bins of the rfft), at most N/2 + 1. */
  modes: number;
  /** Seed of the initialization; default 0. */
  seed?: number;
}

/** Options of {@link SpectralConv2dCorner} (the original SpectralConv2d's arguments, camelCase). */
export interface SpectralConv2dCornerOptions {
  inChannels: number;
  outChannels: number;
  /** Modes kept on the first spatial dim, in each corner (at most H/2). */
  modes1: number;
  /** Modes kept on the last spatial dim (the first rfft bins, at most W/2 + 1). */
  modes2: number;
  /** Seed of the initialization; default 0. */
  seed?: number;
}

function checkCommon(o: Record<string, unknown>, extra: string[], where: string): void {
  const p: Problem[] = [];
  collectNumber(o, 'inChannels', { integer: true, min: 1 }, p);
  collectNumber(o, 'outChannels', { integer: true, min: 1 }, p);
  for (const k of extra) collectNumber(o, k, { integer: true, min: 1 }, p);
  o.seed ??= 0;
  collectNumber(o, 'seed', { integer: true, min: 0 }, p);
  throwProblems(p, { where });
}

function checkInput(x: tf.Tensor, rank: number, channels: number, where: string): void {
  checkTensor(x, { where, dtype: 'float32', rank });
  if (x.shape[1] !== channels) {
    throw new ShapeError('wrong number of channels', {
      where,
      argument: 'x',
      expected: `[batch, ${channels}, ...spatial] (channels first)`,
      got: `shape ${formatShape(x.shape)}`,
    });
  }
}

function tooMany(where: string, argument: string, largest: number, size: number, x: tf.Tensor, got: number): ShapeError {
  return new ShapeError('too many Fourier modes for the grid', {
    where,
    argument,
    expected: `at most ${largest} for size ${size} (x ${formatShape(x.shape)})`,
    got: String(got),
  });
}

/** `scale * rand` for both parts (torch.rand with dtype cfloat). */
function randComplex(shape: number[], scale: number, rng: ReturnType<typeof createRng>): [tf.Tensor, tf.Tensor] {
  return [init.uniform(shape, { rng, low: 0, high: scale }), init.uniform(shape, { rng, low: 0, high: scale })];
}

/**
 * The original FNO's 1-D spectral convolution (see the file header): x `[batch, in, N]` ->
 * `[batch, out, N]`. Parameters `weight.real`, `weight.imag` `[in, out, modes]`.
 *
 * @example
 * const conv = new SpectralConv1dCorner({ inChannels: 2, outChannels: 3, modes: 16 });
 * const y = conv.forward(tf.randomNormal([4, 2, 64])); // [4, 3, 64]
 */
export class SpectralConv1dCorner extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly modes: number;
  readonly weightReal: Parameter;
  readonly weightImag: Parameter;

  constructor(options: SpectralConv1dCornerOptions) {
    super();
    const where = 'SpectralConv1dCorner';
    const o = checkOptions(options, { where, known: ['inChannels', 'outChannels', 'modes', 'seed'] }) as Record<string, unknown>;
    checkCommon(o, ['modes'], where);
    this.inChannels = o.inChannels as number;
    this.outChannels = o.outChannels as number;
    this.modes = o.modes as number;
    const rng = createRng(o.seed as number);
    const [re, im] = randComplex([this.inChannels, this.outChannels, this.modes], 1 / (this.inChannels * this.outChannels), rng);
    const w = this.registerComplexParameter('weight', re, im);
    this.weightReal = w.real;
    this.weightImag = w.imag;
  }

  /** x `[batch, inChannels, N]` -> `[batch, outChannels, N]`. */
  forward(x: tf.Tensor): tf.Tensor {
    const where = this.where('forward');
    checkInput(x, 3, this.inChannels, where);
    const n = x.shape[2] as number;
    if (this.modes > Math.floor(n / 2) + 1) throw tooMany(where, 'modes', Math.floor(n / 2) + 1, n, x, this.modes);
    return tf.tidy(() => {
      const X = truncatedRfft(x, { modes: this.modes, norm: 'backward' });
      const Y = spectralMix(X, { real: this.weightReal.value, imag: this.weightImag.value });
      return truncatedIrfft(Y, { n, norm: 'backward' });
    });
  }
}

/**
 * The original FNO's 2-D spectral convolution (see the file header): x `[batch, in, H, W]` ->
 * `[batch, out, H, W]`, the low modes in the two corners `[:modes1, :modes2]` (`weights1`) and
 * `[-modes1:, :modes2]` (`weights2`). Parameters `weights1.real/imag`, `weights2.real/imag`
 * `[in, out, modes1, modes2]`.
 *
 * @example
 * const conv = new SpectralConv2dCorner({ inChannels: 2, outChannels: 3, modes1: 12, modes2: 12 });
 * const y = conv.forward(tf.randomNormal([4, 2, 64, 64])); // [4, 3, 64, 64]
 */
export class SpectralConv2dCorner extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly modes1: number;
  readonly modes2: number;
  readonly weights1: { real: Parameter; imag: Parameter };
  readonly weights2: { real: Parameter; imag: Parameter };

  constructor(options: SpectralConv2dCornerOptions) {
    super();
    const where = 'SpectralConv2dCorner';
    const o = checkOptions(options, { where, known: ['inChannels', 'outChannels', 'modes1', 'modes2', 'seed'] }) as Record<string, unknown>;
    checkCommon(o, ['modes1', 'modes2'], where);
    this.inChannels = o.inChannels as number;
    this.outChannels = o.outChannels as number;
    this.modes1 = o.modes1 as number;
    this.modes2 = o.modes2 as number;
    const rng = createRng(o.seed as number);
    const shape = [this.inChannels, this.outChannels, this.modes1, this.modes2];
    const scale = 1 / (this.inChannels * this.outChannels);
    this.weights1 = this.registerComplexParameter('weights1', ...randComplex(shape, scale, rng));
    this.weights2 = this.registerComplexParameter('weights2', ...randComplex(shape, scale, rng));
  }

  /** x `[batch, inChannels, H, W]` -> `[batch, outChannels, H, W]`. */
  forward(x: tf.Tensor): tf.Tensor {
    const where = this.where('forward');
    checkInput(x, 4, this.inChannels, where);
    const [, , h, w] = x.shape as [number, number, number, number];
    const m1 = this.modes1;
    const m2 = this.modes2;
    // the corners must not overlap (the original code would let the second overwrite the first)
    if (m1 > Math.floor(h / 2)) throw tooMany(where, 'modes1', Math.floor(h / 2), h, x, m1);
    if (m2 > Math.floor(w / 2) + 1) throw tooMany(where, 'modes2', Math.floor(w / 2) + 1, w, x, m2);
    return tf.tidy(() => {
      const X0 = truncatedRfft(x, { modes: m2, norm: 'backward' });
      const F = fft(X0, { axis: 2, norm: 'backward' });
      const corners = (t: tf.Tensor) => tf.concat([tf.slice(t, [0, 0, 0, 0], [-1, -1, m1, -1]), tf.slice(t, [0, 0, h - m1, 0], [-1, -1, m1, -1])], 2);
      const W: { real: tf.Tensor; imag: tf.Tensor } = {
        real: tf.concat([this.weights1.real.value, this.weights2.real.value], 2),
        imag: tf.concat([this.weights1.imag.value, this.weights2.imag.value], 2),
      };
      const Y = spectralMix({ real: corners(F.real), imag: corners(F.imag) }, W);
      const place = (t: tf.Tensor) => {
        const [top, bottom] = tf.split(t, 2, 2);
        const gap = h - 2 * m1;
        return gap > 0 ? tf.concat([top, tf.zeros([t.shape[0] as number, t.shape[1] as number, gap, m2]), bottom], 2) : tf.concat([top, bottom], 2);
      };
      const Z = ifft({ real: place(Y.real), imag: place(Y.imag) }, { axis: 2, norm: 'backward' });
      return truncatedIrfft(Z, { n: w, norm: 'backward' });
    });
  }
}
