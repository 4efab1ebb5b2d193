// FastKAN's layer (Z. Li, "Kolmogorov-Arnold Networks are Radial Basis Function Networks", 2024;
// github.com/ZiyaoLi/fast-kan, fastkan/fastkan.py `FastKANLayer`):
//
//   y = spline_linear(vec(rbf(layernorm(x)))) + base_linear(silu(x))
//   rbf(u)_{i,k} = exp(-((u_i - g_k) / h)^2),  g = linspace(gridMin, gridMax, K),  h = (gridMax - gridMin)/(K - 1)
//
// vec flattens [in, K] with the basis index fastest (column i*K + k of `spline_linear.weight`).
// LayerNorm over the features (eps 1e-5, affine). State-dict names are FastKAN's:
// `layernorm.weight`, `layernorm.bias`, `rbf.grid` (a non-trainable parameter there and here),
// `spline_linear.weight` [out, in*K], `base_linear.weight` [out, in], `base_linear.bias` [out].
// Init as FastKAN: spline weight trunc_normal(0, splineWeightInitScale) cut at ±2 (absolute, as
// torch's trunc_normal_), base_linear as torch's nn.Linear (U(±1/sqrt(in)) for weight and bias),
// LayerNorm weight 1, bias 0. The RBF basis runs on the fused kernel of @basiskit/kernels.
import { getActivation, type ActivationFn } from '@basiskit/activations';
import { linear, rbfBasis } from '@basiskit/kernels';
import { ConfigError, Module, createRng, init, tf, type Parameter, type Rng } from '@basiskit/tensor';
import { checkLastDim } from './checks';

/** Options of {@link FastKANLayer} (FastKAN's constructor arguments, camelCase, same defaults). */
export interface FastKANLayerOptions {
  inputDim: number;
  outputDim: number;
  /** First RBF centre. Default -2. */
  gridMin?: number;
  /** Last RBF centre. Default 2. */
  gridMax?: number;
  /** Number of RBF centres K. Default 8. */
  numGrids?: number;
  /** Add the base branch `base_linear(baseActivation(x))`. Default true. */
  useBaseUpdate?: boolean;
  /** Normalize x by LayerNorm before the RBFs (needs inputDim > 1). Default true. */
  useLayerNorm?: boolean;
  /** Activation of the base branch, a name from @basiskit/activations or a function. Default 'silu'. */
  baseActivation?: string | ActivationFn;
  /** Standard deviation of the spline weight's truncated-normal init. Default 0.1. */
  splineWeightInitScale?: number;
  /** Seed of the initialization (ignored when `rng` is given). Default 0. */
  seed?: number;
  /** Generator of the initialization. */
  rng?: Rng;
}

/** torch.nn.LayerNorm over the last dim (eps 1e-5, affine): `weight` [D], `bias` [D]. */
class LayerNorm extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(
    dim: number,
    readonly eps = 1e-5,
  ) {
    super();
    this.weight = this.registerParameter('weight', tf.ones([dim]));
    this.bias = this.registerParameter('bias', tf.zeros([dim]));
  }

  /** x [N, D] -> (x - mean) / sqrt(var + eps) * weight + bias (biased variance). */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const centred = tf.sub(x, tf.mean(x, -1, true));
      const variance = tf.mean(tf.square(centred), -1, true);
      return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, this.eps))), this.weight.value), this.bias.value);
    });
  }
}

/** FastKAN's RadialBasisFunction: the centres `grid` [K] (non-trainable parameter) and width h. */
class RadialBasisFunction extends Module {
  readonly grid: Parameter;

  constructor(
    gridMin: number,
    gridMax: number,
    numGrids: number,
    readonly denominator: number,
  ) {
    super();
    this.grid = this.registerParameter('grid', tf.linspace(gridMin, gridMax, numGrids), { trainable: false });
  }

  /** u [N, in] -> [N, in, K]. */
  forward(u: tf.Tensor): tf.Tensor {
    return rbfBasis(u, { grid: this.grid.value, numGrids: this.grid.size, denominator: this.denominator });
  }
}

/** A bias-free linear map's weight [out, in] (FastKAN's SplineLinear). */
class SplineLinear extends Module {
  readonly weight: Parameter;

  constructor(weight: tf.Tensor) {
    super();
    this.weight = this.registerParameter('weight', weight);
  }

  /** x [N, in] -> x W^T. */
  forward(x: tf.Tensor): tf.Tensor {
    return linear(x, this.weight.value);
  }
}

/** torch.nn.Linear: `weight` [out, in], `bias` [out], initialized U(±1/sqrt(in)). */
class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(inDim: number, outDim: number, rng: Rng) {
    super();
    const bound = 1 / Math.sqrt(inDim);
    this.weight = this.registerParameter('weight', init.uniform([outDim, inDim], { rng, low: -bound, high: bound }));
    this.bias = this.registerParameter('bias', init.uniform([outDim], { rng, low: -bound, high: bound }));
  }

  /** x [N, in] -> x W^T + b. */
  forward(x: tf.Tensor): tf.Tensor {
    return linear(x, this.weight.value, this.bias.value);
  }
}

