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
// LayerNorm weight 1, bias 0. LayerNorm, SplineLinear (a bias-free Linear) and base_linear are
// @basiskit/tensor's LayerNorm and Linear; the RBF basis runs on the fused kernel of
// @basiskit/kernels.
import { getActivation, type ActivationFn } from '@basiskit/activations';
import { rbfBasis } from '@basiskit/kernels';
import {
  ConfigError,
  LayerNorm,
  Linear,
  Module,
  checkNumber,
  checkOptions,
  checkTensor,
  createRng,
  init,
  show,
  tf,
  type Parameter,
  type Rng,
} from '@basiskit/tensor';

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

const KNOWN = [
  'inputDim',
  'outputDim',
  'gridMin',
  'gridMax',
  'numGrids',
  'useBaseUpdate',
  'useLayerNorm',
  'baseActivation',
  'splineWeightInitScale',
  'seed',
  'rng',
];

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
  private readonly spline_linear: Linear;
  private readonly base_linear: Linear | null;

  constructor(options: FastKANLayerOptions) {
    super();
    const where = 'FastKANLayer';
    const o = checkOptions(options, { where, known: KNOWN });
    this.inputDim = checkNumber(o.inputDim, { where, argument: 'inputDim', integer: true, min: 1 });
    this.outputDim = checkNumber(o.outputDim, { where, argument: 'outputDim', integer: true, min: 1 });
    this.gridMin = checkNumber(o.gridMin ?? -2, { where, argument: 'gridMin' });
    this.gridMax = checkNumber(o.gridMax ?? 2, { where, argument: 'gridMax', gt: this.gridMin });
    this.numGrids = checkNumber(o.numGrids ?? 8, { where, argument: 'numGrids', integer: true, min: 2 });
    this.splineWeightInitScale = checkNumber(o.splineWeightInitScale ?? 0.1, { where, argument: 'splineWeightInitScale', min: 0 });
    this.useBaseUpdate = o.useBaseUpdate ?? true;
    this.useLayerNorm = o.useLayerNorm ?? true;
    for (const [k, v] of [
      ['useBaseUpdate', this.useBaseUpdate],
      ['useLayerNorm', this.useLayerNorm],
    ] as const) {
      if (typeof v !== 'boolean') throw new ConfigError('invalid value', { where, argument: k, expected: 'a boolean', got: show(v) });
    }
    if (this.useLayerNorm && this.inputDim === 1) {
      throw new ConfigError('LayerNorm over one feature is constant (x - mean(x) = 0): the RBFs would not see x', {
        where,
        argument: 'useLayerNorm',
        expected: 'false when inputDim is 1 (as FastKAN asserts)',
        got: 'true',
      });
    }
    const act = o.baseActivation ?? 'silu';
    this.baseActivation = typeof act === 'function' ? act : getActivation(act);
    this.baseActivationName = typeof act === 'function' ? 'custom' : act;

    const rng = o.rng ?? createRng(checkNumber(o.seed ?? 0, { where, argument: 'seed', integer: true, min: 0 }));
    const { inputDim: nIn, outputDim: nOut, numGrids: K } = this;
    const denominator = (this.gridMax - this.gridMin) / (K - 1);
    this.denominator = denominator;
    this.layernorm = this.useLayerNorm ? this.registerModule('layernorm', new LayerNorm({ normalizedShape: nIn })) : null;
    this.rbf = this.registerModule('rbf', new RadialBasisFunction(this.gridMin, this.gridMax, K, denominator));
    // FastKAN's SplineLinear: a bias-free nn.Linear whose weight starts trunc_normal (drawn from
    // `rng` first, as FastKAN); the Linear's own uniform draw uses a throwaway generator
    const splineLinear = this.registerModule('spline_linear', new Linear({ inFeatures: nIn * K, outFeatures: nOut, bias: false, seed: 0 }));
    const w = init.truncatedNormal([nOut, nIn * K], { rng, mean: 0, std: this.splineWeightInitScale, a: -2, b: 2 });
    splineLinear.weight.assign(w);
    w.dispose();
    this.spline_linear = splineLinear;
    this.base_linear = this.useBaseUpdate ? this.registerModule('base_linear', new Linear({ inFeatures: nIn, outFeatures: nOut, rng })) : null;
  }

  /** x [..., inputDim] (float32) -> [..., outputDim]. */
  forward(x: tf.Tensor): tf.Tensor {
    checkTensor(x, { where: this.where('forward'), dtype: 'float32', minRank: 1, lastDim: this.inputDim });
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const rows = x.size / this.inputDim;
      const x2 = tf.reshape(x, [rows, this.inputDim]);
      const u = this.layernorm ? this.layernorm.forward(x2) : x2;
      const basis = tf.reshape(this.rbf.forward(u), [rows, this.inputDim * this.numGrids]);
      let y = this.spline_linear.forward(basis);
      if (this.base_linear) y = tf.add(y, this.base_linear.forward(this.baseActivation(x2)));
      return tf.reshape(y, [...lead, this.outputDim]);
    });
  }
}
