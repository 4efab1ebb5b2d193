// Learnable activations: Snake, APA/AGLU, PReLU, xGELU/xSiLU, Swish with a learned beta, and
// XNet's Cauchy activation. Parameters are per channel (channels last) or one shared value;
// their state-dict names are the reference implementations' own, so PyTorch checkpoints load
// by name (transpose channels-first activations to channels-last first).
import { tf, ConfigError, Module, checkDim, checkTensor, type Parameter, type Tensor } from '@basiskit/tensor';
import { aglu, apa } from '../functions/adaptive';
import { normalCdf } from '../functions/elementwise';
import { swish, xgelu, xsilu } from '../functions/gated';
import { resolveOptions, type OptionSpec } from '../functions/options';
import { snake } from '../functions/periodic';
import { cauchy } from '../functions/rational_like';
import { prelu } from '../functions/relu_family';
import { LearnableActivation } from './activation_module';

/** Options every learnable activation shares. */
export interface LearnableOptions {
  /** Number of channels (x's last dim): one parameter value per channel. Left out: one shared value. */
  channels?: number;
  /** Whether the parameters are trained (they are in the state dict either way). Default true. */
  trainable?: boolean;
}

const SHARED_SPEC = {
  channels: { optionalInteger: true, min: 1 },
  trainable: { default: true, boolean: true },
} as const;

// ---------------------------------------------------------------------------------------------

/** Options of {@link Snake}. */
export interface SnakeModuleOptions extends LearnableOptions {
  /** Initial frequency a (non-zero; > 0 with `logScale`). Default 1. */
  a?: number;
  /** Store log(a) in the parameter and use a = exp(alpha) (BigVGAN's `alpha_logscale`). Default false. */
  logScale?: boolean;
}

const SNAKE_SPEC: OptionSpec<SnakeModuleOptions> = {
  ...SHARED_SPEC,
  a: { default: 1, check: 'nonzero' },
  logScale: { default: false, boolean: true },
};

/**
 * Snake with a learned frequency per channel: `x + sin²(a·x)/a` (see {@link snake}).
 * Parameter `alpha` (shape [channels] or [1]), the name of the reference implementations
 * (EdwardDixon/snake, BigVGAN); with `logScale` it holds log(a).
 * Source: Liu Ziyin, Hartwig & Ueda, NeurIPS 2020.
 */
export class Snake extends LearnableActivation {
  /** The frequency a (or log a with `logScale`). */
  readonly alpha: Parameter;
  /** Whether `alpha` holds log(a). */
  readonly logScale: boolean;

  constructor(options: SnakeModuleOptions = {}) {
    const o = resolveOptions<SnakeModuleOptions, 'channels'>(SNAKE_SPEC, options, new.target.name);
    if (o.logScale && !(o.a > 0)) {
      throw new ConfigError('invalid value', { where: new.target.name, argument: 'a', expected: 'a number > 0 (with logScale)', got: String(o.a) });
    }
    super(o.channels);
    this.logScale = o.logScale;
    this.alpha = this.channelParameter('alpha', o.logScale ? Math.log(o.a) : o.a, o.trainable);
  }

  /** `x + sin²(a·x)/a` element-wise, a broadcast over the last axis. */
  forward(x: Tensor): Tensor {
    this.checkForwardInput(x);
    return tf.tidy(() => {
      const alpha = this.broadcastable(this.alpha);
      return snake(x, { a: this.logScale ? tf.exp(alpha) : alpha });
    });
  }
}

// ---------------------------------------------------------------------------------------------

/** Options of {@link APA} and {@link AGLU}. */
export interface ApaModuleOptions extends LearnableOptions {
  /** Initial λ (clamped to >= 1e-4 in forward). Default 1. */
  lambda?: number;
  /** Initial κ. Default 1. */
  kappa?: number;
}

const APA_SPEC: OptionSpec<ApaModuleOptions> = {
  ...SHARED_SPEC,
  lambda: { default: 1, check: 'finite' },
  kappa: { default: 1, check: 'finite' },
};

