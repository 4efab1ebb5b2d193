// A KAN convolution: one KAN layer applied to every receptive field (the "KAN on each patch"
// convolution of Convolutional KANs, Bodner et al. 2024, and of S-ConvKAN):
//
//   y[n, oh, ow, :] = layer( vec_{c, i, j} x[n, oh*s_h - p_h + i*d_h, ow*s_w - p_w + j*d_w, c] )
//
// zero padding outside the input, patch features in PyTorch F.unfold's order c*kh*kw + i*kw + j.
// Unfold: a depthwise conv2d with a constant one-hot filter (channel c, tap (i, j) -> output
// channel c*kh*kw + i*kw + j, which is exactly F.unfold's order), one tfjs op with stride and
// padding, whose gradient is one op as well. Dilation is built into the filter (taps at (i*dh,
// j*dw) of a [dh(kh-1)+1, dw(kw-1)+1, C, kh*kw] filter, zeros between) because tfjs's depthwise
// conv has no gradient for dilations > 1 and takes strides > 1 or dilations > 1, not both.
// Measured (2-core machine under load: relative numbers only), forward+backward of the unfold for
// (N, H, C, k) = (8, 28, 4, 3) / (8, 14, 32, 3) / (4, 16, 64, 3), against a one-hot full conv2d
// ([kh, kw, C, C*kh*kw], (C*kh*kw)^2 MACs per pixel) and kh*kw slices + stack:
//   wasm: depthwise 17 / 30 / 47 ms, full conv 19 / 135 / 360 ms, slices 216 / 299 / 462 ms
//   cpu:  depthwise 53 / 117 / 150 ms, full conv 103 / 770 / 1712 ms, slices 368 / 667 / 1003 ms
// (tf.image.extractPatches does not exist in tfjs-core; a gather's gradient needs
// UnsortedSegmentSum, which wasm lacks and bridges to cpu: two orders of magnitude slower.)
//
// Layout: NHWC (tfjs's convention), x [N, H, W, C] or [H, W, C] -> [N, H', W', outChannels].
// Porting a PyTorch model that does `layer(F.unfold(x, k, dilation, padding, stride).transpose(1, 2))`:
// the layer's weights load unchanged under `layer.` (same feature order); feed
// `tf.transpose(x, [0, 2, 3, 1])` for its NCHW input and transpose the output back with [0, 3, 1, 2].
import {
  ConfigError,
  Module,
  ShapeError,
  checkNumber,
  checkOptions,
  checkTensor,
  createRng,
  formatShape,
  show,
  tf,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type Rng,
} from '@basiskit/tensor';
import { KANLinear } from './kan_linear';

/** Builds the KAN layer a {@link KANConv2d} applies to each patch: [P, inFeatures] -> [P, outFeatures]. */
export type KANLayerFactory = (inFeatures: number, outFeatures: number, rng: Rng) => Module;

/** Options of {@link KANConv2d} (torch.nn.Conv2d's argument names, camelCase, same defaults). */
export interface KANConv2dOptions {
  inChannels: number;
  outChannels: number;
  /** Kernel size, one value or [kh, kw]. */
  kernelSize: number | readonly [number, number];
  /** Stride, one value or [sh, sw]. Default 1. */
  stride?: number | readonly [number, number];
  /** Zero padding on each side, one value or [ph, pw]. Default 0. */
  padding?: number | readonly [number, number];
  /** Spacing of the kernel taps, one value or [dh, dw]. Default 1. */
  dilation?: number | readonly [number, number];
  /**
   * The KAN layer on the patches, built as `layer(inChannels*kh*kw, outChannels, rng)`: any module
   * whose forward maps [P, in] to [P, out] (KANLinear, FastKANLayer, ChebyKANLayer,
   * FourierKANLayer, GRKANLinear, ...). Default: efficient-kan's KANLinear with its defaults.
   */
  layer?: KANLayerFactory;
  /** Seed of the layer's initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator handed to the layer factory. */
  rng?: Rng;
}

