// S-shaped squashing functions and their log/integral relatives: sigmoid, tanh, their hard
// versions, softplus, softsign, log-sigmoid, tempered sigmoid.
import { tf } from '@basiskit/tensor';
import type { Tensor } from '@basiskit/tensor';
import { elementwise, openInterval, sigmoidSlope, softplusStable } from './elementwise';
import { resolveOptions, type OptionSpec } from './options';

// sigmoid(x) = 1/(1 + e^{-x}); derivative σ(x)·σ(-x) (no 1 - σ cancellation). Written here
// rather than left to tfjs, whose gradient reads the saved output and so cannot be
// differentiated again (tanh likewise).
/** Logistic sigmoid `1/(1 + e^{−x})`; derivative `σ(x)σ(−x)`, differentiable twice. */
export function sigmoid(x: Tensor): Tensor {
  return elementwise(
    'sigmoid',
    x,
    {},
    (x) => tf.sigmoid(x),
    (x) => ({ x: sigmoidSlope(x) }),
  );
}

// tanh(x); derivative 1 - tanh²(x) = sech²(x) = 4·σ(2x)·σ(-2x), accurate in the tails.
/** Hyperbolic tangent; derivative `sech²(x) = 4σ(2x)σ(−2x)`, differentiable twice. */
export function tanh(x: Tensor): Tensor {
  return elementwise(
    'tanh',
    x,
    {},
    (x) => tf.tanh(x),
    (x) => ({ x: tf.mul(4, sigmoidSlope(tf.mul(2, x))) }),
  );
}

// hardsigmoid(x) = relu6(x + 3)/6  (Howard et al., "Searching for MobileNetV3", ICCV 2019; the
// PyTorch definition). Derivative 1/6 on (-3, 3), 0 elsewhere (0 on the kinks, as PyTorch).
/**
 * Hard sigmoid: `relu6(x + 3)/6` (PyTorch's `hardsigmoid`); derivative 1/6 strictly inside
 * (−3, 3), 0 elsewhere.
 * Source: Howard et al., "Searching for MobileNetV3", ICCV 2019.
 */
export function hardSigmoid(x: Tensor): Tensor {
  return elementwise(
    'hardSigmoid',
    x,
    {},
    (x) => tf.div(tf.clipByValue(tf.add(x, 3), 0, 6), 6),
    (x) => ({ x: tf.div(openInterval(x, -3, 3), 6) }),
  );
}

/** Options of {@link softplus} (PyTorch's `nn.Softplus`). */
export interface SoftplusOptions {
  /** Sharpness (non-zero). Default 1. */
  beta?: number;
  /** Above `beta·x > threshold` the function is taken as linear. Default 20. */
  threshold?: number;
}

/** @internal */
export const SOFTPLUS_OPTIONS: OptionSpec<SoftplusOptions> = {
  beta: { default: 1, check: 'nonzero' },
  threshold: { default: 20, check: 'finite' },
};

// softplus(x) = log(1 + e^{beta·x})/beta, and x where beta·x > threshold (PyTorch's
// definition; Dugas et al., "Incorporating second-order functional knowledge for better option
// pricing", NeurIPS 2000). Derivative σ(beta·x), 1 in the linear region.
/**
 * Softplus: `log(1 + e^{beta·x})/beta`, linear where `beta·x > threshold` (PyTorch's
 * definition), computed without overflow as `max(z, 0) + log1p(e^{−|z|})`; derivative
 * `σ(beta·x)`.
 * Source: Dugas et al., NeurIPS 2000; PyTorch `nn.Softplus`.
 */
export function softplus(x: Tensor, options?: SoftplusOptions): Tensor {
  const { beta, threshold } = resolveOptions(SOFTPLUS_OPTIONS, options, 'softplus');
  return elementwise(
    'softplus',
    x,
    {},
    (x) => {
      const z = tf.mul(beta, x);
      return tf.where(tf.greater(z, threshold), x, tf.div(softplusStable(z), beta));
    },
    (x) => {
      const z = tf.mul(beta, x);
      return { x: tf.where(tf.greater(z, threshold), tf.onesLike(x), tf.sigmoid(z)) };
    },
  );
}

// softsign(x) = x/(1 + |x|)  (Turian, Bergstra & Bengio, "Quadratic features and deep
// architectures for chunking", NAACL 2009). Derivative 1/(1 + |x|)², 1 at 0.
/**
 * Softsign: `x/(1 + |x|)`; derivative `1/(1 + |x|)²`.
 * Source: Turian, Bergstra & Bengio, NAACL 2009.
 */
export function softsign(x: Tensor): Tensor {
  return elementwise(
    'softsign',
    x,
    {},
    (x) => tf.div(x, tf.add(1, tf.abs(x))),
    (x) => ({ x: tf.reciprocal(tf.square(tf.add(1, tf.abs(x)))) }),
  );
}

// log_sigmoid(x) = log σ(x) = -softplus(-x); derivative σ(-x).
/**
 * Log-sigmoid: `log σ(x) = −softplus(−x)`, without overflow for any x; derivative `σ(−x)`.
 */
export function logSigmoid(x: Tensor): Tensor {
  return elementwise(
    'logSigmoid',
    x,
    {},
    (x) => tf.neg(softplusStable(tf.neg(x))),
    (x) => ({ x: tf.sigmoid(tf.neg(x)) }),
  );
}

/** Options of {@link temperedSigmoid}. */
export interface TemperedSigmoidOptions {
  /** Scale. Default 2. */
  s?: number;
  /** Inverse temperature. Default 2. */
  T?: number;
  /** Offset. Default 1. */
  o?: number;
}

/** @internal */
export const TEMPERED_SIGMOID_OPTIONS: OptionSpec<TemperedSigmoidOptions> = {
  s: { default: 2, check: 'finite' },
  T: { default: 2, check: 'finite' },
  o: { default: 1, check: 'finite' },
};

// tempered_sigmoid(x) = s·σ(T·x) - o  (Papernot et al., "Tempered sigmoid activations for deep
// learning with differential privacy", AAAI 2021). The defaults s = 2, T = 2, o = 1 give
// tanh. Derivative s·T·σ'(T·x).
/**
 * Tempered sigmoid: `s·σ(T·x) − o` (defaults give tanh); derivative `s·T·σ(Tx)σ(−Tx)`.
 * Source: Papernot et al., "Tempered sigmoid activations for deep learning with differential
 * privacy", AAAI 2021.
 */
export function temperedSigmoid(x: Tensor, options?: TemperedSigmoidOptions): Tensor {
  const { s, T, o } = resolveOptions(TEMPERED_SIGMOID_OPTIONS, options, 'temperedSigmoid');
  return elementwise(
    'temperedSigmoid',
    x,
    {},
    (x) => tf.sub(tf.mul(s, tf.sigmoid(tf.mul(T, x))), o),
    (x) => ({ x: tf.mul(s * T, sigmoidSlope(tf.mul(T, x))) }),
  );
}
