// Rectifiers and their smooth or clamped relatives. Derivatives at the kinks follow PyTorch:
// relu'(0) = 0, leaky/PReLU'(0) = alpha, ELU/SELU'(0) = the negative branch's, clamps
// (hardtanh, relu6) 0 on both edges.
import { tf, ConfigError, checkTensor } from '@basiskit/tensor';
import type { Tensor } from '@basiskit/tensor';
import { elementwise, openInterval, positive } from './elementwise';
import { resolveOptions, type OptionSpec, type Param } from './options';

// relu(x) = max(x, 0)  (Nair & Hinton, "Rectified linear units improve restricted Boltzmann
// machines", ICML 2010). relu'(0) = 0.
/**
 * ReLU: `max(x, 0)`, with derivative 0 at 0 (as PyTorch).
 * Source: Nair & Hinton, ICML 2010.
 */
export function relu(x: Tensor): Tensor {
  checkTensor(x, { where: 'relu', dtype: 'float32' });
  return tf.relu(x);
}

/** Options of {@link leakyRelu} and {@link prelu}. */
export interface LeakyReluOptions {
  /**
   * Slope for x <= 0: a number, or a tensor broadcasting channels-last (shape [C] for
   * x [..., C], [1] shared) whose gradient is computed too. Default 0.01 ({@link leakyRelu}),
   * 0.25 ({@link prelu}).
   */
  alpha?: Param;
}

/** @internal */
export const LEAKY_RELU_OPTIONS: OptionSpec<LeakyReluOptions> = { alpha: { default: 0.01, check: 'finite', tensor: true } };
/** @internal */
export const PRELU_OPTIONS: OptionSpec<LeakyReluOptions> = { alpha: { default: 0.25, check: 'finite', tensor: true } };

// y = x for x > 0, alpha·x otherwise; dy/dx = 1 or alpha (alpha at 0), dy/dalpha = 0 or x.
function rectifyWithSlope(where: string, x: Tensor, alpha: Param): Tensor {
  return elementwise(
    where,
    x,
    { alpha },
    (x, p) => tf.where(tf.greater(x, 0), x, tf.mul(p.alpha, x)),
    (x, p) => {
      const pos = positive(x);
      return {
        x: tf.add(pos, tf.mul(p.alpha, tf.sub(1, pos))),
        alpha: () => tf.mul(x, tf.sub(1, pos)),
      };
    },
  );
}

// leaky_relu(x) = x (x > 0), alpha·x (x <= 0)  (Maas, Hannun & Ng, "Rectifier nonlinearities
// improve neural network acoustic models", ICML 2013).
/**
 * Leaky ReLU: `x` for x > 0, `alpha·x` otherwise (derivative alpha at 0, as PyTorch).
 * `alpha` may be a tensor (channels-last), and then receives a gradient.
 * Source: Maas, Hannun & Ng, ICML 2013.
 */
export function leakyRelu(x: Tensor, options?: LeakyReluOptions): Tensor {
  const { alpha } = resolveOptions(LEAKY_RELU_OPTIONS, options, 'leakyRelu');
  return rectifyWithSlope('leakyRelu', x, alpha);
}

// prelu(x) = x (x > 0), alpha·x (x <= 0) with a learned alpha  (He et al., "Delving deep into
// rectifiers", ICCV 2015). PyTorch: dprelu/dweight = x where x <= 0, else 0.
/**
 * PReLU: leaky ReLU whose slope is a parameter, default 0.25 (PyTorch's `init`). Pass the
 * learned slope as a tensor of shape [C] (channels-last) or [1]. Note PyTorch's `nn.PReLU`
 * broadcasts over dim 1 (NCHW); here the channels are the last axis.
 * Source: He et al., "Delving deep into rectifiers", ICCV 2015.
 */
export function prelu(x: Tensor, options?: LeakyReluOptions): Tensor {
  const { alpha } = resolveOptions(PRELU_OPTIONS, options, 'prelu');
  return rectifyWithSlope('prelu', x, alpha);
}

/** Options of {@link hardTanh}. */
export interface HardTanhOptions {
  /** Lower end of the linear region. Default -1. */
  min?: number;
  /** Upper end of the linear region (> min). Default 1. */
  max?: number;
}

/** @internal */
export const HARD_TANH_OPTIONS: OptionSpec<HardTanhOptions> = {
  min: { default: -1, check: 'finite' },
  max: { default: 1, check: 'finite' },
};

// clamp(x, lo, hi) with derivative 1 strictly inside (lo, hi), 0 elsewhere (PyTorch's
// hardtanh_backward, so 0 on both kinks).
function clampLinear(where: string, x: Tensor, lo: number, hi: number): Tensor {
  return elementwise(
    where,
    x,
    {},
    (x) => tf.clipByValue(x, lo, hi),
    (x) => ({ x: openInterval(x, lo, hi) }),
  );
}