const KNOWN = ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', 'dilation', 'layer', 'seed', 'rng'];

function pairOf(v: unknown, min: number, where: string, argument: string): [number, number] {
  const arr = Array.isArray(v) ? v : [v, v];
  if (arr.length !== 2) throw new ConfigError('invalid value', { where, argument, expected: 'an integer or a pair of integers', got: show(v) });
  return [checkNumber(arr[0], { where, argument, integer: true, min }), checkNumber(arr[1], { where, argument, integer: true, min })];
}

/** Output size of one spatial dim (PyTorch's formula; < 1 when the input is too small). */
function outSize(n: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/**
 * KAN convolution (see the file header): a KAN layer on every `kh x kw` patch of an NHWC input.
 *
 * @example
 * const conv = new KANConv2d({ inChannels: 3, outChannels: 8, kernelSize: 3, padding: 1 });
 * const y = conv.forward(images); // [N, 32, 32, 3] -> [N, 32, 32, 8]
 * // any basis: layer: (i, o, rng) => new ChebyKANLayer({ inputDim: i, outputDim: o, degree: 4, rng })
 */
export class KANConv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  /** Features of one patch, inChannels * kh * kw. */
  readonly patchFeatures: number;
  /** The KAN layer applied to each patch (state-dict prefix `layer.`). */
  readonly layer: Module;

  constructor(options: KANConv2dOptions) {
    super();
    const where = 'KANConv2d';
    const o = checkOptions(options, { where, known: KNOWN });
    this.inChannels = checkNumber(o.inChannels, { where, argument: 'inChannels', integer: true, min: 1 });
    this.outChannels = checkNumber(o.outChannels, { where, argument: 'outChannels', integer: true, min: 1 });
    this.kernelSize = pairOf(o.kernelSize, 1, where, 'kernelSize');
    this.stride = pairOf(o.stride ?? 1, 1, where, 'stride');
    this.padding = pairOf(o.padding ?? 0, 0, where, 'padding');
    this.dilation = pairOf(o.dilation ?? 1, 1, where, 'dilation');
    const [kh, kw] = this.kernelSize;
    this.patchFeatures = this.inChannels * kh * kw;
    const factory = o.layer ?? ((i: number, out: number, rng: Rng) => new KANLinear({ inFeatures: i, outFeatures: out, rng }));
    if (typeof factory !== 'function') {
      throw new ConfigError('invalid value', { where, argument: 'layer', expected: 'a function (inFeatures, outFeatures, rng) => Module', got: show(factory) });
    }
    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const layer = factory(this.patchFeatures, this.outChannels, rng);
    checkPatchLayer(layer, this.patchFeatures, this.outChannels, where);
    this.layer = this.registerModule('layer', layer);
    this.registerBuffer('unfold_filter', unfoldFilter(this.kernelSize, this.dilation, this.inChannels), { persistent: false });
  }

  /**
   * The patches of x [N, H, W, C] as [N, H', W', C*kh*kw] (F.unfold's feature order, NHWC).
   * Differentiable in x.
   */
  unfold(x: tf.Tensor): tf.Tensor4D {
    this.assertLive('unfold');
    const where = this.where('unfold');
    this.checkInput(x, where);
    const [N, H, W] = x.rank === 3 ? [1, ...x.shape] : x.shape;
    const [kh, kw] = this.kernelSize;
    const [sh, sw] = this.stride;
    const [ph, pw] = this.padding;
    const [dh, dw] = this.dilation;
    const ho = outSize(H, kh, sh, ph, dh);
    const wo = outSize(W, kw, sw, pw, dw);
    if (ho < 1 || wo < 1) {
      throw new ShapeError('input smaller than the dilated kernel', {
        where,
        argument: 'x',
        expected: `H + 2*${ph} >= ${dh * (kh - 1) + 1} and W + 2*${pw} >= ${dw * (kw - 1) + 1}`,
        got: formatShape(x.shape),
      });
    }
    return tf.tidy(() => {
      const x4 = (x.rank === 3 ? tf.expandDims(x, 0) : x) as tf.Tensor4D;
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [
        [0, 0],
        [ph, ph],
        [pw, pw],
        [0, 0],
      ];
      const filter = this.buffer('unfold_filter') as tf.Tensor4D;
      const p = tf.depthwiseConv2d(x4, filter, [sh, sw], pad, 'NHWC');
      return tf.reshape(p, [N, ho, wo, this.patchFeatures]) as tf.Tensor4D;
    });
  }

  /** x [N, H, W, inChannels] (or [H, W, inChannels]) -> [N, H', W', outChannels] (same rank as x). */
  forward(x: tf.Tensor): tf.Tensor {
    const where = this.where('forward');
    this.checkInput(x, where);
    return tf.tidy(() => {
      const patches = this.unfold(x);
      const [N, ho, wo, F] = patches.shape;
      const y = this.layer.forward(tf.reshape(patches, [N * ho * wo, F]));
      return tf.reshape(y, x.rank === 3 ? [ho, wo, this.outChannels] : [N, ho, wo, this.outChannels]);
    });
  }

  /** Loads a state dict; a KANLinear patch layer gets the symbolic branch its entries describe (see `KANLinear.loadWithSymbolic`). */
  override loadStateDict(dict: Record<string, tf.Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return KANLinear.loadWithSymbolic(this, dict, options, (d, o) => super.loadStateDict(d, o));
  }

  private checkInput(x: unknown, where: string): asserts x is tf.Tensor {
    checkTensor(x, { where, dtype: 'float32' });
    if ((x.rank !== 3 && x.rank !== 4) || x.shape[x.rank - 1] !== this.inChannels) {
      throw new ShapeError('wrong shape', {
        where,
        argument: 'x',
        expected: `[N, H, W, ${this.inChannels}] or [H, W, ${this.inChannels}] (NHWC, inChannels)`,
        got: formatShape(x.shape),
      });
    }
  }
}

