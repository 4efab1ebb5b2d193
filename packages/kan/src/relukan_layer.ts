// ReLU-KAN's layer (Qiu et al., "ReLU-KAN: New Kolmogorov-Arnold Networks that Only Need Matrix
// Addition, Dot Multiplication, and ReLU", 2024; github.com/quiqi/relu_kan, torch_relu_kan.py
// `ReLUKANLayer`):
//
//   R_{i,j}(x_i) = [ReLU(phase_height[i,j] - x_i) ReLU(x_i - phase_low[i,j]) r]^2,  r = 4g^2/(k+1)^2
//   y_o = sum_{i,j} W[o, f] R_{i,j}(x_i) + b_o,   f = i*(g+k) + j
//
// with phase_low[i, j] = (j - k)/g and phase_height = phase_low + (k+1)/g initially (inputs laid
// out on [0, 1]). ReLU-KAN computes the sum with `equal_size_conv`, a Conv2d(1, out, (g+k, in))
// applied to the [N, in, g+k] basis *reshaped* (not transposed) to [N, 1, g+k, in]: a kernel
// the size of the whole image, i.e. y = vec(R) W^T + b with W = weight.reshape(out, (g+k)*in)
// over the flat index f = i*(g+k) + j. This layer computes exactly that with one matMul, so
// ReLU-KAN checkpoints load by name: `phase_low`, `phase_height` [in, g+k],
// `equal_size_conv.weight` [out, 1, g+k, in], `equal_size_conv.bias` [out].
//
// Deviations from ReLU-KAN (documented): x is [..., in] and y [..., out] (ReLU-KAN takes
// [B, in, 1] and returns [B, out, 1]); `trainBoundary` (default false, as ReLU-KAN, where the
// phases are parameters with requires_grad=False; several forks call it `train_ab`) makes the
// phases trainable, r staying constant. Init as torch's Conv2d: U(±1/sqrt(fan_in)) for weight and
// bias, fan_in = (g+k)*in. The basis runs on the fused kernel of @basiskit/kernels.
import { reluKanBasis, reluKanPhases } from '@basiskit/kernels';
import { ConfigError, Module, checkNumber, checkOptions, checkTensor, createRng, init, linear, show, tf, type Parameter, type Rng } from '@basiskit/tensor';

/** Options of {@link ReLUKANLayer} (ReLU-KAN's constructor arguments, camelCase). */
export interface ReLUKANLayerOptions {
  inputSize: number;
  /** Grid intervals g on [0, 1]. */
  g: number;
  /** Overlap k: each basis function spans k + 1 intervals; g + k functions per input. */
  k: number;
  outputSize: number;
  /** Learn `phase_low` and `phase_height` (ReLU-KAN: fixed). Default false. */
  trainBoundary?: boolean;
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization. */
  rng?: Rng;
}

/** The weights of ReLU-KAN's `equal_size_conv` (Conv2d(1, out, (g+k, in))). */
class EqualSizeConv extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(outputSize: number, kh: number, kw: number, rng: Rng) {
    super();
    const bound = 1 / Math.sqrt(kh * kw);
    this.weight = this.registerParameter('weight', init.uniform([outputSize, 1, kh, kw], { rng, low: -bound, high: bound }));
    this.bias = this.registerParameter('bias', init.uniform([outputSize], { rng, low: -bound, high: bound }));
  }

  /** The full-size convolution of flat bases [N, kh*kw]: -> [N, out]. */
  forward(flat: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const w = tf.reshape(this.weight.value, [this.weight.shape[0], -1]);
      return linear(flat, w, this.bias.value);
    });
  }
}

/** ReLU-KAN's layer (see the file header): x [..., inputSize] -> [..., outputSize]. */
export class ReLUKANLayer extends Module {
  readonly inputSize: number;
  readonly g: number;
  readonly k: number;
  readonly outputSize: number;
  readonly trainBoundary: boolean;
  /** Start points [in, g+k] (ReLU-KAN's `phase_low`). */
  readonly phase_low: Parameter;
  /** End points [in, g+k] (ReLU-KAN's `phase_height`). */
  readonly phase_height: Parameter;
  private readonly equal_size_conv: EqualSizeConv;

  constructor(options: ReLUKANLayerOptions) {
    super();
    const where = 'ReLUKANLayer';
    const o = checkOptions(options, { where, known: ['inputSize', 'g', 'k', 'outputSize', 'trainBoundary', 'seed', 'rng'] });
    const count = (argument: string, v: unknown, min: number) => checkNumber(v, { where, argument, integer: true, min });
    this.inputSize = count('inputSize', o.inputSize, 1);
    this.g = count('g', o.g, 1);
    this.k = count('k', o.k, 0);
    this.outputSize = count('outputSize', o.outputSize, 1);
    this.trainBoundary = o.trainBoundary ?? false;
    if (typeof this.trainBoundary !== 'boolean')
      throw new ConfigError('invalid value', { where, argument: 'trainBoundary', expected: 'a boolean', got: show(this.trainBoundary) });
    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const { inputSize: nIn, g, k } = this;
    const { phaseLow, phaseHeight } = reluKanPhases(g, k);
    const perInput = (row: number[]) => tf.tensor2d(Array.from({ length: nIn }, () => row).flat(), [nIn, g + k]);
    const trainable = this.trainBoundary;
    this.phase_low = this.registerParameter('phase_low', perInput(phaseLow), { trainable });
    this.phase_height = this.registerParameter('phase_height', perInput(phaseHeight), { trainable });
    this.equal_size_conv = this.registerModule('equal_size_conv', new EqualSizeConv(this.outputSize, g + k, nIn, rng));
  }

  /** x [..., inputSize] (float32; ReLU-KAN's basis is laid out on [0, 1]) -> [..., outputSize]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 1, lastDim: this.inputSize });
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const rows = x.size / this.inputSize;
      const nb = this.g + this.k;
      const basis = reluKanBasis(tf.reshape(x, [rows, this.inputSize]), {
        gridSize: this.g,
        k: this.k,
        phaseLow: this.phase_low.value,
        phaseHeight: this.phase_height.value,
      });
      const y = this.equal_size_conv.forward(tf.reshape(basis, [rows, this.inputSize * nb]));
      return tf.reshape(y, [...lead, this.outputSize]);
    });
  }
}