// hardtanh(x) = min(max(x, min), max)  (Collobert, "Large scale machine learning", PhD thesis,
// 2004; PyTorch nn.Hardtanh).
/**
 * HardTanh: `x` clamped to [min, max], derivative 1 strictly inside and 0 on the edges (as
 * PyTorch). Source: Collobert 2004; PyTorch `nn.Hardtanh`.
 */
export function hardTanh(x: Tensor, options?: HardTanhOptions): Tensor {
  const { min, max } = resolveHardTanh(options, 'hardTanh');
  return clampLinear('hardTanh', x, min, max);
}

/** @internal */
export function resolveHardTanh(options: HardTanhOptions | undefined, where: string): { min: number; max: number } {
  const o = resolveOptions(HARD_TANH_OPTIONS, options, where);
  if (!(o.max > o.min)) {
    throw new ConfigError('max must exceed min', { where, argument: 'max', expected: `> min (${o.min})`, got: String(o.max) });
  }
  return o;
}

// relu6(x) = min(max(x, 0), 6)  (Krizhevsky, "Convolutional deep belief networks on CIFAR-10",
// 2010; MobileNets). Derivative 0 at 0 and at 6, as PyTorch (hardtanh(x, 0, 6)).
/**
 * ReLU6: `min(max(x, 0), 6)`, derivative 0 at both kinks (PyTorch).
 * Source: Krizhevsky 2010; Howard et al., MobileNets 2017.
 */
export function relu6(x: Tensor): Tensor {
  return clampLinear('relu6', x, 0, 6);
}

/** Options of {@link elu} and {@link celu}. */
export interface EluOptions {
  /** Scale of the negative branch. Default 1 (CELU: must be > 0). */
  alpha?: number;
}

/** @internal */
export const ELU_OPTIONS: OptionSpec<EluOptions> = { alpha: { default: 1, check: 'finite' } };
/** @internal */
export const CELU_OPTIONS: OptionSpec<EluOptions> = { alpha: { default: 1, check: 'positive' } };

// scale·(x (x > 0), alpha·(e^x - 1) (x <= 0)); derivative scale·(1, alpha·e^x), the negative
// branch's at 0 (PyTorch). e^{min(x,0)} keeps the unused branch finite.
function expLinear(where: string, x: Tensor, alpha: number, scale: number): Tensor {
  return elementwise(
    where,
    x,
    {},
    (x) => tf.mul(scale, tf.where(tf.greater(x, 0), x, tf.mul(alpha, tf.expm1(tf.minimum(x, 0))))),
    (x) => ({ x: tf.mul(scale, tf.where(tf.greater(x, 0), tf.onesLike(x), tf.mul(alpha, tf.exp(tf.minimum(x, 0))))) }),
  );
}

// elu(x) = x (x > 0), alpha·(e^x - 1) (x <= 0)  (Clevert, Unterthiner & Hochreiter, "Fast and
// accurate deep network learning by exponential linear units", ICLR 2016).
/**
 * ELU: `x` for x > 0, `alpha·(e^x − 1)` otherwise; derivative at 0 is alpha (PyTorch).
 * Source: Clevert et al., ICLR 2016.
 */
export function elu(x: Tensor, options?: EluOptions): Tensor {
  const { alpha } = resolveOptions(ELU_OPTIONS, options, 'elu');
  return expLinear('elu', x, alpha, 1);
}

/** SELU's alpha (Klambauer et al. 2017; PyTorch's constant, as a double). */
export const SELU_ALPHA = 1.6732632423543772;
/** SELU's scale (Klambauer et al. 2017; PyTorch's constant, as a double). */
export const SELU_SCALE = 1.0507009873554805;

// selu(x) = scale·elu(x; alpha), alpha ≈ 1.6733, scale ≈ 1.0507  (Klambauer et al.,
// "Self-normalizing neural networks", NeurIPS 2017). selu'(0) = scale·alpha.
/**
 * SELU: `scale·(x (x > 0), alpha·(e^x − 1) (x <= 0))` with {@link SELU_ALPHA} and
 * {@link SELU_SCALE}; derivative at 0 is scale·alpha (PyTorch).
 * Source: Klambauer et al., "Self-normalizing neural networks", NeurIPS 2017.
 */
export function selu(x: Tensor): Tensor {
  return expLinear('selu', x, SELU_ALPHA, SELU_SCALE);
}

// celu(x) = max(0, x) + min(0, alpha·(e^{x/alpha} - 1))  (Barron, "Continuously differentiable
// exponential linear units", 2017). Derivative 1 for x > 0, e^{x/alpha} otherwise.
/**
 * CELU: `max(0, x) + min(0, alpha·(e^{x/alpha} − 1))`, alpha > 0; C¹ at 0 (derivative 1).
 * Source: Barron, "Continuously differentiable exponential linear units", arXiv:1704.07483, 2017.
 */
export function celu(x: Tensor, options?: EluOptions): Tensor {
  const { alpha } = resolveOptions(CELU_OPTIONS, options, 'celu');
  return elementwise(
    'celu',
    x,
    {},
    (x) => tf.where(tf.greater(x, 0), x, tf.mul(alpha, tf.expm1(tf.div(tf.minimum(x, 0), alpha)))),
    (x) => ({ x: tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(tf.div(tf.minimum(x, 0), alpha))) }),
  );
}