/**
 * The one-hot depthwise filter [dh(kh-1)+1, dw(kw-1)+1, C, kh*kw]: input channel c at tap
 * (i*dh, j*dw) -> output channel c*kh*kw + i*kw + j (multiplier index i*kw + j).
 */
function unfoldFilter([kh, kw]: readonly [number, number], [dh, dw]: readonly [number, number], C: number): tf.Tensor4D {
  const kk = kh * kw;
  const fh = dh * (kh - 1) + 1;
  const fw = dw * (kw - 1) + 1;
  const data = new Float32Array(fh * fw * C * kk);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const pos = i * dh * fw + j * dw;
      for (let c = 0; c < C; c++) data[(pos * C + c) * kk + i * kw + j] = 1;
    }
  }
  return tf.tensor4d(data, [fh, fw, C, kk]);
}

/** Runs the layer once on a [1, in] zero batch: it must map [P, in] to [P, out]. Disposes it on failure. */
function checkPatchLayer(layer: unknown, inF: number, outF: number, where: string): asserts layer is Module {
  if (!(layer instanceof Module)) {
    throw new ConfigError('the layer factory must return a Module', { where, argument: 'layer', expected: 'a Module', got: String(layer) });
  }
  let got: number[] | string;
  try {
    got = tf.tidy(() => layer.forward(tf.zeros([1, inF])).shape);
  } catch (e) {
    got = `an error for [1, ${inF}]: ${(e as Error).message}`;
  }
  if (typeof got === 'string' || got.length !== 2 || got[1] !== outF) {
    layer.dispose();
    throw new ConfigError('the layer does not map patches to output channels', {
      where,
      argument: 'layer',
      expected: `[P, ${inF}] -> [P, ${outF}] (inChannels*kh*kw -> outChannels)`,
      got: typeof got === 'string' ? got : `[1, ${inF}] -> ${formatShape(got)}`,
    });
  }
}