function checkNumber(v: unknown, where: string, argument: string, test: (n: number) => boolean, expected: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !test(v)) throw new ConfigError('invalid value', { where, argument, expected, got: String(v) });
  return v;
}

const isCount = (n: number) => Number.isInteger(n) && n >= 1;

/** FastKAN's layer (see the file header): x [..., inputDim] -> [..., outputDim]. */
export class FastKANLayer extends Module {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly gridMin: number;
  readonly gridMax: number;
  readonly numGrids: number;
  readonly useBaseUpdate: boolean;
  readonly useLayerNorm: boolean;
  readonly splineWeightInitScale: number;
  /** The RBF width h = (gridMax - gridMin) / (numGrids - 1) (FastKAN's `denominator`). */
  readonly denominator: number;
  /** The base branch's activation name ('custom' for a function). */
  readonly baseActivationName: string;
  readonly baseActivation: ActivationFn;
  // Sub-modules, named as FastKAN's (null when switched off); their tensors are in stateDict().
  private readonly layernorm: LayerNorm | null;
  private readonly rbf: RadialBasisFunction;
  private readonly spline_linear: SplineLinear;
  private readonly base_linear: Linear | null;

  constructor(options: FastKANLayerOptions) {
    super();
    const where = 'FastKANLayer';
    if (!options || typeof options !== 'object') {
      throw new ConfigError('options are required', { where, argument: 'options', expected: '{ inputDim, outputDim, ... }', got: String(options) });
    }
    this.inputDim = checkNumber(options.inputDim, where, 'inputDim', isCount, 'an integer >= 1');
    this.outputDim = checkNumber(options.outputDim, where, 'outputDim', isCount, 'an integer >= 1');
    this.gridMin = checkNumber(options.gridMin ?? -2, where, 'gridMin', () => true, 'a finite number');
    this.gridMax = checkNumber(options.gridMax ?? 2, where, 'gridMax', (n) => n > this.gridMin, `a finite number > gridMin (${this.gridMin})`);
    this.numGrids = checkNumber(options.numGrids ?? 8, where, 'numGrids', (n) => Number.isInteger(n) && n >= 2, 'an integer >= 2');
    this.splineWeightInitScale = checkNumber(options.splineWeightInitScale ?? 0.1, where, 'splineWeightInitScale', (n) => n >= 0, 'a number >= 0');
    this.useBaseUpdate = options.useBaseUpdate ?? true;
    this.useLayerNorm = options.useLayerNorm ?? true;
    if (this.useLayerNorm && this.inputDim === 1) {
      throw new ConfigError('LayerNorm over one feature is constant (x - mean(x) = 0): the RBFs would not see x', {
        where,
        argument: 'useLayerNorm',
        expected: 'false when inputDim is 1 (as FastKAN asserts)',
        got: 'true',
      });
    }
    const act = options.baseActivation ?? 'silu';
    this.baseActivation = typeof act === 'function' ? act : getActivation(act);
    this.baseActivationName = typeof act === 'function' ? 'custom' : act;

    const rng = options.rng ?? createRng(options.seed ?? 0);
    const { inputDim: nIn, outputDim: nOut, numGrids: K } = this;
    const denominator = (this.gridMax - this.gridMin) / (K - 1);
    this.denominator = denominator;
    this.layernorm = this.useLayerNorm ? this.registerModule('layernorm', new LayerNorm(nIn)) : null;
    this.rbf = this.registerModule('rbf', new RadialBasisFunction(this.gridMin, this.gridMax, K, denominator));
    const w = init.truncatedNormal([nOut, nIn * K], { rng, mean: 0, std: this.splineWeightInitScale, a: -2, b: 2 });
    this.spline_linear = this.registerModule('spline_linear', new SplineLinear(w));
    this.base_linear = this.useBaseUpdate ? this.registerModule('base_linear', new Linear(nIn, nOut, rng)) : null;
  }

  /** x [..., inputDim] (float32) -> [..., outputDim]. */
  forward(x: tf.Tensor): tf.Tensor {
    const where = this.where('forward');
    checkLastDim(x, this.inputDim, where, 'inputDim');
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const x2 = tf.reshape(x, [-1, this.inputDim]);
      const u = this.layernorm ? this.layernorm.forward(x2) : x2;
      const basis = tf.reshape(this.rbf.forward(u), [-1, this.inputDim * this.numGrids]);
      let y = this.spline_linear.forward(basis);
      if (this.base_linear) y = tf.add(y, this.base_linear.forward(this.baseActivation(x2)));
      return tf.reshape(y, [...lead, this.outputDim]);
    });
  }
}