/** Shared body of APA and AGLU: parameters `lambda_param` and `kappa_param` (the official implementation's names). */
abstract class AdaptiveParametric extends LearnableActivation {
  /** λ, clamped to >= 1e-4 when used. */
  readonly lambda_param: Parameter;
  /** κ. */
  readonly kappa_param: Parameter;

  protected constructor(options: ApaModuleOptions) {
    const o = resolveOptions<ApaModuleOptions, 'channels'>(APA_SPEC, options, new.target.name);
    super(o.channels);
    this.lambda_param = this.channelParameter('lambda_param', o.lambda, o.trainable);
    this.kappa_param = this.channelParameter('kappa_param', o.kappa, o.trainable);
  }

  protected params(): { lambda: Tensor; kappa: Tensor } {
    return { lambda: this.broadcastable(this.lambda_param), kappa: this.broadcastable(this.kappa_param) };
  }
}

/**
 * APA with learned λ and κ: `(λ·e^{−κx} + 1)^{−1/λ}` (see {@link apa}). Parameters
 * `lambda_param`, `kappa_param` (the official implementation's names; it initializes both
 * uniformly in [0, 1), here they start at the given values, default 1 = sigmoid).
 * Source: Alexandridis et al., "Adaptive parametric activation", ECCV 2024.
 */
export class APA extends AdaptiveParametric {
  constructor(options: ApaModuleOptions = {}) {
    super(options);
  }

  /** `(λ·e^{−κx} + 1)^{−1/λ}` element-wise. */
  forward(x: Tensor): Tensor {
    this.checkForwardInput(x);
    return tf.tidy(() => apa(x, this.params()));
  }
}

/**
 * AGLU with learned λ and κ: `x·APA(x)` (see {@link aglu}); defaults λ = κ = 1 give SiLU.
 * Parameters `lambda_param`, `kappa_param`.
 * Source: Alexandridis et al., "Adaptive parametric activation", ECCV 2024.
 */
export class AGLU extends AdaptiveParametric {
  constructor(options: ApaModuleOptions = {}) {
    super(options);
  }

  /** `x·(λ·e^{−κx} + 1)^{−1/λ}` element-wise. */
  forward(x: Tensor): Tensor {
    this.checkForwardInput(x);
    return tf.tidy(() => aglu(x, this.params()));
  }
}

// ---------------------------------------------------------------------------------------------

/** Options of {@link PReLU} (PyTorch's `nn.PReLU(num_parameters, init)`). */
export interface PReLUOptions {
  /** 1 (one shared slope) or the number of channels (x's last dim). Default 1. */
  numParameters?: number;
  /** Initial slope. Default 0.25. */
  init?: number;
  /** Whether the slope is trained. Default true. */
  trainable?: boolean;
}

const PRELU_SPEC: OptionSpec<PReLUOptions> = {
  numParameters: { optionalInteger: true, min: 1 },
  init: { default: 0.25, check: 'finite' },
  trainable: { default: true, boolean: true },
};

/**
 * PReLU: `x` for x > 0, `weight·x` otherwise, with a learned slope `weight` of shape
 * [numParameters] (PyTorch's name and layout). With numParameters > 1 it must equal x's last
 * dim (channels last; PyTorch uses dim 1).
 * Source: He et al., "Delving deep into rectifiers", ICCV 2015.
 */
export class PReLU extends LearnableActivation {
  /** The slopes, shape [numParameters]. */
  readonly weight: Parameter;

  constructor(options: PReLUOptions = {}) {
    const o = resolveOptions<PReLUOptions, 'numParameters'>(PRELU_SPEC, options, new.target.name);
    const n = o.numParameters ?? 1;
    super(n === 1 ? undefined : n);
    this.weight = this.channelParameter('weight', o.init, o.trainable);
  }

  /** `max(x, 0) + weight·min(x, 0)` element-wise. */
  forward(x: Tensor): Tensor {
    this.checkForwardInput(x);
    return tf.tidy(() => prelu(x, { alpha: this.broadcastable(this.weight) }));
  }
}

// ---------------------------------------------------------------------------------------------

/** Options of {@link ExpandedGate}, {@link XGELU} and {@link XSiLU}. */
export interface ExpandedGateModuleOptions extends LearnableOptions {
  /** Initial alpha. Default 0 (the reference's initialization: the plain GELU/SiLU gate). */
  alpha?: number;
}

