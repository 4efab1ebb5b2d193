// Bump-shaped, rational-type activations: Elephant 1/(1 + |x/a|^d) and XNet's Cauchy
// activation (λ1·x + λ2)/(x² + d²). (The learnable P/Q rationals are in the rational modules.)
import { tf } from '@basiskit/tensor';
import type { Tensor } from '@basiskit/tensor';
import { elementwise, signOf } from './elementwise';
import { resolveOptions, type OptionSpec, type Param } from './options';

/** Options of {@link elephant}. */
export interface ElephantOptions {
  /** Width (non-zero). Default 1. */
  a?: number;
  /** Sharpness (> 0). Default 4. */
  d?: number;
}

/** @internal */
export const ELEPHANT_OPTIONS: OptionSpec<ElephantOptions> = {
  a: { default: 1, check: 'nonzero' },
  d: { default: 4, check: 'positive' },
};

// elephant(x) = 1/(1 + |x/a|^d)  (Lan & Mahmood, "Elephant neural networks: born to be a
// continual learner", 2023). With u = |x/a| and t = d·log u, y = σ(-t), and
// dy/dx = -(d/|a|)·sign(x)·u^{d-1}/(1 + u^d)² = -(d/|a|)·sign(x)·σ(t)·σ(-t)/u,
// finite when u^d overflows; at x = 0 the derivative is taken as 0 (sign(0) = 0; exact for d > 1).
/**
 * Elephant: `1/(1 + |x/a|^d)`; derivative `−(d/|a|)·sign(x)·|x/a|^{d−1}/(1 + |x/a|^d)²`, with
 * sign(0) = 0 (the true derivative at 0 for d > 1) and no overflow for large |x|.
 * Source: Lan & Mahmood, "Elephant neural networks: born to be a continual learner",
 * arXiv:2310.01365, 2023.
 */
export function elephant(x: Tensor, options?: ElephantOptions): Tensor {
  const { a, d } = resolveOptions(ELEPHANT_OPTIONS, options, 'elephant');
  return elementwise(
    'elephant',
    x,
    {},
    (x) => tf.reciprocal(tf.add(1, tf.pow(tf.abs(tf.div(x, a)), d))),
    (x) => {
      const u = tf.abs(tf.div(x, a));
      const nonzero = tf.greater(u, 0);
      const safeU = tf.where(nonzero, u, tf.onesLike(u));
      const t = tf.mul(d, tf.log(safeU));
      const slope = tf.div(tf.mul(tf.sigmoid(t), tf.sigmoid(tf.neg(t))), safeU);
      return { x: tf.where(nonzero, tf.mul(-d / Math.abs(a), tf.mul(signOf(x), slope)), tf.zerosLike(x)) };
    },
  );
}

/** Options of {@link cauchy}. Each may be a tensor (channels-last) and then receives a gradient. */
export interface CauchyOptions {
  /** Weight of the odd part x/(x² + d²). Default 1. */
  lambda1?: Param;
  /** Weight of the even part 1/(x² + d²). Default 1. */
  lambda2?: Param;
  /** Width (a number must be non-zero). Default 1. */
  d?: Param;
}

/** @internal */
export const CAUCHY_OPTIONS: OptionSpec<CauchyOptions> = {
  lambda1: { default: 1, check: 'finite', tensor: true },
  lambda2: { default: 1, check: 'finite', tensor: true },
  d: { default: 1, check: 'nonzero', tensor: true },
};

/**
 * The Cauchy activation's pieces with x and d scaled by s = max(|x|, |d|), so that neither x²
 * nor d² is formed (x² overflows past |x| = 1.8e19): x̂ = x/s, d̂ = d/s, q = x̂² + d̂² in [1, 2],
 * n = λ1·x̂ + λ2/s. Then x² + d² = s²·q and y = (n/q)/s. Every expression below is the plain
 * formula with the s's cancelled, so it does not depend on which of |x|, |d| is larger (and
 * differentiating it again is exact).
 */
function cauchyParts(x: Tensor, p: { lambda1: Param; lambda2: Param; d: Param }) {
  const absD = p.d instanceof tf.Tensor ? tf.abs(p.d) : Math.abs(p.d);
  const s = tf.maximum(tf.abs(x), absD);
  const xh = tf.div(x, s);
  const dh = tf.div(p.d, s);
  const q = tf.add(tf.square(xh), tf.square(dh));
  const nq = tf.div(tf.add(tf.mul(p.lambda1, xh), tf.div(p.lambda2, s)), q); // n/q = s·y
  return { s, xh, dh, q, nq };
}

// cauchy(x) = (λ1·x + λ2)/(x² + d²)  (Li, Xia & Zhang, "Cauchy activation function and XNet",
// 2024). With r = 1/(x² + d²): dy/dx = (λ1 − 2x·y)·r, dy/dλ1 = x·r, dy/dλ2 = r,
// dy/dd = −2d·y·r, each evaluated in the scaled pieces of cauchyParts (x = 3e38 gave a NaN
// derivative: 2x·y·r was ∞·0).
/**
 * Cauchy activation (XNet): `λ1·x/(x² + d²) + λ2/(x² + d²)`. `lambda1`, `lambda2` and `d` may
 * be tensors (channels-last) and then receive gradients. A tensor `d` must stay non-zero.
 * Evaluated with x and d scaled by max(|x|, |d|), so value and derivatives are finite for every
 * finite x (x² is never formed).
 * Source: Li, Xia & Zhang, "Cauchy activation function and XNet", arXiv:2409.19221, 2024.
 */
export function cauchy(x: Tensor, options?: CauchyOptions): Tensor {
  const { lambda1, lambda2, d } = resolveOptions(CAUCHY_OPTIONS, options, 'cauchy');
  return elementwise(
    'cauchy',
    x,
    { lambda1, lambda2, d },
    (x, p) => {
      const { s, nq } = cauchyParts(x, p);
      return tf.div(nq, s);
    },
    (x, p) => {
      const { s, xh, dh, q, nq } = cauchyParts(x, p);
      const overS2q = (v: Tensor) => tf.div(tf.div(tf.div(v, q), s), s); // v/(x² + d²) · s⁰
      return {
        x: overS2q(tf.sub(p.lambda1, tf.mul(tf.mul(2, xh), nq))),
        lambda1: () => tf.div(tf.div(xh, q), s),
        lambda2: () => overS2q(tf.onesLike(x)),
        d: () => overS2q(tf.mul(tf.mul(-2, dh), nq)),
      };
    },
  );
}
