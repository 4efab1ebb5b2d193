// FourierKAN's layer (GistNoesis/FourierKAN, fftKAN.py `NaiveFourierKANLayer`):
//
//   y_o = sum_i sum_{k=1..G} (C[0, o, i, k-1] cos(k x_i) + C[1, o, i, k-1] sin(k x_i)) + bias_o
//
// Parameters `fouriercoeffs` C [2, out, in, G] and `bias` [1, out] (when addBias), named as
// FourierKAN's state dict. Init as FourierKAN: C = randn / (sqrt(in) sqrt(G)), or with
// smoothInitialization randn / (sqrt(in) (k+1)^2) for the k-th harmonic (k = 0..G-1), which
// starts with smooth functions; bias 0. The harmonics run on the fused Fourier basis kernel of
// @basiskit/kernels (cos block then sin block), contracted with C by one matMul.
import { fourierBasis } from '@basiskit/kernels';
import { ConfigError, Module, checkNumber, checkOptions, checkTensor, createRng, init, show, tf, type Parameter, type Rng } from '@basiskit/tensor';

/** Options of {@link FourierKANLayer} (FourierKAN's constructor arguments, camelCase, same defaults). */
export interface FourierKANLayerOptions {
  inputDim: number;
  outputDim: number;
  /** Number of harmonics G per edge (FourierKAN's `gridsize`). */
  gridSize: number;
  /** Learn a bias [1, out]. Default true. */
  addBias?: boolean;
  /** Scale the k-th harmonic's initial coefficients by 1/(k+1)^2 instead of 1/sqrt(G). Default false. */
  smoothInitialization?: boolean;
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization. */
  rng?: Rng;
}

/** FourierKAN's layer (see the file header): x [..., inputDim] -> [..., outputDim]. */
export class FourierKANLayer extends Module {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly gridSize: number;
  readonly addBias: boolean;
  readonly smoothInitialization: boolean;
  /** Coefficients [2, out, in, G]: [0] of the cosines, [1] of the sines. */
  readonly fouriercoeffs: Parameter;
  /** Bias [1, out] (null without addBias). */
  readonly bias: Parameter | null;

  constructor(options: FourierKANLayerOptions) {
    super();
    const where = 'FourierKANLayer';
    const o = checkOptions(options, { where, known: ['inputDim', 'outputDim', 'gridSize', 'addBias', 'smoothInitialization', 'seed', 'rng'] });
    this.inputDim = checkNumber(o.inputDim, { where, argument: 'inputDim', integer: true, min: 1 });
    this.outputDim = checkNumber(o.outputDim, { where, argument: 'outputDim', integer: true, min: 1 });
    this.gridSize = checkNumber(o.gridSize, { where, argument: 'gridSize', integer: true, min: 1 });
    this.addBias = o.addBias ?? true;
    this.smoothInitialization = o.smoothInitialization ?? false;
    for (const [k, v] of [
      ['addBias', this.addBias],
      ['smoothInitialization', this.smoothInitialization],
    ] as const) {
      if (typeof v !== 'boolean') throw new ConfigError('invalid value', { where, argument: k, expected: 'a boolean', got: show(v) });
    }
    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const { inputDim: nIn, outputDim: nOut, gridSize: G } = this;
    const randn = init.normal([2, nOut, nIn, G], { rng });
    const norm = this.smoothInitialization
      ? tf.tidy(() => tf.mul(Math.sqrt(nIn), tf.square(tf.range(1, G + 1, 1, 'float32')))) // sqrt(in) (k+1)^2, k = 0..G-1
      : tf.scalar(Math.sqrt(nIn) * Math.sqrt(G));
    const coeffs = tf.div(randn, norm);
    tf.dispose([randn, norm]);
    this.fouriercoeffs = this.registerParameter('fouriercoeffs', coeffs);
    this.bias = this.addBias ? this.registerParameter('bias', tf.zeros([1, nOut])) : null;
  }

  /** x [..., inputDim] (float32) -> [..., outputDim]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 1, lastDim: this.inputDim });
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      // explicit row counts, no -1: an empty batch [0, in] reshapes to [0, ...] too
      const rows = x.size / this.inputDim;
      const n = 2 * this.gridSize;
      const basis = tf.reshape(fourierBasis(tf.reshape(x, [rows, this.inputDim]), { gridSize: this.gridSize }), [rows, this.inputDim * n]);
      // C [2, out, in, G] -> [in, 2, G, out] -> [in*2G, out], row i*2G + c*G + k (the basis layout)
      const w = tf.reshape(tf.transpose(this.fouriercoeffs.value, [2, 0, 3, 1]), [this.inputDim * n, this.outputDim]);
      let y = tf.matMul(basis, w);
      // the [1, out] bias added as [out]: tfjs's Add gradient cannot reduce a [1, out] operand
      // over an empty batch (it reshapes dy [0, out] to [1, out]), a [out] one it can
      if (this.bias) y = tf.add(y, tf.reshape(this.bias.value, [this.outputDim]));
      return tf.reshape(y, [...lead, this.outputDim]);
    });
  }
}