const XGATE_SPEC: OptionSpec<ExpandedGateModuleOptions> = {
  ...SHARED_SPEC,
  alpha: { default: 0, check: 'finite' },
};

/** Which gate an {@link ExpandedGate} expands: Φ (GELU's) or σ (SiLU's). */
export type GateKind = 'gelu' | 'silu';

/**
 * The expanded gate `(1 + 2·alpha)·g(x) − alpha` with a learned `alpha` (g = Φ or σ): the
 * sub-module `gate` of {@link XGELU}/{@link XSiLU}, as in the reference implementation (so
 * the state-dict key is `gate.alpha`). Its own `forward` returns the gate value, usable as the
 * gate of a GLU (xGEGLU, xSwiGLU).
 * Source: Huang, "Expanded gating ranges improve activation functions", arXiv:2405.20768, 2024.
 */
export class ExpandedGate extends LearnableActivation {
  /** The expansion, shape [channels] or [1]. */
  readonly alpha: Parameter;
  /** The gate expanded. */
  readonly kind: GateKind;

  constructor(kind: GateKind, options: ExpandedGateModuleOptions = {}) {
    const o = resolveOptions<ExpandedGateModuleOptions, 'channels'>(XGATE_SPEC, options, new.target.name);
    if (kind !== 'gelu' && kind !== 'silu') {
      throw new ConfigError('invalid value', { where: new.target.name, argument: 'kind', expected: "'gelu' or 'silu'", got: JSON.stringify(kind) });
    }
    super(o.channels);
    this.kind = kind;
    this.alpha = this.channelParameter('alpha', o.alpha, o.trainable);
  }

  /** alpha as the activation functions take it (a scalar when shared). */
  alphaValue(): Tensor {
    return this.broadcastable(this.alpha);
  }

  /** The gate `(1 + 2·alpha)·g(x) − alpha` element-wise. */
  forward(x: Tensor): Tensor {
    this.checkForwardInput(x);
    return tf.tidy(() => {
      const alpha = this.alphaValue();
      const g = this.kind === 'gelu' ? normalCdf(x) : tf.sigmoid(x);
      return tf.sub(tf.mul(tf.add(1, tf.mul(2, alpha)), g), alpha);
    });
  }
}

/** Shared body of XGELU and XSiLU: the `gate` sub-module holding `alpha`. */
abstract class ExpandedGateActivation extends Module {
  /** The gate, holding the parameter `alpha` (state-dict key `gate.alpha`). */
  readonly gate: ExpandedGate;

  protected constructor(kind: GateKind, options: ExpandedGateModuleOptions) {
    super();
    // Checked here first so errors name XGELU/XSiLU rather than the gate.
    resolveOptions<ExpandedGateModuleOptions, 'channels'>(XGATE_SPEC, options, this.where());
    this.gate = this.registerModule('gate', new ExpandedGate(kind, options));
  }

  /** Number of channels, or undefined when alpha is shared. */
  get channels(): number | undefined {
    return this.gate.channels;
  }

  /** Checks x (float32, last dim = channels when per-channel) in `forward`'s name. */
  protected checkForwardInput(x: Tensor): void {
    const where = this.where('forward');
    checkTensor(x, { where, dtype: 'float32' });
    if (this.channels !== undefined) checkDim(x, -1, this.channels, where);
  }
}

/**
 * xGELU with a learned alpha: `x·((1 + 2·alpha)·Φ(x) − alpha)` (see {@link xgelu}). The
 * parameter lives in the sub-module `gate` (state-dict key `gate.alpha`), as in the reference
 * implementation (`param_size` there is `channels` here).
 * Source: Huang, "Expanded gating ranges improve activation functions", arXiv:2405.20768, 2024.
 */
export class XGELU extends ExpandedGateActivation {
  constructor(options: ExpandedGateModuleOptions = {}) {
    super('gelu', options);
  }

  /** `x·((1 + 2·alpha)·Φ(x) − alpha)` element-wise. */
  forward(x: Tensor): Tensor {
    this.checkForwardInput(x);
    return tf.tidy(() => xgelu(x, { alpha: this.gate.alphaValue() }));
  }
}