// squared_relu(x) = max(x, 0)²  (So et al., "Primer: searching for efficient transformers for
// language modeling", NeurIPS 2021). Derivative 2·max(x, 0).
/**
 * Squared ReLU: `max(x, 0)²`, derivative `2·max(x, 0)`.
 * Source: So et al., "Primer", NeurIPS 2021.
 */
export function squaredRelu(x: Tensor): Tensor {
  return elementwise(
    'squaredRelu',
    x,
    {},
    (x) => tf.square(tf.relu(x)),
    (x) => ({ x: tf.mul(2, tf.relu(x)) }),
  );
}

/** Options of {@link smelu}. */
export interface SmeluOptions {
  /** Half-width of the quadratic region (> 0). Default 2. */
  beta?: number;
}

/** @internal */
export const SMELU_OPTIONS: OptionSpec<SmeluOptions> = { beta: { default: 2, check: 'positive' } };

// smelu(x) = 0 (x <= -beta), (x + beta)²/(4·beta) (|x| < beta), x (x >= beta)  (Shamir, Lin &
// Coviello, "Smooth activations and reproducibility in deep networks", 2020). C¹: derivative
// 0, (x + beta)/(2·beta), 1, continuous at ±beta.
/**
 * SmeLU (smooth ReLU): 0 for x <= −beta, `(x + beta)² / (4·beta)` for |x| < beta, `x` for
 * x >= beta. Continuously differentiable (derivative `(x + beta)/(2·beta)` in the middle).
 * Source: Shamir, Lin & Coviello, "Smooth activations and reproducibility in deep networks",
 * arXiv:2010.09931, 2020.
 */
export function smelu(x: Tensor, options?: SmeluOptions): Tensor {
  const { beta } = resolveOptions(SMELU_OPTIONS, options, 'smelu');
  return elementwise(
    'smelu',
    x,
    {},
    (x) => {
      const quad = tf.div(tf.square(tf.add(x, beta)), 4 * beta);
      return tf.where(tf.greaterEqual(x, beta), x, tf.where(tf.lessEqual(x, -beta), tf.zerosLike(x), quad));
    },
    // (x + beta)/(2·beta) clamped to [0, 1] is exactly 0, the middle slope, and 1 on the three pieces.
    (x) => ({ x: tf.clipByValue(tf.div(tf.add(x, beta), 2 * beta), 0, 1) }),
  );
}

/** Options of {@link crrelu}. */
export interface CrreluOptions {
  /** Weight of the correction term; a number or a tensor (channels-last, gets a gradient). Default 0.01. */
  eps?: Param;
}

/** @internal */
export const CRRELU_OPTIONS: OptionSpec<CrreluOptions> = { eps: { default: 0.01, check: 'finite', tensor: true } };

// Past |x| = 20 the bump e^{-x²/2} (and x·e^{-x²/2}, (1 - x²)·e^{-x²/2}) is exactly 0 in
// float32 (it already is past |x| ≈ 14.5); the bump terms use x clamped to ±20 so that x²
// never overflows into ∞·0 = NaN (x = 1e20 gave a NaN derivative).
const CRRELU_CLAMP = 20;

// crrelu(x) = relu(x) + eps·x·e^{-x²/2}  (Correction Regularized ReLU; Sun et al.,
// "Entropy-based activation function optimization: a method on searching better activation
// functions", 2024). Derivative [x > 0] + eps·(1 - x²)·e^{-x²/2}; d/deps = x·e^{-x²/2}; the
// bump terms at x clamped to ±20 (see above).
/**
 * CRReLU (correction regularized ReLU): `relu(x) + eps·x·e^{−x²/2}`. `eps` may be a tensor
 * (the reference implementation learns it). Finite value and derivatives for every finite x.
 * Source: Sun et al., "Entropy-based activation function optimization: a method on searching
 * better activation functions", arXiv:2405.12954, 2024.
 */
export function crrelu(x: Tensor, options?: CrreluOptions): Tensor {
  const { eps } = resolveOptions(CRRELU_OPTIONS, options, 'crrelu');
  const clamp = (x: Tensor) => tf.clipByValue(x, -CRRELU_CLAMP, CRRELU_CLAMP);
  const bump = (xc: Tensor) => tf.exp(tf.mul(-0.5, tf.square(xc)));
  return elementwise(
    'crrelu',
    x,
    { eps },
    (x, p) => {
      const xc = clamp(x);
      return tf.add(tf.relu(x), tf.mul(p.eps, tf.mul(xc, bump(xc))));
    },
    (x, p) => {
      const xc = clamp(x);
      const b = bump(xc);
      return {
        x: tf.add(positive(x), tf.mul(p.eps, tf.mul(tf.sub(1, tf.square(xc)), b))),
        eps: () => tf.mul(xc, b),
      };
    },
  );
}