/**
 * xSiLU with a learned alpha: `x·((1 + 2·alpha)·σ(x) − alpha)` (see {@link xsilu}); parameter
 * `gate.alpha` as in the reference implementation.
 * Source: Huang, "Expanded gating ranges improve activation functions", arXiv:2405.20768, 2024.
 */
export class XSiLU extends ExpandedGateActivation {
  constructor(options: ExpandedGateModuleOptions = {}) {
    super('silu', options);
  }

  /** `x·((1 + 2·alpha)·σ(x) − alpha)` element-wise. */
  forward(x: Tensor): Tensor {
    this.checkForwardInput(x);
    return tf.tidy(() => xsilu(x, { alpha: this.gate.alphaValue() }));
  }
}

// ---------------------------------------------------------------------------------------------

/** Options of {@link LearnableSwish}. */
export interface LearnableSwishOptions extends LearnableOptions {
  /** Initial beta. Default 1 (SiLU). */
  beta?: number;
}

const SWISH_SPEC: OptionSpec<LearnableSwishOptions> = {
  ...SHARED_SPEC,
  beta: { default: 1, check: 'finite' },
};

/**
 * Swish with a learned beta: `x·σ(beta·x)` (see {@link swish}); parameter `beta`.
 * Source: Ramachandran, Zoph & Le, "Searching for activation functions", 2017.
 */
export class LearnableSwish extends LearnableActivation {
  /** The gate's slope, shape [channels] or [1]. */
  readonly beta: Parameter;

  constructor(options: LearnableSwishOptions = {}) {
    const o = resolveOptions<LearnableSwishOptions, 'channels'>(SWISH_SPEC, options, new.target.name);
    super(o.channels);
    this.beta = this.channelParameter('beta', o.beta, o.trainable);
  }

  /** `x·σ(beta·x)` element-wise. */
  forward(x: Tensor): Tensor {
    this.checkForwardInput(x);
    return tf.tidy(() => swish(x, { beta: this.broadcastable(this.beta) }));
  }
}

// ---------------------------------------------------------------------------------------------

/** Options of {@link CauchyActivation}. */
export interface CauchyActivationOptions extends LearnableOptions {
  /** Initial λ1. Default 1. */
  lambda1?: number;
  /** Initial λ2. Default 1. */
  lambda2?: number;
  /** Initial d (non-zero). Default 1. */
  d?: number;
}

const CAUCHY_SPEC: OptionSpec<CauchyActivationOptions> = {
  ...SHARED_SPEC,
  lambda1: { default: 1, check: 'finite' },
  lambda2: { default: 1, check: 'finite' },
  d: { default: 1, check: 'nonzero' },
};

/**
 * XNet's Cauchy activation with learned `lambda1`, `lambda2`, `d`:
 * `(lambda1·x + lambda2)/(x² + d²)` (see {@link cauchy}); parameter names as in the reference
 * implementations (initialized to 1 there too).
 * Source: Li, Xia & Zhang, "Cauchy activation function and XNet", arXiv:2409.19221, 2024.
 */
export class CauchyActivation extends LearnableActivation {
  /** Weight of x/(x² + d²). */
  readonly lambda1: Parameter;
  /** Weight of 1/(x² + d²). */
  readonly lambda2: Parameter;
  /** Width. */
  readonly d: Parameter;

  constructor(options: CauchyActivationOptions = {}) {
    const o = resolveOptions<CauchyActivationOptions, 'channels'>(CAUCHY_SPEC, options, new.target.name);
    super(o.channels);
    this.lambda1 = this.channelParameter('lambda1', o.lambda1, o.trainable);
    this.lambda2 = this.channelParameter('lambda2', o.lambda2, o.trainable);
    this.d = this.channelParameter('d', o.d, o.trainable);
  }

  /** `(lambda1·x + lambda2)/(x² + d²)` element-wise. */
  forward(x: Tensor): Tensor {
    this.checkForwardInput(x);
    return tf.tidy(() => cauchy(x, { lambda1: this.broadcastable(this.lambda1), lambda2: this.broadcastable(this.lambda2), d: this.broadcastable(this.d) }));
  }
}
